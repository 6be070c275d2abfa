"""The evidence pack's manifest: what went in, what ran, what came out, with checksums."""

from __future__ import annotations

import hashlib
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

#: the packages whose versions a pack records (the ones its figures and files depend on)
PACKAGES = (
    "auditlib",
    "polars",
    "pyarrow",
    "fastexcel",
    "great-expectations",
    "pandas",
    "papermill",
    "nbconvert",
    "ipykernel",
    "altair",
    "vl-convert-python",
    "weasyprint",
    "python-docx",
    "jinja2",
    "xlsxwriter",
    "scikit-learn",
    "scipy",
    "pyyaml",
)
#: files whose bytes carry the time they were made (the executed notebooks, the log)
TIMED = ("*.ipynb", "run.log", "manifest.json")


def sha256(path: Path) -> str:
    """The SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def describe_input(role: str, path: Path | None) -> dict[str, Any] | None:
    """One input file as the manifest lists it, or None when not given."""
    if path is None:
        return None
    path = Path(path)
    if not path.is_file():
        return {"role": role, "path": str(path), "sha256": None, "bytes": None}
    return {
        "role": role,
        "path": str(path.resolve()),
        "sha256": sha256(path),
        "bytes": path.stat().st_size,
    }


def package_versions() -> dict[str, str | None]:
    """Installed versions of :data:`PACKAGES` (None where one is not installed)."""
    out: dict[str, str | None] = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def pack_files(folder: Path) -> list[dict[str, Any]]:
    """Every file of the pack with its SHA-256 (the manifest itself left out)."""
    rows = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        if name == "manifest.json":
            continue
        timed = any(path.match(pattern) for pattern in TIMED)
        rows.append(
            {
                "path": name,
                "sha256": sha256(path),
                "bytes": path.stat().st_size,
                "carries_run_time": timed,
            }
        )
    return rows
