"""The self-assessment's files: the form's layout, readable widths, offline HTML, no personal data."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import polars as pl
import pytest

from auditlib.audit import run_audit
from auditlib.config import AuditConfig
from auditlib.selfassess import self_assess
from auditlib.selfassess.render import FORM_COLUMNS, sheet_name, write_self_assessment


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = Path(__file__).resolve().parents[1]
    config = AuditConfig.load(root / "config" / "auditlib.yaml")
    result = run_audit(root / "data" / "sample" / "complaints.csv", config=config)
    out = tmp_path_factory.mktemp("sa")
    return write_self_assessment(self_assess(result, config=config), out)


def _sheets(path: Path) -> dict[str, str]:
    """Sheet name -> its XML, read from the workbook's parts."""
    with zipfile.ZipFile(path) as z:
        book = z.read("xl/workbook.xml").decode()
        names = re.findall(r'<sheet name="([^"]+)" sheetId="(\d+)"', book)
        return {
            name.replace("&amp;", "&"): z.read(f"xl/worksheets/sheet{i}.xml").decode()
            for name, i in names
        }


def test_workbook_is_laid_out_like_the_form(written):
    sheets = _sheets(written["workbook"])
    sections = [
        sheet_name(n, t)
        for n, t in ((1, "Definition of a complaint"), (9, "Scrutiny and oversight"))
    ]
    assert next(iter(sheets)) == "Summary"
    assert all(s in sheets for s in sections)
    assert "Annual figures" in sheets
    assert len([s for s in sheets if s[0].isdigit()]) == 9
    frame = pl.read_excel(written["workbook"], sheet_name=sections[0])
    assert frame.columns[:5] == [
        "Code provision",
        "Code requirement",
        "Comply",
        "Evidence",
        "Commentary / explanation",
    ]
    # section 1 starts at 1.1 (not assessed) and every answer is one of the form's
    assert frame["Code provision"].to_list()[:2] == ["1.1", "1.2"]
    assert set(frame["Comply"]) <= {"Yes", "No", "Partly", "Needs evidence", "Not assessed"}


def test_widths_are_characters_text_wraps_and_the_header_is_frozen(written):
    xml = _sheets(written["workbook"])[sheet_name(6, "Complaints stages")]
    widths = [float(w) for w in re.findall(r'<col [^>]*width="([\d.]+)"', xml)]
    # xlsxwriter stores a character width plus padding; each is what FORM_COLUMNS asks for
    for (_, wanted), got in zip(FORM_COLUMNS, widths, strict=True):
        assert wanted <= got < wanted + 1
    assert 'state="frozen"' in xml
    assert 'ySplit="1"' in xml
    heights = [float(h) for h in re.findall(r'<row r="(?:[2-9]|\d\d)"[^>]* ht="([\d.]+)"', xml)]
    assert heights
    assert max(heights) > 60  # tall rows: long evidence is shown whole, not cut off


def test_no_cell_is_a_formula(written):
    for xml in _sheets(written["workbook"]).values():
        assert "<f>" not in xml


def test_html_reads_offline_and_holds_every_provision(written):
    html = written["html"].read_text(encoding="utf-8")
    assert not re.search(r'(src|href)="https?://', html)
    assert "<script" not in html
    for number in ("1.2", "5.12", "6.13", "9.8"):
        assert f"<td>{number}</td>" in html
    assert html.count("<svg") == 3
    assert "Page " in html  # printed pages are numbered


def test_json_round_trips_with_every_provision_and_the_figures(written):
    data = json.loads(written["json"].read_text(encoding="utf-8"))
    assert len(data["provisions"]) == 73
    assert data["summary"]["No"] >= 1
    assert {"headline", "by_category", "working_day_bands", "refusals"} <= set(data["figures"])
    overridden = [p for p in data["provisions"] if p["overridden"]]
    assert overridden
    assert all(p["suggested"] and p["override"]["reason"] for p in overridden)


def test_no_personal_data_reaches_any_output(written, root):
    extract = pl.read_csv(root / "data" / "sample" / "complaints.csv", infer_schema=False)
    personal = set()
    for column in ("tenant_ref", "property_ref", "description", "remedy"):
        personal |= {v for v in extract[column].drop_nulls().to_list() if len(v) > 6}
    emails = re.compile(r"[\w.]+@example\.(?:com|invalid)")
    for path in written.values():
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as z:
                text = " ".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
        else:
            text = path.read_text(encoding="utf-8")
        assert not emails.search(text), path.name
        leaked = [v for v in personal if v in text]
        assert not leaked, (path.name, leaked[:3])


def test_command_line_writes_the_files_and_bad_input_is_one_line(tmp_path, root):
    auditlib = Path(sys.executable).parent / "auditlib"
    out = tmp_path / "out"
    done = subprocess.run(
        [str(auditlib), "self-assess", "--out", str(out), "--no-charts"],
        cwd=root, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Needs evidence:" in done.stdout
    assert (out / "self_assessment.xlsx").is_file()
    bad = tmp_path / "attestations.yaml"
    bad.write_text(
        "attestations:\n  - provisions: ['4.1']\n    date: 31/12/2025\n    statement: s\n"
        "    who: w\n    document: d\n",
        "utf-8",
    )
    failed = subprocess.run(
        [str(auditlib), "self-assess", "--attestations", str(bad), "--out", str(out)],
        cwd=root, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert failed.returncode == 2
    assert failed.stderr.count("\n") == 1
    assert "Traceback" not in failed.stderr
    assert "line 3, key 'date'" in failed.stderr
