"""Code timeliness: hand-worked cases, landlord targets, and agreement with a slow walk."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditlib.calendar import WorkingCalendar, bank_holidays_england_wales
from auditlib.errors import CalendarRangeError
from auditlib.rules import Interpretation, Targets
from auditlib.testing import complaints_frame
from auditlib.timeliness import OUTPUT_COLUMNS, assess
from tests import reference

CASES = json.loads((Path(__file__).parent / "cases" / "timeliness.json").read_text())["cases"]
CAL = WorkingCalendar.england_and_wales()
HOLIDAYS = set(bank_holidays_england_wales())


def _value(value):
    return value.isoformat() if isinstance(value, date) else value


@pytest.mark.parametrize("case", CASES, ids=[c["title"][:60] for c in CASES])
def test_hand_worked_case(case):
    """Each hand-worked case gives exactly the verdicts worked out on paper."""
    frame = complaints_frame([case["row"]])
    result = assess(
        frame,
        calendar=CAL,
        as_of=date.fromisoformat(case["as_of"]),
        interpretation=Interpretation.from_dict(case.get("rules")),
    ).row(0, named=True)
    got = {key: _value(result[key]) for key in case["expected"]}
    assert got == case["expected"]


def test_every_case_also_agrees_with_the_slow_reference():
    """The case table and the reference implementation tell the same story."""
    for case in CASES:
        frame = complaints_frame([case["row"]])
        as_of = date.fromisoformat(case["as_of"])
        fast = assess(
            frame,
            calendar=CAL,
            as_of=as_of,
            interpretation=Interpretation.from_dict(case.get("rules")),
        ).row(0, named=True)
        slow = reference.assess(frame.row(0, named=True), HOLIDAYS, as_of, case.get("rules"))
        assert {k: fast[k] for k in OUTPUT_COLUMNS} == slow, case["title"]


def test_landlord_targets_are_checked_beside_the_code():
    """A 3-day acknowledgement target fails where the Code's 5 days pass."""
    frame = complaints_frame(
        [{"stage1_received_date": "2025-06-02", "stage1_acknowledged_date": "2025-06-06"}]
    )
    targets = Targets.from_profile(
        {"stage1_ack_working_days": 3, "stage1_response_working_days": 8}
    )
    row = assess(frame, calendar=CAL, as_of=date(2025, 7, 1), landlord=targets).row(0, named=True)
    assert row["stage1_ack_within_code"] is True
    assert row["stage1_ack_within_policy"] is False
    assert row["stage1_limit_working_days_policy"] == 8


def test_landlord_clock_from_receipt():
    """A policy that times stage 1 from receipt measures the response from receipt."""
    frame = complaints_frame(
        [
            {
                "stage1_received_date": "2025-06-02",
                "stage1_acknowledged_date": "2025-06-06",
                "stage1_response_date": "2025-06-18",
            }
        ]
    )
    targets = Targets.from_profile(
        {"stage1_response_working_days": 10, "stage1_response_clock": {"value": "receipt"}}
    )
    row = assess(frame, calendar=CAL, as_of=date(2025, 7, 1), landlord=targets).row(0, named=True)
    assert row["stage1_response_working_days"] == 8  # from the acknowledgement, Code
    assert row["stage1_response_working_days_policy"] == 12  # from receipt
    assert row["stage1_within_code"] is True
    assert row["stage1_within_policy"] is False


def test_closure_days_stop_the_clock():
    """A landlord's closure day is not a working day."""
    frame = complaints_frame(
        [{"stage1_received_date": "2025-06-02", "stage1_acknowledged_date": "2025-06-09"}]
    )
    closed = WorkingCalendar.england_and_wales(closure_days=[date(2025, 6, 4)])
    row = assess(frame, calendar=closed, as_of=date(2025, 7, 1)).row(0, named=True)
    assert row["stage1_ack_working_days"] == 4
    row = assess(frame, calendar=CAL, as_of=date(2025, 7, 1)).row(0, named=True)
    assert row["stage1_ack_working_days"] == 5


def test_dates_beyond_the_calendar_are_refused():
    """A date past 2100 cannot be counted: it is refused, never counted without holidays."""
    frame = complaints_frame([{"stage1_received_date": "2101-01-10"}])
    with pytest.raises(CalendarRangeError, match="2101"):
        assess(frame, calendar=CAL, as_of=date(2101, 2, 1))


def test_a_2029_complaint_is_counted_with_that_years_holidays():
    """Received Thursday 29 March 2029; Good Friday 30 March and Easter Monday 2 April."""
    frame = complaints_frame(
        [{"stage1_received_date": "2029-03-29", "stage1_acknowledged_date": "2029-04-03"}]
    )
    row = assess(frame, calendar=CAL, as_of=date(2029, 5, 1)).row(0, named=True)
    assert row["stage1_ack_working_days"] == 1


# Property: the vectorised assessment agrees with a day-by-day walk -------------------

_days = st.integers(min_value=0, max_value=40)
_maybe_days = st.one_of(st.none(), _days)


@st.composite
def complaints(draw):
    received = date(2024, 4, 1) + timedelta(days=draw(st.integers(0, 3 * 365)))
    row = {"stage1_received_date": received}

    def after(base, gap):
        return None if gap is None or base is None else base + timedelta(days=gap)

    row["stage1_acknowledged_date"] = after(received, draw(_maybe_days))
    row["stage1_response_date"] = after(
        row["stage1_acknowledged_date"] or received, draw(_maybe_days)
    )
    row["stage1_extension_days"] = draw(st.one_of(st.none(), st.integers(0, 30)))
    row["stage1_extension_good_reason"] = draw(st.one_of(st.none(), st.booleans()))
    row["stage1_extension_notified_date"] = after(received, draw(_maybe_days))
    if draw(st.booleans()):
        requested = received + timedelta(days=draw(st.integers(0, 90)))
        row["stage2_requested_date"] = requested
        row["stage2_acknowledged_date"] = after(requested, draw(_maybe_days))
        row["stage2_response_date"] = after(
            row["stage2_acknowledged_date"] or requested,
            draw(st.one_of(st.none(), st.integers(0, 70))),
        )
        row["stage2_extension_days"] = draw(st.one_of(st.none(), st.integers(0, 40)))
        row["stage2_extension_good_reason"] = draw(st.one_of(st.none(), st.booleans()))
    return row


_rules = st.fixed_dictionaries(
    {
        "response_clock_without_acknowledgement": st.sampled_from(["receipt", "not_assessed"]),
        "excess_extension": st.sampled_from(["cap", "disallow"]),
        "late_extension_notice": st.sampled_from(["disallow", "allow"]),
    }
)


@given(
    rows=st.lists(complaints(), min_size=1, max_size=8), as_of_gap=st.integers(0, 120), rules=_rules
)
def test_vectorised_assessment_agrees_with_day_by_day_walk(rows, as_of_gap, rules):
    """Every output column equals the slow reference, for random complaints and rules."""
    frame = complaints_frame(rows)
    as_of = max(r["stage1_received_date"] for r in rows) + timedelta(days=as_of_gap)
    fast = assess(frame, calendar=CAL, as_of=as_of, interpretation=Interpretation.from_dict(rules))
    for got, row in zip(fast.iter_rows(named=True), frame.iter_rows(named=True), strict=True):
        expected = reference.assess(row, HOLIDAYS, as_of, rules)
        assert {k: got[k] for k in OUTPUT_COLUMNS} == expected


def test_assessment_is_vectorised_over_many_rows():
    """A 50,000-row frame is assessed in one pass, giving one verdict per row."""
    frame = complaints_frame(
        [
            {"stage1_received_date": date(2025, 1, 1) + timedelta(days=i % 400)}
            for i in range(50_000)
        ]
    )
    result = assess(frame, calendar=CAL, as_of=date(2026, 6, 1))
    assert result.height == 50_000
    assert result["stage1_status"].null_count() == 0
    assert set(result["stage1_status"].unique()) == {"open_overdue"}
    assert pl.Series(result["stage1_response_due_date"]).null_count() == 0
