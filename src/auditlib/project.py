"""The project's own files, found from any working folder.

auditlib runs from its checkout (the README installs it in editable mode), beside the
files it ships: the expectation suite, the data-quality settings and the numbered
notebooks. Each is looked for in the working folder first, where a landlord may keep
its own copy, then in the checkout, so a command run from any folder still finds them.

The landlord configuration ``config/auditlib.yaml`` is deliberately not one of these:
it describes the sample landlord, and a run never borrows another landlord's settings.
"""

from __future__ import annotations

from pathlib import Path

#: the checkout's top folder (``src/auditlib/project.py`` is two levels down)
ROOT = Path(__file__).resolve().parents[2]

#: the great-expectations suite the data-quality checks run
SUITE = Path("expectations") / "complaints_extract.json"
#: the data-quality settings: severities and thresholds
QUALITY_SETTINGS = Path("config") / "quality.yaml"
#: the numbered notebooks ``auditlib run`` executes into the evidence pack
NOTEBOOKS = Path("notebooks")


def project_file(relative: Path) -> Path:
    """``relative`` in the working folder if it is there, else in the checkout.

    When neither exists, ``relative`` itself, so an error names the path as written.
    """
    if relative.is_absolute() or relative.exists():
        return relative
    shipped = ROOT / relative
    return shipped if shipped.exists() else relative
