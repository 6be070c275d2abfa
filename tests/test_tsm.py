"""CH01 and CH02: period edges, tenure split, empty denominators, and a slow recount."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditlib.calendar import WorkingCalendar
from auditlib.config import Homes
from auditlib.testing import complaints_frame
from auditlib.timeliness import assess
from auditlib.tsm import Period, measures

CAL = WorkingCalendar.england_and_wales()
YEAR = Period(date(2025, 4, 1), date(2026, 3, 31))


THOUSAND = Homes(total=1000)


def _measures(rows, homes=THOUSAND, period=YEAR, as_of=date(2026, 6, 30)):
    assessed = assess(complaints_frame(rows), calendar=CAL, as_of=as_of)
    return measures(assessed, period=period, homes=homes)


def test_period_edges_for_ch01():
    """Received on 1 April and 31 March count; a day either side does not."""
    rows = [
        {"stage1_received_date": "2025-03-31"},
        {"stage1_received_date": "2025-04-01"},
        {"stage1_received_date": "2026-03-31"},
        {"stage1_received_date": "2026-04-01"},
    ]
    m = _measures(rows)
    assert m["stage1_received"] == 2
    assert m["ch01_stage1_per_1000"] == 2.0


def test_stage2_counts_requests_received_in_the_period():
    """CH01 (2) counts by the stage 2 request date, not the stage 1 receipt."""
    rows = [
        {"stage1_received_date": "2025-03-03", "stage2_requested_date": "2025-04-02"},
        {"stage1_received_date": "2026-03-02", "stage2_requested_date": "2026-04-02"},
    ]
    m = _measures(rows)
    assert (m["stage1_received"], m["stage2_received"]) == (1, 1)
    assert m["ch01_stage2_per_1000"] == 1.0


def test_ch02_counts_responses_issued_in_the_period():
    """A complaint received in March, answered in April, is in the new year's CH02."""
    rows = [
        # received before the year, answered inside it, on time: counts in CH02 not CH01
        {
            "stage1_received_date": "2025-03-25",
            "stage1_acknowledged_date": "2025-03-26",
            "stage1_response_date": "2025-04-04",
        },
        # inside, late (11 working days after acknowledgement)
        {
            "stage1_received_date": "2025-06-02",
            "stage1_acknowledged_date": "2025-06-03",
            "stage1_response_date": "2025-06-18",
        },
        # inside, on time
        {
            "stage1_received_date": "2025-06-02",
            "stage1_acknowledged_date": "2025-06-03",
            "stage1_response_date": "2025-06-17",
        },
        # received in the year, answered after it: not in this year's CH02
        {
            "stage1_received_date": "2026-03-30",
            "stage1_acknowledged_date": "2026-03-31",
            "stage1_response_date": "2026-04-08",
        },
        # still open
        {"stage1_received_date": "2026-03-30"},
    ]
    m = _measures(rows)
    assert m["stage1_received"] == 4
    assert (m["stage1_responded"], m["stage1_responded_within"]) == (3, 2)
    assert m["ch02_stage1_pct"] == pytest.approx(66.67)


def test_percentages_are_null_where_nothing_was_answered():
    """No responses in the period: CH02 is null, not zero or 100."""
    m = _measures([{"stage1_received_date": "2025-06-02"}])
    assert m["stage1_responded"] == 0
    assert m["ch02_stage1_pct"] is None
    assert m["ch02_stage2_pct"] is None


def test_ch01_is_null_without_homes():
    """With no homes given, CH01 is null rather than a made-up rate."""
    m = _measures([{"stage1_received_date": "2025-06-02"}], homes=Homes())
    assert m["ch01_stage1_per_1000"] is None
    assert m["stage1_received"] == 1


def test_lcra_and_lcho_reported_separately():
    """Each tenure has its own rates on its own homes; 'other' counts in the total only."""
    rows = [
        {
            "stage1_received_date": "2025-06-02",
            "tenure": "LCRA",
            "stage1_acknowledged_date": "2025-06-03",
            "stage1_response_date": "2025-06-10",
        },
        {"stage1_received_date": "2025-06-02", "tenure": "LCRA"},
        {
            "stage1_received_date": "2025-06-02",
            "tenure": "LCHO",
            "stage1_acknowledged_date": "2025-06-03",
            "stage1_response_date": "2025-07-30",
        },
        {"stage1_received_date": "2025-06-02", "tenure": "other"},
    ]
    m = _measures(rows, homes=Homes(by_tenure={"LCRA": 800, "LCHO": 200}))
    assert m["stage1_received"] == 4
    assert m["ch01_stage1_per_1000"] == 4.0  # total homes default to 800 + 200
    assert m["by_tenure"]["LCRA"]["stage1_received"] == 2
    assert m["by_tenure"]["LCRA"]["ch01_stage1_per_1000"] == 2.5
    assert m["by_tenure"]["LCRA"]["ch02_stage1_pct"] == 100.0
    assert m["by_tenure"]["LCHO"]["ch01_stage1_per_1000"] == 5.0
    assert m["by_tenure"]["LCHO"]["ch02_stage1_pct"] == 0.0


def test_a_tenure_with_no_complaints_still_appears():
    """A tenure with homes but no complaints reports zero, not a missing entry."""
    m = _measures(
        [{"stage1_received_date": "2025-06-02", "tenure": "LCRA"}],
        homes=Homes(by_tenure={"LCRA": 900, "LCHO": 100}),
    )
    assert m["by_tenure"]["LCHO"]["stage1_received"] == 0
    assert m["by_tenure"]["LCHO"]["ch02_stage1_pct"] is None


def test_reporting_year_and_label():
    """The default year runs 1 April to 31 March; other periods are labelled by dates."""
    assert Period.reporting_year(date(2025, 4, 1)) == YEAR
    assert Period.reporting_year(date(2026, 3, 31)) == YEAR
    assert Period.reporting_year(date(2026, 4, 1)).label == "2026/27"
    assert Period(date(2025, 1, 1), date(2025, 12, 31)).label == "2025-01-01 to 2025-12-31"
    with pytest.raises(ValueError, match="before it starts"):
        Period(date(2025, 2, 1), date(2025, 1, 1))


_day = st.integers(0, 800)


@given(
    rows=st.lists(
        st.tuples(
            _day,
            st.one_of(st.none(), st.integers(0, 30)),
            st.one_of(st.none(), _day),
            st.sampled_from(["LCRA", "LCHO", "other", None]),
        ),
        min_size=1,
        max_size=30,
    ),
    start=st.integers(0, 400),
    length=st.integers(0, 400),
)
def test_counts_agree_with_a_plain_recount(rows, start, length):
    """CH01 and CH02 counts equal a plain Python recount of the same complaints."""
    origin = date(2024, 4, 1)
    complaints = []
    for received, answer_gap, requested, tenure in rows:
        r = {"stage1_received_date": origin + timedelta(days=received), "tenure": tenure}
        if answer_gap is not None:
            r["stage1_acknowledged_date"] = r["stage1_received_date"]
            r["stage1_response_date"] = r["stage1_received_date"] + timedelta(days=answer_gap)
        if requested is not None and requested >= received:
            r["stage2_requested_date"] = origin + timedelta(days=requested)
        complaints.append(r)
    period = Period(origin + timedelta(days=start), origin + timedelta(days=start + length))
    assessed = assess(complaints_frame(complaints), calendar=CAL, as_of=date(2027, 1, 1))
    m = measures(assessed, period=period, homes=Homes(total=500))

    def inside(d):
        return d is not None and period.start <= d <= period.end

    answered = [r for r in assessed.iter_rows(named=True) if inside(r["stage1_response_date"])]
    assert m["stage1_received"] == sum(inside(r["stage1_received_date"]) for r in complaints)
    assert m["stage2_received"] == sum(inside(r.get("stage2_requested_date")) for r in complaints)
    assert m["stage1_responded"] == len(answered)
    within = sum(r["stage1_response_working_days"] <= 10 for r in answered)
    assert m["stage1_responded_within"] == within
    expected_pct = round(within / len(answered) * 100, 2) if answered else None
    assert m["ch02_stage1_pct"] == expected_pct
