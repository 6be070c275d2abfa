"""Intervals, percentiles, funnel limits and shrinkage on hand-worked numbers."""

from __future__ import annotations

import numpy as np
import pytest

from auditlib.ombudsman import stats


def test_wilson_interval_hand_worked():
    """6 of 9: centre (6/9 + z²/18)/(1 + z²/9) = 0.6168, half-width 0.2626 (z = 1.96)."""
    low, high = stats.wilson(np.array([6, 0, 5]), np.array([9, 4, 5]))
    assert low[0] == pytest.approx(0.3542, abs=1e-4)
    assert high[0] == pytest.approx(0.8794, abs=1e-4)
    assert low[1] == 0.0  # none of 4: the interval starts at 0 and is not empty
    assert high[1] == pytest.approx(0.4899, abs=1e-4)  # z²/(4 + z²)
    assert high[2] == 1.0


def test_wilson_without_trials_is_not_a_number():
    """No findings decided: no rate and no interval."""
    low, high = stats.wilson(np.array([0]), np.array([0]))
    assert np.isnan(low[0])
    assert np.isnan(high[0])


def test_percentile_counts_ties_as_half():
    """Among 20, 50, 50, 100: 66.7 beats three (75%), 50 beats one and ties two (50%)."""
    among = np.array([20.0, 50.0, 50.0, 100.0, np.nan])
    assert stats.percentile(np.array([66.7, 50.0, 10.0]), among).tolist() == [75.0, 50.0, 0.0]


def test_funnel_limits_for_shares_and_rates():
    """p0 = 0.5, n = 25: 0.5 ± 1.96 × 0.1; r0 = 4 per 1,000 home-years, E = 16: 4 ± 1.96 × 0.5."""
    low, high = stats.funnel_limits(0.5, np.array([25.0]), kind="share", level=0.95)
    assert (low[0], high[0]) == pytest.approx((0.304, 0.696), abs=1e-3)
    low, high = stats.funnel_limits(4.0, np.array([16.0]), kind="rate", level=0.95)
    assert (low[0], high[0]) == pytest.approx((3.02, 4.98), abs=1e-2)
    # 99.8%: z = 3.09, limits 0.191 to 0.809
    assert stats.funnel_position(0.85, 0.5, 25.0, kind="share") == "above the 99.8% limit"
    assert stats.funnel_position(0.8, 0.5, 25.0, kind="share") == "above the 95% limit"
    assert stats.funnel_position(0.25, 0.5, 25.0, kind="share") == "below the 95% limit"
    with pytest.raises(ValueError, match="kind"):
        stats.funnel_limits(0.5, np.array([1.0]), kind="other", level=0.95)


def test_beta_binomial_prior_hand_worked():
    """Shares 0.2 and 0.8 of 10 each: S = 0.09, h = 0.1, t = (0.09 - 0.025)/0.9."""
    prior = stats.beta_binomial_prior(np.array([2, 8, 0]), np.array([10, 10, 0]))
    assert prior.mean == 0.5
    assert prior.between_sd**2 == pytest.approx(0.065 / 0.9)
    assert prior.a + prior.b == pytest.approx(0.25 / (0.065 / 0.9) - 1)
    assert prior.landlords == 2


def test_no_real_difference_shrinks_everyone_to_the_mean():
    """Spread no wider than chance: every estimate is the sector's share."""
    prior = stats.beta_binomial_prior(np.array([5, 5, 5]), np.array([10, 10, 10]))
    assert prior.between_sd == 0.0
    est, low, high = stats.shrunk_share(np.array([1, 9]), np.array([10, 10]), prior)
    assert est.tolist() == low.tolist() == high.tolist() == [0.5, 0.5]


def test_gamma_poisson_prior_and_shrunk_rate():
    """Rates 1 and 3 over 10 thousand home-years: t = 1 - 2 × 0.1 = 0.8, a = 5, b = 2.5."""
    prior = stats.gamma_poisson_prior(np.array([10, 30]), np.array([10.0, 10.0]))
    assert (prior.mean, prior.a, prior.b) == pytest.approx((2.0, 5.0, 2.5))
    est, low, high = stats.shrunk_rate(np.array([10, 1]), np.array([10.0, 0.5]), prior)
    assert est.tolist() == pytest.approx([15 / 12.5, 6 / 3.0])  # a small landlord moves most
    assert low[1] < est[1] < high[1]
    assert high[1] - low[1] > high[0] - low[0]


def test_shrunk_share_interval_is_a_beta_quantile():
    """Posterior Beta(5 + 9, 5 + 1): mean 0.7; its 95% interval agrees with scipy.stats."""
    from scipy.stats import beta

    prior = stats.Prior("share", 0.5, 0.2, 5.0, 5.0, 2)
    est, low, high = stats.shrunk_share(np.array([9]), np.array([10]), prior)
    assert est[0] == pytest.approx(0.7)
    assert (low[0], high[0]) == pytest.approx(beta.ppf([0.025, 0.975], 14, 6))


def test_poisson_interval_against_the_chi_square_form():
    """Garwood: chi2(0.025, 2k)/2 and chi2(0.975, 2k + 2)/2, per unit of exposure."""
    from scipy.stats import chi2

    low, high = stats.poisson_interval(7, 2.0)
    assert low == pytest.approx(chi2.ppf(0.025, 14) / 4)
    assert high == pytest.approx(chi2.ppf(0.975, 16) / 4)
    assert stats.poisson_interval(0, 1.0)[0] == 0.0


def test_fisher_exact_agrees_with_scipy():
    """The two-sided p-value equals scipy's on many random tables."""
    from scipy.stats import fisher_exact

    rng = np.random.default_rng(7)
    for a, b, c, d in rng.integers(0, 30, size=(200, 4)):
        expected = fisher_exact([[a, b], [c, d]]).pvalue
        assert stats.fisher_exact(int(a), int(b), int(c), int(d)) == pytest.approx(expected)
