"""A deliberately slow, obvious re-implementation of the clocks, for comparison.

It walks the calendar one day at a time in plain Python and shares no code with
``auditlib.calendar`` or ``auditlib.timeliness`` beyond the bank-holiday table.
"""

from __future__ import annotations

from datetime import date, timedelta

CODE = {1: {"ack": 5, "response": 10, "cap": 10}, 2: {"ack": 5, "response": 20, "cap": 20}}


def is_working(day: date, holidays: set[date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def elapsed(a: date, b: date, holidays: set[date]) -> int:
    """Working days D with a < D <= b (negative when b is before a)."""
    if b >= a:
        return sum(is_working(a + timedelta(days=i), holidays) for i in range(1, (b - a).days + 1))
    return -sum(is_working(b + timedelta(days=i), holidays) for i in range(1, (a - b).days + 1))


def nth_working_day_after(a: date, n: int, holidays: set[date]) -> date:
    day, counted = a, 0
    while counted < n:
        day += timedelta(days=1)
        if is_working(day, holidays):
            counted += 1
    return day


def assess_stage(row: dict, stage: int, holidays: set[date], as_of: date, rules: dict) -> dict:
    p = f"stage{stage}_"
    start = row.get("stage1_received_date" if stage == 1 else "stage2_requested_date")
    out = {
        p + "ack_working_days": None,
        p + "ack_within_code": None,
        p + "response_working_days": None,
        p + "limit_working_days": None,
        p + "within_code": None,
        p + "extension_credited_days": None,
        p + "response_due_date": None,
        p + "status": None,
    }
    if start is None:
        return out
    ack = row.get(p + "acknowledged_date")
    response = row.get(p + "response_date")
    if ack is not None:
        out[p + "ack_working_days"] = elapsed(start, ack, holidays)
        out[p + "ack_within_code"] = out[p + "ack_working_days"] <= CODE[stage]["ack"]
    clock = ack
    if (
        clock is None
        and rules.get("response_clock_without_acknowledgement", "receipt") == "receipt"
    ):
        clock = start
    extension = max(row.get(p + "extension_days") or 0, 0)
    if extension > CODE[stage]["cap"] and not row.get(p + "extension_good_reason"):
        extension = CODE[stage]["cap"] if rules.get("excess_extension", "cap") == "cap" else 0
    if clock is None:
        if response is not None:
            out[p + "status"] = "not_assessed"
        else:
            out[p + "status"] = "open"
        out[p + "extension_credited_days"] = extension
        out[p + "limit_working_days"] = CODE[stage]["response"] + extension
        return out
    notified = row.get(p + "extension_notified_date")
    original_due = nth_working_day_after(clock, CODE[stage]["response"], holidays)
    if (
        notified is not None
        and notified > original_due
        and rules.get("late_extension_notice", "disallow") == "disallow"
    ):
        extension = 0
    limit = CODE[stage]["response"] + extension
    due = nth_working_day_after(clock, limit, holidays)
    out[p + "extension_credited_days"] = extension
    out[p + "limit_working_days"] = limit
    out[p + "response_due_date"] = due
    if response is not None:
        days = elapsed(clock, response, holidays)
        out[p + "response_working_days"] = days
        out[p + "within_code"] = days <= limit
        out[p + "status"] = "within" if days <= limit else "late"
    else:
        out[p + "status"] = "open_overdue" if as_of > due else "open"
    return out


def assess(row: dict, holidays: set[date], as_of: date, rules: dict | None = None) -> dict:
    rules = rules or {}
    return assess_stage(row, 1, holidays, as_of, rules) | assess_stage(
        row, 2, holidays, as_of, rules
    )
