"""Code timeliness per complaint: the stage 1 and stage 2 clocks, vectorised.

For each stage that happened, :func:`assess` adds (``N`` is 1 or 2):

=================================  ===========================================================
``stageN_ack_working_days``        working days from receipt (stage 1) or request (stage 2) to
                                   the acknowledgement; null where none is recorded
``stageN_ack_within_code``         acknowledged within 5 working days (Code 6.2 / 6.11)
``stageN_extension_credited_days`` the part of the agreed extension that counts (6.4 / 6.15)
``stageN_limit_working_days``      10 (stage 1) or 20 (stage 2) plus the credited extension
``stageN_response_due_date``       the last day a response is in time
``stageN_response_working_days``   working days from the acknowledgement (or receipt, where
                                   none is recorded) to the response (6.3 / 6.14)
``stageN_within_code``             answered within the limit; null while open
``stageN_status``                  within, late, open, open_overdue (at ``as_of``), not_assessed
=================================  ===========================================================

With a landlord's own targets, the same verdicts appear with the suffix ``_policy``.
All counting is done by :class:`auditlib.calendar.WorkingCalendar`; the choices where the
Code leaves room are :class:`auditlib.rules.Interpretation`.
"""

from __future__ import annotations

from datetime import date
from typing import TypeVar

import polars as pl

from auditlib.calendar import WorkingCalendar
from auditlib.rules import CODE_2024, Interpretation, StageClock, Targets

_COLUMNS = {
    1: {
        "start": "stage1_received_date",
        "ack": "stage1_acknowledged_date",
        "response": "stage1_response_date",
        "extension": "stage1_extension_days",
        "good_reason": "stage1_extension_good_reason",
        "notified": "stage1_extension_notified_date",
    },
    2: {
        "start": "stage2_requested_date",
        "ack": "stage2_acknowledged_date",
        "response": "stage2_response_date",
        "extension": "stage2_extension_days",
        "good_reason": "stage2_extension_good_reason",
        "notified": "stage2_extension_notified_date",
    },
}

#: the columns the clocks read besides the dates: agreed extensions and good reasons
CLOCK_COLUMNS: tuple[str, ...] = tuple(
    _COLUMNS[n][k] for n in (1, 2) for k in ("extension", "good_reason")
)

#: the per-complaint columns the ``timeliness`` command writes, in order
OUTPUT_COLUMNS: tuple[str, ...] = tuple(
    f"stage{n}_{name}"
    for n in (1, 2)
    for name in (
        "ack_working_days",
        "ack_within_code",
        "response_working_days",
        "limit_working_days",
        "within_code",
        "extension_credited_days",
        "response_due_date",
        "status",
    )
)


Frame = TypeVar("Frame", pl.DataFrame, pl.LazyFrame)


def assess(
    complaints: Frame,
    *,
    calendar: WorkingCalendar,
    as_of: date,
    interpretation: Interpretation | None = None,
    landlord: Targets | None = None,
) -> Frame:
    """The complaints with the Code's timeliness columns added (and the landlord's).

    A lazy frame gives a lazy frame: only the columns later asked of it are computed
    (CH01 and CH02 need the verdicts, not the statuses or due dates). Its dates are
    read once here, to check the calendar covers them.

    Parameters
    ----------
    complaints
        The canonical frame from :func:`auditlib.loader.load_complaints`, or a lazy
        frame over it.
    calendar
        The working-day calendar (bank holidays and closure days).
    as_of
        The date the extract was taken: an unanswered stage past its due date on this
        day is ``open_overdue``.
    interpretation
        The choices where the Code leaves room; the documented defaults if omitted.
    landlord
        The landlord's own targets, checked side by side with the Code's.
    """
    interpretation = interpretation or Interpretation()
    dates = [
        c
        for n in (1, 2)
        for k, c in _COLUMNS[n].items()
        if k in ("start", "ack", "response", "notified")
    ]
    lazy = complaints.lazy()
    bounds = (
        lazy.select(
            pl.min_horizontal(pl.col(dates).min()).alias("lo"),
            pl.max_horizontal(pl.col(dates).max()).alias("hi"),
        )
        .collect()
        .row(0)
    )
    calendar.check_covers(bounds[0], max(bounds[1], as_of) if bounds[1] else as_of)
    verdicts: list[pl.Expr] = []
    statuses: list[pl.Expr] = []
    for number in (1, 2):
        clocks = [(CODE_2024.stage(number), "_code")]
        if landlord is not None:
            clocks.append((landlord.stage(number), "_policy"))
        for clock, suffix in clocks:
            first, then = _stage(
                number,
                clock,
                calendar,
                interpretation,
                as_of=as_of,
                suffix=suffix,
                code_cap=CODE_2024.stage(number).extension_working_days,
            )
            verdicts += first
            statuses.append(then)
    # two passes: the status reads the verdicts instead of computing them again
    frame = lazy.with_columns(verdicts).with_columns(statuses)
    return frame if isinstance(complaints, pl.LazyFrame) else frame.collect()


def _stage(
    number: int,
    clock: StageClock,
    cal: WorkingCalendar,
    interp: Interpretation,
    *,
    as_of: date,
    suffix: str,
    code_cap: int | None = None,
) -> tuple[list[pl.Expr], pl.Expr]:
    c = {k: pl.col(v) for k, v in _COLUMNS[number].items()}
    started = c["start"].is_not_null()

    ack_days = cal.working_days(c["start"], c["ack"])
    ack_within = (
        ack_days <= clock.ack_working_days
        if clock.ack_working_days is not None
        else pl.lit(None, pl.Boolean)
    )

    if clock.response_clock == "receipt":
        clock_start = c["start"]
    elif clock.response_clock == "original_complaint":
        clock_start = pl.col("stage1_received_date")
    elif interp.response_clock_without_acknowledgement == "receipt":
        clock_start = pl.coalesce(c["ack"], c["start"])
    else:
        clock_start = c["ack"]
    clock_start = pl.when(started).then(clock_start)

    if clock.response_working_days is None:
        nulls = pl.lit(None)
        verdicts = {
            "response_working_days": nulls.cast(pl.Int32),
            "limit_working_days": nulls.cast(pl.Int32),
            "within": nulls.cast(pl.Boolean),
            "extension_credited_days": nulls.cast(pl.Int32),
            "response_due_date": nulls.cast(pl.Date),
        }
    else:
        base = clock.response_working_days
        cap = clock.extension_working_days if clock.extension_working_days is not None else code_cap
        agreed = c["extension"].fill_null(0).clip(lower_bound=0)
        over_cap = (
            (agreed > cap) & ~c["good_reason"].fill_null(False)
            if cap is not None
            else pl.lit(False)
        )
        excess_credit = pl.lit(cap if interp.excess_extension == "cap" and cap is not None else 0)
        credited = pl.when(over_cap).then(excess_credit).otherwise(agreed)
        if interp.late_extension_notice == "disallow":
            original_due = cal.add_working_days(clock_start, base)
            credited = pl.when(c["notified"] > original_due).then(0).otherwise(credited)
        credited = pl.when(started).then(credited.cast(pl.Int32))
        limit = (base + credited).cast(pl.Int32)
        response_days = cal.working_days(clock_start, c["response"])
        verdicts = {
            "response_working_days": response_days,
            "limit_working_days": limit,
            "within": response_days <= limit,
            "extension_credited_days": credited,
            "response_due_date": cal.add_working_days(clock_start, limit),
        }

    names = _names(number, suffix)
    within, due = pl.col(names["within"]), pl.col(names["response_due_date"])
    status = (
        pl.when(~started)
        .then(None)
        .when(c["response"].is_not_null() & within.is_null())
        .then(pl.lit("not_assessed"))
        .when(c["response"].is_not_null())
        .then(pl.when(within).then(pl.lit("within")).otherwise(pl.lit("late")))
        .when(due.is_not_null() & (pl.lit(as_of) > due))
        .then(pl.lit("open_overdue"))
        .otherwise(pl.lit("open"))
    ).alias(names["status"])
    exprs = [ack_days.alias(names["ack_working_days"])] if suffix == "_code" else []
    exprs += [
        ack_within.alias(names["ack_within"]),
        verdicts["response_working_days"].alias(names["response_working_days"]),
        verdicts["limit_working_days"].alias(names["limit_working_days"]),
        verdicts["within"].alias(names["within"]),
        verdicts["response_due_date"].alias(names["response_due_date"]),
    ]
    if suffix == "_code":
        exprs.append(verdicts["extension_credited_days"].alias(names["extension_credited_days"]))
    return exprs, status


def _names(number: int, suffix: str) -> dict[str, str]:
    """Output column names for a stage under the Code (``_code``) or the landlord's targets."""
    p = f"stage{number}_"
    if suffix == "_code":
        return {
            "ack_working_days": p + "ack_working_days",
            "ack_within": p + "ack_within_code",
            "response_working_days": p + "response_working_days",
            "limit_working_days": p + "limit_working_days",
            "within": p + "within_code",
            "extension_credited_days": p + "extension_credited_days",
            "response_due_date": p + "response_due_date",
            "status": p + "status",
        }
    return {
        "ack_within": p + "ack_within_policy",
        "response_working_days": p + "response_working_days_policy",
        "limit_working_days": p + "limit_working_days_policy",
        "within": p + "within_policy",
        "response_due_date": p + "response_due_date_policy",
        "status": p + "status_policy",
    }
