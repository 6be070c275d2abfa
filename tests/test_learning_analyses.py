"""Root causes, trends, repeats and vulnerability on hand-built extracts with known answers."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from auditlib.learning import repeats, rootcause, trends, vulnerability
from auditlib.schema import PERSONAL_COLUMNS
from tests.test_learning_builders import EARLIER, YEAR, assessed, monthly_counts


@pytest.fixture
def small() -> pl.DataFrame:
    return assessed(
        [
            {"category": "Repairs", "stage1_outcome": "upheld", "compensation_gbp": 100.0},
            {"category": "Repairs", "stage1_outcome": "not_upheld",
             "stage2_requested_date": "2025-07-01", "stage2_outcome": "partially_upheld",
             "compensation_gbp": 50.0},
            {"category": "Repairs", "stage1_outcome": "withdrawn", "stage1_status": "late"},
            {"category": "Damp and mould", "stage1_outcome": "upheld",
             "stage1_status": "open_overdue", "compensation_gbp": 400.0},
            {"category": None, "stage1_status": "open", "stage1_received_date": "2025-09-10"},
            {"category": "Repairs", "stage1_received_date": "2024-06-01"},  # before the period
        ]
    )  # fmt: skip


def test_prepare_keeps_the_period_and_labels_blanks(small: pl.DataFrame) -> None:
    """Only complaints received in the period count; a blank category is 'Not recorded'."""
    prepared = rootcause.prepare(small, YEAR)
    assert prepared.height == 5
    assert "Not recorded" in prepared["category"].to_list()
    # the stage 2 decision overrides stage 1
    assert prepared.filter(pl.col("complaint_id") == "C2")["upheld"].item() is True


def test_summary_counts_and_rates(small: pl.DataFrame) -> None:
    """Upheld over decided, escalation over all, late over the clocks judged, money summed."""
    s = rootcause.summary(rootcause.prepare(small, YEAR), YEAR)
    repairs = s.filter(pl.col("category") == "Repairs").row(0, named=True)
    assert (repairs["complaints"], repairs["decided"], repairs["upheld"]) == (3, 2, 2)
    assert repairs["upheld_pct"] == 100.0
    assert (repairs["escalated"], repairs["escalated_pct"]) == (1, 33.3)
    assert (repairs["late"], repairs["clock_judged"], repairs["late_pct"]) == (1, 3, 33.3)
    assert repairs["compensation_total_gbp"] == 150.0
    assert repairs["compensation_median_gbp"] == 75.0
    damp = s.filter(pl.col("category") == "Damp and mould").row(0, named=True)
    assert damp["late_pct"] == 100.0
    assert s["period_start"].unique().to_list() == [YEAR.start]
    assert s["category"][0] == "Repairs"  # most complaints first


def test_monthly_fills_months_without_complaints(small: pl.DataFrame) -> None:
    """Every category has all twelve months, zeros included."""
    m = rootcause.monthly(rootcause.prepare(small, YEAR), YEAR)
    assert m.group_by("category").len()["len"].to_list() == [12, 12, 12]
    assert m["complaints"].sum() == 5


def test_root_causes_table_is_by_category_and_cause() -> None:
    """Root causes are counted within their category with an upheld rate."""
    frame = assessed(
        [{"root_cause": "contractor missed appointment", "stage1_outcome": "upheld"}] * 3
        + [{"root_cause": None}]
    )
    table = rootcause.root_causes(rootcause.prepare(frame, YEAR), YEAR)
    assert table.select("root_cause", "complaints", "upheld_pct").rows() == [
        ("contractor missed appointment", 3, 100.0),
        ("Not recorded", 1, 0.0),
    ]


def _rising_extract() -> pl.DataFrame:
    rows = []
    rows += monthly_counts("Damp and mould", [2] * 12, first=EARLIER.start)
    rows += monthly_counts("Damp and mould", [5] * 12, first=YEAR.start)  # planted rise
    rows += monthly_counts("Repairs", [10] * 12, first=EARLIER.start)
    rows += monthly_counts("Repairs", [10] * 12, first=YEAR.start)  # flat
    rows += monthly_counts("Pests", [1] * 10, first=EARLIER.start)
    rows += monthly_counts("Pests", [1] * 12 + [2, 2], first=YEAR.start)  # 10 -> 14: noise
    return assessed(rows)


def test_planted_rising_category_is_flagged_and_flat_one_is_not() -> None:
    """24 -> 60 a year is flagged; 120 -> 120 and 10 -> 14 are not."""
    result = trends.rising(_rising_extract(), YEAR)
    flags = dict(result.select("category", "rising").iter_rows())
    assert flags == {"Damp and mould": True, "Repairs": False, "Pests": False}
    damp = result.filter(pl.col("category") == "Damp and mould").row(0, named=True)
    assert (damp["earlier"], damp["recent"], damp["rate_ratio"]) == (24, 60, 2.5)
    assert damp["p_adjusted"] < 0.001
    assert (damp["earlier_start"], damp["recent_end"]) == (EARLIER.start, YEAR.end)


def test_p_value_is_the_exact_binomial_tail() -> None:
    """With equal windows, p is P(X >= recent) for X ~ Binomial(recent + earlier, 1/2)."""
    from scipy.stats import binomtest

    result = trends.rising(_rising_extract(), YEAR)
    damp = result.filter(pl.col("category") == "Damp and mould").row(0, named=True)
    expected = binomtest(60, 84, 0.5, alternative="greater").pvalue
    assert damp["p_value"] == pytest.approx(expected, abs=1e-5)


def test_rise_with_all_complaints_is_not_flagged_relative_to_total() -> None:
    """When every category doubles, none grew faster than complaints as a whole."""
    rows = []
    for cat in ("A", "B", "C"):
        rows += monthly_counts(cat, [5] * 12, first=EARLIER.start)
        rows += monthly_counts(cat, [10] * 12, first=YEAR.start)
    frame = assessed(rows)
    assert trends.rising(frame, YEAR)["rising"].all()
    assert not trends.rising(frame, YEAR, relative_to_total=True)["rising"].any()


def test_flat_noise_is_rarely_flagged() -> None:
    """Forty flat Poisson categories over two years: the FDR control flags none."""
    rng = np.random.default_rng(7)
    rows = []
    for c in range(40):
        counts = rng.poisson(6, 24).tolist()
        rows += monthly_counts(f"cat{c:02d}", counts, first=EARLIER.start)
    assert trends.rising(assessed(rows), YEAR)["rising"].sum() == 0


def test_no_earlier_data_means_a_trend_within_the_period() -> None:
    """An extract that starts with the period is tested within it: flat is not rising."""
    frame = assessed(monthly_counts("Repairs", [10] * 12, first=YEAR.start))
    result = trends.rising(frame, YEAR, as_of=YEAR.end)
    assert result["method"].to_list() == ["within period"]
    assert result["tested"].to_list() == [True]
    assert result["rising"].to_list() == [False]
    assert result["earlier"].to_list() == [None]


def test_planted_repeat_complainant_is_found() -> None:
    """T9 complains three times within 90 days; T1's second complaint is 200 days later."""
    frame = assessed(
        [
            {"tenant_ref": "T9", "property_ref": "P9", "stage1_received_date": "2025-05-01",
             "category": "Damp and mould"},
            {"tenant_ref": "T9", "property_ref": "P9", "stage1_received_date": "2025-06-15",
             "category": "Damp and mould"},
            {"tenant_ref": "T9", "property_ref": "P9", "stage1_received_date": "2025-07-20",
             "category": "Repairs"},
            {"tenant_ref": "T1", "property_ref": "P1", "stage1_received_date": "2025-05-01"},
            {"tenant_ref": "T1", "property_ref": "P1", "stage1_received_date": "2025-11-17"},
            {"tenant_ref": None, "stage1_received_date": "2025-05-02"},
        ]
    )  # fmt: skip
    found = repeats.find_repeats(frame)
    assert found.filter(pl.col("is_repeat"))["tenant_ref"].unique().to_list() == ["T9"]
    assert found.filter(pl.col("is_repeat"))["previous_complaint_id"].to_list() == ["C1", "C2"]
    assert found["same_category_repeat"].sum() == 1
    wide = repeats.find_repeats(frame, window_days=365)
    assert set(wide.filter(pl.col("is_repeat"))["tenant_ref"]) == {"T1", "T9"}

    summary = repeats.repeat_summary(frame, YEAR)
    damp = summary.filter(
        (pl.col("matched_on") == "tenant") & (pl.col("category") == "Damp and mould")
    )
    assert damp.select("complaints", "repeats", "led_to_repeat", "led_to_repeat_pct").row(0) == (
        2, 1, 2, 100.0
    )  # fmt: skip
    assert not set(summary.columns) & set(PERSONAL_COLUMNS)
    headline = repeats.repeat_headline(frame, YEAR)
    assert headline.filter(pl.col("matched_on") == "tenant")["with_a_repeat"].item() == 1
    assert not set(headline.columns) & set(PERSONAL_COLUMNS)


def _vulnerability_extract(late_vulnerable: int, escalated_vulnerable: int) -> pl.DataFrame:
    rows = []
    for i in range(100):
        rows.append(
            {
                "vulnerability": "mobility",
                "stage1_status": "late" if i < late_vulnerable else "within",
                "stage1_response_working_days": 14 if i < late_vulnerable else 8,
                "stage2_requested_date": "2025-08-01" if i < escalated_vulnerable else None,
            }
        )
        rows.append(
            {"vulnerability": None, "stage1_status": "late" if i < 10 else "within",
             "stage1_response_working_days": 14 if i < 10 else 8,
             "stage2_requested_date": "2025-08-01" if i < 15 else None}
        )  # fmt: skip
    return assessed(rows)


def test_vulnerable_residents_waiting_longer_is_more_than_noise() -> None:
    """50% late against 10% is flagged; escalation at 15% against 15% is not."""
    frame = rootcause.prepare(_vulnerability_extract(50, 15), YEAR)
    result = vulnerability.compare(frame, YEAR)
    by = {r["measure"]: r for r in result.iter_rows(named=True)}
    late = by["stage 1 late or overdue (%)"]
    assert (late["vulnerable_value"], late["others_value"], late["vulnerable_n"]) == (
        50.0,
        10.0,
        100,
    )
    assert late["more_than_noise"] is True
    assert by["working days to the stage 1 response (median)"]["more_than_noise"] is True
    assert by["escalated to stage 2 (%)"]["more_than_noise"] is False
    assert result["p_adjusted"].ge(result["p_value"]).all()


def test_no_difference_is_not_flagged() -> None:
    """Identical groups: nothing is more than noise."""
    frame = rootcause.prepare(_vulnerability_extract(10, 15), YEAR)
    assert not vulnerability.compare(frame, YEAR)["more_than_noise"].any()
