"""The extract loader: formats, encodings, date styles, mapping, quarantine, errors."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from auditlib.errors import ConfigError, InputError, MonthFirstDatesError
from auditlib.loader import load_complaints
from auditlib.mapping import Mapping

HEADER = "complaint_id,stage1_received_date,stage1_acknowledged_date,stage1_response_date,stage1_outcome,tenure,description"


def _csv(tmp_path: Path, body: str, *, name="extract.csv", encoding="utf-8", bom=False) -> Path:
    path = tmp_path / name
    data = (HEADER + "\n" + body).encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("25/12/2025", date(2025, 12, 25)),
        ("25/12/25", date(2025, 12, 25)),
        ("25-Dec-2025", date(2025, 12, 25)),
        ("25 December 2025", date(2025, 12, 25)),
        ("2025-12-25", date(2025, 12, 25)),
        ("2025-12-25 00:00:00", date(2025, 12, 25)),
        ("25/12/2025 14:31", date(2025, 12, 25)),
        ("5/1/2026", date(2026, 1, 5)),
        ("05.01.2026", date(2026, 1, 5)),
    ],
)
def test_date_styles(tmp_path, text, expected):
    """ISO and UK day-first styles read as the same date."""
    path = _csv(tmp_path, f"C1,{text},,,,,\nC2,13/01/2026,,,,,\n")
    extract = load_complaints(path)
    assert extract.complaints["stage1_received_date"][0] == expected


def test_month_first_file_is_refused_with_file_row_and_column(tmp_path):
    """A file whose dates only make sense month first is refused, not misread."""
    path = _csv(tmp_path, "C1,01/02/2026,,,,,\nC2,12/25/2025,,,,,\n")
    with pytest.raises(MonthFirstDatesError) as info:
        load_complaints(path)
    message = str(info.value)
    assert "row 3" in message
    assert "'stage1_received_date'" in message
    assert str(path) in message
    assert "\n" not in message


def test_a_stray_month_first_value_in_a_day_first_file_is_quarantined(tmp_path):
    """Where other dates prove the file is day first, 12/25/2025 is an unreadable date."""
    path = _csv(tmp_path, "C1,25/12/2025,,,,,\nC2,12/25/2025,,,,,\n")
    extract = load_complaints(path)
    assert extract.rows_used == 1
    assert extract.quarantine["reason_codes"].to_list() == [["unreadable_date"]]
    assert "'12/25/2025'" in extract.quarantine["reasons"][0]


@pytest.mark.parametrize(
    ("encoding", "bom"), [("utf-8", False), ("utf-8", True), ("cp1252", False)]
)
def test_encodings(tmp_path, encoding, bom):
    """UTF-8, UTF-8 with BOM and Windows-1252 all read, pound signs and accents intact."""
    path = _csv(
        tmp_path, "C1,02/06/2025,,,,,Café roof leak cost £120\n", encoding=encoding, bom=bom
    )
    extract = load_complaints(path)
    assert extract.complaints["description"][0] == "Café roof leak cost £120"
    assert extract.complaints.columns[1] == "complaint_id"


def test_semicolon_separated_csv(tmp_path):
    """A semicolon-separated export reads the same."""
    path = tmp_path / "semi.csv"
    path.write_text("complaint_id;stage1_received_date\nC1;02/06/2025\n", encoding="utf-8")
    assert load_complaints(path).complaints["stage1_received_date"][0] == date(2025, 6, 2)


def test_xlsx_with_date_cells_serials_and_text(tmp_path):
    """Excel date cells, serial numbers and UK text dates all read in one sheet."""
    path = tmp_path / "extract.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet()
    uk = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(
        0,
        0,
        ["Complaint ID", "Stage1 Received Date", "stage1_response_date", "stage1_extension_days"],
    )
    sheet.write(1, 0, "C1")
    sheet.write_datetime(1, 1, __import__("datetime").datetime(2025, 12, 24), uk)
    sheet.write_number(1, 2, 46041)  # 19 January 2026 as an Excel serial
    sheet.write_number(1, 3, 5)
    sheet.write(2, 0, "C2")
    sheet.write_string(2, 1, "02/06/2025")
    book.close()
    extract = load_complaints(path)
    frame = extract.complaints
    assert frame["stage1_received_date"].to_list() == [date(2025, 12, 24), date(2025, 6, 2)]
    assert frame["stage1_response_date"][0] == date(2026, 1, 19)
    assert frame["stage1_extension_days"][0] == 5
    assert frame["source_row"].to_list() == [2, 3]


def test_parquet_with_typed_and_text_dates(tmp_path):
    """Parquet date, datetime and text columns read; rows are numbered from 1."""
    path = tmp_path / "extract.parquet"
    pl.DataFrame(
        {
            "complaint_id": ["C1", "C2"],
            "stage1_received_date": [date(2025, 6, 2), date(2025, 6, 3)],
            "stage1_acknowledged_date": pl.Series([None, "2025-06-05"]),
            "stage1_response_date": pl.Series(["2025-06-10", None]).str.to_datetime("%Y-%m-%d"),
            "stage1_extension_days": [None, 3],
        }
    ).write_parquet(path)
    frame = load_complaints(path).complaints
    assert frame["stage1_acknowledged_date"].to_list() == [None, date(2025, 6, 5)]
    assert frame["stage1_response_date"].to_list() == [date(2025, 6, 10), None]
    assert frame["source_row"].to_list() == [1, 2]


def test_mapping_renames_headers_and_labels(tmp_path):
    """A landlord's own headers and outcome/tenure labels map onto the canonical ones."""
    path = tmp_path / "hms.csv"
    path.write_text(
        "Case Ref,Date Logged,Result,Tenancy Type,Officer Notes\n"
        "A1,02/06/2025,Justified,General Needs,x\n"
        "A2,03/06/2025,Partly upheld,Shared Ownership,y\n",
        encoding="utf-8",
    )
    mapping = Mapping.from_dict(
        {
            "columns": {
                "complaint_id": "Case Ref",
                "stage1_received_date": ["Date Received", "Date Logged"],
                "stage1_outcome": "Result",
                "tenure": "Tenancy Type",
            },
            "labels": {
                "stage1_outcome": {"Justified": "upheld"},
                "tenure": {"General Needs": "LCRA", "Shared Ownership": "LCHO"},
            },
        }
    )
    extract = load_complaints(path, mapping=mapping)
    frame = extract.complaints
    assert frame["complaint_id"].to_list() == ["A1", "A2"]
    assert frame["stage1_outcome"].to_list() == ["upheld", "partially_upheld"]
    assert frame["tenure"].to_list() == ["LCRA", "LCHO"]
    assert extract.extra_columns == ("Officer Notes",)
    assert "Officer Notes" in frame.columns


def test_mapping_file_errors_are_one_line(tmp_path):
    """A mapping naming an unknown column or label is refused with the file named."""
    bad = tmp_path / "mapping.yaml"
    bad.write_text("labels:\n  tenure:\n    General Needs: social\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not one of LCRA, LCHO, other"):
        Mapping.from_yaml(bad)
    bad.write_text("columns:\n  case_number: Case Ref\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not a canonical column"):
        Mapping.from_yaml(bad)


def test_quarantine_keeps_every_reason_and_reconciles(tmp_path):
    """Each bad row is set aside with its source row and all reasons; counts reconcile."""
    body = "\n".join(
        [
            "C1,02/06/2025,03/06/2025,10/06/2025,upheld,LCRA,fine",  # row 2: good
            ",02/06/2025,,,,,",  # row 3: no id
            "C3,02/06/2025,,,,,",  # row 4: duplicate with row 5
            "C3,04/06/2025,,,,,",  # row 5
            "C5,TBC,,,,,",  # row 6: unreadable required date
            "C6,,,,,,",  # row 7: blank required date
            "C7,10/06/2025,09/06/2025,05/06/2025,,,",  # row 8: ack and response before receipt
            "C8,31/02/2025,,,,,",  # row 9: no such day
        ]
    )
    extract = load_complaints(_csv(tmp_path, body + "\n"))
    assert extract.rows_read == 8
    assert extract.rows_used == 1
    assert extract.rows_read == extract.rows_used + extract.rows_quarantined
    by_row = {r["source_row"]: r for r in extract.quarantine.iter_rows(named=True)}
    assert sorted(by_row) == [3, 4, 5, 6, 7, 8, 9]
    assert by_row[3]["reason_codes"] == ["missing_id"]
    assert by_row[4]["reason_codes"] == ["duplicate_id"]
    assert "rows 4, 5" in by_row[4]["reasons"]
    assert by_row[6]["reason_codes"] == ["unreadable_date"]
    assert by_row[7]["reason_codes"] == ["missing_required"]
    assert by_row[8]["reason_codes"] == ["order"]
    assert by_row[8]["reasons"].count("before it was received") == 2
    assert (
        by_row[9]["reasons"] == "stage1_received_date '31/02/2025' is not a day-first or ISO date"
    )
    assert "description" not in extract.quarantine.columns  # free text is never copied out


def test_stage2_order_rules(tmp_path):
    """Stage 2 requested before stage 1, or answered before requested, is quarantined."""
    path = tmp_path / "s2.csv"
    path.write_text(
        "complaint_id,stage1_received_date,stage2_requested_date,stage2_acknowledged_date,stage2_response_date\n"
        "C1,02/06/2025,01/06/2025,,\n"
        "C2,02/06/2025,10/06/2025,09/06/2025,08/06/2025\n"
        "C3,02/06/2025,,,20/06/2025\n"
        "C4,02/06/2025,10/06/2025,11/06/2025,20/06/2025\n",
        encoding="utf-8",
    )
    extract = load_complaints(path)
    assert extract.complaints["complaint_id"].to_list() == ["C4"]
    reasons = dict(
        zip(extract.quarantine["complaint_id"], extract.quarantine["reasons"], strict=True)
    )
    assert "stage 2 requested before stage 1 was received" in reasons["C1"]
    assert "stage 2 acknowledged before it was requested" in reasons["C2"]
    assert "stage 2 answered before it was requested" in reasons["C2"]
    assert "no stage2_requested_date" in reasons["C3"]


def test_numbers_flags_and_labels_are_cleaned(tmp_path):
    """Money with £ and commas, yes/no flags and label variants are read; nonsense is quarantined."""
    path = tmp_path / "n.csv"
    path.write_text(
        "complaint_id,stage1_received_date,compensation_gbp,stage1_extension_good_reason,stage1_outcome,vulnerability\n"
        'C1,02/06/2025,"£1,250.50",Yes,Partly Upheld,No\n'
        "C2,02/06/2025,lots,maybe,Not Upheld ,mental health\n",
        encoding="utf-8",
    )
    extract = load_complaints(path)
    good = extract.complaints.row(0, named=True)
    assert good["compensation_gbp"] == 1250.5
    assert good["stage1_extension_good_reason"] is True
    assert good["stage1_outcome"] == "partially_upheld"
    assert good["vulnerability"] is None
    assert sorted(extract.quarantine["reason_codes"][0]) == ["unreadable_flag", "unreadable_number"]


def test_input_file_is_never_modified(tmp_path):
    """Loading reads the file and nothing else: its bytes and the folder are unchanged."""
    path = _csv(tmp_path, "C1,02/06/2025,,,,,\n,bad,,,,,\n", encoding="cp1252")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    load_complaints(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["extract.csv"]


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("empty.csv", b"", "the file is empty"),
        ("header_only.csv", b"complaint_id,stage1_received_date\n", "no complaint rows"),
        ("no_date.csv", b"complaint_id,tenure\nC1,LCRA\n", "required column is missing"),
        ("extract.json", b"{}", "cannot read .json"),
        ("garbage.xlsx", b"\x00\x01not a workbook", "cannot read as XLSX"),
        ("garbage.parquet", b"PAR1garbage", "cannot read as PARQUET"),
        (
            "ragged.csv",
            b'complaint_id,stage1_received_date\nC1,02/06/2025,extra,"\n',
            "cannot read as CSV",
        ),
    ],
)
def test_unusable_files_give_one_line_naming_the_file(tmp_path, name, content, fragment):
    """Unusable input raises InputError whose message is one line and names the file."""
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        load_complaints(path)
    message = str(info.value)
    assert fragment in message
    assert str(path) in message
    assert "\n" not in message


def test_missing_file(tmp_path):
    """A file that is not there is named."""
    with pytest.raises(InputError, match="extract not found"):
        load_complaints(tmp_path / "nope.csv")
