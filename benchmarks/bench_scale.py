"""Speed and memory at 10 thousand to 10 million rows, every command against the same floor.

One command, run from the project root:

    .venv/bin/python benchmarks/bench_scale.py

For each size (``--sizes``, default 10k, 100k, 1M and 10M rows) and format (CSV and
Parquet) it writes extracts with the sample generator into a cache folder outside the
project (``--cache``, default ``~/.cache/auditlib-bench``; kept between runs), then
times whole processes, in turn within each round so that every command meets the same
machine as the floor, for ``--runs`` rounds (default 3):

* ``floor``: a Python process that only reads the file with polars (all columns, CSV as
  text): nothing that reads the file can be faster;
* ``pandas``: an analyst's pandas script with ``numpy.busday_count``
  (``benchmarks/analyst_pandas.py``), whose ten CH01/CH02 figures are first checked
  equal to ``auditlib metrics`` on the same file;
* ``metrics``: ``auditlib metrics --format json``;
* ``validate``: ``auditlib validate`` on a harder extract of the same size: 10% of rows
  with a defect and the handler, extension-notice and channel columns absent;
* ``learning``: ``auditlib learning``;
* ``run``: ``auditlib run``, whatever it builds on the day (sizes up to ``--run-up-to``,
  default 1M rows).

Each figure is the median over the rounds: wall seconds, CPU seconds and peak memory
(the largest resident set of the process or any process it waited for), and each
command's wall time over the floor's in the same round. Results go to
``benchmarks/results-scale.json``, a table to ``benchmarks/RESULTS.md`` and the README
(between markers) and a log-log chart of time against rows to ``benchmarks/scale.svg``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PERIOD = ("--period-start", "2025-04-01", "--period-end", "2026-03-31", "--homes", "10000")
AS_OF = date(2026, 10, 31)
COMMANDS = ("floor", "pandas", "metrics", "validate", "learning", "run")
#: absent from the harder extract validate reads (most real exports lack them)
ABSENT = (
    "stage1_handler_id",
    "stage2_handler_id",
    "stage1_extension_notified_date",
    "stage2_extension_notified_date",
    "channel",
)
MARK_START = "<!-- scale table: written by benchmarks/bench_scale.py -->"
MARK_END = "<!-- end of scale table -->"


def extracts(rows: int, fmt: str, cache: Path) -> tuple[Path, Path]:
    """The sample extract and the harder one for ``validate``, written once and kept.

    Each is generated once per size and written in both formats.
    """
    from auditlib.sample import generate_sample, write_sample

    cache.mkdir(parents=True, exist_ok=True)
    formats = ("parquet", "csv")
    plain = {f: cache / f"complaints-{rows}.{f}" for f in formats}
    hard = {f: cache / f"hard-{rows}.{f}" for f in formats}
    if not all(p.is_file() for p in plain.values()):
        sample = generate_sample(rows, 1, as_of=AS_OF)
        for path in plain.values():
            write_sample(sample, _partial(path))
            _partial(path).rename(path)
        del sample
    if not all(p.is_file() for p in hard.values()):
        sample = generate_sample(rows, 7, as_of=AS_OF, defect_rate=0.10)
        for path in hard.values():
            full = _partial(cache / f"hard-full-{rows}{path.suffix}")
            write_sample(sample, full)
            _drop_columns(full, _partial(path), ABSENT)
            full.unlink()
            _partial(path).rename(path)
        del sample
    return plain[fmt], hard[fmt]


def _partial(path: Path) -> Path:
    return path.with_name(path.name + ".partial" + path.suffix)


def _drop_columns(source: Path, target: Path, columns: Sequence[str]) -> None:
    import polars as pl

    if source.suffix == ".parquet":
        pl.scan_parquet(source).drop(columns).sink_parquet(target)
    else:
        pl.scan_csv(source, infer_schema=False).drop(columns).sink_csv(target)


def commands(path: Path, hard: Path, out: Path, config: Path) -> dict[str, list[str]]:
    """Each measured command as an argument list, run from the project root."""
    python, auditlib = str(sys.executable), str(BIN / "auditlib")
    reader = (
        f"pl.read_parquet({str(path)!r})"
        if path.suffix == ".parquet"
        else f"pl.read_csv({str(path)!r}, infer_schema=False)"
    )
    common = ["--config", str(config)]
    return {
        "floor": [python, "-c", f"import polars as pl; {reader}"],
        "pandas": [
            python,
            str(ROOT / "benchmarks" / "analyst_pandas.py"),
            str(path),
            *PERIOD,
        ],
        "metrics": [auditlib, "metrics", str(path), *PERIOD, "--format", "json", *common],
        "validate": [
            auditlib,
            "validate",
            str(hard),
            "--out",
            str(out / "validate"),
            "--as-of",
            AS_OF.isoformat(),
            "--quality",
            str(ROOT / "config" / "quality.yaml"),
            *common,
        ],
        "learning": [auditlib, "learning", str(path), "--out", str(out / "learning"), *common],
        # the full run reads the project's own configuration: its notebooks, policy,
        # attestations and targets (the extract is the benchmark's)
        "run": [
            auditlib,
            "run",
            str(path),
            "--out",
            str(out / "run"),
            "--config",
            str(ROOT / "config" / "auditlib.yaml"),
            "--no-progress",
        ],
    }


def measure(argv: list[str], *, timeout: float) -> dict[str, Any]:
    """Run one command as a whole process: wall and CPU seconds, peak memory, exit code.

    It is started by a small helper process (this file with ``--child``), not by this
    one: a process's peak memory counts the memory of the process it was forked from,
    and this one holds the extracts it generated.
    """
    helper = [sys.executable, __file__, "--child", str(timeout), "--", *argv]
    done = subprocess.run(helper, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def child(timeout: float, argv: list[str]) -> int:
    """The helper: run ``argv``, print its figures as JSON (standard library only)."""
    start = time.perf_counter()
    process = subprocess.Popen(
        argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    deadline = start + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            process.kill()
            pid, status, usage = os.wait4(process.pid, 0)
            break
        time.sleep(0.005)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    error = process.stderr.read() if process.stderr else ""
    figures = {
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_mib": usage.ru_maxrss / 1024,
        "exit": code,
        "error": error.strip().splitlines()[-1] if code not in (0, 1) and error.strip() else None,
    }
    print(json.dumps(figures))
    return 0


def same_figures(path: Path, config: Path) -> dict[str, Any]:
    """Both computations' figures on ``path``; refuse to time them if they differ."""
    from auditlib.tsm import METRIC_KEYS  # the ten figures both give
    cmd = commands(path, path, Path(tempfile.gettempdir()), config)
    ours = json.loads(
        subprocess.run(cmd["metrics"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    )
    theirs = json.loads(
        subprocess.run(cmd["pandas"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    )
    ours_ten = {k: ours[k] for k in METRIC_KEYS}
    theirs_ten = {k: theirs[k] for k in METRIC_KEYS}
    if ours_ten != theirs_ten:
        msg = f"the pandas script and auditlib metrics disagree on {path}: {theirs_ten} {ours_ten}"
        raise SystemExit(msg)
    return ours_ten


def bench(args: argparse.Namespace) -> dict[str, Any]:
    """Every size, format and command; the raw runs and their medians."""
    config = args.cache / "bench-config.yaml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("landlord: Benchmark landlord\n", encoding="utf-8")
    results: dict[str, Any] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}",
        "date": date.today().isoformat(),
        "runs": args.runs,
        "cells": [],
    }
    for rows in args.sizes:
        for fmt in args.formats:
            started = time.perf_counter()
            path, hard = extracts(rows, fmt, args.cache)
            print(f"{rows:,} rows, {fmt}: extracts ready ({time.perf_counter() - started:.0f} s)")
            wanted = [
                c
                for c in args.commands
                if (c != "run" or rows <= args.run_up_to)
                and (fmt == "parquet" or c not in args.parquet_only)
            ]
            figures = same_figures(path, config) if "pandas" in wanted else None
            out = Path(tempfile.mkdtemp(prefix="auditlib-bench-"))
            argv = commands(path, hard, out, config)
            runs: dict[str, list[dict[str, Any]]] = {c: [] for c in wanted}
            for _ in range(args.runs):
                for command in wanted:
                    shutil.rmtree(out / command, ignore_errors=True)
                    runs[command].append(measure(argv[command], timeout=args.timeout))
            shutil.rmtree(out, ignore_errors=True)
            for command in wanted:
                cell = summarise(rows, fmt, command, runs[command], runs.get("floor"))
                cell["figures_equal"] = figures is not None and command in ("pandas", "metrics")
                results["cells"].append(cell)
                print(
                    f"  {command:<9} wall {cell['wall_s']:8.2f} s  cpu {cell['cpu_s']:8.2f} s  "
                    f"peak {cell['peak_mib']:8.0f} MiB  x floor {cell['x_floor'] or 1:6.2f}  "
                    f"exit {cell['exits']}",
                    flush=True,
                )
    return results


def summarise(
    rows: int,
    fmt: str,
    command: str,
    runs: list[dict[str, Any]],
    floor: list[dict[str, Any]] | None,
) -> dict[str, Any]:
    """Medians over the rounds, and the median of the paired ratios to the floor."""
    ratios = [r["wall_s"] / f["wall_s"] for r, f in zip(runs, floor or [], strict=False)]
    return {
        "rows": rows,
        "format": fmt,
        "command": command,
        "wall_s": statistics.median(r["wall_s"] for r in runs),
        "cpu_s": statistics.median(r["cpu_s"] for r in runs),
        "peak_mib": statistics.median(r["peak_mib"] for r in runs),
        "x_floor": statistics.median(ratios) if floor and command != "floor" else None,
        "exits": sorted({r["exit"] for r in runs}),
        "error": next((r["error"] for r in runs if r["error"]), None),
        "runs": runs,
    }


def table(results: dict[str, Any]) -> str:
    """The Markdown table: one row per size and format, a column per command."""
    cells = {(c["rows"], c["format"], c["command"]): c for c in results["cells"]}
    keys = sorted({(c["rows"], c["format"]) for c in results["cells"]})
    present = [c for c in COMMANDS if any(k[2] == c for k in cells)]
    header = "| rows | format | " + " | ".join(present) + " |"
    lines = [header, "|" + " --- |" * 2 + " ---: |" * len(present)]
    for rows, fmt in keys:
        parts = []
        for command in present:
            cell = cells.get((rows, fmt, command))
            if cell is None:
                parts.append("-")
                continue
            text = f"{cell['wall_s']:.2f} s, {cell['peak_mib']:,.0f} MiB"
            if cell["x_floor"] is not None:
                text += f", {cell['x_floor']:.1f}x"
            if cell["exits"] not in ([0], [1]):
                text += f" (exit {cell['exits']})"
            parts.append(text)
        lines.append(f"| {rows:,} | {fmt} | " + " | ".join(parts) + " |")
    return "\n".join(lines)


def chart(results: dict[str, Any], path: Path) -> None:
    """Wall time against rows, log-log, one line per command and format, as SVG."""
    import altair as alt
    import polars as pl

    from auditlib.reports.render import to_svg

    frame = pl.DataFrame(
        [
            {
                "rows": c["rows"],
                "seconds": c["wall_s"],
                "command": c["command"],
                "format": c["format"],
            }
            for c in results["cells"]
        ]
    )
    lines = (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X("rows:Q", scale=alt.Scale(type="log"), title="complaints (rows)"),
            y=alt.Y("seconds:Q", scale=alt.Scale(type="log"), title="wall seconds (median)"),
            color=alt.Color("command:N", sort=list(COMMANDS), title="command"),
            strokeDash=alt.StrokeDash("format:N", title="format"),
        )
        .properties(width=520, height=340, title="Whole-process time against rows")
    )
    path.write_text(to_svg(lines), encoding="utf-8")


def merge(results: dict[str, Any], path: Path) -> dict[str, Any]:
    """The earlier results with this run's cells added (a cell measured again replaces
    the earlier one), so sizes can be measured in separate runs."""
    if not path.is_file():
        return results
    earlier = json.loads(path.read_text(encoding="utf-8"))
    key = lambda c: (c["rows"], c["format"], c["command"])  # noqa: E731
    rounds = {key(c): len(c["runs"]) for c in results["cells"]}
    kept = [c for c in earlier.get("cells", []) if len(c["runs"]) > rounds.get(key(c), -1)]
    dropped = {key(c) for c in kept}
    results = results | {"cells": [c for c in results["cells"] if key(c) not in dropped]}
    runs = sorted({results["runs"], *(len(c["runs"]) for c in kept)})
    return results | {"cells": kept + results["cells"], "rounds": runs}


def write_results(results: dict[str, Any], args: argparse.Namespace) -> None:
    if not args.fresh:
        results = merge(results, args.json)
    args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    text = (
        f"{MARK_START}\n\nMeasured {results['date']} on {results['machine']}; median of "
        f"{_rounds(results)} rounds; each cell: wall time, peak memory, and the wall time "
        "over the floor's in the same round (the floor's own cell: its time and memory)."
        "\n\n" + table(results) + f"\n\n{MARK_END}"
    )
    _between_marks(args.results, text, add=True)
    if args.readme:
        _between_marks(args.readme, text, add=False)
    if args.chart:
        chart(results, args.chart)


def _between_marks(path: Path, text: str, *, add: bool) -> None:
    """Put ``text`` between the markers in ``path`` (or at its end when ``add``)."""
    current = path.read_text(encoding="utf-8") if path.is_file() else ""
    if MARK_START in current and MARK_END in current:
        before, rest = current.split(MARK_START, 1)
        current = before + text + rest.split(MARK_END, 1)[1]
    elif add:
        current = current.rstrip() + ("\n\n" if current else "") + text + "\n"
    else:
        return
    path.write_text(current, encoding="utf-8")


def _rounds(results: dict[str, Any]) -> str:
    counts = sorted({len(c["runs"]) for c in results["cells"]})
    return " or ".join(str(n) for n in counts) + (" (RESULTS.md says which)" if len(counts) > 1 else "")


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=lambda t: [int(v) for v in t.split(",")],
        default=[10_000, 100_000, 1_000_000, 10_000_000],
        help="rows, comma-separated (default 10000,100000,1000000,10000000)",
    )
    parser.add_argument(
        "--formats", type=lambda t: t.split(","), default=["parquet", "csv"], help="csv,parquet"
    )
    parser.add_argument(
        "--commands",
        type=lambda t: t.split(","),
        default=list(COMMANDS),
        help=f"which to time (default {','.join(COMMANDS)})",
    )
    parser.add_argument("--runs", type=int, default=3, help="rounds (default 3)")
    parser.add_argument("--run-up-to", type=int, default=1_000_000, help="largest size for run")
    parser.add_argument(
        "--parquet-only",
        type=lambda t: [c for c in t.split(",") if c],
        default=["learning", "run"],
        help="commands timed on Parquet only (default learning,run: past the load, which "
        "metrics and validate time on both, their work does not depend on the format)",
    )
    parser.add_argument(
        "--fresh", action="store_true", help="forget earlier results instead of adding to them"
    )
    parser.add_argument(
        "--tables-only",
        action="store_true",
        help="measure nothing: write the table and chart again from the results file",
    )
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per command")
    parser.add_argument(
        "--cache", type=Path, default=Path.home() / ".cache" / "auditlib-bench", help="extracts"
    )
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "results-scale.json")
    parser.add_argument("--results", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    parser.add_argument(
        "--readme",
        type=lambda t: Path(t) if t else None,
        default=ROOT / "README.md",
        help="also put the table between its markers in this file ('' for none)",
    )
    parser.add_argument(
        "--chart",
        type=lambda t: Path(t) if t else None,
        default=ROOT / "benchmarks" / "scale.svg",
        help="the chart to write ('' for none)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    if words[:1] == ["--child"]:
        return child(float(words[1]), words[3:])
    args = parse(words)
    unknown = set(args.commands) - set(COMMANDS)
    if unknown:
        raise SystemExit(f"unknown command(s) {', '.join(sorted(unknown))}")
    if args.tables_only:
        results = json.loads(args.json.read_text(encoding="utf-8"))
        args.fresh = True
    else:
        results = bench(args)
    write_results(results, args)
    print(table(json.loads(args.json.read_text(encoding="utf-8"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
