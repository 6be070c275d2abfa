"""The code stays lint-clean and type-checks, as part of the suite CI runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def test_ruff_is_clean():
    """ruff finds nothing in the library, the tests or the benchmarks."""
    result = subprocess.run(
        [str(BIN / "ruff"), "check", "src", "tests", "benchmarks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout


def test_mypy_is_clean():
    """mypy finds no type errors in the library."""
    result = subprocess.run(
        [str(BIN / "mypy"), "--no-incremental"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout
