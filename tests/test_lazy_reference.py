"""The lazy plan against a simple eager reference, on a few thousand hard rows.

The rows are written as a landlord's export might hold them: dates in every accepted
style (and some that are no date), values with spaces, 'no value' tokens, repeated and
blank references, events out of order, extensions that are no whole number, amounts
with pound signs, labels in odd case. The reference reads the same file with the
``csv`` module and plain Python, one row at a time, following the rules as the README
and docs/rules.md state them, and the clocks with ``tests/reference.py``; it shares no
code with the loader. Every row's fate, every typed value, every verdict and the ten
figures must agree.
"""

from __future__ import annotations

import csv
import random
import re
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from auditlib.audit import audit_metrics, run_audit
from auditlib.calendar import bank_holidays_england_wales
from auditlib.config import AuditConfig, Homes
from auditlib.timeliness import OUTPUT_COLUMNS
from auditlib.tsm import Period
from tests import reference

ROWS = 3000
AS_OF = date(2026, 10, 31)
PERIOD = Period(date(2025, 4, 1), date(2026, 3, 31))
NULLS = {"", "n/a", "na", "null", "none", "-", "nil"}
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
FULL = ["january", "february", "march", "april", "may", "june", "july", "august"]
FULL += ["september", "october", "november", "december"]
DATES = (
    "stage1_received_date",
    "stage1_acknowledged_date",
    "stage1_extension_notified_date",
    "stage1_response_date",
    "stage2_requested_date",
    "stage2_acknowledged_date",
    "stage2_extension_notified_date",
    "stage2_response_date",
)
HEADER = (
    "complaint_id",
    *DATES,
    "stage1_extension_days",
    "stage1_extension_good_reason",
    "stage2_extension_days",
    "stage2_extension_good_reason",
    "tenure",
    "compensation_gbp",
)


def _style(day: date | None, rng: random.Random) -> str:
    """A date written in one of the accepted styles, or a blank, token or nonsense."""
    if day is None:
        return rng.choice(["", "", "", " ", "n/a", "-", "NULL"])
    roll = rng.random()
    if roll < 0.55:
        return day.strftime("%d/%m/%Y")
    styles = [
        day.isoformat(),
        f"{day.isoformat()} 00:00:00",
        f"{day.day}/{day.month}/{day.year}",
        day.strftime("%d/%m/%y"),
        day.strftime("%d-%b-%Y"),
        day.strftime("%d.%m.%Y"),
        day.strftime("%d %B %Y"),
        f"  {day.strftime('%d/%m/%Y')} ",
        day.strftime("%d/%m/%Y 14:31"),
        f"{day.day}th {day.strftime('%B %Y')}",
        "TBC",
        f"31/02/{day.year}",
        "9999-01-01",
        f"{day.month:02d}/{day.day:02d}/{day.year}" if day.day > 12 else "unknown",
    ]
    return rng.choice(styles)


def _working_after(day: date, n: int) -> date:
    step = day
    holidays = set(bank_holidays_england_wales())
    while n > 0:
        step += timedelta(days=1)
        if step.weekday() < 5 and step not in holidays:
            n -= 1
    return step


def _write(path: Path, seed: int = 12) -> None:
    rng = random.Random(seed)
    ids = [f"H{i:05d}" for i in range(ROWS)]
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        for i in range(ROWS):
            received = date(2024, 1, 2) + timedelta(days=rng.randrange(0, 900))
            ack = (
                _working_after(received, rng.choice([0, 1, 3, 5, 6, 9]))
                if rng.random() < 0.9
                else None
            )
            if ack and rng.random() < 0.03:
                ack = received - timedelta(days=2)  # out of order
            clock = ack or received
            extension = rng.choice([None] * 8 + [5, 10, 12, 25])
            notified = _working_after(clock, rng.choice([3, 9, 10, 12])) if extension else None
            response = _working_after(clock, rng.choice([4, 8, 10, 11, 14, 20, 25, 40]))
            if response > AS_OF or rng.random() < 0.05:
                response = None
            escalate = response is not None and rng.random() < 0.3
            s2_request = response + timedelta(days=rng.randrange(1, 20)) if escalate else None
            s2_ack = _working_after(s2_request, rng.choice([2, 5, 7])) if s2_request else None
            s2_ext = rng.choice([None] * 6 + [10, 20, 30]) if s2_request else None
            s2_told = (
                _working_after(s2_ack, rng.choice([10, 19, 25])) if s2_ext and s2_ack else None
            )
            s2_resp = _working_after(s2_ack, rng.choice([10, 19, 20, 25, 50])) if s2_ack else None
            if s2_resp and s2_resp > AS_OF:
                s2_resp = None
            if rng.random() < 0.02:  # answered at stage 2 with no request recorded
                s2_request, s2_resp = None, _working_after(received, 30)
            cid = ids[i]
            roll = rng.random()
            if roll < 0.01:
                cid = rng.choice(["", " ", "n/a"])
            elif roll < 0.03 and i > 10:
                cid = ids[rng.randrange(0, i)]
            elif roll < 0.05:
                cid = f"  {cid} "
            days = [received, ack, notified, response, s2_request, s2_ack, s2_told, s2_resp]
            if rng.random() < 0.01:
                days[0] = None  # no date received
            extension_text = (
                ""
                if extension is None
                else rng.choice(
                    [str(extension), f" {extension} ", f"{extension}.0", "2.5", "abc", "-3"]
                )
            )
            out.writerow(
                [
                    cid,
                    *(_style(d, rng) for d in days),
                    extension_text,
                    rng.choice(["", "Yes", "no", "Y", "maybe", "TRUE"]) if extension else "",
                    "" if s2_ext is None else str(s2_ext),
                    rng.choice(["", "yes", "No"]) if s2_ext else "",
                    rng.choice(
                        [
                            "LCRA",
                            "lcra",
                            " LCHO",
                            "Low cost home ownership",
                            "other",
                            "",
                            "Freehold",
                        ]
                    ),
                    rng.choice(["", "", "120", "£1,250.50", "lots", "-5", " 35.00 "]),
                ]
            )


# --- the reference: one row at a time, plain Python --------------------------------

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?:[ T].*)?$")
_NAMED = re.compile(
    r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-/]+([A-Za-z]{3,9})\.?[\s\-/,]+(\d{4}|\d{2})(?:[ T].*)?$"
)


def _clean(text: str) -> str | None:
    text = text.strip()
    return None if text.lower() in NULLS else text


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _parse(text: str) -> date | None:
    """A day-first or ISO date as the README states it; two-digit years are 20xx."""
    if m := _ISO.match(text):
        return _day(int(m[1]), int(m[2]), int(m[3]))
    if m := _NUMERIC.match(text):
        year = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
        return _day(year, int(m[2]), int(m[1]))
    if m := _NAMED.match(text):
        name = m[2].lower()
        month = (
            MONTHS.index(name) + 1
            if name in MONTHS
            else (FULL.index(name) + 1 if name in FULL else (9 if name == "sept" else None))
        )
        year = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
        return _day(year, month, int(m[1])) if month else None
    return None


def _reference(path: Path) -> tuple[dict[int, set[str]], dict[int, dict[str, Any]]]:
    """Each quarantined row's reason codes; each used row's typed values."""
    with path.open(encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle))
    # a reference is blank only when empty: 'n/a' is an id (a repeated one, here)
    ids = [r["complaint_id"].strip() or None for r in records]
    counts = Counter(i for i in ids if i is not None)
    reasons: dict[int, set[str]] = {}
    used: dict[int, dict[str, Any]] = {}
    for index, record in enumerate(records):
        row = index + 2
        codes: set[str] = set()
        value: dict[str, Any] = {"complaint_id": ids[index]}
        if ids[index] is None:
            codes.add("missing_id")
        elif counts[ids[index]] > 1:
            codes.add("duplicate_id")
        for name in DATES:
            text = _clean(record[name])
            day = _parse(text) if text is not None else None
            if text is not None and day is None:
                codes.add("unreadable_date")
            elif day is not None and not 1990 <= day.year <= 2100:
                codes.add("implausible_date")
            value[name] = day
        if _clean(record["stage1_received_date"]) is None:
            codes.add("missing_required")
        for stage in (1, 2):
            text = _clean(record[f"stage{stage}_extension_days"])
            number = None
            if text is not None:
                try:
                    number = float(text)
                except ValueError:
                    number = None
                if number is None or number != round(number):
                    codes.add("unreadable_number")
                    number = None
            value[f"stage{stage}_extension_days"] = None if number is None else int(number)
            flag = _clean(record[f"stage{stage}_extension_good_reason"])
            if flag is not None and flag.lower() not in {
                "y",
                "yes",
                "true",
                "t",
                "1",
                "n",
                "no",
                "false",
                "f",
                "0",
            }:
                codes.add("unreadable_flag")
            value[f"stage{stage}_extension_good_reason"] = (
                None if flag is None else flag.lower() in {"y", "yes", "true", "t", "1"}
            )
        money = _clean(record["compensation_gbp"])
        if money is not None:
            try:
                float(re.sub(r"[£,\s]", "", money))
            except ValueError:
                codes.add("unreadable_number")
        for later, earlier in (
            ("stage1_acknowledged_date", "stage1_received_date"),
            ("stage1_response_date", "stage1_received_date"),
            ("stage2_requested_date", "stage1_received_date"),
            ("stage2_acknowledged_date", "stage2_requested_date"),
            ("stage2_response_date", "stage2_requested_date"),
        ):
            if value[later] and value[earlier] and value[later] < value[earlier]:
                codes.add("order")
        if _clean(record["stage2_requested_date"]) is None and (
            value["stage2_acknowledged_date"] or value["stage2_response_date"]
        ):
            codes.add("order")
        if codes:
            reasons[row] = codes
        else:
            used[row] = value
    return reasons, used


@pytest.fixture(scope="module")
def hard(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hard") / "hard.csv"
    _write(path)
    return path


def test_the_rows_are_hard(hard: Path) -> None:
    """The file holds what it claims: every date style, every kind of fault."""
    text = hard.read_text(encoding="utf-8")
    for fragment in ("-Jan-", "TBC", "9999-01-01", "£1,250.50", " 00:00:00", "th ", "n/a", "2.5"):
        assert fragment in text, fragment
    reasons, used = _reference(hard)
    kinds = set().union(*reasons.values())
    assert kinds == {
        "missing_id",
        "duplicate_id",
        "missing_required",
        "unreadable_date",
        "implausible_date",
        "unreadable_number",
        "unreadable_flag",
        "order",
    }
    assert 300 < len(reasons) < ROWS - 1000
    assert len(used) + len(reasons) == ROWS


def test_lazy_plan_sets_aside_the_same_rows_for_the_same_reasons(hard: Path) -> None:
    """Row for row, the quarantine and its reason codes equal the reference's."""
    reasons, _ = _reference(hard)
    result = run_audit(hard, config=AuditConfig(), as_of=AS_OF)
    quarantine = result.extract.quarantine
    got = {
        row: set(codes)
        for row, codes in zip(quarantine["source_row"], quarantine["reason_codes"], strict=True)
    }
    assert got == reasons
    assert result.extract.rows_read == ROWS


def test_lazy_plan_reads_every_used_value_as_the_reference(hard: Path) -> None:
    """Dates, extensions and good reasons of every used row equal the reference's."""
    _, used = _reference(hard)
    complaints = run_audit(hard, config=AuditConfig(), as_of=AS_OF).extract.complaints
    columns = [*DATES, "stage1_extension_days", "stage1_extension_good_reason"]
    columns += ["stage2_extension_days", "stage2_extension_good_reason", "complaint_id"]
    got = {r["source_row"]: {c: r[c] for c in columns} for r in complaints.iter_rows(named=True)}
    assert got == {row: {c: v[c] for c in columns} for row, v in used.items()}


def test_lazy_verdicts_and_figures_equal_the_reference(hard: Path) -> None:
    """Every clock verdict, and CH01/CH02 for both stages, equal the slow walk's."""
    _, used = _reference(hard)
    holidays = set(bank_holidays_england_wales())
    result = run_audit(hard, config=AuditConfig(), as_of=AS_OF, period=PERIOD)
    for row in result.assessed.iter_rows(named=True):
        slow = reference.assess(used[row["source_row"]], holidays, AS_OF)
        assert {k: row[k] for k in OUTPUT_COLUMNS} == slow, row["source_row"]
    expected: dict[str, int] = Counter()
    for value in used.values():
        for stage, start in ((1, "stage1_received_date"), (2, "stage2_requested_date")):
            verdict = reference.assess(value, holidays, AS_OF)
            if value[start] and PERIOD.start <= value[start] <= PERIOD.end:
                expected[f"stage{stage}_received"] += 1
            answered = value[f"stage{stage}_response_date"]
            if answered and PERIOD.start <= answered <= PERIOD.end:
                expected[f"stage{stage}_responded"] += 1
                if verdict[f"stage{stage}_within_code"]:
                    expected[f"stage{stage}_responded_within"] += 1
    for figures in (
        result.metrics,
        audit_metrics(
            hard, config=AuditConfig(), as_of=AS_OF, period=PERIOD, homes=Homes()
        ).metrics,
    ):
        assert {k: figures[k] for k in expected} == dict(expected)
