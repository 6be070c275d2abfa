"""The scale benchmark at its smallest size: it runs, checks the figures agree, and reports.

Only 10,000 rows and one round, so CI stays fast; the larger sizes are run by hand
(``benchmarks/bench_scale.py``, see benchmarks/RESULTS.md).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _bench():  # the benchmarks folder is not a package
    spec = importlib.util.spec_from_file_location(
        "bench_scale", ROOT / "benchmarks" / "bench_scale.py"
    )
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_smallest_size_runs_and_the_pandas_script_agrees(tmp_path: Path) -> None:
    """floor, pandas, metrics and validate on 10,000 Parquet rows: figures equal, table
    and chart written, every command exits as expected (validate 1: planted defects)."""
    bench = _bench()
    results = tmp_path / "RESULTS.md"
    results.write_text("# Results\n\nkept text\n", encoding="utf-8")
    args = ["--sizes", "10000", "--formats", "parquet", "--runs", "1"]
    args += ["--commands", "floor,pandas,metrics,validate", "--cache", str(tmp_path / "cache")]
    args += [
        "--json",
        str(tmp_path / "r.json"),
        "--results",
        str(results),
        "--chart",
        "",
        "--readme",
        "",
        "--fresh",
    ]
    assert bench.main(args) == 0
    cells = {c["command"]: c for c in json.loads((tmp_path / "r.json").read_text())["cells"]}
    assert set(cells) == {"floor", "pandas", "metrics", "validate"}
    assert cells["metrics"]["figures_equal"]
    assert cells["pandas"]["figures_equal"]
    assert cells["metrics"]["exits"] == [0]
    assert cells["validate"]["exits"] == [1]
    assert cells["metrics"]["x_floor"] > 0
    text = results.read_text(encoding="utf-8")
    assert text.startswith("# Results\n\nkept text")
    assert "| 10,000 | parquet |" in text
    assert (tmp_path / "cache" / "hard-10000.parquet").is_file()
