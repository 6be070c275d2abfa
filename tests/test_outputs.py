"""The one CSV/XLSX writer: formula-leading text neutralised, numbers kept numeric."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from auditlib.outputs import FORMULA_LEADS, neutralise, workbook, write_csv

HOSTILE = [lead + "cmd|' /C calc'!A0" for lead in FORMULA_LEADS] + ["plain", "a=b", None]


def test_every_formula_lead_is_prefixed_and_nothing_else_changes() -> None:
    frame = pl.DataFrame({"text": HOSTILE})
    out = neutralise(frame)["text"].to_list()
    for before, after in zip(HOSTILE, out, strict=True):
        if before is None:
            assert after is None
        elif before.startswith(FORMULA_LEADS):
            assert after == "'" + before
        else:
            assert after == before


def test_csv_keeps_numbers_and_dates_and_joins_lists(tmp_path: Path) -> None:
    frame = pl.DataFrame(
        {
            "id": ["=2+5", "C2"],
            "amount": [-12.5, 3.0],
            "day": [date(2025, 12, 25), date(2026, 1, 1)],
            "reasons": [["late", "=x"], []],
        }
    )
    path = write_csv(frame, tmp_path / "sub" / "t.csv")
    back = pl.read_csv(path, try_parse_dates=True)
    assert back["id"].to_list() == ["'=2+5", "C2"]
    assert back["amount"].to_list() == [-12.5, 3.0]
    assert back["day"].to_list() == [date(2025, 12, 25), date(2026, 1, 1)]
    # a joined list that starts safely is kept; the joined text is neutralised as a whole
    assert back["reasons"].to_list()[0] == "late;=x"


@pytest.mark.parametrize("lead", FORMULA_LEADS)
def test_workbook_never_writes_a_formula(tmp_path: Path, lead: str) -> None:
    path = tmp_path / "w.xlsx"
    with workbook(path) as book:
        sheet = book.add_worksheet("s")
        sheet.write(0, 0, lead + "SUM(1,2)")
        sheet.write(1, 0, "https://example.invalid")
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml
    assert "hyperlink" not in xml


def test_workbook_bytes_are_reproducible(tmp_path: Path) -> None:
    def build(name: str) -> bytes:
        with workbook(tmp_path / name) as book:
            book.add_worksheet("s").write_string(0, 0, "same")
        return (tmp_path / name).read_bytes()

    assert build("a.xlsx") == build("b.xlsx")
