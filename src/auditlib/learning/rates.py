"""Is a category answered late (or escalated) more often than the threshold, beyond noise?

A fixed cut on an observed rate makes findings appear and vanish between runs on noise:
12 late of 40 is 30% this year and 9 of 40 (22.5%) next year with nothing changed. So a
category's late rate, and its escalation rate, are tested against the threshold set in
the configuration (``learning.late_pct``, ``learning.escalation_pct``), the same way as
volumes are:

* the rate with its 95% interval (Clopper-Pearson, exact) and the difference from the
  threshold in percentage points with the same interval moved by the threshold;
* a one-sided exact binomial test of "the rate is at most the threshold":
  ``P(X >= late)`` for ``X ~ Binomial(judged, threshold)``;
* Benjamini-Hochberg over the categories tested (those with at least ``min_complaints``
  complaints in the base), at false discovery rate ``alpha``.

A category is ``above`` the threshold when its adjusted p-value is below ``alpha``.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from auditlib.learning.trends import ALPHA, benjamini_hochberg

#: measure: (count column, base column, words for people)
MEASURES: dict[str, tuple[str, str, str]] = {
    "late": ("late", "clock_judged", "late or overdue at stage 1"),
    "escalated": ("escalated", "complaints", "escalated to stage 2"),
}


def above_threshold(
    summary: pl.DataFrame,
    measure: str,
    *,
    threshold_pct: float,
    by: str = "category",
    alpha: float = ALPHA,
    min_complaints: int = 20,
) -> pl.DataFrame:
    """Test each value of ``by`` for a rate of ``measure`` above ``threshold_pct``.

    Parameters
    ----------
    summary
        :func:`auditlib.learning.rootcause.summary` (counts per category).
    measure
        ``late`` (late or overdue at stage 1, over the clocks judged) or ``escalated``
        (escalated to stage 2, over all complaints).
    threshold_pct
        The share, in per cent, above which a category is a finding.
    by
        The column the summary is by.
    alpha
        False discovery rate; the interval is the two-sided ``1 - alpha`` one.
    min_complaints
        The fewest complaints in the base for a test.

    Returns
    -------
    polars.DataFrame
        One row per value: ``measure``, ``count``, ``base``, ``rate_pct``, ``lower_pct``,
        ``upper_pct``, ``threshold_pct``, ``difference_pts``, ``difference_lower_pts``,
        ``difference_upper_pts``, ``p_value``, ``p_adjusted``, ``tested``, ``above``,
        ``test``. Those above first, then by p-value.

    Examples
    --------
    12 late of 25 judged against a 25% threshold (the one category tested):

    >>> s = pl.DataFrame({"category": ["Communication"], "late": [12], "clock_judged": [25]})
    >>> r = above_threshold(s, "late", threshold_pct=25).row(0, named=True)
    >>> r["rate_pct"], r["lower_pct"], r["upper_pct"], r["p_value"], r["above"]
    (48.0, 27.8, 68.7, 0.010734, True)
    """
    from scipy.stats import beta, binom

    count_col, base_col, words = MEASURES[measure]
    count = summary[count_col].cast(pl.Float64).to_numpy()
    base = summary[base_col].cast(pl.Float64).to_numpy()
    share = threshold_pct / 100
    tested = base >= min_complaints
    level = alpha / 2
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(base > 0, count / base, np.nan)
        lower = np.where(count > 0, beta.ppf(level, count, base - count + 1), 0.0)
        upper = np.where(count < base, beta.ppf(1 - level, count + 1, base - count), 1.0)
        p_value = np.where(tested, binom.sf(count - 1, base, share), np.nan)
    lower, upper = np.where(base > 0, lower, np.nan), np.where(base > 0, upper, np.nan)
    adjusted = benjamini_hochberg(p_value)
    test = (
        f"share {words} against the {threshold_pct:g}% threshold: one-sided exact binomial "
        f"test, Benjamini-Hochberg FDR {alpha:.0%}, {1 - alpha:.0%} Clopper-Pearson "
        f"interval; tested with at least {min_complaints} complaints"
    )
    pct = 100.0
    return (
        summary.select(by)
        .with_columns(
            pl.lit(measure).alias("measure"),
            pl.Series("count", count).cast(pl.Int64),
            pl.Series("base", base).cast(pl.Int64),
            pl.Series("rate_pct", rate * pct).round(1).fill_nan(None),
            pl.Series("lower_pct", lower * pct).round(1).fill_nan(None),
            pl.Series("upper_pct", upper * pct).round(1).fill_nan(None),
            pl.lit(float(threshold_pct)).alias("threshold_pct"),
            pl.Series("difference_pts", rate * pct - threshold_pct).round(1).fill_nan(None),
            pl.Series("difference_lower_pts", lower * pct - threshold_pct).round(1).fill_nan(None),
            pl.Series("difference_upper_pts", upper * pct - threshold_pct).round(1).fill_nan(None),
            pl.Series("p_value", p_value).round(6).fill_nan(None),
            pl.Series("p_adjusted", adjusted).round(6).fill_nan(None),
            pl.Series("tested", tested),
        )
        .with_columns(
            (pl.col("tested") & (pl.col("p_adjusted") < alpha).fill_null(False)).alias("above"),
            pl.lit(test).alias("test"),
        )
        .sort(["above", "p_value", by], descending=[True, False, False], nulls_last=True)
    )
