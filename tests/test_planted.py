"""A whole evidence pack built from an extract with personal data and formulas planted in it.

Contact details and titled names go into the free-text columns that are shown (category,
root cause, the reason a complaint was not accepted); text a spreadsheet would run goes
into every text column, the complaint reference included. The pack must come out with
no personal data in any file (its own scan says so) and no cell any CSV or workbook
would run as a formula.
"""

from __future__ import annotations

import csv
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import polars as pl
import pytest

AUDITLIB = Path(sys.executable).parent / "auditlib"
CONTACTS = {
    "category": "Repairs: ring Mrs Okafor on 07700 900123",
    "root_cause": "see jo.bloggs@example.invalid",
    "not_accepted_reason": "Mr Whitfield, 14 Acacia Avenue, AB1 2CD",
}
FORMULAS = {
    "category": '=HYPERLINK("http://example.invalid","x")',
    "root_cause": "+cmd|' /C calc'!A0",
    "not_accepted_reason": "@SUM(1+1)",
    "stage1_handler_id": "-2+3",
}
NUMBER = re.compile(r"^-?\d[\d,]*(\.\d+)?(e-?\d+)?$")
LEADS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    root = Path(__file__).resolve().parents[1]
    work = tmp_path_factory.mktemp("planted")
    frame = pl.read_csv(root / "data" / "sample" / "complaints.csv", infer_schema=False)
    rows = pl.int_range(pl.len())
    changes = []
    for column, text in CONTACTS.items():
        changes.append(
            pl.when(rows % 97 == 3).then(pl.lit(text)).otherwise(pl.col(column)).alias(column)
        )
    frame = frame.with_columns(changes).with_columns(
        [pl.when(rows % 89 == 5).then(pl.lit(t)).otherwise(pl.col(c)).alias(c)
         for c, t in FORMULAS.items()],
        complaint_id=pl.when(rows % 53 == 7).then(pl.lit("=") + pl.col("complaint_id"))
        .otherwise(pl.col("complaint_id")),
    )  # fmt: skip
    extract = work / "planted.csv"
    frame.write_csv(extract)
    out = work / "packs"
    done = subprocess.run(
        [str(AUDITLIB), "run", str(extract), "--config", str(root / "config" / "auditlib.yaml"),
         "--out", str(out), "--no-progress"],
        cwd=root, capture_output=True, text=True, check=False, timeout=900,
    )  # fmt: skip
    (folder,) = list(out.iterdir())
    return done, folder


def test_the_scan_finds_no_personal_data_in_the_pack(pack):
    done, folder = pack
    assert done.returncode == 0, done.stderr
    assert not folder.name.endswith("FAILED")
    text = " ".join(
        p.read_text(encoding="utf-8", errors="replace")
        for p in folder.rglob("*")
        if p.suffix in (".csv", ".json", ".html", ".svg")
    )
    for planted in ("07700 900123", "jo.bloggs@example.invalid", "AB1 2CD", "Okafor", "Whitfield"):
        assert planted not in text, planted


def test_no_csv_cell_would_run_as_a_formula(pack):
    _, folder = pack
    seen = 0
    for path in folder.rglob("*.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                for cell in row:
                    if cell.startswith(LEADS) and not NUMBER.match(cell):
                        pytest.fail(f"{path.name}: {cell[:40]!r}")
                    seen += cell.startswith("'=")
    assert seen, "the planted references should appear, neutralised, in the working files"


def test_no_workbook_holds_a_formula(pack):
    _, folder = pack
    books = list(folder.rglob("*.xlsx"))
    assert len(books) >= 2
    for path in books:
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                if name.startswith("xl/worksheets/"):
                    assert "<f>" not in z.read(name).decode(), (path.name, name)
