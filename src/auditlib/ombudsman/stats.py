"""Intervals, percentiles, funnel limits and empirical-Bayes estimates for small numbers.

A landlord with 4 findings, 3 upheld, has an upheld rate of 75%, and so does one with
400 and 300; only the second rate says much. Everything here is about showing how far
small numbers can move a figure:

* :func:`wilson` gives the Wilson score interval for a share (Wilson, 1927), which
  behaves at 0 and 100% and for small counts, where the textbook interval does not;
* :func:`funnel_limits` gives control limits around the sector's rate for a given
  number of findings (a funnel plot: Spiegelhalter, 2005), using the normal
  approximation to the binomial (shares) or the Poisson (rates);
* :func:`beta_binomial_prior` and :func:`gamma_poisson_prior` fit, by the method of
  moments, how much landlords really differ once chance is allowed for, and
  :func:`shrunk_share` / :func:`shrunk_rate` move each landlord's figure towards the
  sector's by as much as its numbers are small (empirical Bayes), with a 95% interval;
* :func:`percentile` places a value among others (mid-rank for ties).

Every function takes numpy arrays and works on all landlords at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

#: two-sided levels of the funnel's inner and outer limits (about 2 and 3 standard errors)
FUNNEL_LEVELS = (0.95, 0.998)


def z_value(level: float) -> float:
    """The standard normal quantile for a two-sided ``level``.

    Examples
    --------
    >>> round(z_value(0.95), 4)
    1.96
    """
    return NormalDist().inv_cdf(0.5 + level / 2)


def wilson(
    successes: np.ndarray, trials: np.ndarray, *, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for ``successes / trials`` (NaN where there are no trials).

    Examples
    --------
    >>> low, high = wilson(np.array([7]), np.array([10]))
    >>> round(float(low[0]), 4), round(float(high[0]), 4)
    (0.3968, 0.8922)
    """
    x = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    z = z_value(level)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = x / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    low = np.where(n > 0, np.clip(centre - half, 0, 1), np.nan)
    high = np.where(n > 0, np.clip(centre + half, 0, 1), np.nan)
    return low, high


def percentile(values: np.ndarray, among: np.ndarray) -> np.ndarray:
    """Per cent of ``among`` below each value, counting ties as half (mid-rank).

    NaNs in ``among`` are ignored; a NaN value gives NaN.

    Examples
    --------
    >>> percentile(np.array([3.0, 0.5, 9.0]), np.array([1.0, 2.0, 3.0, 4.0])).tolist()
    [62.5, 0.0, 100.0]
    """
    pool = np.sort(np.asarray(among, dtype=float)[~np.isnan(among)])
    v = np.asarray(values, dtype=float)
    if pool.size == 0:
        return np.full(v.shape, np.nan)
    below = np.searchsorted(pool, v, side="left")
    not_above = np.searchsorted(pool, v, side="right")
    result = (below + (not_above - below) / 2) / pool.size * 100
    return np.where(np.isnan(v), np.nan, result)


def funnel_limits(
    centre: float, exposure: np.ndarray, *, kind: str, level: float
) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper control limits around ``centre`` for each exposure.

    ``kind="share"``: ``exposure`` is the number of findings, limits
    ``p0 ± z·sqrt(p0(1-p0)/n)`` clipped to [0, 1]. ``kind="rate"``: ``exposure`` is
    thousands of home-years, limits ``r0 ± z·sqrt(r0/E)``, the lower one at least 0.

    Examples
    --------
    >>> low, high = funnel_limits(0.5, np.array([100.0]), kind="share", level=0.95)
    >>> round(float(low[0]), 3), round(float(high[0]), 3)
    (0.402, 0.598)
    """
    e = np.asarray(exposure, dtype=float)
    z = z_value(level)
    with np.errstate(invalid="ignore", divide="ignore"):
        if kind == "share":
            se = np.sqrt(centre * (1 - centre) / e)
            return np.clip(centre - z * se, 0, 1), np.clip(centre + z * se, 0, 1)
        if kind == "rate":
            se = np.sqrt(centre / e)
            return np.maximum(centre - z * se, 0), centre + z * se
    msg = f"kind must be 'share' or 'rate', not {kind!r}"
    raise ValueError(msg)


def funnel_position(value: float, centre: float, exposure: float, *, kind: str) -> str:
    """Where a value falls among the funnel's limits, in words.

    Examples
    --------
    >>> funnel_position(0.75, 0.5, 100.0, kind="share")
    'above the 99.8% limit'
    >>> funnel_position(0.55, 0.5, 100.0, kind="share")
    'within the 95% limits'
    """
    if np.isnan(value) or exposure <= 0:
        return "not placed"
    inner, outer = FUNNEL_LEVELS
    e = np.array([exposure])
    low95, high95 = (float(a[0]) for a in funnel_limits(centre, e, kind=kind, level=inner))
    low998, high998 = (float(a[0]) for a in funnel_limits(centre, e, kind=kind, level=outer))
    if value > high998:
        return f"above the {outer:.1%} limit"
    if value > high95:
        return f"above the {inner:.0%} limit"
    if value < low998:
        return f"below the {outer:.1%} limit"
    if value < low95:
        return f"below the {inner:.0%} limit"
    return f"within the {inner:.0%} limits"


@dataclass(frozen=True)
class Prior:
    """A fitted sector prior: its mean, the spread between landlords, and its parameters.

    For shares, ``a`` and ``b`` are the Beta distribution's two shape parameters; for
    rates, the Gamma distribution's shape and rate (per thousand home-years).
    ``between_sd`` is the standard deviation between landlords once chance is allowed
    for; 0 means the data show no real difference and every estimate is the mean.
    """

    kind: str
    mean: float
    between_sd: float
    a: float
    b: float
    landlords: int


_TINY = 1e-12


def beta_binomial_prior(successes: np.ndarray, trials: np.ndarray) -> Prior:
    """Method-of-moments Beta prior for landlords' shares (landlords with trials only).

    With ``p_i = x_i/n_i`` and ``m`` the pooled share, the spread of the ``p_i`` is
    ``E[(p_i - m)^2] = t + (m(1-m) - t)/n_i``; averaging over landlords gives the
    between-landlord variance ``t = (S - m(1-m)·h) / (1 - h)``, where ``S`` is the mean
    squared deviation and ``h`` the mean of ``1/n_i``.

    Examples
    --------
    >>> prior = beta_binomial_prior(np.array([2, 8]), np.array([10, 10]))
    >>> round(prior.mean, 2), round(prior.between_sd, 4), round(prior.a + prior.b, 3)
    (0.5, 0.2687, 2.462)
    """
    x = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    keep = n > 0
    x, n = x[keep], n[keep]
    if n.size == 0:
        return Prior("share", float("nan"), float("nan"), float("nan"), float("nan"), 0)
    m = float(x.sum() / n.sum())
    spread = float(np.mean((x / n - m) ** 2))
    h = float(np.mean(1 / n))
    binomial = m * (1 - m)
    between = (spread - binomial * h) / (1 - h) if h < 1 else 0.0
    between = min(max(between, 0.0), binomial * (1 - 1e-9))
    strength = binomial / between - 1 if between > _TINY else float("inf")
    return Prior("share", m, between**0.5, m * strength, (1 - m) * strength, int(n.size))


def gamma_poisson_prior(counts: np.ndarray, exposure: np.ndarray) -> Prior:
    """Method-of-moments Gamma prior for landlords' rates (landlords with exposure only).

    ``E[(r_i - m)^2] = t + m/E_i`` with ``r_i = x_i/E_i`` and ``m`` the pooled rate,
    so ``t = S - m·h`` with ``h`` the mean of ``1/E_i``.

    Examples
    --------
    >>> prior = gamma_poisson_prior(np.array([10, 30]), np.array([10.0, 10.0]))
    >>> round(prior.mean, 2), round(prior.between_sd ** 2, 2), round(prior.a, 2)
    (2.0, 0.8, 5.0)
    """
    x = np.asarray(counts, dtype=float)
    e = np.asarray(exposure, dtype=float)
    keep = e > 0
    x, e = x[keep], e[keep]
    if e.size == 0:
        return Prior("rate", float("nan"), float("nan"), float("nan"), float("nan"), 0)
    m = float(x.sum() / e.sum())
    between = max(float(np.mean((x / e - m) ** 2)) - m * float(np.mean(1 / e)), 0.0)
    if between <= _TINY or m <= 0:
        return Prior("rate", m, 0.0, float("inf"), float("inf"), int(e.size))
    return Prior("rate", m, between**0.5, m * m / between, m / between, int(e.size))


def shrunk_share(
    successes: np.ndarray, trials: np.ndarray, prior: Prior, *, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each landlord's share moved towards the sector's, with a ``level`` interval.

    The posterior is ``Beta(a + x, b + n - x)``; its mean is the estimate and its
    quantiles the interval. With no real difference between landlords (an infinite
    prior), every estimate is the sector's share.

    Examples
    --------
    >>> prior = Prior("share", 0.5, 0.2, 5.0, 5.0, 2)
    >>> est, low, high = shrunk_share(np.array([9]), np.array([10]), prior)
    >>> round(float(est[0]), 2)
    0.7
    """
    from scipy.special import betaincinv

    x = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    if not np.isfinite(prior.a):
        same = np.full(x.shape, prior.mean)
        return same, same.copy(), same.copy()
    a, b = prior.a + x, prior.b + n - x
    tail = (1 - level) / 2
    return a / (a + b), betaincinv(a, b, tail), betaincinv(a, b, 1 - tail)


def shrunk_rate(
    counts: np.ndarray, exposure: np.ndarray, prior: Prior, *, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each landlord's rate moved towards the sector's: posterior ``Gamma(a + x, b + E)``.

    Examples
    --------
    >>> prior = Prior("rate", 2.0, 0.89, 5.0, 2.5, 2)
    >>> est, low, high = shrunk_rate(np.array([30]), np.array([10.0]), prior)
    >>> round(float(est[0]), 2)
    2.8
    """
    from scipy.special import gammaincinv

    x = np.asarray(counts, dtype=float)
    e = np.asarray(exposure, dtype=float)
    if not np.isfinite(prior.a):
        same = np.full(x.shape, prior.mean)
        return same, same.copy(), same.copy()
    shape, rate = prior.a + x, prior.b + e
    tail = (1 - level) / 2
    return (
        shape / rate,
        gammaincinv(shape, tail) / rate,
        gammaincinv(shape, 1 - tail) / rate,
    )


def poisson_interval(count: int, exposure: float, *, level: float = 0.95) -> tuple[float, float]:
    """Exact (Garwood) interval for the Poisson rate ``count / exposure``.

    Examples
    --------
    >>> low, high = poisson_interval(10, 1.0)
    >>> round(low, 3), round(high, 3)
    (4.795, 18.39)
    """
    from scipy.special import gammaincinv

    if exposure <= 0:
        return float("nan"), float("nan")
    tail = (1 - level) / 2
    low = float(gammaincinv(count, tail)) if count else 0.0
    return low / exposure, float(gammaincinv(count + 1, 1 - tail)) / exposure


def fisher_exact(a: int, b: int, c: int, d: int) -> float:
    """Two-sided p-value of Fisher's exact test for the table ``[[a, b], [c, d]]``.

    Sums the probabilities (hypergeometric, margins fixed) of every table no more likely
    than the one seen, as R's ``fisher.test`` and SciPy do.

    Examples
    --------
    >>> round(fisher_exact(8, 2, 1, 5), 4)
    0.035
    """
    from scipy.special import gammaln

    row1, col1, total = a + b, a + c, a + b + c + d
    low, high = max(0, col1 - (total - row1)), min(row1, col1)
    k = np.arange(low, high + 1, dtype=float)

    def log_choose(n: float, r: np.ndarray | float) -> np.ndarray:
        return gammaln(n + 1) - gammaln(r + 1) - gammaln(n - r + 1)

    log_p = log_choose(row1, k) + log_choose(total - row1, col1 - k) - log_choose(total, col1)
    p = np.exp(log_p - log_p.max())
    p /= p.sum()
    seen = p[int(a - low)]
    return float(min(1.0, p[p <= seen * (1 + 1e-7)].sum()))
