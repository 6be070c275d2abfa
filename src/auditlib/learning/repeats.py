"""Repeat complaints: the same resident or home complaining again within a window.

A complaint is a *repeat* when the same ``tenant_ref`` (or ``property_ref``) made another
complaint in the ``window_days`` before it; a complaint *led to a repeat* when another
from the same resident or home followed within the window. Counting the second kind by
the first complaint's category shows which services generate repeat contact (Code 9.1:
look beyond the single case).

:func:`find_repeats` returns the references and is for case work only: the references are
personal data. :func:`repeat_summary` returns counts and rates only and is the one to put
in front of a board.
"""

from __future__ import annotations

import polars as pl

from auditlib.tsm import Period

#: days within which a further complaint counts as a repeat, unless told otherwise
WINDOW_DAYS = 90
_KEYS = ("tenant_ref", "property_ref")


def find_repeats(
    complaints: pl.DataFrame, *, on: str = "tenant_ref", window_days: int = WINDOW_DAYS
) -> pl.DataFrame:
    """Each complaint with a known ``on`` reference, with its neighbours in time.

    Parameters
    ----------
    complaints
        Complaints with ``complaint_id``, ``stage1_received_date``, ``category`` and ``on``.
    on
        ``tenant_ref`` or ``property_ref``.
    window_days
        A later complaint within this many days of an earlier one is a repeat.

    Returns
    -------
    polars.DataFrame
        ``complaint_id``, ``on``, ``stage1_received_date``, ``category``,
        ``previous_complaint_id``, ``days_since_previous``, ``is_repeat``,
        ``led_to_repeat``, ``same_category_repeat`` (a repeat about the same category as
        the complaint before it). Personal: not for board-facing outputs.

    Examples
    --------
    >>> from datetime import date
    >>> f = pl.DataFrame({"complaint_id": ["A", "B", "C"], "tenant_ref": ["T1", "T1", "T2"],
    ...     "stage1_received_date": [date(2025, 5, 1), date(2025, 6, 1), date(2025, 6, 1)],
    ...     "category": ["Repairs", "Repairs", "Pests"]})
    >>> find_repeats(f).select("complaint_id", "is_repeat", "led_to_repeat").rows()
    [('A', False, True), ('B', True, False), ('C', False, False)]
    """
    if on not in _KEYS:
        msg = f"repeats are found on {' or '.join(_KEYS)}, not {on!r}"
        raise ValueError(msg)
    ref = pl.col(on).str.strip_chars()
    keyed = (
        complaints.select("complaint_id", on, "stage1_received_date", "category")
        .with_columns(ref.alias(on))
        .filter(pl.col(on).str.len_chars().fill_null(0) > 0)
        .sort(on, "stage1_received_date", "complaint_id")
    )
    gap_before = (
        pl.col("stage1_received_date") - pl.col("stage1_received_date").shift(1).over(on)
    ).dt.total_days()
    gap_after = (
        pl.col("stage1_received_date").shift(-1).over(on) - pl.col("stage1_received_date")
    ).dt.total_days()
    return keyed.with_columns(
        pl.col("complaint_id").shift(1).over(on).alias("previous_complaint_id"),
        gap_before.alias("days_since_previous"),
        (gap_before <= window_days).fill_null(False).alias("is_repeat"),
        (gap_after <= window_days).fill_null(False).alias("led_to_repeat"),
        (
            (gap_before <= window_days).fill_null(False)
            & (pl.col("category") == pl.col("category").shift(1).over(on)).fill_null(False)
        ).alias("same_category_repeat"),
    )


def repeat_summary(
    complaints: pl.DataFrame,
    period: Period,
    *,
    window_days: int = WINDOW_DAYS,
) -> pl.DataFrame:
    """Counts and rates of repeats by category, for residents and for homes (no references).

    Repeats are found over the whole extract, so a complaint early in the period can be a
    repeat of one before it; the rows counted are those received in the period.

    Returns
    -------
    polars.DataFrame
        One row per (``matched_on``, ``category``): ``complaints`` (with a reference),
        ``repeats`` and ``repeat_pct`` (complaints that were repeats), ``led_to_repeat``
        and ``led_to_repeat_pct`` (complaints followed by another within the window),
        ``same_category_repeats``, ``window_days`` and the period. Sorted by
        ``led_to_repeat`` within each ``matched_on``, most first.
    """
    in_period = pl.col("stage1_received_date").is_between(pl.lit(period.start), pl.lit(period.end))
    parts = []
    for on in _KEYS:
        if on not in complaints.columns:
            continue
        label = pl.col("category").str.strip_chars()
        prepared = complaints.with_columns(
            pl.when(label.str.len_chars().fill_null(0) == 0)
            .then(pl.lit("Not recorded"))
            .otherwise(label)
            .alias("category")
        )
        found = find_repeats(prepared, on=on, window_days=window_days).filter(in_period)
        parts.append(
            found.group_by("category")
            .agg(
                pl.len().cast(pl.Int64).alias("complaints"),
                pl.col("is_repeat").sum().cast(pl.Int64).alias("repeats"),
                pl.col("led_to_repeat").sum().cast(pl.Int64),
                pl.col("same_category_repeat").sum().cast(pl.Int64).alias("same_category_repeats"),
            )
            .with_columns(pl.lit(on.removesuffix("_ref")).alias("matched_on"))
        )
    if not parts:
        msg = "the extract has neither tenant_ref nor property_ref: repeats cannot be found"
        raise ValueError(msg)
    return (
        pl.concat(parts)
        .with_columns(
            (pl.col("repeats") / pl.col("complaints") * 100).round(1).alias("repeat_pct"),
            (pl.col("led_to_repeat") / pl.col("complaints") * 100)
            .round(1)
            .alias("led_to_repeat_pct"),
            pl.lit(window_days).alias("window_days"),
            pl.lit(period.start).alias("period_start"),
            pl.lit(period.end).alias("period_end"),
        )
        .sort(["matched_on", "led_to_repeat", "category"], descending=[True, True, False])
        .select(
            "matched_on",
            "category",
            "complaints",
            "repeats",
            "repeat_pct",
            "led_to_repeat",
            "led_to_repeat_pct",
            "same_category_repeats",
            "window_days",
            "period_start",
            "period_end",
        )
    )


def repeat_headline(
    complaints: pl.DataFrame, period: Period, *, window_days: int = WINDOW_DAYS
) -> pl.DataFrame:
    """Residents and homes with a repeat in the period, as counts (no references)."""
    in_period = pl.col("stage1_received_date").is_between(pl.lit(period.start), pl.lit(period.end))
    rows = []
    for on in _KEYS:
        if on not in complaints.columns:
            continue
        found = find_repeats(complaints, on=on, window_days=window_days).filter(in_period)
        rows.append(
            found.select(
                pl.lit(on.removesuffix("_ref")).alias("matched_on"),
                pl.col(on).n_unique().cast(pl.Int64).alias("with_a_complaint"),
                pl.col(on)
                .filter(pl.col("is_repeat"))
                .n_unique()
                .cast(pl.Int64)
                .alias("with_a_repeat"),
                pl.len().cast(pl.Int64).alias("complaints"),
                pl.col("is_repeat").sum().cast(pl.Int64).alias("repeats"),
            )
        )
    return pl.concat(rows).with_columns(
        (pl.col("repeats") / pl.col("complaints") * 100).round(1).alias("repeat_pct"),
        pl.lit(window_days).alias("window_days"),
        pl.lit(period.start).alias("period_start"),
        pl.lit(period.end).alias("period_end"),
    )
