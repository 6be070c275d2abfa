"""Keeping residents unidentifiable in what is published: small-count suppression.

A count of one or two complaints in a published table (a category, a tenure, a month)
can point at a household. Board-facing and published tables therefore show counts
under a threshold (default 5, configurable as ``privacy.min_count``) as
"fewer than 5", and hide the rates worked out from them.

Suppressing one cell is not enough where the column total is published too: the
hidden value is the total less the others. Where a column has exactly one suppressed
cell, the next smallest count in it is hidden as well (complementary suppression), so
no hidden value can be recovered by subtraction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

#: counts below this are not published, unless the configuration says otherwise
DEFAULT_MIN_COUNT = 5


def suppressed_text(threshold: int = DEFAULT_MIN_COUNT) -> str:
    """What a suppressed count reads as."""
    return f"fewer than {threshold}"


def suppression_mask(values: pl.Series, threshold: int = DEFAULT_MIN_COUNT) -> pl.Series:
    """True for the cells of a count column that must not be published.

    Primary: counts from 1 to ``threshold - 1``. Complementary: where exactly one cell
    is primary and the column has other non-zero counts, the smallest of those too.

    Examples
    --------
    >>> suppression_mask(pl.Series([12, 3, 40, 7])).to_list()
    [False, True, False, True]
    >>> suppression_mask(pl.Series([12, 3, 2, 7])).to_list()
    [False, True, True, False]
    >>> suppression_mask(pl.Series([0, 12, 40])).to_list()
    [False, False, False]
    """
    filled = values.fill_null(0)
    primary = (filled > 0) & (filled < threshold)
    if int(primary.sum()) != 1:
        return primary
    others = filled.filter(~primary & (filled > 0))
    if others.is_empty():
        return primary
    smallest = others.min()
    first = (filled == smallest) & ~primary
    # hide only the first cell holding the smallest other count
    first = first & (first.cum_sum() == 1)
    return primary | first


def suppress_small_counts(
    frame: pl.DataFrame,
    counts: Sequence[str],
    *,
    threshold: int = DEFAULT_MIN_COUNT,
    derived: Mapping[str, str] | None = None,
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
        Columns worked out from a count, keyed by that count column (``{"pct_upheld":
        "complaints"}``): hidden (null) wherever their count is hidden.

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
    derived = dict(derived or {})
    hidden_text = suppressed_text(threshold)
    masks = {name: suppression_mask(frame[name], threshold) for name in counts}
    columns: list[pl.Series] = []
    for name in counts:
        # aggregated tables are small: formatting them cell by cell is cheap
        cells = [
            None if v is None else (hidden_text if hide else f"{int(v):,}")
            for v, hide in zip(frame[name].to_list(), masks[name].to_list(), strict=True)
        ]
        columns.append(pl.Series(name, cells, dtype=pl.String))
    for name, base in derived.items():
        if base not in masks:
            msg = f"derived column {name!r} names {base!r}, which is not a suppressed count"
            raise ValueError(msg)
        hidden = pl.Series([None] * frame.height, dtype=frame[name].dtype)
        columns.append(frame[name].zip_with(~masks[base], hidden))
    return frame.with_columns(columns)
