"""Running the numbered notebooks with papermill, and exporting them without code.

Each notebook gets the parameters it declares out of the run's one shared set, runs
with the pack folder as its working directory (so the paths it prints are relative and
the same from run to run), and is exported as HTML with no code cells. A notebook
that fails raises :class:`NotebookFailed`, naming the notebook, the cell and the error
in one line; the executed notebook, error included, is kept for diagnosis.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: names of the errors a notebook raises for unusable input (exit 2, not 3)
INPUT_ERRORS = frozenset(
    {
        "AuditError",
        "InputError",
        "ConfigError",
        "SettingsFileError",
        "MonthFirstDatesError",
        "CalendarRangeError",
        "PolicyReadError",
    }
)


class NotebookFailed(Exception):
    """A notebook stopped with an error in one of its cells."""

    def __init__(self, notebook: str, cell: int | None, ename: str, evalue: str) -> None:
        super().__init__(notebook, cell, ename, evalue)
        self.notebook, self.cell, self.ename, self.evalue = notebook, cell, ename, evalue

    @property
    def input_error(self) -> bool:
        """True when the notebook refused its input (an auditlib input error)."""
        return self.ename in INPUT_ERRORS

    def __str__(self) -> str:
        where = f" in cell {self.cell} (counting from 1)" if self.cell is not None else ""
        value = " ".join(self.evalue.split())[:400]
        return f"notebook {self.notebook} failed{where}: {self.ename}: {value}"


@dataclass(frozen=True)
class NotebookRun:
    """One notebook of the pack: its source, what it was given, where it ran."""

    source: Path
    executed: Path
    parameters: dict[str, Any]


def discover(folder: Path) -> list[Path]:
    """The numbered notebooks of a folder (``01_...ipynb``), in order."""
    return sorted(folder.glob("[0-9][0-9]_*.ipynb"))


def declared_parameters(notebook: Path) -> set[str]:
    """The names in a notebook's ``parameters`` cell."""
    import papermill as pm

    return set(pm.inspect_notebook(str(notebook)))


def run_notebook(
    source: Path, executed: Path, parameters: dict[str, Any], *, cwd: Path
) -> NotebookRun:
    """Execute ``source`` into ``executed`` with the parameters it declares.

    Raises
    ------
    NotebookFailed
        A cell raised; ``executed`` holds the notebook up to and including the error.
    """
    import papermill as pm

    wanted = declared_parameters(source)
    given = {k: v for k, v in parameters.items() if k in wanted}
    executed.parent.mkdir(parents=True, exist_ok=True)
    try:
        pm.execute_notebook(
            str(source),
            str(executed),
            parameters=given,
            cwd=str(cwd),
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
            # the kernel logs to the run's stderr, which must stay one line: its start-up
            # warnings, and the "KeyboardInterrupt caught in kernel" it logs as an error
            # when a failed run stops it, are not the user's business
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
        )
    except pm.PapermillExecutionError as exc:
        raise NotebookFailed(source.name, exc.cell_index + 1, exc.ename, exc.evalue) from None
    return NotebookRun(source, executed, given)


_EXTERNAL_SCRIPT = re.compile(r"<script[^>]*\bsrc=\"https?://[^\"]*\"[^>]*>\s*</script>\s*", re.I)


def export_html(executed: Path, html: Path) -> Path:
    """The executed notebook as HTML with no code cells and no script from the internet."""
    import nbformat
    from nbconvert import HTMLExporter

    notebook = nbformat.read(str(executed), as_version=4)
    # papermill gives its injected cell a random id; number the cells so the page is stable
    for index, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{index}"
    exporter = HTMLExporter(
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True
    )
    body, _ = exporter.from_notebook_node(notebook)
    body = _EXTERNAL_SCRIPT.sub("", body)
    html.parent.mkdir(parents=True, exist_ok=True)
    html.write_text(body, encoding="utf-8")
    return html
