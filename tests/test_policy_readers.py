"""Reading policy documents: text, Markdown, Word and PDF, and refusing bad input."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditlib.errors import InputError
from auditlib.policy import draft_profile, extract_profile, read_policy
from auditlib.policy.readers import MAX_BYTES, PolicyReadError, paragraphs_from_lines

FIXTURES = Path(__file__).parent / "fixtures" / "policies"


# ----------------------------------------------------------------- document makers


def write_pdf(path: Path, pages: list[list[str]]) -> Path:
    """Write a minimal PDF whose pages carry the given lines as a text layer."""

    def esc(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        (
            "<< /Type /Pages /Kids ["
            + " ".join(f"{4 + 2 * i} 0 R" for i in range(len(pages)))
            + f"] /Count {len(pages)} >>"
        ).encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for i, lines in enumerate(pages):
        body = ""
        if lines:
            shown = " ".join(f"({esc(line)}) Tj T*" for line in lines)
            body = f"BT /F1 10 Tf 12 TL 50 780 Td {shown} ET"
        stream = body.encode("latin-1")
        objects.append(
            (
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] "
                f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>"
            ).encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(bytes(out))
    return path


def write_docx(path: Path) -> Path:
    """Write a Word policy with headings, body text and a timescale table."""
    import docx

    document = docx.Document()
    document.add_heading("Complaints policy", level=1)
    document.add_heading("What a complaint is", level=2)
    document.add_paragraph(
        "A complaint is an expression of dissatisfaction, however made, about the standard "
        "of service, actions or lack of action by us, our staff or those acting on our "
        "behalf, affecting a resident or group of residents."
    )
    document.add_heading("Stage 1", level=2)
    document.add_paragraph(
        "We will acknowledge your complaint within five working days of receiving it."
    )
    document.add_heading("Stage 2", level=2)
    document.add_paragraph("You can ask us to escalate your complaint if you are unhappy.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Step"
    table.cell(0, 1).text = "Timescale"
    table.cell(1, 0).text = "Final response"
    table.cell(1, 1).text = (
        "We will respond within 20 working days of acknowledging your escalation."
    )
    document.add_heading("Our other policies", level=2)
    document.add_paragraph("See our Compensation Policy and the Housing Ombudsman's website.")
    document.save(str(path))
    return path


# --------------------------------------------------------------------- text files


def test_pdf_style_wrapping_is_joined_back():
    """A sentence split over lines with blank lines between them is one paragraph."""
    lines = ["6.3 Stage 1", "", "We will write to you within", "", "10 working days of", "",
             "acknowledging the complaint.", "", "Next point."]
    paras = paragraphs_from_lines(lines)
    assert [p.text for p in paras] == [
        "6.3 Stage 1",
        "We will write to you within 10 working days of acknowledging the complaint.",
        "Next point.",
    ]
    assert paras[0].heading
    assert paras[1].line == 3
    assert paras[1].section == "6.3 Stage 1"
    assert paras[1].line_at(len("We will write to you within 10")) == 5


def test_deep_clause_numbers_and_list_items_are_not_headings():
    """'6.3.1 Something short' and bullets are clauses, not section headings."""
    paras = paragraphs_from_lines(["2. Scope", "", "2.1.1 Making a request for a service", "",
                                   "- Telephone", "", "(a) Email"])
    assert [p.heading for p in paras] == [True, False, False, False]
    assert paras[2].text == "Telephone"


def test_markdown_headings_and_emphasis(tmp_path):
    """Markdown '#' lines are headings; emphasis and link syntax are dropped."""
    path = tmp_path / "p.md"
    path.write_text("# Title\n\n## Stage 1\n\nWe **will** reply [online](http://x).\n",
                    encoding="utf-8")
    doc = read_policy(path)
    assert doc.kind == "md"
    assert [(p.text, p.heading, p.level) for p in doc.paragraphs] == [
        ("Title", True, 1), ("Stage 1", True, 2), ("We will reply online.", False, 0)
    ]
    assert doc.paragraphs[2].section == "Stage 1"
    assert doc.paragraphs[2].line == 5


def test_windows_1252_text_is_read(tmp_path):
    """A text file saved by an old Word as Windows-1252 still reads."""
    path = tmp_path / "p.txt"
    path.write_bytes("We\u2019ll reply within ten working days.\n".encode("cp1252"))
    assert "ten working days" in read_policy(path).paragraphs[0].text


def test_utf16_text_is_read(tmp_path):
    """A UTF-16 text file with a byte-order mark is decoded, not refused as binary."""
    path = tmp_path / "p.txt"
    path.write_text("Stage 1\n\nWe reply within ten working days.\n", encoding="utf-16")
    assert read_policy(path).paragraphs[1].text == "We reply within ten working days."


# ------------------------------------------------------------------- docx and pdf


def test_docx_paragraphs_headings_and_tables(tmp_path):
    """Word headings become sections; table cells are read in order with paragraph numbers."""
    doc = read_policy(write_docx(tmp_path / "policy.docx"))
    assert doc.kind == "docx"
    texts = [p.text for p in doc.paragraphs]
    assert "Final response" in texts
    stage1 = next(p for p in doc.paragraphs if p.text.startswith("We will acknowledge"))
    assert stage1.section == "Stage 1"
    assert stage1.paragraph == texts.index(stage1.text) + 1
    assert stage1.line is None


def test_docx_profile_values(tmp_path):
    """The drafter reads a Word policy, table cells included, with paragraph numbers."""
    profile = extract_profile(write_docx(tmp_path / "policy.docx"))
    assert profile["stage1_ack_working_days"]["value"] == 5
    assert profile["stage2_response_working_days"]["value"] == 20
    assert profile["stage2_response_clock"]["value"] == "acknowledgement"
    assert profile["uses_code_definition"]["value"] is True
    assert profile["compensation_policy"]["value"] is True
    evidence = profile["stage2_response_working_days"]["evidence"][0]
    assert evidence["section"] == "Stage 2"
    assert isinstance(evidence["paragraph"], int)
    assert "line" not in evidence


def test_pdf_text_layer_pages_and_lines(tmp_path):
    """PDF text is read page by page; evidence gives the page and the line on it."""
    path = write_pdf(
        tmp_path / "policy.pdf",
        [
            ["Complaints policy", "", "Stage 1",
             "We will acknowledge your complaint within five working days", "of receiving it."],
            ["Stage 2", "We will respond within twenty working days of acknowledging",
             "your escalation request."],
        ],
    )
    doc = read_policy(path)
    assert doc.kind == "pdf"
    profile = draft_profile(doc)
    assert profile["stage1_ack_working_days"]["value"] == 5
    assert profile["stage2_response_working_days"]["value"] == 20
    evidence = profile["stage2_response_working_days"]["evidence"][0]
    assert evidence["page"] == 2
    assert evidence["line"] == 2
    assert evidence["section"] == "Stage 2"


def test_reader_libraries_are_not_imported_with_the_package():
    """Importing auditlib.policy and its CLI module loads neither python-docx nor pypdf."""
    code = (
        "import sys, auditlib.policy, auditlib.policy.cli;"
        "print('docx' in sys.modules, 'pypdf' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["False", "False"]


# ---------------------------------------------------------------------- bad input


def _garbage(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    path.write_bytes(bytes(range(256)) * 40)
    return path


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.md", b"  \n\n\t\n", "white space"),
        ("binary.txt", bytes(range(256)) * 40, "binary"),
        ("binary.docx", bytes(range(256)) * 40, "Word"),
        ("binary.pdf", bytes(range(256)) * 40, "PDF"),
        ("truncated.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", "PDF"),
        ("policy.rtf", b"{\\rtf1 hello}", "unknown document type"),
        ("policy", b"hello", "unknown document type"),
    ],
)
def test_bad_input_is_refused_with_a_message(tmp_path, name, content, message):
    """Each kind of unusable file raises an InputError naming the file and the problem."""
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as info:
        read_policy(path)
    assert info.value.source == str(path)
    assert "\n" not in str(info.value)


def test_scanned_pdf_without_text_is_refused(tmp_path):
    """A PDF whose pages carry no text layer is refused and the message says why."""
    path = write_pdf(tmp_path / "scan.pdf", [[], []])
    with pytest.raises(PolicyReadError, match="no text layer"):
        read_policy(path)


def test_missing_file_is_refused(tmp_path):
    """A path that does not exist is an InputError, not an OSError."""
    with pytest.raises(InputError, match="cannot open"):
        read_policy(tmp_path / "nope.txt")


def test_fifty_megabyte_document_is_refused_quickly(tmp_path):
    """A 50 MB document is refused from its size, before it is read."""
    path = tmp_path / "huge.pdf"
    with path.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    start = time.perf_counter()
    with pytest.raises(PolicyReadError, match="MB limit"):
        read_policy(path)
    assert time.perf_counter() - start < 0.5
    assert MAX_BYTES < 50 * 1024 * 1024


def test_fixture_policies_all_read():
    """Every synthetic fixture policy reads into paragraphs."""
    for path in sorted(FIXTURES.iterdir()):
        assert read_policy(path).paragraphs, path.name


def test_text_longer_than_any_policy_is_refused(tmp_path):
    """Millions of characters of text are refused before the drafter reads them."""
    path = tmp_path / "long.txt"
    path.write_text("We reply within ten working days.\n" * 80_000, encoding="utf-8")
    start = time.perf_counter()
    with pytest.raises(PolicyReadError, match="characters of text"):
        read_policy(path)
    assert time.perf_counter() - start < 1.0


def test_one_long_wrapped_paragraph_reads_in_linear_time(tmp_path):
    """A long paragraph wrapped over thousands of lines is joined without slowing down."""
    path = tmp_path / "wrapped.txt"
    path.write_text("we reply within\n10 working days and\n" * 5_000, encoding="utf-8")
    start = time.perf_counter()
    profile = extract_profile(path)
    assert time.perf_counter() - start < 5.0
    assert profile["stage1_response_working_days"]["value"] == 10


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=120), max_size=30))
def test_any_text_drafts_a_valid_profile(lines):
    """Whatever the text, the drafter returns a profile that validates; it never crashes."""
    from auditlib.policy import validate_profile
    from auditlib.policy.readers import PolicyDocument

    paragraphs = paragraphs_from_lines(lines, markdown=True)
    profile = draft_profile(PolicyDocument("fuzz.md", "md", tuple(paragraphs)))
    validate_profile(profile)


WORDS = st.sampled_from(
    ["Stage", "stage", "1", "2", "two", "Final", "final", "within", "working", "days",
     "acknowledge", "respond", "of", "receipt", "the", "escalation", "request", "further",
     "months", "twelve", "informal", "complaint", ".", ":", "-", "\n", "\n\n", "#", "Ombudsman"]
)


@settings(max_examples=80, deadline=None)
@given(st.lists(WORDS, max_size=80))
def test_policy_like_word_salad_drafts_a_valid_profile(words):
    """Random arrangements of policy words never crash the drafter or break the schema."""
    from auditlib.policy import validate_profile
    from auditlib.policy.readers import PolicyDocument

    text = " ".join(words)
    paragraphs = paragraphs_from_lines(text.splitlines(), markdown=True)
    profile = draft_profile(PolicyDocument("salad.md", "md", tuple(paragraphs)))
    validate_profile(profile)
