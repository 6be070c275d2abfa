"""Is a category rising, or is it noise? A tested year-on-year comparison.

The test
--------
For each category, the complaints received in the period (*recent*) are compared with
those received in the window of the same length just before it (*earlier*): for a
12-month period, this year against last year, so seasonal peaks (damp and mould in
winter, grounds maintenance in summer) fall in both windows and cancel out.

Counts of complaints are treated as Poisson. Given the total ``n = recent + earlier``,
the recent count is binomial with probability ``p0 = e_r / (e_r + e_e)`` if the rate has
not changed, where ``e_r`` and ``e_e`` are the months of data in each window (months with
at least one complaint of any kind), so a partly covered earlier window is allowed for.
The one-sided p-value is ``P(X >= recent)`` for ``X ~ Binomial(n, p0)``: the exact
conditional test for comparing two Poisson rates (Przyborowski and Wilenski, 1940).

With ``relative_to_total=True``, ``p0`` is instead the share of *all* complaints that
fell in the recent window, which asks "did this category grow faster than complaints as a
whole?".

Because many categories are tested at once, p-values are adjusted with the
Benjamini-Hochberg procedure (false discovery rate ``alpha``, 5% by default). A category
is flagged ``rising`` only when all three hold: the adjusted p-value is below ``alpha``,
the rate rose by at least ``min_ratio`` (25% by default) and the recent window holds at
least ``min_count`` complaints. A statistically clear rise that is too small to act on,
or a jump from 1 to 4, is not flagged.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from auditlib.tsm import Period

#: significance (false discovery rate) used unless told otherwise
ALPHA = 0.05


def earlier_period(period: Period) -> Period:
    """The window of the same number of whole months just before ``period``.

    Examples
    --------
    >>> from datetime import date
    >>> earlier_period(Period(date(2025, 4, 1), date(2026, 3, 31)))
    Period(start=datetime.date(2024, 4, 1), end=datetime.date(2025, 3, 31))
    """
    months = (period.end.year - period.start.year) * 12 + period.end.month - period.start.month + 1
    start = pl.select(pl.lit(period.start).dt.offset_by(f"-{months}mo")).item()
    end = pl.select(pl.lit(period.start).dt.offset_by("-1d")).item()
    return Period(start, end)


def benjamini_hochberg(p_values: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (NaN stays NaN).

    Examples
    --------
    >>> benjamini_hochberg(np.array([0.01, 0.04, 0.03, 0.5])).round(3).tolist()
    [0.04, 0.053, 0.053, 0.5]
    """
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    m = int(ok.sum())
    if m == 0:
        return out
    values = p[ok]
    order = np.argsort(values, kind="stable")
    ranked = values[order] * m / np.arange(1, m + 1)
    adjusted = np.minimum.accumulate(ranked[::-1])[::-1].clip(max=1.0)
    result = np.empty(m)
    result[order] = adjusted
    out[ok] = result
    return out


def rising(
    complaints: pl.DataFrame,
    period: Period,
    *,
    by: str = "category",
    alpha: float = ALPHA,
    min_ratio: float = 1.25,
    min_count: int = 10,
    relative_to_total: bool = False,
) -> pl.DataFrame:
    """Test every value of ``by`` for a rise from the earlier window to the period.

    Parameters
    ----------
    complaints
        All complaints of the extract (not only the period's) with ``stage1_received_date``
        and the ``by`` column; blanks count as ``"Not recorded"``.
    period
        The recent window; the earlier window is :func:`earlier_period`.
    by
        The column to test, ``category`` or ``root_cause``.
    alpha
        False discovery rate for the Benjamini-Hochberg adjustment.
    min_ratio
        The smallest rise in the monthly rate worth flagging (1.25 = 25% higher).
    min_count
        The fewest complaints in the recent window for a flag.
    relative_to_total
        Test growth beyond the growth of all complaints instead of any growth.

    Returns
    -------
    polars.DataFrame
        One row per value: ``earlier``, ``recent`` (counts), ``earlier_months``,
        ``recent_months``, ``earlier_per_month``, ``recent_per_month``, ``rate_ratio``,
        ``p_value``, ``p_adjusted``, ``rising``, ``tested`` (false when the earlier
        window holds no data), the two windows' dates and ``test``. Sorted with the
        flagged values first, then by p-value.
    """
    from scipy.stats import binom

    before = earlier_period(period)
    date_col = pl.col("stage1_received_date")
    label = pl.col(by).str.strip_chars()
    windowed = complaints.select(
        pl.when(label.str.len_chars().fill_null(0) == 0)
        .then(pl.lit("Not recorded"))
        .otherwise(label)
        .alias(by),
        date_col.is_between(pl.lit(period.start), pl.lit(period.end)).alias("is_recent"),
        date_col.is_between(pl.lit(before.start), pl.lit(before.end)).alias("is_earlier"),
        date_col.dt.truncate("1mo").alias("month"),
    ).filter(pl.col("is_recent") | pl.col("is_earlier"))
    exposure = windowed.group_by("is_recent").agg(
        pl.col("month").n_unique().alias("months"), pl.len().alias("all")
    )
    months = dict(exposure.select("is_recent", "months").iter_rows())
    totals = dict(exposure.select("is_recent", "all").iter_rows())
    e_recent, e_earlier = months.get(True, 0), months.get(False, 0)
    counts = (
        windowed.group_by(by)
        .agg(
            pl.col("is_recent").sum().cast(pl.Int64).alias("recent"),
            pl.col("is_earlier").sum().cast(pl.Int64).alias("earlier"),
        )
        .sort(by)
    )
    recent = counts["recent"].to_numpy()
    earlier = counts["earlier"].to_numpy()
    n = recent + earlier
    if relative_to_total:
        t_r, t_e = totals.get(True, 0), totals.get(False, 0)
        p0 = t_r / (t_r + t_e) if t_r + t_e else np.nan
    else:
        p0 = e_recent / (e_recent + e_earlier) if e_recent + e_earlier else np.nan
    tested = bool(e_earlier > 0 and e_recent > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        p_value = binom.sf(recent - 1, n, p0) if tested else np.full(len(n), np.nan)
        p_value = np.where(n > 0, p_value, np.nan)
    adjusted = benjamini_hochberg(p_value)
    test = (
        "one-sided exact Poisson rate test (binomial, conditional on the total), "
        f"{'growth beyond all complaints, ' if relative_to_total else ''}"
        f"Benjamini-Hochberg FDR {alpha:.0%}, flag if rate ratio >= {min_ratio:g} "
        f"and recent >= {min_count}"
    )
    return (
        counts.with_columns(
            pl.lit(e_earlier).alias("earlier_months"),
            pl.lit(e_recent).alias("recent_months"),
        )
        .with_columns(
            _per_month("earlier", "earlier_months"),
            _per_month("recent", "recent_months"),
            pl.Series("p_value", p_value).round(5),
            pl.Series("p_adjusted", adjusted).round(5),
        )
        .with_columns(
            pl.when(pl.col("earlier_per_month") > 0)
            .then((pl.col("recent_per_month") / pl.col("earlier_per_month")).round(2))
            .alias("rate_ratio"),
            pl.lit(tested).alias("tested"),
        )
        .with_columns(
            (
                pl.col("tested")
                & (pl.col("p_adjusted") < alpha).fill_null(False)
                & (pl.col("recent") >= min_count)
                & (pl.col("rate_ratio").fill_null(float("inf")) >= min_ratio)
            ).alias("rising"),
            pl.lit(before.start).alias("earlier_start"),
            pl.lit(before.end).alias("earlier_end"),
            pl.lit(period.start).alias("recent_start"),
            pl.lit(period.end).alias("recent_end"),
            pl.lit(test).alias("test"),
        )
        .sort(["rising", "p_value", by], descending=[True, False, False], nulls_last=True)
        .select(
            by,
            "earlier",
            "recent",
            "earlier_months",
            "recent_months",
            "earlier_per_month",
            "recent_per_month",
            "rate_ratio",
            "p_value",
            "p_adjusted",
            "rising",
            "tested",
            "earlier_start",
            "earlier_end",
            "recent_start",
            "recent_end",
            "test",
        )
    )


def _per_month(count: str, months: str) -> pl.Expr:
    return (
        pl.when(pl.col(months) > 0)
        .then((pl.col(count) / pl.col(months)).round(2))
        .alias(f"{count}_per_month")
    )
