"""The board paper as HTML, PDF and Word.

One :class:`~auditlib.board.content.BoardPaper`, three renderings: HTML with inline SVG
charts (reads offline), PDF from the same HTML through WeasyPrint with the charts as
PNG (A4 portrait, page numbers in the footer), and a Word document with real headings,
tables and embedded charts, so that a governance officer can paste it into the board
template. No code and no personal data: the content holds neither.
"""

from __future__ import annotations

import base64
import io
import os
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from auditlib.board.content import BoardPaper, Table

#: the creation time stamped into the PDF and Word files (reproducible bytes)
FIXED_TIME = datetime(2024, 4, 1)  # noqa: DTZ001 - a fixed stamp, not a time


def html(paper: BoardPaper, *, images: str = "svg") -> str:
    """The paper as one HTML page; ``images`` is ``svg`` (inline) or ``png`` (embedded)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("auditlib", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
    )
    pictures = {}
    for s in paper.sections:
        for c in s.charts:
            pictures[c.title] = (
                c.svg
                if images == "svg"
                else f'<img alt="{_attr(c.alt)}" src="data:image/png;base64,'
                f'{base64.b64encode(c.png).decode()}">'
            )
    return env.get_template("board_paper.html.j2").render(paper=paper, pictures=pictures)


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def write_pdf(paper: BoardPaper, path: str | Path) -> Path:
    """The paper as PDF through WeasyPrint (no browser, works offline)."""
    import weasyprint

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # font subsetting stamps the fonts with the time unless told otherwise
    with _source_date():
        document = weasyprint.HTML(string=html(paper, images="png")).render()
        document.metadata.title = paper.title
        document.metadata.authors = [paper.landlord]
        document.metadata.created = FIXED_TIME.isoformat()
        document.metadata.modified = FIXED_TIME.isoformat()
        document.write_pdf(path)
    return path


@contextmanager
def _source_date() -> Iterator[None]:
    """SOURCE_DATE_EPOCH set to :data:`FIXED_TIME` for the duration (reproducible builds)."""
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(FIXED_TIME.replace(tzinfo=UTC).timestamp()))
    try:
        yield
    finally:
        if before is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before


def _fixed_zip_times(path: Path) -> None:
    """Rewrite a ZIP-based document with every member dated :data:`FIXED_TIME`."""
    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    stamp = FIXED_TIME.timetuple()[:6]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in members:
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, data)


def write_docx(paper: BoardPaper, path: str | Path) -> Path:
    """The paper as a Word document: headings, tables, charts and page numbers."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.0))
    section.top_margin = section.bottom_margin = Cm(1.8)
    styles = doc.styles
    styles["Normal"].font.name = "Arial"
    styles["Normal"].font.size = Pt(10)
    props = doc.core_properties
    props.title, props.author = paper.title, paper.landlord
    props.created = props.modified = FIXED_TIME
    props.last_modified_by = paper.landlord
    props.revision = 1
    _page_numbers(section.footer.paragraphs[0])

    doc.add_heading(paper.title, level=0)
    doc.add_paragraph().add_run(f"{paper.subtitle}. Prepared on {paper.prepared_on}.").italic = True
    width = Cm(21.0 - 2 * 2.0)
    for number, s in enumerate(paper.sections, start=1):
        if number == len(paper.sections):  # the governing body's response on a page of its own
            doc.add_page_break()
        doc.add_heading(f"{number}. {s.title}", level=1)
        for text in s.paragraphs:
            doc.add_paragraph(text)
        for text in s.bullets:
            doc.add_paragraph(text, style="List Bullet")
        for chart in s.charts:
            doc.add_picture(io.BytesIO(chart.png), width=width)
            caption = doc.add_paragraph(chart.title)
            caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
            caption.runs[0].italic = True
        for table in s.tables:
            _docx_table(doc, table, WD_TABLE_ALIGNMENT.CENTER)
        for text in s.after:
            doc.add_paragraph(text)
        if s.title.startswith("The governing body's response"):
            box = doc.add_table(rows=1, cols=1)
            box.style = "Table Grid"
            box.rows[0].height = Cm(6)
    doc.save(str(path))
    _fixed_zip_times(path)
    return path


def _docx_table(doc: Any, table: Table, align: Any) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    doc.add_heading(table.title, level=2)
    grid = doc.add_table(rows=1, cols=len(table.columns))
    grid.style = "Light Grid Accent 1"
    grid.alignment = align
    for cell, heading in zip(grid.rows[0].cells, table.columns, strict=True):
        cell.text = heading
    numeric = table.numeric or (False,) * len(table.columns)
    # widths in proportion to what each column holds (headings and cells, capped)
    longest = [
        min(60, max([len(h)] + [len(r[i]) for r in table.rows]))
        for i, h in enumerate(table.columns)
    ]
    widths = [max(6, n) / sum(max(6, m) for m in longest) for n in longest]
    grid.autofit = False
    for row in table.rows:
        cells = grid.add_row().cells
        for cell, value, is_number in zip(cells, row, numeric, strict=True):
            cell.text = value
            if is_number:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    usable = Cm(21.0 - 2 * 2.0)
    for grid_row in grid.rows:
        for cell, share in zip(grid_row.cells, widths, strict=True):
            cell.width = int(usable * share)
    if table.note:
        doc.add_paragraph(table.note).runs[0].italic = True


def _page_numbers(paragraph: Any) -> None:
    """'Page N of M' in the footer, as Word fields."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def field(code: str) -> None:
        run = paragraph.add_run()
        for kind, text in (("begin", None), ("instr", code), ("separate", None), ("end", None)):
            if kind == "instr":
                instr = OxmlElement("w:instrText")
                instr.set(qn("xml:space"), "preserve")
                instr.text = text
                run._r.append(instr)
            else:
                char = OxmlElement("w:fldChar")
                char.set(qn("w:fldCharType"), kind)
                run._r.append(char)

    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    paragraph.add_run("Page ")
    field("PAGE")
    paragraph.add_run(" of ")
    field("NUMPAGES")


def write_board_paper(paper: BoardPaper, out_dir: str | Path) -> dict[str, Path]:
    """Write ``board_paper.html``, ``.pdf`` and ``.docx``; return their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "html": out / "board_paper.html",
        "pdf": out / "board_paper.pdf",
        "docx": out / "board_paper.docx",
    }
    paths["html"].write_text(html(paper), encoding="utf-8")
    write_pdf(paper, paths["pdf"])
    write_docx(paper, paths["docx"])
    return paths
