"""Personal data from the extract never reaches a file the commands write.

Runs the audit, the data-quality check and the learning run on the bundled sample and
searches every file they write for the sample's resident and property references,
descriptions, remedies, and the fictitious phone numbers, emails and addresses planted
in the free text.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample" / "complaints.csv"
CONFIG = ROOT / "config" / "auditlib.yaml"
EXE = Path(sys.executable).parent / "auditlib"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("published")
    for args in (
        ["run", "--figures-only", "--config", str(CONFIG), "--out", str(out / "audit")],
        ["validate", str(SAMPLE), "--out", str(out / "quality")],
        ["learning", str(SAMPLE), "--config", str(CONFIG), "--out", str(out / "learning")],
    ):
        result = subprocess.run([str(EXE), *args], capture_output=True, text=True, check=False)
        assert result.returncode in (0, 1), result.stderr
    return out


def _texts(folder: Path) -> dict[Path, str]:
    texts = {}
    for path in folder.rglob("*"):
        if path.suffix in (".csv", ".json", ".html", ".svg", ".md", ".txt"):
            texts[path] = path.read_text(encoding="utf-8", errors="replace")
        elif path.suffix == ".xlsx":
            sheets = pl.read_excel(path, sheet_id=0, engine="calamine")
            texts[path] = "\n".join(frame.write_csv() for frame in sheets.values())
    return texts


def test_outputs_were_written(outputs):
    """The three runs wrote tables, charts and reports to search."""
    suffixes = {p.suffix for p in _texts(outputs)}
    assert {".csv", ".json", ".html", ".svg", ".xlsx"} <= suffixes


def test_no_personal_data_in_any_output(outputs):
    """No reference, description, remedy or planted contact detail appears in any output."""
    sample = pl.read_csv(SAMPLE, infer_schema=False)
    refs = set(sample["tenant_ref"].drop_nulls()) | set(sample["property_ref"].drop_nulls())
    free_text = [t for t in sample["description"].drop_nulls().to_list() + sample["remedy"].drop_nulls().to_list() if len(t) > 40]
    contact = re.compile(r"07700 ?9\d{5}|[\w.]+@example\.(?:com|invalid)|\d+ Example Road", re.IGNORECASE)
    planted = {m.group(0) for t in sample["description"].drop_nulls() for m in contact.finditer(t)}
    assert planted, "the sample should carry planted contact details to look for"
    for path, text in _texts(outputs).items():
        words = set(re.findall(r"[TP]\d{7}", text))
        assert not (words & refs), f"{path} holds resident or property references"
        assert not contact.search(text), f"{path} holds a contact detail"
        for passage in free_text:
            assert passage not in text, f"{path} quotes a resident's words"
