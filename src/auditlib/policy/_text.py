"""Sentences, number words, durations and stage labels: the vocabulary of a policy.

Private helpers for :mod:`auditlib.policy.extract`. Everything here is about how
English complaints policies phrase things, never about what the Code requires.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from auditlib.policy.readers import Paragraph, PolicyDocument

_UNITS = {
    "zero": 0, "nought": 0, "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4,
    "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
    "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "ninety": 90}
_SMALL = "one|two|three|four|five|six|seven|eight|nine"
NUMBER = (
    rf"\d{{1,3}}|(?:twenty|thirty|forty|fifty|sixty|ninety)(?:[\s-](?:{_SMALL})\b)?|"
    r"zero|nought|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|an?"
)

DURATION = re.compile(
    rf"\b(?P<num>{NUMBER})(?:\s*\(\s*\d{{1,3}}\s*\))?[\s-]+"
    r"(?P<extra>(?:additional|extra|further|more)\s+)?"
    r"(?P<unit>(?:working|business|work|clear|calendar|office)s?[\s-]+days?|days?|"
    r"(?:calendar[\s-]+)?weeks?|(?:calendar[\s-]+)?months?|years?)\b",
    re.IGNORECASE,
)


def number_value(text: str) -> int | None:
    """Value of a number written in digits or words.

    Examples
    --------
    >>> [number_value(t) for t in ("10", "ten", "Twenty-Eight", "twenty one", "a")]
    [10, 10, 28, 21, 1]
    """
    t = text.strip().lower()
    if t.isdigit():
        return int(t)
    parts = re.split(r"[\s-]+", t)
    if parts[0] in _TENS:
        extra = _UNITS.get(parts[1], 0) if len(parts) > 1 else 0
        return _TENS[parts[0]] + extra
    return _UNITS.get(t)


def unit_kind(unit: str) -> str:
    """Normalise a unit as written: working_days, calendar_days, days, weeks, months, years."""
    u = unit.lower()
    if re.match(r"(working|business|work|office|clear)", u):
        return "working_days" if not u.startswith("clear") else "calendar_days"
    if u.startswith("calendar") and "day" in u:
        return "calendar_days"
    if "day" in u:
        return "days"
    if "week" in u:
        return "weeks"
    if "month" in u:
        return "months"
    return "years"


# -------------------------------------------------------------------- stage labels

_STAGE_NUM = {"1": 1, "one": 1, "i": 1, "2": 2, "two": 2, "ii": 2, "3": 3, "three": 3,
              "iii": 3, "4": 4, "four": 4, "iv": 4, "0": 0, "zero": 0, "nought": 0}
_ORDINAL = {"first": 1, "second": 2, "third": 3, "fourth": 4}

#: a stage named by what happens at it, with no number: the investigation is the first
#: stage and a review (or appeal) the second, unless the review is an independent,
#: external or final one ("Independent review stage" is a third level, not stage 2)
_FUNCTION_STAGE = {"investigation": 1, "investigating": 1, "review": 2, "appeal": 2}
STAGE_LABEL = re.compile(
    r"\bstage[\s-]*(?P<num>[0-4]|one|two|three|four|zero|nought)\b"
    r"|\bstage\s+(?P<roman>I{1,3}|IV)\b"
    r"|\b(?P<ord>first|second|third|fourth|final|last)[\s-]+stage\b(?!d)"
    r"|(?<!independent )(?<!external )(?<!final )(?<!third )(?<!panel )"
    r"\b(?P<func>investigation|investigating|review|appeal)[\s-]+stage\b(?!d)",
    re.IGNORECASE,
)
INFORMAL = re.compile(
    r"\binformal[\s-]+(?:stage|complaints?|resolution(?:\s+stage)?|process|procedure)\b"
    r"|\bstage[\s-]*(?:0|zero|nought)\b|\bpre[\s-]+stage\b|\bpreliminary\s+stage\b"
    r"|\b(?:early|local|front[\s-]*line|first[\s-]+contact)\s+resolution\s+stage\b"
    r"|\bstage[\s-]*(?:1|one)\s*[-–—:(]\s*informal\b",
    re.IGNORECASE,
)


def stage_of(match: re.Match[str]) -> int | str:
    """Stage number of a STAGE_LABEL match (0 for stage zero, "final" for final/last).

    Examples
    --------
    >>> [stage_of(m) for m in STAGE_LABEL.finditer(
    ...     "Stage Two, the final stage, the Review Stage; not an independent review stage")]
    [2, 'final', 2]
    """
    if match.group("num"):
        return _STAGE_NUM[match.group("num").lower()]
    if match.group("roman"):
        return _STAGE_NUM[match.group("roman").lower()]
    if match.group("func"):
        return _FUNCTION_STAGE[match.group("func").lower()]
    word = match.group("ord").lower()
    return "final" if word in ("final", "last") else _ORDINAL[word]


# ------------------------------------------------------------------------ sentences

_ABBREV = {"e.g", "i.e", "eg", "ie", "etc", "no", "nos", "mr", "mrs", "ms", "dr", "st",
           "vs", "cf", "approx", "inc", "ltd", "para", "ref", "tel", "fig"}
_BOUNDARY = re.compile(r"[.!?][\"”’)\]]*\s+(?=[\"“‘(\[A-Z0-9•])")
_LEAD_NUMBER = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?|\(?[a-z]\)|\(?[ivx]{1,4}\))\s+")


@dataclass(frozen=True)
class Sentence:
    """A sentence with where it is and the complaint stage it sits under."""

    text: str
    line: int | None
    paragraph: int | None
    page: int | None
    section: str | None
    stage: int | str | None
    heading: bool
    index: int

    def evidence(self) -> dict[str, object]:
        """The sentence as one evidence item: quote, place and section."""
        quote = self.text if len(self.text) <= 400 else self.text[:397] + "..."
        item: dict[str, object] = {"quote": quote}
        if self.page is not None:
            item["page"] = self.page
        if self.line is not None:
            item["line"] = self.line
        if self.paragraph is not None:
            item["paragraph"] = self.paragraph
        item["section"] = self.section
        return item


def split_sentences(text: str) -> list[tuple[int, str]]:
    """Split a paragraph into (offset, sentence) pairs, keeping abbreviations whole.

    Examples
    --------
    >>> [s for _, s in split_sentences("We reply, e.g. by email. Then we close it.")]
    ['We reply, e.g. by email.', 'Then we close it.']
    """
    out: list[tuple[int, str]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        before = text[max(start, m.start() - 40) : m.start()].rsplit(None, 1)
        last = before[-1].lower().rstrip(".") if before else ""
        numbered_stage = re.search(r"\bstage\s+\d$", text[start : m.start()], re.IGNORECASE)
        if not numbered_stage and (
            last in _ABBREV or len(last) == 1 or re.fullmatch(r"[\d.]+", last or "x")
        ):
            continue
        piece = text[start : m.end()].strip()
        if piece:
            out.append((start, piece))
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append((start, tail))
    return out


def _numbering_depth(text: str) -> int:
    """How many levels a leading clause number has (``6.3`` is 2); 0 when unnumbered."""
    m = re.match(r"^\s*(\d+(?:\.\d+)*)\.?\s", text)
    if not m:
        return 0
    return len([p for p in m.group(1).split(".") if p and p != "0"]) or 1


def _leading_stage(text: str) -> int | str | None:
    """Stage a paragraph opens with ("Stage 1 -", "Final Stage:"), if any."""
    body = _LEAD_NUMBER.sub("", text, count=1)
    informal = INFORMAL.match(body)
    if informal and (len(body) < 60 or re.match(r".{0,40}?[-–—:]", body[informal.end():])):
        return "informal"
    m = STAGE_LABEL.match(body)
    if m and (len(body) <= 60 or re.match(r"\s*(?:\([^)]*\))?\s*[-–—:.)]", body[m.end():])):
        stage = stage_of(m)
        if stage == "final":  # "Final stage (stage 2)": the number says which
            numbered = [stage_of(x) for x in STAGE_LABEL.finditer(body[:60])]
            stage = next((x for x in numbered if isinstance(x, int)), stage)
        return stage
    return None


def sentences_of(document: PolicyDocument) -> list[Sentence]:
    """Every sentence of the document with its place and the stage it is under.

    The stage comes from the nearest stage heading ("Stage 2", "Informal complaints")
    or stage-led paragraph ("6.3.1 Stage 1 - ...") above it; a paragraph in which the
    resident asks for a review of our answer begins stage 2. A numbered heading, an
    all-capitals heading or a Markdown/Word heading at the same or a higher level ends
    the stage; short unnumbered headings inside a stage (table captions) do not.
    """
    out: list[Sentence] = []
    ctx: int | str | None = None
    ctx_level = 0
    for para in document.paragraphs:
        ctx, ctx_level = _next_context(para, ctx, ctx_level)
        for offset, text in split_sentences(para.text):
            out.append(
                Sentence(
                    text=text,
                    line=para.line_at(offset),
                    paragraph=para.paragraph,
                    page=para.page,
                    section=para.section,
                    stage=ctx,
                    heading=para.heading,
                    index=len(out),
                )
            )
    return out


#: "this begins stage 1", "This is Stage 2 of the procedure": prose that names the stage
_PROSE_STAGE = re.compile(
    r"\b(?:this|that|which)\s+(?:begins|starts|is|will be)\s+(?:the\s+)?"
    r"(?=(?:stage|first|second|final)\b)",
    re.IGNORECASE,
)


#: a paragraph that opens with the resident asking for a review of our answer: stage 2
#: ("If you're not happy with the response, you can ask for a review")
_REVIEW_OPENING = re.compile(
    r"^\W*(?:if|where|when|should)\b[^.]{0,60}?\b(?:unhappy|not\s+happy|dissatisfied|"
    r"not\s+satisfied|still\s+not)\b[^.]{0,30}?\b(?:with|about)\s+(?:our|the|this|that|your)\s+"
    r"(?:\w+\s+)?(?:response|answer|decision|outcome|reply|findings)\b[^.]{0,60}?"
    r"\b(?:ask|request)\w*\b[^.]{0,40}?\breview",
    re.IGNORECASE,
)


def _labelled_line(text: str) -> int | str | None:
    """Stage named by a short line ending in a colon ("Internal Review (Stage 2):")."""
    if len(text.split()) > 6 or not text.rstrip().endswith(":"):
        return None
    labels = [stage_of(m) for m in STAGE_LABEL.finditer(text)]
    return labels[-1] if len(labels) == 1 else None


def _prose_stage(text: str) -> int | str | None:
    """Stage a paragraph says it describes ("this begins stage 1 of the procedure")."""
    m = _PROSE_STAGE.search(text)
    if not m:
        return None
    label = STAGE_LABEL.match(text, m.end())
    return stage_of(label) if label else None


def _next_context(
    para: Paragraph, ctx: int | str | None, ctx_level: int
) -> tuple[int | str | None, int]:
    """Stage context after reading ``para``."""
    lead = _leading_stage(para.text)
    if lead is None and not para.heading:
        lead = _labelled_line(para.text) or _prose_stage(para.text)
    if lead is None and not para.heading and ctx in (None, 1) and _REVIEW_OPENING.match(para.text):
        lead = 2
    if para.heading:
        if lead is not None:
            return lead, para.level
        body = _LEAD_NUMBER.sub("", para.text, count=1)
        if INFORMAL.search(body):
            return "informal", para.level
        label = STAGE_LABEL.search(body)
        if label:
            return stage_of(label), para.level
        major = (
            _numbering_depth(para.text) > 0
            or (para.level > 0 and (ctx_level == 0 or para.level <= ctx_level))
            or (body.isupper() and len(body) > 3)
        )
        return (None, 0) if major else (ctx, ctx_level)
    if lead is not None:
        return lead, ctx_level
    return ctx, ctx_level
