"""The working-day calendar: hand-worked dates, the holiday table, and a day-by-day walk."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditlib.calendar import WorkingCalendar, bank_holidays_england_wales
from auditlib.errors import CalendarRangeError
from tests import reference

CAL = WorkingCalendar.england_and_wales()
#: the table auditlib shipped until the holidays package took over: GOV.UK's list,
#: checked by hand, kept as the oracle the package's answers are held to
ORACLE = {
    date.fromisoformat(row["date"]): row["name"]
    for row in csv.DictReader(
        (Path(__file__).parent / "fixtures" / "bank_holidays_england_wales.csv").open()
    )
}


def _elapsed(a: date, b: date, cal: WorkingCalendar = CAL) -> int:
    frame = pl.DataFrame({"a": [a], "b": [b]})
    return frame.select(cal.working_days(pl.col("a"), pl.col("b"))).item()


def _nth(a: date, n: int, cal: WorkingCalendar = CAL) -> date:
    return pl.DataFrame({"a": [a]}).select(cal.add_working_days(pl.col("a"), n)).item()


@pytest.mark.parametrize(
    ("start", "end", "expected", "why"),
    [
        (
            date(2026, 12, 24),
            date(2027, 1, 5),
            5,
            "fact sheet: Christmas, Boxing Day substitute, New Year",
        ),
        (date(2025, 3, 1), date(2025, 3, 3), 1, "Saturday event: Monday is day 1"),
        (date(2025, 3, 2), date(2025, 3, 2), 0, "same day is day 0"),
        (date(2025, 3, 7), date(2025, 3, 10), 1, "Friday to Monday"),
        (date(2024, 3, 28), date(2024, 4, 2), 1, "Good Friday and Easter Monday 2024"),
        (
            date(2023, 5, 5),
            date(2023, 5, 9),
            1,
            "one-off: coronation of King Charles III, 8 May 2023",
        ),
        (date(2022, 9, 16), date(2022, 9, 20), 1, "one-off: state funeral, 19 Sep 2022"),
        (
            date(2022, 6, 1),
            date(2022, 6, 6),
            1,
            "moved Spring holiday and Platinum Jubilee, 2-3 Jun 2022",
        ),
        (date(2021, 12, 24), date(2021, 12, 29), 1, "both Christmas substitutes, 27-28 Dec 2021"),
        (date(2021, 12, 31), date(2022, 1, 4), 1, "New Year substitute Monday 3 Jan 2022"),
        (date(2020, 5, 7), date(2020, 5, 11), 1, "Early May moved to VE Day, Friday 8 May 2020"),
        (date(2025, 5, 2), date(2025, 5, 6), 1, "Early May bank holiday"),
        (date(2025, 5, 23), date(2025, 5, 27), 1, "Spring bank holiday"),
        (date(2025, 8, 22), date(2025, 8, 26), 1, "Summer bank holiday"),
        (
            date(2025, 12, 24),
            date(2025, 12, 29),
            1,
            "Christmas and Boxing Day on Thursday and Friday",
        ),
        (
            date(2025, 12, 29),
            date(2025, 12, 31),
            2,
            "days between Christmas and New Year are working days",
        ),
        (
            date(2027, 12, 24),
            date(2027, 12, 29),
            1,
            "Christmas 2027 at a weekend: both substitutes",
        ),
        (date(2025, 6, 10), date(2025, 6, 2), -6, "end before start is negative"),
    ],
)
def test_hand_worked_working_days(start, end, expected, why):
    """Elapsed working days count the days after the event up to and including the other."""
    assert _elapsed(start, end) == expected, why


def test_deadline_of_the_worked_example():
    """The fact sheet's deadlines: 5 Jan, 19 Jan and 2 Feb 2027."""
    assert _nth(date(2026, 12, 24), 5) == date(2027, 1, 5)
    assert _nth(date(2027, 1, 5), 10) == date(2027, 1, 19)
    assert _nth(date(2027, 1, 5), 20) == date(2027, 2, 2)


def test_deadline_from_a_weekend_or_holiday_event():
    """Day 1 is the first working day after an event on a non-working day."""
    assert _nth(date(2025, 3, 1), 1) == date(2025, 3, 3)  # Saturday
    assert _nth(date(2026, 12, 25), 1) == date(2026, 12, 29)  # Christmas Day
    assert _nth(date(2026, 12, 26), 0) == date(2026, 12, 26)


def test_closure_days_are_not_working_days():
    """A closure day listed by the landlord stops the clock like a bank holiday."""
    cal = WorkingCalendar.england_and_wales(closure_days=[date(2025, 12, 29), date(2025, 12, 30)])
    assert _elapsed(date(2025, 12, 24), date(2025, 12, 31), cal) == 1
    assert not cal.is_working_day(date(2025, 12, 29))


def test_package_holidays_equal_the_oracle_table():
    """The holidays package gives exactly the hand-checked table for 2018 to 2027."""
    assert len(ORACLE) == 83
    found = {d for d in bank_holidays_england_wales() if 2018 <= d.year <= 2027}
    assert found == set(ORACLE)
    assert set(ORACLE) <= set(CAL.holidays)


def test_years_after_the_old_table_are_known():
    """2028 and later need no typing in: the rule-based days come from the package."""
    days = {d for d in bank_holidays_england_wales() if d.year == 2028}
    # hand-worked: Easter Sunday 2028 is 16 April; 25-26 December 2028 are Monday, Tuesday
    assert {date(2028, 4, 14), date(2028, 4, 17), date(2028, 12, 25), date(2028, 12, 26)} <= days
    assert {date(2028, 1, 3), date(2028, 5, 1), date(2028, 5, 29), date(2028, 8, 28)} <= days
    assert len(days) == 8
    assert _elapsed(date(2028, 4, 13), date(2028, 4, 18)) == 1


def test_table_matches_the_fact_sheet_for_2023_to_2027(shared):
    """The 2023-2027 dates equal the ISO list in the shared fact sheet."""
    sheet = shared / "domain" / "complaint-handling-code.md"
    if not sheet.exists():
        pytest.skip("../shared is not beside the project")
    import re

    listed = {
        date.fromisoformat(d)
        for d in re.findall(
            r"20(?:2[3-7])-\d\d-\d\d",
            sheet.read_text().split("ISO list for fixtures")[1].split("Notes:")[0],
        )
    }
    ours = {d for d in bank_holidays_england_wales() if 2023 <= d.year <= 2027}
    assert ours == listed == {d for d in ORACLE if d.year >= 2023}
    assert len(listed) == 41


def test_years_outside_the_table_are_refused():
    """A date whose year's holidays are unknown is an error, not a guess."""
    with pytest.raises(CalendarRangeError, match="extra_holidays"):
        CAL.check_covers(date(2024, 1, 1), date(2101, 1, 3))
    with pytest.raises(CalendarRangeError, match="1990-2100"):
        CAL.check_covers(date(1989, 12, 29), date(2024, 1, 1))
    CAL.check_covers(date(1990, 1, 2), date(2100, 12, 31))
    extended = WorkingCalendar.england_and_wales(extra_holidays=[date(2101, 1, 3)])
    extended.check_covers(date(2024, 1, 1), date(2101, 1, 3))
    assert not extended.is_working_day(date(2101, 1, 3))


_dates = st.dates(min_value=date(2018, 1, 1), max_value=date(2027, 10, 1))


@given(start=_dates, gap=st.integers(-60, 60), extra=st.frozensets(_dates, max_size=5))
def test_working_days_agree_with_a_day_by_day_walk(start, gap, extra):
    """The vectorised count equals walking the calendar one day at a time."""
    cal = WorkingCalendar.england_and_wales(closure_days=extra)
    end = start + timedelta(days=gap)
    expected = reference.elapsed(start, end, set(cal.holidays))
    assert _elapsed(start, end, cal) == expected


@given(start=_dates, n=st.integers(0, 45))
def test_deadlines_agree_with_a_day_by_day_walk(start, n):
    """The n-th working day after an event equals the walk, and is n working days away."""
    due = _nth(start, n)
    assert due == reference.nth_working_day_after(start, n, set(CAL.holidays))
    assert _elapsed(start, due) == n
