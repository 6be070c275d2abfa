"""Every numbered notebook runs top to bottom through papermill with its defaults.

nbval runs them a second time in the same pytest call (``--nbval-lax`` in pyproject),
from the ``notebooks`` folder as JupyterLab would.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_committed_clean_with_a_parameters_cell(path: Path) -> None:
    """A cell tagged ``parameters`` exists and no outputs are committed."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = nb["cells"]
    assert any("parameters" in c.get("metadata", {}).get("tags", []) for c in cells)
    assert not any(c.get("outputs") for c in cells if c["cell_type"] == "code")


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_under_papermill(path: Path, tmp_path: Path) -> None:
    """The notebook runs with an output folder injected, and records the parameter."""
    import papermill as pm

    declared = {p for p in pm.inspect_notebook(str(path))}
    parameters = {"output_dir": str(tmp_path / "out")} if "output_dir" in declared else {}
    out = tmp_path / path.name
    pm.execute_notebook(
        str(path),
        str(out),
        parameters=parameters,
        cwd=str(path.parent),
        kernel_name="python3",
        progress_bar=False,
    )
    executed = json.loads(out.read_text(encoding="utf-8"))
    assert executed["metadata"]["papermill"]["parameters"] == parameters
    if parameters:
        assert any((tmp_path / "out").iterdir()), "the notebook wrote nothing to output_dir"
