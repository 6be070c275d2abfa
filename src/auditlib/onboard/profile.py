"""What each column of an export holds, from its content: dates, ids, labels, numbers.

:func:`profile_columns` looks at every column of a :class:`~auditlib.loader.RawExport`
once, vectorised, on its first rows (``rows``, 5,000 by default: enough to tell dates
from labels, and cheap on a million-row file), and names the kind of thing it holds:

========  ===========================================================================
kind      what the column holds
========  ===========================================================================
date      nine in ten of its values read as dates (``auditlib.dates``, as the loader)
flag      yes/no words
number    numbers (money signs and thousands separators allowed)
id        a short value, different on (nearly) every row: a reference
label     a few short values repeated: outcomes, tenures, channels, officers
code      short values, many of them, repeated: residents' or homes' references
text      long, varied values: free text
empty     nothing at all
========  ===========================================================================
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from auditlib.dates import date_style, month_first_evidence, parse_date_series
from auditlib.loader import RawExport
from auditlib.mapping import builtin_labels

KINDS = ("date", "flag", "number", "id", "label", "code", "text", "empty")
_NULLS = ("", "n/a", "na", "null", "none", "-", "nil")
_FLAGS = ("y", "yes", "n", "no", "true", "false")
#: the label kinds whose built-in synonyms are tried on every column
LABEL_KINDS = {"outcome": "stage1_outcome", "tenure": "tenure", "channel": "channel"}


@dataclass(frozen=True)
class ColumnProfile:
    """What one column of an export holds.

    ``filled`` is the share of rows with a value; ``date_share``, ``number_share`` and
    ``unique_share`` are shares of the rows with a value; ``recognised`` is, per label
    kind (outcome, tenure, channel), the share of those rows whose label auditlib
    understands without a mapping.
    """

    header: str
    kind: str
    filled: float
    date_share: float
    number_share: float
    unique_share: float
    distinct: int
    mean_length: float
    date_style: str | None
    day_first: bool
    month_first: bool
    recognised: dict[str, float]


def _clean(column: pl.Series) -> pl.Series:
    """Stripped text, null for blanks and the usual 'no value' words."""
    text = pl.col("t").cast(pl.String).str.strip_chars()
    blank = text.str.to_lowercase().is_in(_NULLS)
    return column.to_frame("t").select(pl.when(~blank).then(text)).to_series()


def profile_column(column: pl.Series, *, excel_serials: bool = False) -> ColumnProfile:
    """Profile one column (already cut to the rows to look at).

    Examples
    --------
    >>> profile_column(pl.Series("Date Logged", ["02/04/2025", "13/04/2025", ""])).kind
    'date'
    >>> profile_column(pl.Series("How Received", ["Website", "Phone", "Website"])).kind
    'label'
    """
    header = column.name
    if column.dtype in (pl.Date, pl.Datetime):
        column = column.cast(pl.Date).cast(pl.String)
    text = _clean(column)
    present = text.drop_nulls()
    rows = max(text.len(), 1)
    if present.is_empty():
        return ColumnProfile(header, "empty", 0.0, 0.0, 0.0, 0.0, 0, 0.0, None, False, False, {})
    n = present.len()
    dates, day_first, month_first_at = parse_date_series(present, excel_serials=excel_serials)
    # a date that reads only month first is still a date (the loader refuses the file)
    _, only_month_first = month_first_evidence(pl.col("t"))
    us_dates = present.to_frame("t").select(only_month_first).to_series()
    date_share = float((dates.is_not_null() | us_dates).sum()) / n
    numbers = present.str.replace_all(r"[£,\s]", "").cast(pl.Float64, strict=False)
    number_share = float(numbers.is_not_null().sum()) / n
    flag_share = float(present.str.to_lowercase().is_in(_FLAGS).sum()) / n
    distinct = present.n_unique()
    unique_share = distinct / n
    mean_length = float(present.str.len_chars().cast(pl.Float64).mean() or 0.0)  # type: ignore[arg-type]
    lowered = present.str.to_lowercase().str.replace_all(r"[^0-9a-z]+", "_").str.strip_chars("_")
    recognised = {
        kind: float(lowered.is_in(list(builtin_labels(name))).sum()) / n
        for kind, name in LABEL_KINDS.items()
    }
    if date_share >= 0.9:
        kind = "date"
    elif flag_share >= 0.9:
        kind = "flag"
    elif number_share >= 0.9 and not (unique_share >= 0.98 and n >= 20):
        kind = "number"
    elif unique_share >= 0.98 and n >= 2 and mean_length <= 24:
        kind = "id"
    elif mean_length <= 40 and (distinct <= 30 or unique_share <= 0.05):
        kind = "label"
    elif mean_length <= 24:
        kind = "code"
    else:
        kind = "text"
    return ColumnProfile(
        header=header,
        kind=kind,
        filled=n / rows,
        date_share=date_share,
        number_share=number_share,
        unique_share=unique_share,
        distinct=distinct,
        mean_length=mean_length,
        date_style=date_style(present) if kind == "date" else None,
        day_first=day_first,
        month_first=month_first_at is not None and not day_first,
        recognised=recognised,
    )


def profile_columns(export: RawExport, *, rows: int = 5000) -> dict[str, ColumnProfile]:
    """Profile every column of an export on its first ``rows`` rows, by header."""
    # rechunked: polars 2.1 panics gathering from the slice of a many-chunk string
    # column in parse_date_series (seen on a 1,000,000-row CSV)
    head = export.frame.head(rows).rechunk()
    serials = export.kind == "xlsx"
    return {name: profile_column(head[name], excel_serials=serials) for name in head.columns}
