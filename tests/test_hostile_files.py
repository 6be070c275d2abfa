"""Hostile and damaged files: every reader ends in exit 0, 1 or 2 with one printable line.

Hypothesis writes random and mutated files for each reader (extract as CSV, XLSX and
Parquet, configuration, mapping, policy profile, policy document as text, Word and PDF,
last year's action plan) and runs the command a person would run on it, in this
process. Each reader gets a few seconds: a fixed number of examples, each with a time
limit, and the process's peak memory is checked at the end. The named cases from the
issue (the far-corner XLSX, the ZIP bomb, deep YAML, year 9999, a folder, terminal escape
codes in a header, a huge single line) are tested one by one.
"""

from __future__ import annotations

import io
import resource
import sys
import tempfile
import time
import zipfile
from datetime import timedelta
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditlib.cli import main
from auditlib.errors import InputError
from auditlib.learning.actionplan import read_plan
from auditlib.outputs import workbook

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample" / "complaints.csv"
FUZZ = settings(
    max_examples=25,
    deadline=timedelta(seconds=10),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
#: each command on a small hostile file must finish within this many seconds
SECONDS = 10.0
#: the whole test process must stay under this peak resident memory
PEAK_BYTES = 6 * 1024**3

HEADER = "complaint_id,stage1_received_date,stage1_response_date,category\n"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """Run the command in this process; return the exit code and stderr."""
    start = time.perf_counter()
    code = main(list(args))
    elapsed = time.perf_counter() - start
    err = capsys.readouterr().err
    assert elapsed < SECONDS, f"{args[0]} took {elapsed:.1f} s"
    return code, err


def _assert_clean_exit(code: int, err: str) -> None:
    assert code in (0, 1, 2), err
    if code == 2:
        lines = err.splitlines()
        assert len(lines) == 1, err[:500]
        assert lines[0].isprintable(), repr(lines[0][:200])
        assert len(lines[0]) <= 420
    assert "internal error" not in err, err[:500]


def _workbook_bytes(rows: list[list[str]]) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "w.xlsx"
        with workbook(path) as book:
            sheet = book.add_worksheet("Sheet1")
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    sheet.write_string(r, c, value)
        return path.read_bytes()


# --- random content for every reader ---------------------------------------------------

cells = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12
)
csv_text = st.lists(
    st.lists(st.one_of(cells, st.sampled_from(["31/12/9999", "=1+1", "2025-13-40", "\x1b[2J"])),
             min_size=1, max_size=5),
    max_size=6,
).map(lambda rows: HEADER + "\n".join(",".join(r) for r in rows))


@FUZZ
@given(body=st.one_of(csv_text, st.binary(max_size=400).map(lambda b: b.decode("latin-1"))))
def test_extract_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str) -> None:
    path = tmp_path / "extract.csv"
    path.write_bytes(body.encode("utf-8", errors="surrogateescape"))
    _assert_clean_exit(*_run(capsys, "timeliness", str(path), "--out", str(tmp_path / "t.csv")))


@FUZZ
@given(
    rows=st.lists(st.lists(cells, min_size=1, max_size=4), max_size=5),
    flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=4),
)
def test_extract_xlsx(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], rows: list[list[str]], flips: list
) -> None:
    data = bytearray(_workbook_bytes([["complaint_id", "stage1_received_date"], *rows]))
    for at, byte in flips:
        data[at % len(data)] = byte
    path = tmp_path / "extract.xlsx"
    path.write_bytes(bytes(data))
    _assert_clean_exit(*_run(capsys, "timeliness", str(path), "--out", str(tmp_path / "t.csv")))


@FUZZ
@given(body=st.binary(max_size=300))
def test_extract_parquet(tmp_path: Path, capsys: pytest.CaptureFixture[str], body: bytes) -> None:
    path = tmp_path / "extract.parquet"
    path.write_bytes(b"PAR1" + body + b"PAR1")
    _assert_clean_exit(*_run(capsys, "timeliness", str(path), "--out", str(tmp_path / "t.csv")))


yaml_text = st.one_of(
    st.text(max_size=200),
    st.recursive(
        st.one_of(st.integers(), st.text(max_size=8), st.none(), st.booleans()),
        lambda inner: st.one_of(st.lists(inner, max_size=3),
                                st.dictionaries(st.text(max_size=6), inner, max_size=3)),
        max_leaves=10,
    ).map(repr),
    st.integers(1, 3000).map(lambda n: "a: " + "[" * n + "]" * n),
)


@FUZZ
@given(body=yaml_text, option=st.sampled_from(["--config", "--mapping"]))
def test_settings_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, option: str
) -> None:
    path = tmp_path / "settings.yaml"
    path.write_text(body, encoding="utf-8", errors="surrogateescape")
    code, err = _run(capsys, "metrics", str(SAMPLE), option, str(path), "--format", "json")
    _assert_clean_exit(code, err)


@FUZZ
@given(body=yaml_text, suffix=st.sampled_from([".yaml", ".json"]))
def test_policy_profile(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, suffix: str
) -> None:
    path = tmp_path / f"profile{suffix}"
    path.write_text(body, encoding="utf-8", errors="surrogateescape")
    _assert_clean_exit(*_run(capsys, "policy", "check", str(path)))


def _docx_bytes(text: str) -> bytes:
    buffer = io.BytesIO()
    body = (
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>"
    )
    types = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
    )
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", types)
        z.writestr("_rels/.rels", rels)
        z.writestr("word/document.xml", body)
    return buffer.getvalue()


@FUZZ
@given(
    kind=st.sampled_from([".txt", ".md", ".docx", ".pdf"]),
    text=st.text(alphabet=st.characters(codec="ascii", min_codepoint=32), max_size=80),
    flips=st.lists(st.tuples(st.integers(0, 10**5), st.integers(0, 255)), max_size=3),
)
def test_policy_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str, text: str, flips: list
) -> None:
    safe = text.replace("&", " ").replace("<", " ").replace("(", " ").replace(")", " ")
    if kind == ".docx":
        data = bytearray(_docx_bytes(safe))
    elif kind == ".pdf":
        stream = f"BT /F1 10 Tf 20 100 Td ({safe}) Tj ET".encode()
        data = bytearray(
            b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
            b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
            b"3 0 obj << /Type /Page /Parent 2 0 R /Contents 4 0 R >> endobj\n"
            b"4 0 obj << /Length " + str(len(stream)).encode() + b" >> stream\n"
            + stream + b"\nendstream endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
        )
    else:
        data = bytearray(text.encode())
    for at, byte in flips:
        if data:
            data[at % len(data)] = byte
    path = tmp_path / f"policy{kind}"
    path.write_bytes(bytes(data))
    _assert_clean_exit(*_run(capsys, "policy", "extract", str(path)))


@FUZZ
@given(body=st.one_of(csv_text, st.binary(max_size=200).map(lambda b: b.decode("latin-1"))),
       suffix=st.sampled_from([".csv", ".xlsx"]))  # fmt: skip
def test_previous_plan(tmp_path: Path, body: str, suffix: str) -> None:
    path = tmp_path / f"plan{suffix}"
    path.write_bytes(body.encode("utf-8", errors="surrogateescape"))
    start = time.perf_counter()
    message = ""
    try:
        read_plan(path)
    except InputError as exc:
        message = str(exc)
    assert time.perf_counter() - start < SECONDS
    assert "\n" not in message


def test_peak_memory_stayed_bounded() -> None:
    """After the fuzzing above, the test process never held more than a few GB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak_bytes = peak if sys.platform == "darwin" else peak * 1024
    assert peak_bytes < PEAK_BYTES


# --- the cases the issue names ---------------------------------------------------------


def _xlsx_with_sheet(path: Path, sheet: str) -> None:
    with zipfile.ZipFile(io.BytesIO(_workbook_bytes([["complaint_id"]]))) as source:
        parts = {n: source.read(n) for n in source.namelist()}
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def test_far_corner_cell_is_refused_before_parsing(tmp_path, capsys) -> None:
    """One cell at XFD1048576 would make the engine ask for 500 GB and abort the process."""
    path = tmp_path / "corner.xlsx"
    _xlsx_with_sheet(
        path,
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1" t="inlineStr">'
        '<is><t>complaint_id</t></is></c></row><row r="1048576"><c r="XFD1048576" '
        't="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>',
    )
    code, err = _run(capsys, "timeliness", str(path), "--out", str(tmp_path / "t.csv"))
    assert code == 2
    assert "1,048,576 rows by 16,384 columns" in err


def test_zip_bomb_workbook_is_refused_before_parsing(tmp_path, capsys) -> None:
    """A sheet that expands a thousand times is refused without expanding it."""
    _xlsx_with_sheet(
        tmp_path / "bomb.xlsx",
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{' ' * 20_000_000}</sheetData></worksheet>",
    )
    code, err = _run(capsys, "timeliness", str(tmp_path / "bomb.xlsx"), "--out", "t.csv")
    assert code == 2
    assert "ZIP bomb" in err


def test_deep_yaml_and_json_are_one_line_exit_2(tmp_path, capsys) -> None:
    """Nesting 100,000 deep gives the settings error, not a RecursionError (exit 3)."""
    for name, body, args in (
        ("deep.yaml", "a: " + "[" * 100_000 + "]" * 100_000, ("metrics", str(SAMPLE), "--config")),
        ("deep.json", "[" * 100_000 + "]" * 100_000, ("policy", "check")),
    ):
        path = tmp_path / name
        path.write_text(body)
        code, err = _run(capsys, *args, str(path))
        assert code == 2, err
        assert "nested too deeply" in err


def test_year_9999_is_quarantined_not_an_overflow(tmp_path, capsys) -> None:
    """A date in year 9999 among in-year dates is quarantined with its reason."""
    path = tmp_path / "x.csv"
    path.write_text(HEADER + "C1,31/12/9999,,Repairs\nC2,02/05/2025,06/05/2025,Repairs\n")
    quarantine = tmp_path / "q.csv"
    code, _ = _run(capsys, "timeliness", str(path), "--out", str(tmp_path / "t.csv"),
                   "--quarantine", str(quarantine))  # fmt: skip
    assert code == 0
    row = pl.read_csv(quarantine).row(0, named=True)
    assert row["reason_codes"] == "implausible_date"
    assert "'31/12/9999' is not a date in the years 1990 to 2100" in row["reasons"]


def test_a_folder_is_not_file_not_found(tmp_path, capsys) -> None:
    """A folder given as the extract, config or plan says so."""
    folder = tmp_path / "extract.csv"
    folder.mkdir()
    code, err = _run(capsys, "metrics", str(folder))
    assert code == 2
    assert "is a folder, not a file" in err
    code, err = _run(capsys, "metrics", str(SAMPLE), "--config", str(tmp_path))
    assert code == 2
    assert "is a folder, not a file" in err


def test_escape_codes_and_huge_lines_are_not_echoed(tmp_path, capsys) -> None:
    """A header with terminal escape codes, and a 5 MB single line, give a short clean line."""
    path = tmp_path / "evil.csv"
    path.write_bytes(b"\x1b]0;pwned\x07\x1b[2J,complaint\x00_id\n1,2\n")
    code, err = _run(capsys, "metrics", str(path))
    assert code == 2
    assert "\x1b" not in err
    assert "\\x1b" in err
    path.write_bytes(b"complaint_id" + b"x" * 5_000_000)
    code, err = _run(capsys, "metrics", str(path))
    assert code == 2
    assert len(err) < 500


def test_a_bad_previous_plan_is_exit_2(tmp_path, capsys) -> None:
    """A plan that is not a workbook ends in one line and exit 2, never exit 3."""
    plan = tmp_path / "plan.xlsx"
    plan.write_bytes(b"not a workbook")
    code, err = _run(capsys, "learning", str(SAMPLE), "--previous-plan", str(plan),
                     "--out", str(tmp_path / "out"), "--no-charts")  # fmt: skip
    assert code == 2
    assert "previous action plan" in err
