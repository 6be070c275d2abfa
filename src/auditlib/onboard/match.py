"""Matching an export's headers to the canonical columns, and its labels to canonical labels.

Each canonical column gets a score from 0 to 100 against each header of the export:

* **name**: the best similarity (rapidfuzz's token-sort ratio, so word order does not
  count) between the header and the names housing systems use for that column
  (``auditlib/data/header_synonyms.yaml``), after common abbreviations are spelt out
  (``S1`` is ``stage 1``, ``Ack`` is ``acknowledged``, ``Ref`` is ``reference``). A
  header naming a deadline (``Response Due Date``) is not the event itself and scores
  40 less;
* **content**: the name score is multiplied by how well what the column holds suits
  the canonical column (:data:`_FITS`: a date column for a date, a reference for
  ``complaint_id``, repeated short values for a label); a column holding outcome,
  tenure or channel labels auditlib recognises is a candidate for that column
  whatever its name.

Headers are then given to columns best score first, one header per column and one
column per header. A match scoring :data:`CERTAIN` or more, with no rival within
:data:`TIE` points (another header for the column, or another column for the header),
is taken; anything less is uncertain: written commented out, with its candidates, for
a person to choose. A header that already is a canonical name
(ignoring case and punctuation) is always that column, as the loader reads it so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl
from rapidfuzz import fuzz, process

from auditlib import schema
from auditlib.errors import InputError
from auditlib.loader import RawExport, read_export
from auditlib.mapping import builtin_labels, header_synonyms, normalise
from auditlib.onboard.profile import ColumnProfile, profile_columns

#: a match at least this good is taken without asking
CERTAIN = 80.0
#: a rival within this many points makes a match uncertain
TIE = 3.0
#: candidates below this are not offered
FLOOR = 55.0
#: a label this similar to a built-in one is taken; less similar is only suggested
LABEL_CERTAIN = 90.0
#: labels listed per column in the mapping file; the rest are counted
MAX_LABELS = 40

_ABBREVIATIONS = {
    "s1": "stage 1",
    "stage1": "stage 1",
    "st1": "stage 1",
    "s2": "stage 2",
    "stage2": "stage 2",
    "st2": "stage 2",
    "one": "1",
    "two": "2",
    "ack": "acknowledged",
    "ackd": "acknowledged",
    "acknowledgement": "acknowledged",
    "acknowledgment": "acknowledged",
    "recd": "received",
    "rcvd": "received",
    "no": "number",
    "num": "number",
    "nbr": "number",
    "ref": "reference",
    "dt": "date",
    "esc": "escalation",
    "resp": "response",
    "comp": "compensation",
    "gbp": "",
}
_DEADLINE_WORDS = frozenset({"due", "target", "deadline", "expected", "sla", "overdue"})
_STAGE1_WORDS = frozenset({"1", "first", "initial"})
_STAGE2_WORDS = frozenset({"2", "review", "final", "escalation", "escalated", "escalate"})
_STOPWORDS = frozenset({"of", "to", "the", "for", "a", "an", "on", "at"})

# How well each kind of content suits each kind of canonical column (0 rules it out).
_FITS: dict[str, dict[str, float]] = {
    "date": {"date": 1.0, "empty": 0.8},
    "whole": {"number": 1.0, "empty": 0.8, "label": 0.5},
    "money": {"number": 1.0, "empty": 0.8, "label": 0.5, "text": 0.3},
    "flag": {"flag": 1.0, "empty": 0.8, "label": 0.5, "number": 0.4},
    "reference": {"id": 1.0, "number": 0.9, "code": 0.5, "label": 0.4, "text": 0.3},
    "label": {"label": 1.0, "empty": 0.8, "text": 0.5, "code": 0.3, "flag": 0.3},
    "staff": {"label": 1.0, "code": 1.0, "id": 0.7, "text": 0.7, "number": 0.7, "empty": 0.8},
    "short text": {"label": 1.0, "code": 0.8, "text": 0.8, "id": 0.5, "flag": 0.5, "empty": 0.8},
    "free text": {"text": 1.0, "label": 0.7, "code": 0.6, "id": 0.6, "empty": 0.8},
    "person ref": {"id": 1.0, "code": 1.0, "label": 0.8, "number": 0.9, "text": 0.4, "empty": 0.8},
}


def _fit_kind(column: schema.Column) -> str:
    if column.dtype == pl.Date():
        return "date"
    if column.dtype == pl.Int32():
        return "whole"
    if column.dtype == pl.Float64():
        return "money"
    if column.dtype == pl.Boolean():
        return "flag"
    if column.labels:
        return "label"
    if column.name == "complaint_id":
        return "reference"
    if column.name.endswith("_handler_id"):
        return "staff"
    if column.name in ("tenant_ref", "property_ref"):
        return "person ref"
    if column.personal or column.name == "root_cause":
        return "free text"
    return "short text"


def words(text: str) -> str:
    """A header or label as words, abbreviations spelt out, for comparing.

    Examples
    --------
    >>> words("S1 Ack Sent"), words("Case Ref."), words("Compensation (GBP)")
    ('stage 1 acknowledged sent', 'case reference', 'compensation')
    """
    tokens = (_ABBREVIATIONS.get(t, t) for t in normalise(text).split("_") if t)
    return " ".join(t for t in tokens if t)


@dataclass(frozen=True)
class Candidate:
    """A header that may be a canonical column, and why."""

    header: str
    score: float
    because: str


@dataclass(frozen=True)
class ColumnMatch:
    """Where one canonical column comes from in the export.

    ``status`` is ``matched`` (``chosen`` is set), ``uncertain`` (a person chooses among
    ``candidates``) or ``absent`` (nothing in the export looks like it).
    """

    column: str
    status: str
    chosen: Candidate | None = None
    candidates: tuple[Candidate, ...] = ()
    confirmed: bool = False


@dataclass(frozen=True)
class LabelFinding:
    """One distinct label in a label column, how often it occurs, and what it may mean."""

    column: str
    label: str
    rows: int
    suggestion: str | None
    because: str
    certain: bool


@dataclass(frozen=True)
class Discovery:
    """What ``auditlib init`` found in an export."""

    export: RawExport
    profiles: dict[str, ColumnProfile]
    matches: dict[str, ColumnMatch]
    labels: dict[str, tuple[LabelFinding, ...]] = field(default_factory=dict)
    more_labels: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        """Rows in the export (the header not counted)."""
        return self.export.frame.height

    @property
    def mapped(self) -> dict[str, str]:
        """Canonical column to header, for the matches taken."""
        return {c: m.chosen.header for c, m in self.matches.items() if m.chosen is not None}

    @property
    def unused(self) -> tuple[str, ...]:
        """Headers no canonical column was given (kept by the loader, but ignored)."""
        taken = set(self.mapped.values())
        return tuple(h for h in self.export.frame.columns if h not in taken)

    def date_styles(self) -> dict[str, int]:
        """Date styles of the matched date columns: style to number of columns."""
        styles: dict[str, int] = {}
        for column, header in self.mapped.items():
            style = self.profiles[header].date_style
            if style and self.export.kind == "xlsx" and style.startswith("ISO with a time"):
                style = "spreadsheet date cells"
            if column in schema.DATE_COLUMNS and style:
                styles[style] = styles.get(style, 0) + 1
        return styles


def discover(path: str, *, rows: int = 5000) -> Discovery:
    """Read an export and match its headers and labels to the canonical layout.

    Raises
    ------
    InputError
        The file cannot be read, has no rows, its first row is not a header, or no
        column holds dates (a complaint extract has at least the date received).
    """
    export = read_export(path)
    frame = export.frame
    if frame.height == 0:
        raise InputError(export.source, "the file has a header but no complaint rows")
    _refuse_headerless(export)
    profiles = profile_columns(export, rows=rows)
    if not any(p.kind == "date" for p in profiles.values()):
        msg = (
            f"no column holds dates (found {', '.join(frame.columns)}); a complaint "
            "extract has at least the date each complaint was received"
        )
        raise InputError(export.source, msg)
    matches = _assign(_scores(profiles))
    discovery = Discovery(export, profiles, matches)
    labels, more = _labels(discovery)
    return Discovery(export, profiles, matches, labels, more)


def rediscover_labels(discovery: Discovery, matches: dict[str, ColumnMatch]) -> Discovery:
    """The same discovery with other matches (a person's choices), labels found again."""
    changed = Discovery(discovery.export, discovery.profiles, matches)
    labels, more = _labels(changed)
    return Discovery(discovery.export, discovery.profiles, matches, labels, more)


def _refuse_headerless(export: RawExport) -> None:
    """A first row holding a date, or mostly numbers, is data: the header row is missing."""
    headers = pl.Series(export.frame.columns)
    date_like = headers.str.contains(r"^\s*\d{1,4}[/.\-]\d{1,2}[/.\-]\d{2,4}\s*$")
    number_like = headers.str.contains(r"^\s*[\d.,£]+\s*$")
    if date_like.any() or number_like.sum() * 2 >= headers.len():
        first = headers.filter(date_like | number_like)[0]
        msg = (
            f"the first row looks like data, not column names ({first!r}); export the "
            "file with its header row"
        )
        raise InputError(export.source, msg, row=1)


def name_score(header: str, name: str, *, stage: int | None = None) -> float:
    """How like a known name a header is, 0 to 100 (both already as :func:`words`).

    The larger of rapidfuzz's token-sort ratio and, where every word of the name is in
    the header, 92 less 4 for each other word (84 less 6 for a one-word name). Less 40 when the
    header names a deadline the name does not (``due``, ``target``); less 30 when it
    names the other stage (``2``, ``review``, ``final``, ``escalated`` against a stage 1
    name; ``1``, ``first`` against a stage 2 name). ``stage`` is the stage of the
    canonical column the name belongs to, whether or not the name says it.

    Examples
    --------
    >>> name_score("date logged", "date logged"), name_score("complaint logged date", "logged date")
    (100.0, 88.0)
    >>> name_score("response due date", "response date") < 55
    True
    >>> round(name_score("date escalated 2", "date logged", stage=1))
    29
    """
    ours, theirs = set(header.split()) - _STOPWORDS, set(name.split()) - _STOPWORDS
    implied = {1: _STAGE1_WORDS, 2: _STAGE2_WORDS}.get(stage or 0, frozenset())
    score = float(fuzz.token_sort_ratio(header, name))
    if theirs and theirs <= ours:
        # every word of the name is in the header: the fewer other words, the closer
        base, step = (92.0, 4) if len(theirs) >= 2 else (84.0, 6)
        score = max(score, base - step * len(ours - theirs))
    if _DEADLINE_WORDS & ours - theirs:
        score -= 40
    for this, other in ((_STAGE1_WORDS, _STAGE2_WORDS), (_STAGE2_WORDS, _STAGE1_WORDS)):
        if (theirs & this or implied == this) and ours & other and not theirs & other:
            score -= 30
    return max(score, 0.0)


def _scores(profiles: dict[str, ColumnProfile]) -> dict[str, list[Candidate]]:
    """Every canonical column's candidates, best first."""
    synonyms = header_synonyms()
    headers = list(profiles)
    header_words = [words(h) for h in headers]
    scores: dict[str, list[Candidate]] = {}
    for column in schema.COLUMNS:
        names = [words(s) for s in synonyms[column.name]]
        stage = {"stage1": 1, "stage2": 2}.get(column.name[:6])
        fits = _FITS[_fit_kind(column)]
        found = []
        for i, header in enumerate(headers):
            profile = profiles[header]
            similarity = [name_score(header_words[i], n, stage=stage) for n in names]
            best = max(range(len(names)), key=similarity.__getitem__)
            name = similarity[best]
            fit = fits.get(profile.kind, 0.0)
            score = name * fit
            because = f"name like {synonyms[column.name][best]!r} ({name:.0f}%)"
            content = _content_score(column, profile)
            if normalise(header) == column.name:
                score, because = 100.0, "the canonical name"
            elif content > score:
                score, because = content, f"content ({profile.kind})"
            elif content and score >= FLOOR:
                score += (100.0 - score) / 4  # name and content agree
            if fit and score >= FLOOR / 2:
                found.append(Candidate(header, round(score, 1), f"{because}; {_holds(profile)}"))
        scores[column.name] = sorted(found, key=lambda c: -c.score)
    return scores


def _content_score(column: schema.Column, profile: ColumnProfile) -> float:
    """A score from content alone, for the columns whose content identifies them."""
    kind = {"stage1_outcome": "outcome", "stage2_outcome": "outcome"}.get(
        column.name, column.name
    )
    share = profile.recognised.get(kind, 0.0)
    if column.labels and profile.kind == "label" and share >= 0.5:
        ceiling = 90.0 if kind != "outcome" else 75.0
        return ceiling - 40.0 * (1.0 - share) * 2
    if column.name == "complaint_id" and profile.kind in ("id", "number"):
        return 55.0 if profile.unique_share >= 0.999 and profile.filled >= 0.99 else 0.0
    if column.name == "stage1_received_date" and profile.kind == "date":
        return 50.0 if profile.filled >= 0.99 else 0.0
    return 0.0


def _holds(profile: ColumnProfile) -> str:
    if profile.kind == "date":
        return f"dates on {profile.date_share:.0%} of filled rows ({profile.date_style})"
    if profile.kind == "id":
        return f"a different value on {profile.unique_share:.0%} of filled rows"
    if profile.kind == "label":
        return f"{profile.distinct} distinct values"
    if profile.kind == "empty":
        return "empty in the rows read"
    return f"holds {profile.kind}"


def _assign(scores: dict[str, list[Candidate]]) -> dict[str, ColumnMatch]:
    """Headers to columns, best score first; near ties and weak matches left uncertain."""
    pairs = sorted(
        ((cand.score, column, cand) for column, cands in scores.items() for cand in cands),
        key=lambda p: (-p[0], schema.COLUMNS.index(schema.BY_NAME[p[1]])),
    )
    taken: set[str] = set()
    decided: dict[str, ColumnMatch] = {}
    for score, column, cand in pairs:
        if column in decided or cand.header in taken or score < CERTAIN:
            continue
        rivals = [
            c for c in scores[column] if c.header not in taken and c.header != cand.header
        ]
        # another column this header suits as well: neither is guessed
        rival_columns = [
            other
            for other, cands in scores.items()
            if other != column
            and other not in decided
            and any(c.header == cand.header and c.score >= score - TIE for c in cands)
        ]
        exact = cand.because.startswith("the canonical name")
        if not exact and ((rivals and rivals[0].score >= score - TIE) or rival_columns):
            continue
        decided[column] = ColumnMatch(column, "matched", cand, tuple(rivals[:2]))
        taken.add(cand.header)
    matches = {}
    for spec in schema.COLUMNS:
        if spec.name in decided:
            matches[spec.name] = decided[spec.name]
            continue
        free = tuple(c for c in scores[spec.name] if c.header not in taken)
        offered = tuple(c for c in free if c.score >= FLOOR)[:3]
        if spec.required and not offered:
            offered = free[:3]
        status = "uncertain" if offered else "absent"
        matches[spec.name] = ColumnMatch(spec.name, status, None, offered)
    return matches


def _labels(
    discovery: Discovery,
) -> tuple[dict[str, tuple[LabelFinding, ...]], dict[str, tuple[int, int]]]:
    """Every distinct label of the matched label columns, with counts and suggestions."""
    found: dict[str, tuple[LabelFinding, ...]] = {}
    more: dict[str, tuple[int, int]] = {}
    for column, header in discovery.mapped.items():
        if not schema.BY_NAME[column].labels:
            continue
        counts = (
            discovery.export.frame.select(pl.col(header).cast(pl.String).str.strip_chars())
            .filter(pl.col(header).is_not_null() & (pl.col(header) != ""))
            .group_by(header)
            .len()
            .sort(["len", header], descending=[True, False])
        )
        table = builtin_labels(column)
        known = list(table)
        known_words = [k.replace("_", " ") for k in known]
        findings = []
        for label, rows in counts.head(MAX_LABELS).iter_rows():
            key = normalise(label)
            if key in table:
                findings.append(LabelFinding(column, label, rows, table[key], "built-in", True))
                continue
            best = process.extractOne(words(label), known_words, scorer=fuzz.token_sort_ratio)
            if best is not None and best[1] >= 60:
                score = float(best[1])
                suggestion = table[known[best[2]]]
                because = f"like {known_words[best[2]]!r} ({score:.0f}%)"
                findings.append(
                    LabelFinding(
                        column, label, rows, suggestion, because, score >= LABEL_CERTAIN
                    )
                )
            else:
                findings.append(LabelFinding(column, label, rows, None, "no suggestion", False))
        found[column] = tuple(findings)
        if counts.height > MAX_LABELS:
            rest = counts.slice(MAX_LABELS)
            more[column] = (rest.height, int(rest["len"].sum()))
    return found, more
