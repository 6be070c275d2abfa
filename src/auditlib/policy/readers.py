"""Read a policy document into numbered paragraphs with their section headings.

Plain text, Markdown, Word (.docx) and PDF with a text layer are supported. Every
paragraph keeps where it came from (a line number for text, Markdown and PDF; a
paragraph number for Word; the page for PDF) and the heading it sits under, so that
each value drafted from the document can be quoted with its place.

Text pasted out of PDFs is often hard-wrapped, with blank lines even inside a
sentence; blocks that plainly continue the previous one (it has no closing punctuation
and the next starts in lower case) are joined back together.

python-docx and pypdf are imported inside the functions that need them.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditlib.errors import InputError

#: documents larger than this are refused before a byte is read
MAX_BYTES: int = 20 * 1024 * 1024
#: PDFs with more pages than this are refused
MAX_PDF_PAGES: int = 400
#: documents with more text than this (characters) are refused: no policy is this long
MAX_TEXT_CHARS: int = 2_000_000
#: a Word document expanding beyond this is refused before it is parsed
MAX_UNZIPPED_BYTES: int = 200 * 1024 * 1024
#: Word documents with more paragraphs than this are refused (a long policy has ~2,000)
MAX_PARAGRAPHS: int = 20_000
#: reading stops with an error after this many seconds
MAX_SECONDS: float = 30.0

TEXT_SUFFIXES = (".txt", ".text", ".md", ".markdown")
SUFFIXES = (*TEXT_SUFFIXES, ".docx", ".pdf")


class PolicyReadError(InputError):
    """A policy document cannot be read as text."""


@dataclass(frozen=True)
class Paragraph:
    """One paragraph (or heading, or list item) of a policy document.

    Attributes
    ----------
    text
        The paragraph's text on one line, markup removed.
    line
        First line of the paragraph in the file (text, Markdown, PDF), else None.
    paragraph
        Paragraph number in a Word document (1-based), else None.
    page
        PDF page (1-based), else None.
    section
        Text of the nearest heading above, or None.
    heading
        True when the paragraph is itself a heading.
    level
        Heading level where the source says (Markdown ``#`` count, Word style), else 0.
    line_starts
        (character offset, line) pairs so a sentence inside the paragraph can be
        located on its own line.
    """

    text: str
    line: int | None = None
    paragraph: int | None = None
    page: int | None = None
    section: str | None = None
    heading: bool = False
    level: int = 0
    line_starts: tuple[tuple[int, int], ...] = field(default=(), repr=False)

    def line_at(self, offset: int) -> int | None:
        """Line on which the character at ``offset`` lies (None when not line-based)."""
        if self.line is None:
            return None
        found = self.line
        for start, line in self.line_starts:
            if start <= offset:
                found = line
            else:
                break
        return found


@dataclass(frozen=True)
class PolicyDocument:
    """A policy read into paragraphs."""

    source: str
    kind: str
    paragraphs: tuple[Paragraph, ...]


# ---------------------------------------------------------------------------- entry


def read_policy(path: str | Path) -> PolicyDocument:
    """Read a policy document, refusing anything that is not a readable text document.

    Parameters
    ----------
    path
        A ``.txt``/``.md``, ``.docx`` or ``.pdf`` file.

    Returns
    -------
    PolicyDocument

    Raises
    ------
    PolicyReadError
        Missing, empty, too large, unknown type, binary, or (PDF) without text.
    """
    p = Path(path)
    source = str(p)
    suffix = p.suffix.lower()
    if suffix not in SUFFIXES:
        msg = (
            f"unknown document type {suffix or '(no extension)'!r}; "
            f"expected one of {', '.join(SUFFIXES)}"
        )
        raise PolicyReadError(source, msg)
    try:
        size = p.stat().st_size
    except OSError as exc:
        msg = f"cannot open the document ({exc.strerror or exc})"
        raise PolicyReadError(source, msg) from None
    if not p.is_file():
        raise PolicyReadError(source, "not a file")
    if size == 0:
        raise PolicyReadError(source, "the document is empty")
    if size > MAX_BYTES:
        msg = (
            f"the document is {size / 1024 / 1024:.1f} MB, over the "
            f"{MAX_BYTES // 1024 // 1024} MB limit for a policy; is it the right file?"
        )
        raise PolicyReadError(source, msg)
    if suffix == ".docx":
        paragraphs = _read_docx(p)
        kind = "docx"
    elif suffix == ".pdf":
        paragraphs = _read_pdf(p)
        kind = "pdf"
    else:
        text = _decode(p.read_bytes(), source)
        if len(text) > MAX_TEXT_CHARS:
            msg = (
                f"the document has {len(text):,} characters of text, more than any "
                f"complaints policy (limit {MAX_TEXT_CHARS:,}); is it the right file?"
            )
            raise PolicyReadError(source, msg)
        kind = "md" if suffix in (".md", ".markdown") else "txt"
        paragraphs = paragraphs_from_lines(text.splitlines(), markdown=kind == "md")
    if not paragraphs:
        raise PolicyReadError(source, "the document has no text")
    chars = sum(len(para.text) for para in paragraphs)
    if chars > MAX_TEXT_CHARS:
        msg = (
            f"the document has {chars:,} characters of text, more than any complaints "
            f"policy (limit {MAX_TEXT_CHARS:,}); is it the right file?"
        )
        raise PolicyReadError(source, msg)
    return PolicyDocument(source=source, kind=kind, paragraphs=tuple(paragraphs))


class _Deadline:
    """Refuses a document whose reading runs past :data:`MAX_SECONDS`."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.end = time.monotonic() + MAX_SECONDS

    def check(self) -> None:
        if time.monotonic() > self.end:
            msg = (
                f"reading the document took over {MAX_SECONDS:.0f} seconds, far longer than "
                "any policy needs; save it again from the original, or as plain text"
            )
            raise PolicyReadError(self.source, msg)


def _decode(data: bytes, source: str) -> str:
    """Decode text bytes, refusing binary content."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise PolicyReadError(source, "cannot decode the UTF-16 text") from None
    else:
        sample = data[:65536]
        controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
        if b"\x00" in sample or controls > len(sample) * 0.01:
            msg = "the file is binary, not text; save the policy as .txt, .md, .docx or .pdf"
            raise PolicyReadError(source, msg)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    if not text.strip():
        raise PolicyReadError(source, "the document contains only white space")
    return text


# ---------------------------------------------------------------------- line text

_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^\s*(?:[-*+•▪◦●·]|\d{1,2}[.)]\s|\(?[a-zA-Z]\)|\(?[ivx]{1,4}\))\s*")
_STAGE_ROW = re.compile(
    r"^(?:stage\s+(?:\d|one|two|three|zero)|(?:first|second|third|final)\s+stage)\s*[-–—:]",
    re.IGNORECASE,
)
_LONE_BULLET = re.compile(r"^\s*[-*+•▪◦●·]\s*$")
_NUMBERED = re.compile(r"^\s*(?:\d+(?:\.\d+)+\.?|\d+[.)])\s+\S")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-*:?\s*)*\|?\s*$")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*]))")
_TERMINAL = re.compile(r"[.!?:;][)\]\"”’']?\s*$")
_CONNECTOR_END = re.compile(
    r"\b(?:and|or|the|of|to|a|an|within|by|for|in|with|from|that|is|are|be|will|our|"
    r"their|your|its|at|on|as|than|this|these|if|when|which|who)\s*$",
    re.IGNORECASE,
)
_NUMBERING = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?|[A-Z]\.|[IVX]+\.)\s+")


def _clean_markup(line: str) -> str:
    """Remove Markdown emphasis and links, leaving the words."""
    line = _MD_LINK.sub(r"\1", line)
    line = _EMPHASIS.sub("", line)
    return line.replace("\u00a0", " ")


def _is_heading_text(text: str) -> bool:
    """Guess whether a short stand-alone line is a heading."""
    stripped = text.strip()
    if not stripped or len(stripped) > 80:
        return False
    numbering = _NUMBERING.match(stripped)
    if numbering and numbering.group(0).strip().rstrip(".").count(".") > 1:
        return False  # 6.3.1 and deeper: a numbered clause, not a heading
    body = _NUMBERING.sub("", stripped)
    if not body or not body[0].isalpha() or not body[0].isupper():
        return False
    if re.search(r"[.,;:!?]\s*$", body) or re.search(r"@|www\.|https?:|\d{4,}", body):
        return False
    if _BULLET.match(stripped) and not _NUMBERING.match(stripped):
        return False
    labelled = r"(?i)\b(?:stage|part|section|step|appendix|level)\s+\d+"
    if re.search(r"\d", re.sub(labelled, "", body)):
        return False
    words = body.split()
    return len(words) <= 9


def paragraphs_from_lines(lines: list[str], *, markdown: bool = False) -> list[Paragraph]:
    """Group text lines into paragraphs, headings and list items.

    Consecutive lines form one paragraph unless a line starts a list item or the
    previous line stands alone as a heading. A block after a blank line is joined to
    the previous paragraph when it plainly continues it (no closing punctuation before,
    and a lower-case start or a dangling word such as "the" or "within").

    Parameters
    ----------
    lines
        The file's lines; line numbers are their 1-based positions.
    markdown
        Treat ``#`` lines as headings and strip Markdown emphasis and links.

    Returns
    -------
    list of Paragraph

    Examples
    --------
    >>> paras = paragraphs_from_lines(["Stage 1", "", "We will reply within", "",
    ...                                "ten working days."])
    >>> [(p.text, p.line, p.heading) for p in paras]
    [('Stage 1', 1, True), ('We will reply within ten working days.', 3, False)]
    """
    blocks: list[dict[str, Any]] = []
    blank_before = True
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip()
        if not line.strip() or _TABLE_RULE.match(line):
            blank_before = True
            continue
        if _LONE_BULLET.match(line):  # a bullet whose text is on the next line
            blank_before = True
            continue
        md = _MD_HEADING.match(line) if markdown else None
        text = _clean_markup(md.group(2) if md else line).strip()
        if text.count("|") >= 2:
            cells = [c.strip() for c in text.strip("|").split("|")]
            text = " | ".join(c for c in cells if c)
        if not text:
            blank_before = True
            continue
        if md:
            blocks.append({"parts": [text], "size": len(text), "line": number, "heading": True,
                           "level": len(md.group(1)), "starts": [(0, number)]})
            blank_before = True
            continue
        numbered = bool(_NUMBERED.match(text))
        is_item = numbered or bool(_BULLET.match(text)) or bool(_STAGE_ROW.match(text))
        if is_item and not numbered:
            text = _BULLET.sub("", text, count=1) or text
        prev = blocks[-1] if blocks else None
        joined = False
        if prev is not None and not prev["heading"] and not is_item:
            prev_text = prev["parts"][-1]
            dangling = bool(_CONNECTOR_END.search(prev_text))
            continues = not _TERMINAL.search(prev_text) and (text[:1].islower() or dangling)
            prev_alone = len(prev["starts"]) == 1 and _is_heading_text(prev_text)
            adjacent = not blank_before and not (
                prev_alone and not dangling and not text[:1].islower()
            )
            if adjacent or continues:
                prev["starts"].append((prev["size"] + 1, number))
                prev["parts"].append(text)
                prev["size"] += len(text) + 1
                joined = True
        if not joined:
            blocks.append({"parts": [text], "size": len(text), "line": number,
                           "heading": False, "level": 0,
                           "starts": [(0, number)], "item": is_item and not numbered})
        blank_before = False
    return _finish(blocks)


def _finish(blocks: list[dict[str, Any]]) -> list[Paragraph]:
    """Mark stand-alone short lines as headings and attach section names."""
    out: list[Paragraph] = []
    section: str | None = None
    for i, block in enumerate(blocks):
        text = " ".join(block["parts"]).strip()
        heading = bool(block["heading"])
        level = int(block["level"])
        starts = block["starts"]
        if (not heading and len(starts) == 1 and not block.get("item")
                and _is_heading_text(text)):
            nxt = blocks[i + 1]["parts"][0] if i + 1 < len(blocks) else ""
            heading = not nxt[:1].islower()
        if heading:
            section = text
        out.append(
            Paragraph(
                text=text,
                line=int(block["line"]),
                section=section,
                heading=heading,
                level=level,
                line_starts=tuple(starts),
            )
        )
    return out


# ---------------------------------------------------------------------------- docx


def _read_docx(path: Path) -> list[Paragraph]:
    """Read a Word document's paragraphs and table cells in document order."""
    import zipfile

    from auditlib.inputs import check_zip

    source = str(path)
    deadline = _Deadline(source)
    check_zip(
        path,
        what="Word (.docx) document",
        max_bytes=MAX_UNZIPPED_BYTES,
        error=PolicyReadError,
    )
    try:
        import docx
        from docx.oxml.ns import qn
        from docx.table import Table
        from docx.text.paragraph import Paragraph as DocxParagraph
    except ImportError:  # pragma: no cover - the policy extra is missing
        msg = "reading .docx needs python-docx: pip install 'auditlib[policy]'"
        raise PolicyReadError(source, msg) from None
    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        msg = f"not a readable Word (.docx) document ({type(exc).__name__})"
        raise PolicyReadError(source, msg) from None
    except Exception as exc:  # python-docx raises its own classes for broken parts
        msg = f"not a readable Word (.docx) document ({type(exc).__name__})"
        raise PolicyReadError(source, msg) from None

    body = document.element.body
    count = sum(1 for _ in body.iter(qn("w:p")))
    if count > MAX_PARAGRAPHS:
        msg = (
            f"the Word document has {count:,} paragraphs, more than any complaints policy "
            f"(limit {MAX_PARAGRAPHS:,}); is it the right file?"
        )
        raise PolicyReadError(source, msg)

    texts: list[tuple[str, int]] = []  # (text, heading level or 0 / -1 for body)
    style_names: dict[str | None, str] = {}  # python-docx looks a style up in ~1 ms

    def add_paragraph(par: DocxParagraph, *, in_table: bool = False) -> None:
        deadline.check()
        text = " ".join(par.text.split())
        style_id = par._p.style
        if style_id not in style_names:
            style_names[style_id] = (par.style.name if par.style is not None else "") or ""
        style = style_names[style_id]
        level = -2 if in_table else -1  # -1: body text that may still read as a heading
        match = re.match(r"(?i)heading\s*(\d)", style)
        if match:
            level = int(match.group(1))
        elif style.lower() == "title":
            level = 1
        texts.append((text, level))

    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            add_paragraph(DocxParagraph(child, document))
        elif tag == "tbl":
            table = Table(child, document)
            for row in table.rows:
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    for par in cell.paragraphs:
                        add_paragraph(par, in_table=True)

    out: list[Paragraph] = []
    section: str | None = None
    number = 0
    for text, level in texts:
        if not text:
            continue
        number += 1
        heading = level > 0 or (level == -1 and _is_heading_text(text) and len(text) < 60
                                and not text.endswith(":") and _looks_titled(text))
        if heading:
            section = text
        out.append(
            Paragraph(text=text, paragraph=number, section=section, heading=heading,
                      level=max(level, 0))
        )
    if not out:
        raise PolicyReadError(source, "the Word document contains no text")
    return out


def _looks_titled(text: str) -> bool:
    """True for a line that reads like a title (numbered, or no verb-like lower case run)."""
    if _NUMBERING.match(text):
        return True
    words = _NUMBERING.sub("", text).split()
    return len(words) <= 6


# ----------------------------------------------------------------------------- pdf


def _read_pdf(path: Path) -> list[Paragraph]:
    """Read the text layer of a PDF, page by page."""
    source = str(path)
    try:
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError
    except ImportError:  # pragma: no cover - the policy extra is missing
        msg = "reading .pdf needs pypdf: pip install 'auditlib[policy]'"
        raise PolicyReadError(source, msg) from None
    deadline = _Deadline(source)
    with path.open("rb") as fh:
        head = fh.read(1024)
    if b"%PDF-" not in head:
        raise PolicyReadError(source, "not a PDF file (no PDF header)")
    try:
        reader = PdfReader(str(path), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise PolicyReadError(source, "the PDF is password-protected")
        pages = reader.pages
        count = len(pages)
        if count > MAX_PDF_PAGES:
            msg = f"the PDF has {count} pages, over the {MAX_PDF_PAGES}-page limit"
            raise PolicyReadError(source, msg)
        page_texts = []
        chars = 0
        for pdf_page in pages:
            deadline.check()
            page_texts.append(pdf_page.extract_text() or "")
            chars += len(page_texts[-1])
            if chars > MAX_TEXT_CHARS:
                msg = (
                    f"the PDF has over {MAX_TEXT_CHARS:,} characters of text, more than any "
                    "complaints policy; is it the right file?"
                )
                raise PolicyReadError(source, msg)
    except PolicyReadError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, AttributeError,
            IndexError, RecursionError) as exc:
        msg = f"not a readable PDF ({type(exc).__name__})"
        raise PolicyReadError(source, msg) from None
    if not any(t.strip() for t in page_texts):
        msg = (
            "the PDF has no text layer (a scanned image?); run it through OCR or "
            "export the policy from its original document"
        )
        raise PolicyReadError(source, msg)
    lines: list[str] = []
    pages_of_line: list[int] = []
    for page_no, text in enumerate(page_texts, start=1):
        for line in text.splitlines():
            lines.append(line)
            pages_of_line.append(page_no)
        lines.append("")
        pages_of_line.append(page_no)
    paragraphs = paragraphs_from_lines(lines)
    first_line: dict[int, int] = {}
    for index, page_no in enumerate(pages_of_line):
        first_line.setdefault(page_no, index)
    out = []
    for para in paragraphs:
        page = pages_of_line[(para.line or 1) - 1]
        offset = first_line[page]
        out.append(
            Paragraph(
                text=para.text,
                line=(para.line or 1) - offset,
                page=page,
                section=para.section,
                heading=para.heading,
                level=para.level,
                line_starts=tuple((o, ln - offset) for o, ln in para.line_starts),
            )
        )
    return out
