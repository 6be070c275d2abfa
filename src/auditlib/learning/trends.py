"""Is a category rising, or is it noise? A tested comparison, with history or without.

Exposure
--------
A rate needs the time it was counted over. The extract *covers* the days from its first
stage 1 receipt to the extract date (``as_of``); only covered days count, so an extract
that starts on the 20th of a month counts that month as 11 or 12 days, not as a whole
month, and a window the extract covers only in part is allowed for day by day.

Which test
----------
* **This period against the previous one**, when the extract covers at least
  ``min_history`` (90% by default) of the window of the same length just before the
  period. For a 12-month period that is this year against last year, so seasonal peaks
  (damp and mould in winter, grounds maintenance in summer) fall in both windows.
  Counts are treated as Poisson. Given the total ``n = recent + earlier``, the recent
  count is binomial with probability ``p0 = d_r / (d_r + d_e)`` if the rate has not
  changed, where ``d_r`` and ``d_e`` are the days covered in each window; the one-sided
  p-value is ``P(X >= recent)`` for ``X ~ Binomial(n, p0)``: the exact conditional test
  for two Poisson rates (Przyborowski and Wilenski, 1940). The rate ratio is the recent
  rate over the earlier one.
* **A trend within the period**, when there is no such history but the period has at
  least ``min_months`` months with covered days. Each category's monthly counts are
  fitted by a Poisson regression on time with the log of each month's covered days as
  offset, ``log E[y_m] = log d_m + a + b t_m`` (``t_m`` the middle of the covered days,
  in months). The dispersion is the Pearson statistic over its degrees of freedom, never
  below 1 (quasi-Poisson, as in the Farrington outbreak-detection method), so
  overdispersed counts widen the interval rather than raise false flags; the one-sided
  p-value for ``b > 0`` is from Student's t with ``months - 2`` degrees of freedom. The
  rate ratio is the fitted rate at the last month over the fitted rate at the first.
  Within one period a seasonal pattern cannot be told from a trend: a winter peak in a
  year from April can look like a rise, and the output says so.
* **Not tested**, with the reason, when neither is possible (fewer months than
  ``min_months`` and no history).

With ``relative_to_total=True`` the question becomes "did this category grow faster
than complaints as a whole?": the exposure is the number of all complaints instead of
days (the share of all complaints that fell in the recent window, or each month's total).

Because many categories are tested at once, p-values are adjusted with the
Benjamini-Hochberg procedure (false discovery rate ``alpha``, 5% by default). A category
is flagged ``rising`` only when all three hold: the adjusted p-value is below ``alpha``,
the rate ratio is at least ``min_ratio`` (25% higher by default) and the period holds at
least ``min_count`` complaints of it. A statistically clear rise that is too small to act
on, or a jump from 1 to 4, is not flagged.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl

from auditlib.tsm import Period

#: significance (false discovery rate) used unless told otherwise
ALPHA = 0.05
#: the smallest rise worth flagging (1.25 = 25% higher)
MIN_RATIO = 1.25
#: the fewest complaints of a category in the period for a flag
MIN_COUNT = 10
#: months with data needed for a trend within the period
MIN_MONTHS = 6
#: share of the previous window the extract must cover to compare periods
MIN_HISTORY = 0.9
#: days in an average month (rates are shown per month of covered days)
MONTH_DAYS = 365.25 / 12

#: the ``method`` values of :func:`rising`
PREVIOUS, WITHIN, NOT_TESTED = "previous period", "within period", "not tested"
#: each method in a few words, for status lines
METHOD_WORDS: dict[str, str] = {
    PREVIOUS: "this period against the previous one (exact Poisson rate test on days covered)",
    WITHIN: "trend within the period (quasi-Poisson regression of monthly counts on time, "
    "exposure in days covered)",
    NOT_TESTED: "not tested",
}

_COLUMNS = (
    "method",
    "earlier",
    "recent",
    "earlier_days",
    "recent_days",
    "earlier_months",
    "recent_months",
    "earlier_per_month",
    "recent_per_month",
    "fitted_start_per_month",
    "fitted_end_per_month",
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
    "reason",
)


def earlier_period(period: Period) -> Period:
    """The window of the same number of whole months just before ``period``.

    Examples
    --------
    >>> earlier_period(Period(date(2025, 4, 1), date(2026, 3, 31)))
    Period(start=datetime.date(2024, 4, 1), end=datetime.date(2025, 3, 31))
    """
    months = (period.end.year - period.start.year) * 12 + period.end.month - period.start.month + 1
    start = pl.select(pl.lit(period.start).dt.offset_by(f"-{months}mo")).item()
    end = pl.select(pl.lit(period.start).dt.offset_by("-1d")).item()
    return Period(start, end)


def days_covered(window: Period, first: date, last: date) -> int:
    """Days of ``window`` inside the extract's cover, ``first`` to ``last`` inclusive.

    Examples
    --------
    >>> days_covered(Period(date(2025, 4, 1), date(2025, 4, 30)), date(2025, 4, 20),
    ...              date(2026, 1, 5))
    11
    """
    start, end = max(window.start, first), min(window.end, last)
    return max((end - start).days + 1, 0)


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


def poisson_trend(
    counts: np.ndarray, exposure: np.ndarray, times: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Fit ``log E[y] = log exposure + a + b t`` to each row of ``counts`` at once.

    Newton-Raphson on the Poisson log-likelihood, vectorised over rows (categories, or
    simulated draws): every row shares ``exposure`` and ``times``.

    Parameters
    ----------
    counts
        Shape ``(rows, months)``: complaints per month.
    exposure
        Shape ``(months,)``: covered days (or all complaints) per month, all positive.
    times
        Shape ``(months,)``: the time of each month, in months.

    Returns
    -------
    tuple of numpy.ndarray
        ``a`` and ``b`` (at ``times`` centred on their mean), the quasi-Poisson standard
        error of ``b`` (dispersion at least 1) and the dispersion; NaN for rows with no
        complaints.

    Examples
    --------
    Counts that double every month give a slope of log 2:

    >>> a, b, se, phi = poisson_trend(np.array([[2.0, 4, 8, 16]]), np.ones(4), np.arange(4.0))
    >>> round(float(b[0]), 4), float(phi[0])
    (0.6931, 1.0)
    """
    y = np.atleast_2d(np.asarray(counts, dtype=float))
    e = np.asarray(exposure, dtype=float)
    t = np.asarray(times, dtype=float) - np.mean(times)
    total = y.sum(axis=1)
    ok = total > 0
    a = np.where(ok, np.log(np.where(ok, total, 1.0) / e.sum()), np.nan)
    b = np.zeros(len(y))
    for _ in range(100):
        mu = e * np.exp(np.clip(a[:, None] + b[:, None] * t, -700, 700))
        resid = y - mu
        g0, g1 = resid.sum(axis=1), (resid * t).sum(axis=1)
        h00, h01, h11 = mu.sum(axis=1), (mu * t).sum(axis=1), (mu * t * t).sum(axis=1)
        det = h00 * h11 - h01 * h01
        with np.errstate(invalid="ignore", divide="ignore"):
            da = (h11 * g0 - h01 * g1) / det
            db = (h00 * g1 - h01 * g0) / det
        step = np.where(ok & np.isfinite(da) & np.isfinite(db), 1.0, 0.0)
        # a step never moves the monthly slope by more than one unit of log-rate
        scale = np.minimum(1.0, 1.0 / np.maximum(np.abs(np.nan_to_num(db)), 1e-300))
        a = a + step * scale * np.nan_to_num(da)
        b = np.clip(b + step * scale * np.nan_to_num(db), -3.0, 3.0)
        if np.nanmax(np.abs(step * np.nan_to_num(db)), initial=0.0) < 1e-10:
            break
    mu = e * np.exp(np.clip(a[:, None] + b[:, None] * t, -700, 700))
    h00, h01, h11 = mu.sum(axis=1), (mu * t).sum(axis=1), (mu * t * t).sum(axis=1)
    df = y.shape[1] - 2
    with np.errstate(invalid="ignore", divide="ignore"):
        pearson = ((y - mu) ** 2 / mu).sum(axis=1)
        dispersion = np.maximum(1.0, pearson / df) if df > 0 else np.ones(len(y))
        se = np.sqrt(dispersion * h00 / (h00 * h11 - h01 * h01))
    nan = np.full(len(y), np.nan)
    return (
        np.where(ok, a, nan),
        np.where(ok, b, nan),
        np.where(ok, se, nan),
        np.where(ok, dispersion, nan),
    )


def _labelled(complaints: pl.DataFrame, by: str) -> pl.Expr:
    label = pl.col(by).str.strip_chars()
    return (
        pl.when(label.str.len_chars().fill_null(0) == 0)
        .then(pl.lit("Not recorded"))
        .otherwise(label)
        .alias(by)
    )


def _months(period: Period, first: date, last: date) -> list[tuple[date, int, float]]:
    """(month start, covered days, middle of the covered days in months) per covered month."""
    out = []
    month = period.start.replace(day=1)
    while month <= period.end:
        following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
        window = Period(max(month, period.start), min(following - timedelta(days=1), period.end))
        covered = days_covered(window, first, last)
        if covered:
            start = max(window.start, first)
            middle = (start - period.start).days + (covered - 1) / 2 + 0.5
            out.append((month, covered, middle / MONTH_DAYS))
        month = following
    return out


def rising(
    complaints: pl.DataFrame,
    period: Period,
    *,
    by: str = "category",
    alpha: float = ALPHA,
    min_ratio: float = MIN_RATIO,
    min_count: int = MIN_COUNT,
    relative_to_total: bool = False,
    as_of: date | None = None,
    min_months: int = MIN_MONTHS,
    min_history: float = MIN_HISTORY,
) -> pl.DataFrame:
    """Test every value of ``by`` for a rise: against the previous period, or within this one.

    Parameters
    ----------
    complaints
        All complaints of the extract (not only the period's) with ``stage1_received_date``
        and the ``by`` column; blanks count as ``"Not recorded"``.
    period
        The period to test.
    by
        The column to test, ``category`` or ``root_cause``.
    alpha
        False discovery rate for the Benjamini-Hochberg adjustment.
    min_ratio
        The smallest rate ratio worth flagging (1.25 = 25% higher).
    min_count
        The fewest complaints in the period for a flag.
    relative_to_total
        Test growth beyond the growth of all complaints instead of any growth.
    as_of
        The extract date: the last day the extract covers (default: its latest receipt).
    min_months
        Months with data needed for a trend within the period.
    min_history
        Share of the previous window the extract must cover to compare the periods.

    Returns
    -------
    polars.DataFrame
        One row per value: ``method`` (``previous period``, ``within period`` or ``not
        tested``), the counts ``earlier`` (null unless compared) and ``recent``, the days
        covered and their months (days / 30.44), the rates per month, the fitted rates at
        the start and end of the period (trend within), ``rate_ratio``, ``p_value``,
        ``p_adjusted``, ``rising``, ``tested``, the two windows' dates, ``test`` (what
        ran) and ``reason`` (why that test, or why none). Flagged values first, then by
        p-value.
    """
    before = earlier_period(period)
    dates = complaints["stage1_received_date"]
    first_seen, last_seen = dates.min(), dates.max()
    if not isinstance(first_seen, date) or not isinstance(last_seen, date):
        first_seen = last_seen = period.start - timedelta(days=1)
    last = as_of or last_seen
    first = first_seen
    d_recent = days_covered(period, first, last)
    d_earlier = days_covered(before, first, last)
    length_earlier = (before.end - before.start).days + 1
    months = _months(period, first, last)
    labelled = complaints.select(
        _labelled(complaints, by),
        pl.col("stage1_received_date").alias("received"),
    )
    recent_rows = labelled.filter(pl.col("received").is_between(period.start, period.end))
    earlier_rows = labelled.filter(pl.col("received").is_between(before.start, before.end))
    keys = pl.concat([recent_rows.select(by), earlier_rows.select(by)]).unique().sort(by)
    counts = (
        keys.join(recent_rows.group_by(by).len("recent"), on=by, how="left")
        .join(earlier_rows.group_by(by).len("earlier"), on=by, how="left")
        .with_columns(pl.col("recent", "earlier").fill_null(0).cast(pl.Int64))
    )
    cover = f"the extract covers {first:%d %b %Y} to {last:%d %b %Y}"
    if d_recent and d_earlier >= min_history * length_earlier:
        method = PREVIOUS
        reason = (
            f"{cover}, so {d_earlier} of the {length_earlier} days of the previous period "
            f"({before.start:%d %b %Y} to {before.end:%d %b %Y}): this period is compared with "
            "it, and seasonal peaks fall in both"
        )
    elif len(months) >= min_months:
        method = WITHIN
        reason = (
            f"{cover}: {d_earlier} of the {length_earlier} days of the previous period, under "
            f"{min_history:.0%}, so the trend is tested within the period's {len(months)} "
            "months; within one period a seasonal pattern (damp and mould in winter) can "
            "look like a rise"
        )
    else:
        method = NOT_TESTED
        reason = (
            f"{cover}: {len(months)} month(s) of the period and {d_earlier} of the "
            f"{length_earlier} days of the previous period; a trend within the period needs "
            f"at least {min_months} months, and a comparison with the previous period "
            f"{min_history:.0%} of its days"
        )

    recent = counts["recent"].to_numpy().astype(float)
    earlier = counts["earlier"].to_numpy().astype(float)
    nan = np.full(counts.height, np.nan)
    p_value, ratio, fit_start, fit_end = nan.copy(), nan.copy(), nan.copy(), nan.copy()
    share = "growth beyond all complaints, " if relative_to_total else ""
    flag = f"flagged if rate ratio >= {min_ratio:g} and at least {min_count} complaints"
    if method == PREVIOUS:
        from scipy.stats import binom

        if relative_to_total:
            t_r, t_e = recent_rows.height, earlier_rows.height
            p0 = t_r / (t_r + t_e) if t_r + t_e else np.nan
        else:
            p0 = d_recent / (d_recent + d_earlier)
        n = recent + earlier
        with np.errstate(invalid="ignore", divide="ignore"):
            p_value = np.where(n > 0, binom.sf(recent - 1, n, p0), np.nan)
            if relative_to_total:
                ratio = (recent / t_r) / (earlier / t_e) if t_r and t_e else nan
            else:
                ratio = (recent / d_recent) / (earlier / d_earlier)
        test = (
            "this period against the previous one: one-sided exact Poisson rate test on days "
            f"covered (binomial, conditional on the total), {share}"
            f"Benjamini-Hochberg FDR {alpha:.0%}, {flag}"
        )
    elif method == WITHIN:
        from scipy.stats import t as student_t

        starts = [m for m, _, _ in months]
        per_month = (
            recent_rows.with_columns(pl.col("received").dt.truncate("1mo").alias("month"))
            .group_by(by, "month")
            .len("n")
            .pivot(on="month", index=by, values="n", sort_columns=True)
        )
        grid = counts.select(by).join(per_month, on=by, how="left")
        matrix = np.column_stack(
            [
                grid[str(m)].fill_null(0).to_numpy() if str(m) in grid.columns else
                np.zeros(grid.height)
                for m in starts
            ]
        ).astype(float)  # fmt: skip
        days = np.array([d for _, d, _ in months], dtype=float)
        times = np.array([t for _, _, t in months])
        if relative_to_total:
            exposure = matrix.sum(axis=0)
            keep = exposure > 0
            matrix, exposure, times_used = matrix[:, keep], exposure[keep], times[keep]
        else:
            exposure, times_used = days, times
        if matrix.shape[1] >= 3:
            a, b, se, _ = poisson_trend(matrix, exposure, times_used)
            df = matrix.shape[1] - 2
            with np.errstate(invalid="ignore", divide="ignore"):
                p_value = student_t.sf(b / se, df)
                centre = float(np.mean(times_used))
                rate = np.exp(a) * (1.0 if relative_to_total else MONTH_DAYS)
                fit_start = rate * np.exp(b * (times_used[0] - centre))
                fit_end = rate * np.exp(b * (times_used[-1] - centre))
                ratio = fit_end / fit_start
        if relative_to_total:
            fit_start, fit_end = nan.copy(), nan.copy()
        test = (
            "trend within the period: Poisson regression of monthly counts on time, exposure "
            "in days covered (quasi-Poisson, dispersion at least 1), one-sided t-test on the "
            f"slope, {share}Benjamini-Hochberg FDR {alpha:.0%}, "
            f"{flag.replace('rate ratio', 'fitted end-of-period rate / start rate')}"
        )
    else:
        test = "none"

    adjusted = benjamini_hochberg(p_value)
    earlier_shown = method == PREVIOUS
    return (
        counts.with_columns(
            pl.lit(method).alias("method"),
            pl.when(pl.lit(earlier_shown)).then(pl.col("earlier")).alias("earlier"),
            pl.lit(d_earlier if earlier_shown else None, pl.Int64).alias("earlier_days"),
            pl.lit(d_recent, pl.Int64).alias("recent_days"),
        )
        .with_columns(
            (pl.col("earlier_days") / MONTH_DAYS).round(1).alias("earlier_months"),
            (pl.col("recent_days") / MONTH_DAYS).round(1).alias("recent_months"),
            _per_month("earlier", "earlier_days"),
            _per_month("recent", "recent_days"),
            pl.Series("fitted_start_per_month", fit_start).round(2).fill_nan(None),
            pl.Series("fitted_end_per_month", fit_end).round(2).fill_nan(None),
            pl.Series("rate_ratio", ratio).round(2).fill_nan(None),
            pl.Series("p_value", p_value).round(6).fill_nan(None),
            pl.Series("p_adjusted", adjusted).round(6).fill_nan(None),
        )
        .with_columns(
            pl.col("p_value").is_not_null().alias("tested"),
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
            pl.lit(reason).alias("reason"),
        )
        .sort(["rising", "p_value", by], descending=[True, False, False], nulls_last=True)
        .select(by, *_COLUMNS)
    )


def _per_month(count: str, days: str) -> pl.Expr:
    return (
        pl.when(pl.col(days) > 0)
        .then((pl.col(count) / pl.col(days) * MONTH_DAYS).round(2))
        .alias(f"{count}_per_month")
    )
