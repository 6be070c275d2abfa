"""The complaint-data evidence for the self-assessment: one measure per kind of figure.

Each measure reads the assessed complaints of an :class:`~auditlib.audit.AuditResult`
(the verdicts :func:`auditlib.timeliness.assess` added, never recomputed) for the
reporting period and returns a :class:`DataEvidence`: the sentence a reader sees, with
numerator, denominator and period, what the shortfall is, the columns it read, and a
citation a reader can check against ``timeliness.csv`` or the extract. Measures that
decide an answer give a ``value`` (a percentage, or a count of channels) that the rule
table's thresholds turn into Yes / Partly / No; context measures give none.

The figures for Code 6.3 and 6.14 are CH02's, taken from the audit's metrics, so the
self-assessment and ``auditlib metrics`` agree to the digit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from auditlib import schema
from auditlib.annual import COMPENSATION_BANDS, UPHELD
from auditlib.audit import AuditResult
from auditlib.calendar import WorkingCalendar
from auditlib.rules import CODE_2024
from auditlib.tsm import Period

#: root causes too general to learn from (as the learning analysis treats them)
COARSE_ROOT_CAUSES = ("other", "unknown", "not known", "not recorded", "n/a", "none")
#: a channel counts as in use at this share of complaints or more
MIN_CHANNEL_SHARE = 0.01


@dataclass(frozen=True)
class DataEvidence:
    """What the complaint data shows for one measure.

    ``status`` is ``measured`` (a figure was computed), ``not_applicable`` (nothing in
    the period to measure) or ``missing`` (a column it needs is not recorded at all).
    """

    measure: str
    status: str
    text: str
    citation: str
    value: float | None = None
    unit: str = "%"
    numerator: int | None = None
    denominator: int | None = None
    shortfall: str | None = None
    caveats: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    #: the best verdict the data allows whatever the figure (e.g. ``partly``), and why
    cap: tuple[str, str] | None = None


@dataclass(frozen=True)
class MeasureContext:
    """What every measure reads: the audit, its calendar, quality findings, the threshold."""

    result: AuditResult
    calendar: WorkingCalendar
    quality: pl.DataFrame | None = None
    min_count: int = 5
    #: the Ombudsman's figures about the landlord (from ombudsman.self_assessment_figures)
    ombudsman: dict[str, Any] | None = None

    @property
    def period(self) -> Period:
        """The reporting period of the audit."""
        return self.result.period

    @property
    def frame(self) -> pl.DataFrame:
        """The assessed complaints (every row fit to audit)."""
        return self.result.assessed

    @property
    def source(self) -> str:
        """The extract's file name, for citations."""
        return self.result.extract.source.replace("\\", "/").rsplit("/", 1)[-1]

    def recorded(self, *columns: str) -> list[str]:
        """Those of ``columns`` with no value at all in the extract (absent or blank)."""
        frame = self.frame
        gone = [c for c in columns if c not in frame.columns]
        present = [c for c in columns if c in frame.columns]
        if present:
            any_value = frame.select(pl.col(present).is_not_null().any()).row(0)
            gone += [c for c, seen in zip(present, any_value, strict=True) if not seen]
        return gone

    def count_text(self, n: int) -> str:
        """A count as published: "fewer than 5" below the threshold."""
        return f"fewer than {self.min_count}" if 0 < n < self.min_count else f"{n:,}"


Measure = Callable[[MeasureContext], DataEvidence]


def _in(column: str, period: Period) -> pl.Expr:
    return pl.col(column).is_between(pl.lit(period.start), pl.lit(period.end), closed="both")


def _pct(part: int, whole: int) -> float:
    return part / whole * 100


def _p(value: float) -> str:
    return f"{value:.1f}%"


def _days(n: float) -> str:
    shown = f"{n:g}" if n == int(n) else f"{n:.1f}"
    return f"{shown} working day{'' if n == 1 else 's'}"


def _missing(measure: str, ctx: MeasureContext, columns: list[str], needed: str) -> DataEvidence:
    names = ", ".join(columns)
    return DataEvidence(
        measure,
        "missing",
        f"cannot be measured: {names} not recorded in the extract ({needed})",
        f"{ctx.source}: no value in {names}",
        columns=tuple(columns),
    )


def _share(
    name: str,
    citation: str,
    part: int,
    whole: int,
    what: str,
    *,
    shortfall: str | None = None,
    note: str = "",
    columns: tuple[str, ...] = (),
    caveats: tuple[str, ...] = (),
) -> DataEvidence:
    """A measured share: "{part} of {whole} {what} ({pct})", then the shortfall if any."""
    pct = _pct(part, whole)
    text = f"{part:,} of {whole:,} {what} ({_p(pct)}{note})"
    if shortfall:
        text += f"; {shortfall}"
    return DataEvidence(
        name,
        "measured",
        text,
        citation,
        value=pct,
        numerator=part,
        denominator=whole,
        shortfall=shortfall,
        caveats=caveats,
        columns=columns,
    )


def _stage_words(n: int) -> tuple[str, str]:
    """How a stage's starts are named: (plural noun, verb of the start)."""
    return ("stage 1 complaints", "received") if n == 1 else ("stage 2 requests", "made")


# --- the clocks (Code 6.2, 6.3, 6.4, 6.11, 6.14, 6.15) ---------------------------------


def _acknowledgement(ctx: MeasureContext, n: int) -> DataEvidence:
    name = f"stage{n}_acknowledgement"
    start = "stage1_received_date" if n == 1 else "stage2_requested_date"
    ack = f"stage{n}_acknowledged_date"
    gone = ctx.recorded(start, ack)
    if gone:
        return _missing(name, ctx, gone, f"the acknowledgement clock needs {start} and {ack}")
    limit = CODE_2024.stage(n).ack_working_days
    assert limit is not None
    within, days = pl.col(f"stage{n}_ack_within_code"), pl.col(f"stage{n}_ack_working_days")
    row = (
        ctx.frame.filter(_in(start, ctx.period))
        .select(
            started=pl.len(),
            acknowledged=within.is_not_null().sum(),
            on_time=within.fill_null(False).sum(),
            median_late=(days - limit).filter(within.not_()).median(),
        )
        .row(0, named=True)
    )
    noun, verb = _stage_words(n)
    label = ctx.period.label
    citation = f"timeliness.csv: stage{n}_ack_within_code, {noun} {verb} in {label}"
    if row["started"] == 0:
        return DataEvidence(name, "not_applicable", f"no {noun} {verb} in {label}", citation)
    unrecorded = row["started"] - row["acknowledged"]
    caveats = (
        (
            f"{unrecorded:,} of the {row['started']:,} {noun} {verb} have no acknowledgement "
            "date recorded and are not counted",
        )
        if unrecorded
        else ()
    )
    if row["acknowledged"] == 0:
        return DataEvidence(
            name,
            "not_applicable",
            f"none of the {noun} {verb} in {label} has an acknowledgement date recorded",
            citation,
            caveats=caveats,
            columns=(start, ack),
        )
    late = row["acknowledged"] - row["on_time"]
    return _share(
        name,
        citation,
        row["on_time"],
        row["acknowledged"],
        f"{noun} {verb} in {label} acknowledged within {limit} working days",
        shortfall=f"{late:,} late, median {_days(row['median_late'])} late" if late else None,
        caveats=caveats,
        columns=(start, ack),
    )


def _response(ctx: MeasureContext, n: int) -> DataEvidence:
    name = f"stage{n}_response"
    response = f"stage{n}_response_date"
    gone = ctx.recorded(response)
    if gone:
        return _missing(name, ctx, gone, "the response clock needs the date each response went out")
    metrics = ctx.result.metrics
    answered, on_time = metrics[f"stage{n}_responded"], metrics[f"stage{n}_responded_within"]
    within = pl.col(f"stage{n}_within_code")
    late_days = pl.col(f"stage{n}_response_working_days") - pl.col(f"stage{n}_limit_working_days")
    row = ctx.frame.select(
        median_late=late_days.filter(_in(response, ctx.period) & within.not_()).median(),
        unassessed=(_in(response, ctx.period) & within.is_null()).sum(),
        overdue=(pl.col(f"stage{n}_status") == "open_overdue").sum(),
    ).row(0, named=True)
    label = ctx.period.label
    clock = CODE_2024.stage(n)
    what = "stage 1 responses" if n == 1 else "stage 2 final responses"
    citation = (
        f"timeliness.csv: stage{n}_within_code, {what} issued in {label} "
        f"(metrics.json: stage{n}_responded_within / stage{n}_responded)"
    )
    if answered == 0:
        return DataEvidence(name, "not_applicable", f"no {what} issued in {label}", citation)
    late = answered - on_time
    shortfall = None
    if late:
        late_text = (
            f", median {_days(row['median_late'])} late" if row["median_late"] is not None else ""
        )
        shortfall = f"{late:,} outside it{late_text}"
    caveats = []
    if row["unassessed"]:
        caveats.append(
            f"{row['unassessed']:,} answered without an acknowledgement date were not assessed "
            "(rules.response_clock_without_acknowledgement) and count as not within"
        )
    if row["overdue"]:
        caveats.append(
            f"{row['overdue']:,} stage {n} complaints still open past their due date on "
            f"{ctx.result.as_of.isoformat()}"
        )
    return _share(
        name,
        citation,
        on_time,
        answered,
        f"{what} issued in {label} were within the Code's timescale "
        f"({clock.response_working_days} working days from the acknowledgement, plus any "
        "extension the Code allows)",
        shortfall=shortfall,
        note=f"; CH02 ({n})",
        caveats=tuple(caveats),
        columns=(response,),
    )


def _extensions(ctx: MeasureContext, n: int) -> DataEvidence:
    name = f"stage{n}_extensions"
    agreed_col, response = f"stage{n}_extension_days", f"stage{n}_response_date"
    gone = ctx.recorded(agreed_col, response)
    if gone:
        return _missing(name, ctx, gone, "extensions are judged from the days agreed")
    cap = CODE_2024.stage(n).extension_working_days
    agreed = pl.col(agreed_col).clip(lower_bound=0)
    credited = pl.col(f"stage{n}_extension_credited_days")
    good = pl.col(f"stage{n}_extension_good_reason").fill_null(False)
    extended = ctx.frame.filter(_in(response, ctx.period) & (agreed > 0))
    row = extended.select(
        extended=pl.len(),
        allowed=(credited >= agreed).sum(),
        over_cap=((agreed > cap) & good.not_() & (credited < agreed)).sum(),
    ).row(0, named=True)
    label = ctx.period.label
    citation = (
        f"timeliness.csv: stage{n}_extension_credited_days against {agreed_col} in "
        f"{ctx.source}, responses issued in {label}"
    )
    if row["extended"] == 0:
        return DataEvidence(
            name,
            "not_applicable",
            f"no stage {n} response issued in {label} had an extension",
            citation,
            columns=(agreed_col,),
        )
    parts = []
    if row["over_cap"]:
        parts.append(f"{row['over_cap']:,} over {cap} working days with no good reason recorded")
    notified_late = row["extended"] - row["allowed"] - row["over_cap"]
    if notified_late:
        parts.append(f"{notified_late:,} notified after the original due date")
    return _share(
        name,
        citation,
        row["allowed"],
        row["extended"],
        f"stage {n} extensions on responses issued in {label} were as the Code allows (at most "
        f"{cap} working days, or longer with a good reason recorded, and notified within the "
        "original timescale)",
        shortfall="; ".join(parts) or None,
        columns=(agreed_col,),
    )


def _stage2_taken(ctx: MeasureContext) -> DataEvidence:
    """Code 6.10: every request to escalate is taken into stage 2."""
    name = "stage2_taken"
    request = "stage2_requested_date"
    gone = ctx.recorded(request)
    if gone:
        return _missing(name, ctx, gone, "escalations are counted from the request date")
    limit = CODE_2024.stage(2).ack_working_days
    progressed = (
        pl.col("stage2_acknowledged_date").is_not_null()
        | pl.col("stage2_response_date").is_not_null()
    )
    age = ctx.calendar.working_days(pl.col(request), pl.lit(ctx.result.as_of))
    row = (
        ctx.frame.filter(_in(request, ctx.period))
        .select(
            requests=pl.len(),
            progressed=progressed.sum(),
            young=(progressed.not_() & (age <= limit)).sum(),
        )
        .row(0, named=True)
    )
    label = ctx.period.label
    citation = f"{ctx.source}: stage 2 requests made in {label} and their stage 2 dates"
    due = row["requests"] - row["young"]
    if due == 0:
        text = (
            f"no stage 2 requests made in {label}"
            if row["requests"] == 0
            else f"the {row['requests']:,} stage 2 requests made in {label} are all within "
            f"{limit} working days of {ctx.result.as_of.isoformat()}, still time to take them in"
        )
        return DataEvidence(name, "not_applicable", text, citation)
    stalled = due - row["progressed"]
    return _share(
        name,
        citation,
        row["progressed"],
        due,
        f"stage 2 requests made in {label} were taken into stage 2 (acknowledged or answered)",
        shortfall=f"{stalled:,} have neither an acknowledgement nor a response recorded more "
        f"than {limit} working days after the request"
        if stalled
        else None,
        columns=(request,),
    )


def _stage2_independence(ctx: MeasureContext) -> DataEvidence:
    """Code 6.13: stage 2 decided by someone other than the stage 1 decision-maker."""
    name = "stage2_independence"
    columns = ("stage1_handler_id", "stage2_handler_id")
    gone = ctx.recorded(*columns)
    if gone:
        return _missing(name, ctx, gone, "who decided each stage")
    h1, h2 = pl.col("stage1_handler_id"), pl.col("stage2_handler_id")
    row = (
        ctx.frame.filter(_in("stage2_response_date", ctx.period))
        .select(
            answered=pl.len(),
            both=(h1.is_not_null() & h2.is_not_null()).sum(),
            different=(h1 != h2).fill_null(False).sum(),
        )
        .row(0, named=True)
    )
    label = ctx.period.label
    citation = f"{ctx.source}: stage1_handler_id and stage2_handler_id, final responses in {label}"
    if row["both"] == 0:
        status = "not_applicable"
        text = (
            f"no stage 2 final response issued in {label}"
            if row["answered"] == 0
            else f"none of the {row['answered']:,} final responses in {label} has both "
            "decision-makers recorded"
        )
        return DataEvidence(name, status, text, citation, columns=columns)
    same = row["both"] - row["different"]
    missing = row["answered"] - row["both"]
    caveats = (
        (f"{missing:,} final responses lack a decision-maker at one stage and are not counted",)
        if missing
        else ()
    )
    return _share(
        name,
        citation,
        row["different"],
        row["both"],
        f"stage 2 final responses issued in {label} were decided by someone other than the "
        "stage 1 decision-maker",
        shortfall=f"{same:,} decided by the same person at both stages" if same else None,
        caveats=caveats,
        columns=columns,
    )


# --- putting things right (Code 7.1), records (5.12), learning (9.1), channels (3.1) --


def _fault_found(period: Period) -> pl.Expr:
    """A complaint upheld or partly upheld at a stage answered in the period."""
    return (_in("stage1_response_date", period) & pl.col("stage1_outcome").is_in(UPHELD)) | (
        _in("stage2_response_date", period) & pl.col("stage2_outcome").is_in(UPHELD)
    )


def _remedy_recorded() -> pl.Expr:
    remedy = pl.col("remedy").str.strip_chars().str.len_chars().fill_null(0) > 0
    return remedy | (pl.col("compensation_gbp").fill_null(0) > 0)


def _remedies_recorded(ctx: MeasureContext) -> DataEvidence:
    name = "remedies_recorded"
    gone = ctx.recorded("stage1_outcome")
    if not gone and len(ctx.recorded("remedy", "compensation_gbp")) == 2:
        gone = ["remedy", "compensation_gbp"]
    if gone:
        return _missing(name, ctx, gone, "outcomes and what was done to put things right")
    row = (
        ctx.frame.filter(_fault_found(ctx.period))
        .select(upheld=pl.len(), remedied=_remedy_recorded().sum())
        .row(0, named=True)
    )
    label = ctx.period.label
    citation = (
        f"{ctx.source}: stage outcomes upheld or partially_upheld in {label}, with remedy or "
        "compensation_gbp recorded"
    )
    if row["upheld"] == 0:
        return DataEvidence(
            name, "not_applicable", f"no complaint upheld or partly upheld in {label}", citation
        )
    gap = row["upheld"] - row["remedied"]
    return _share(
        name,
        citation,
        row["remedied"],
        row["upheld"],
        f"complaints upheld or partly upheld in {label} have a remedy recorded",
        shortfall=f"{gap:,} with no remedy recorded" if gap else None,
        columns=("stage1_outcome", "remedy"),
    )


#: the columns that record each stage of a complaint (Code 5.12: "its stages"); an extract
#: without one of them cannot show a full record, whatever share of its rows is complete
STAGE_RECORD = (
    "stage1_acknowledged_date",
    "stage1_response_date",
    "stage1_outcome",
    "stage2_requested_date",
    "stage2_response_date",
    "stage2_outcome",
)


def _records(ctx: MeasureContext) -> DataEvidence:
    """Code 5.12: how much of the extract holds a record complete enough to audit."""
    extract = ctx.result.extract
    pct = _pct(extract.rows_used, extract.rows_read)
    text = (
        f"{extract.rows_used:,} of {extract.rows_read:,} rows in the extract ({_p(pct)}) hold a "
        "record complete and consistent enough to audit"
    )
    shortfall = None
    if extract.rows_quarantined:
        shortfall = f"{extract.rows_quarantined:,} set aside, each with its reasons"
        text += f"; {shortfall} (quarantine.csv)"
    caveats = []
    absent = ctx.recorded(*(c.name for c in schema.COLUMNS if not c.required))
    if absent:
        caveats.append(f"not recorded at all in the extract: {', '.join(absent)}")
    limits = []
    stages = [c for c in STAGE_RECORD if c in absent]
    if stages:
        limits.append(f"the extract records no {', '.join(stages)}, so not every stage")
    if ctx.quality is None:
        caveats.append(
            "the data-quality checks (auditlib validate) were not given: only the rows set "
            "aside on loading are counted"
        )
        limits.append("the data-quality checks were not run on this extract")
    else:
        failed = ctx.quality.filter(~pl.col("passed"))
        critical = failed.filter(pl.col("severity") == "critical").height
        warnings = failed.height - critical
        caveats.append(
            f"data-quality checks: {critical} critical and {warnings} warning check(s) failed "
            "(data_quality.html)"
        )
        if critical:
            limits.append(f"{critical} critical data-quality check(s) failed")
    cap = ("partly", "; ".join(limits)) if limits else None
    return DataEvidence(
        "records",
        "measured",
        text,
        f"{ctx.source}: rows read, used and set aside "
        "(metrics.json: rows_read, rows_used, rows_quarantined)",
        value=pct,
        numerator=extract.rows_used,
        denominator=extract.rows_read,
        shortfall=shortfall,
        caveats=tuple(caveats),
        cap=cap,
    )


def _root_causes_recorded(ctx: MeasureContext) -> DataEvidence:
    name = "root_causes_recorded"
    gone = ctx.recorded("root_cause")
    if gone:
        return _missing(name, ctx, gone, "why each complaint happened")
    cause = pl.col("root_cause").str.strip_chars().str.to_lowercase()
    specific = cause.is_not_null() & (cause.str.len_chars() > 0) & ~cause.is_in(COARSE_ROOT_CAUSES)
    answered = _in("stage1_response_date", ctx.period) & (
        pl.col("stage1_outcome").fill_null("") != "withdrawn"
    )
    row = (
        ctx.frame.filter(answered)
        .select(answered=pl.len(), specific=specific.sum())
        .row(0, named=True)
    )
    label = ctx.period.label
    citation = f"{ctx.source}: root_cause of stage 1 complaints answered in {label}"
    if row["answered"] == 0:
        return DataEvidence(
            name, "not_applicable", f"no stage 1 complaint answered in {label}", citation
        )
    gap = row["answered"] - row["specific"]
    return _share(
        name,
        citation,
        row["specific"],
        row["answered"],
        f"stage 1 complaints answered in {label} (withdrawn ones aside) have a specific root "
        "cause recorded",
        shortfall=f"{gap:,} blank or too general ('other', 'unknown')" if gap else None,
        columns=("root_cause",),
    )


def _channel_shares(ctx: MeasureContext) -> pl.DataFrame:
    received = ctx.frame.filter(_in("stage1_received_date", ctx.period))
    channel = (
        pl.when(pl.col("channel").is_in(schema.CHANNELS))
        .then(pl.col("channel"))
        .when(pl.col("channel").is_null())
        .then(pl.lit("not recorded"))
        .otherwise(pl.lit("other"))
    )
    return (
        received.group_by(channel.alias("channel"))
        .agg(pl.len().alias("complaints"))
        .with_columns((pl.col("complaints") / pl.col("complaints").sum()).alias("share"))
        .sort("complaints", "channel", descending=[True, False])
    )


def _channels(ctx: MeasureContext) -> DataEvidence:
    """Code 3.1: complaints arrive through several channels."""
    name = "channels"
    gone = ctx.recorded("channel")
    if gone:
        return _missing(name, ctx, gone, "how each complaint was made")
    shares = _channel_shares(ctx)
    label = ctx.period.label
    citation = f"{ctx.source}: channel of stage 1 complaints received in {label}"
    if shares.is_empty():
        return DataEvidence(name, "not_applicable", f"no complaints received in {label}", citation)
    in_use = shares.filter(
        pl.col("channel").is_in([c for c in schema.CHANNELS if c != "other"])
        & (pl.col("share") >= MIN_CHANNEL_SHARE)
    )
    listing = ", ".join(
        f"{r['channel'].replace('_', ' ')} {_p(r['share'] * 100)}"
        for r in shares.iter_rows(named=True)
    )
    text = (
        f"complaints received in {label} came through {in_use.height} named channel"
        f"{'s' if in_use.height != 1 else ''} with at least {MIN_CHANNEL_SHARE:.0%} of them each "
        f"({listing})"
    )
    return DataEvidence(
        name,
        "measured",
        text,
        citation,
        value=float(in_use.height),
        unit="channels",
        numerator=in_use.height,
        columns=("channel",),
    )


# --- context: figures shown as evidence that decide nothing ---------------------------


def _refusals(ctx: MeasureContext) -> DataEvidence:
    name = "refusals"
    gone = ctx.recorded("not_accepted_reason")
    label = ctx.period.label
    if gone:
        return DataEvidence(
            name,
            "missing",
            "complaints not accepted cannot be counted: not_accepted_reason is "
            "not recorded in the extract (needed for 2.1 and the 8.1(b) summary of refusals)",
            f"{ctx.source}: no not_accepted_reason column",
            columns=tuple(gone),
        )
    received = ctx.frame.filter(_in("stage1_received_date", ctx.period))
    reason = pl.col("not_accepted_reason").str.strip_chars()
    refused = received.filter(reason.is_not_null() & (reason.str.len_chars() > 0))
    kinds = (
        refused.group_by(reason.str.to_lowercase().alias("reason"))
        .agg(pl.len().alias("n"))
        .sort("n", "reason", descending=[True, False])
    )
    listing = "; ".join(
        f"{r['reason']} ({ctx.count_text(r['n'])})" for r in kinds.iter_rows(named=True)
    )
    text = (
        f"{ctx.count_text(refused.height)} of {received.height:,} complaints made in {label} were "
        "not accepted into the process" + (f": {listing}" if listing else "")
    )
    return DataEvidence(
        name,
        "measured",
        text,
        f"{ctx.source}: not_accepted_reason, complaints made in {label}",
        columns=("not_accepted_reason",),
    )


def _complaint_rates(ctx: MeasureContext) -> DataEvidence:
    m = ctx.result.metrics
    label = ctx.period.label
    if m.get("ch01_stage1_per_1000") is None:
        text = (
            f"{m['stage1_received']:,} stage 1 complaints and {m['stage2_received']:,} stage 2 "
            f"requests received in {label}; CH01 needs the number of homes"
        )
    else:
        text = (
            f"CH01: {m['ch01_stage1_per_1000']:.2f} stage 1 complaints per 1,000 homes in {label} "
            f"({m['stage1_received']:,} complaints, {m['homes']:,} homes); stage 2: "
            f"{m['ch01_stage2_per_1000']:.2f} per 1,000. A high number is not in itself a bad "
            "sign (Code 3.3)"
        )
    return DataEvidence(
        "complaint_rates",
        "measured",
        text,
        "metrics.json: ch01_stage1_per_1000, ch01_stage2_per_1000",
    )


def _caseload(ctx: MeasureContext) -> DataEvidence:
    name = "caseload"
    gone = ctx.recorded("stage1_handler_id")
    if gone:
        return _missing(name, ctx, gone, "who decided each complaint")
    answered = ctx.frame.filter(
        _in("stage1_response_date", ctx.period) & pl.col("stage1_handler_id").is_not_null()
    )
    per = answered.group_by("stage1_handler_id").agg(pl.len().alias("n"))
    label = ctx.period.label
    citation = f"{ctx.source}: stage1_handler_id of stage 1 complaints answered in {label}"
    if per.is_empty():
        return DataEvidence(
            name, "not_applicable", f"no stage 1 decision-maker recorded in {label}", citation
        )
    median, most = per.select(pl.col("n").median().alias("m"), pl.col("n").max()).row(0)
    text = (
        f"{per.height:,} people decided the {answered.height:,} stage 1 complaints answered in "
        f"{label}: a median of {median:g} each, at most {most:,}"
    )
    return DataEvidence(name, "measured", text, citation, columns=("stage1_handler_id",))


def _overdue(ctx: MeasureContext) -> DataEvidence:
    f = ctx.frame
    late = sum(
        int(
            f.select(
                (_in(f"stage{n}_response_date", ctx.period) & ~pl.col(f"stage{n}_within_code"))
                .fill_null(False)
                .sum()
            ).item()
        )
        for n in (1, 2)
    )
    still = int(
        f.select(
            (pl.col("stage1_status") == "open_overdue").sum()
            + (pl.col("stage2_status") == "open_overdue").sum()
        ).item()
    )
    text = (
        f"{late:,} responses in {ctx.period.label} went out after the Code's timescale and "
        f"{still:,} stages were open past their due date on {ctx.result.as_of.isoformat()}: "
        "each needed an update schedule agreed with the resident (Code 5.9)"
    )
    return DataEvidence("overdue", "measured", text, "timeliness.csv: stage1_status, stage2_status")


def _vulnerable() -> pl.Expr:
    v = pl.col("vulnerability").str.strip_chars().str.to_lowercase()
    return v.is_not_null() & (v.str.len_chars() > 0) & ~v.is_in(["no", "none", "n", "false"])


def _vulnerability(ctx: MeasureContext) -> DataEvidence:
    name = "vulnerability"
    gone = ctx.recorded("vulnerability")
    if gone:
        return _missing(name, ctx, gone, "vulnerability recorded on each complaint")
    received = ctx.frame.filter(_in("stage1_received_date", ctx.period))
    days = pl.col("stage1_response_working_days")
    row = received.select(
        n=pl.len(),
        vulnerable=_vulnerable().sum(),
        days_v=days.filter(_vulnerable()).median(),
        days_o=days.filter(~_vulnerable()).median(),
    ).row(0, named=True)
    label = ctx.period.label
    text = (
        f"{ctx.count_text(row['vulnerable'])} of {row['n']:,} complaints received in {label} have "
        "a vulnerability recorded"
    )
    if row["days_v"] is not None and row["days_o"] is not None:
        text += (
            f"; median stage 1 response {_days(row['days_v'])} for them against "
            f"{_days(row['days_o'])} for others"
        )
    return DataEvidence(
        name,
        "measured",
        text,
        f"{ctx.source}: vulnerability, complaints received in {label}; timeliness.csv",
        columns=("vulnerability",),
    )


def _stage1_remedies(ctx: MeasureContext) -> DataEvidence:
    name = "stage1_remedies"
    gone = ctx.recorded("stage1_outcome")
    if gone:
        return _missing(name, ctx, gone, "stage 1 outcomes")
    settled = (
        _in("stage1_response_date", ctx.period)
        & pl.col("stage1_outcome").is_in(UPHELD)
        & _remedy_recorded()
    )
    escalations_known = not ctx.recorded("stage2_requested_date")
    if escalations_known:
        settled &= pl.col("stage2_requested_date").is_null()
    put_right = ctx.frame.filter(settled).height
    text = (
        f"{ctx.count_text(put_right)} complaints were upheld or partly upheld at stage 1 in "
        f"{ctx.period.label} with a remedy recorded"
    )
    citation = f"{ctx.source}: stage1_outcome, remedy, compensation_gbp"
    if escalations_known:
        text += ", without the resident escalating"
        citation += ", no stage2_requested_date"
    return DataEvidence(name, "measured", text, citation, columns=("stage1_outcome",))


def _compensation(ctx: MeasureContext) -> DataEvidence:
    name = "compensation"
    gone = ctx.recorded("compensation_gbp")
    if gone:
        return _missing(name, ctx, gone, "compensation offered")
    answered = _in("stage1_response_date", ctx.period) | _in("stage2_response_date", ctx.period)
    paid_rows = ctx.frame.filter(answered & (pl.col("compensation_gbp") > 0))
    paid = paid_rows["compensation_gbp"]
    label = ctx.period.label
    citation = f"{ctx.source}: compensation_gbp of complaints answered in {label}"
    if paid.is_empty():
        return DataEvidence(
            name,
            "measured",
            f"no compensation recorded on complaints answered in {label}",
            citation,
            columns=("compensation_gbp",),
        )
    if paid.len() < ctx.min_count:  # a total or median of so few is one resident's award
        text = (
            f"compensation offered on {ctx.count_text(paid.len())} complaints answered in "
            f"{label}; amounts are not shown for so few"
        )
        return DataEvidence(name, "measured", text, citation, columns=("compensation_gbp",))
    bands = []
    for low, high, words in COMPENSATION_BANDS:
        mask = paid >= low if high is None else (paid >= low) & (paid < high)
        bands.append(f"{words}: {ctx.count_text(int(mask.sum()))}")
    total, median = paid_rows.select(
        pl.col("compensation_gbp").sum(), pl.col("compensation_gbp").median().alias("median")
    ).row(0)
    text = (
        f"compensation offered on {ctx.count_text(paid.len())} complaints answered in {label}, "
        f"£{total:,.0f} in all, median £{median:,.0f} "
        f"({'; '.join(bands)})"
    )
    return DataEvidence(name, "measured", text, citation, columns=("compensation_gbp",))


def _categories(ctx: MeasureContext) -> DataEvidence:
    name = "categories"
    gone = ctx.recorded("category")
    if gone:
        return _missing(name, ctx, gone, "what each complaint was about")
    received = ctx.frame.filter(_in("stage1_received_date", ctx.period))
    top = (
        received.group_by("category")
        .agg(pl.len().alias("n"))
        .filter(pl.col("category").is_not_null())
        .sort("n", "category", descending=[True, False])
    )
    label = ctx.period.label
    listing = ", ".join(
        f"{r['category']} ({ctx.count_text(r['n'])})" for r in top.head(3).iter_rows(named=True)
    )
    text = f"complaints received in {label} fall in {top.height} categories; the largest: {listing}"
    return DataEvidence(
        name,
        "measured",
        text,
        f"{ctx.source}: category, complaints received in {label}",
        columns=("category",),
    )


def _ombudsman_findings(ctx: MeasureContext) -> DataEvidence:
    """Code 8.1(c), (e), (f) and 9.7(c): what the Ombudsman found about the landlord."""
    name = "ombudsman_findings"
    o = ctx.ombudsman
    if o is None:
        return DataEvidence(
            name,
            "missing",
            "the Ombudsman's findings are not given: set 'ombudsman: findings' "
            "in the configuration to show them here",
            "—",
        )
    label = ctx.period.label
    n = ctx.count_text
    text = (
        f"the Housing Ombudsman made {n(o['findings'])} findings in {n(o['cases'])} cases about "
        f"{o['landlord']} with decisions in {label}"
    )
    if o.get("upheld_pct") is not None and o["counted"] >= ctx.min_count:
        text += (
            f"; {n(o['upheld'])} upheld ({o['upheld_pct']:.1f}%, 95% interval "
            f"{o['upheld_low_pct']:.1f}% to {o['upheld_high_pct']:.1f}%; all landlords "
            f"{o['sector_upheld_pct']:.1f}%)"
        )
    text += (
        f"; {n(o['complaint_handling_findings'])} on complaint handling, "
        f"{n(o['complaint_handling_failures'])} of them failures"
    )
    return DataEvidence(name, "measured", text, f"04_ombudsman: {Path(o['source']).name}")


def _annual_report(ctx: MeasureContext) -> DataEvidence:
    text = (
        f"the annual figures for {ctx.period.label} (volumes by stage, category, channel and "
        "tenure; outcomes; CH01 and CH02; working days to acknowledge and respond; extensions; "
        "remedies and compensation; complaints not accepted) are produced with this "
        "self-assessment (Code 8.1(b))"
    )
    return DataEvidence("annual_report", "measured", text, "self_assessment.xlsx: Annual figures")


MEASURES: dict[str, Measure] = {
    "stage1_acknowledgement": lambda ctx: _acknowledgement(ctx, 1),
    "stage1_response": lambda ctx: _response(ctx, 1),
    "stage1_extensions": lambda ctx: _extensions(ctx, 1),
    "stage2_acknowledgement": lambda ctx: _acknowledgement(ctx, 2),
    "stage2_response": lambda ctx: _response(ctx, 2),
    "stage2_extensions": lambda ctx: _extensions(ctx, 2),
    "stage2_taken": _stage2_taken,
    "stage2_independence": _stage2_independence,
    "remedies_recorded": _remedies_recorded,
    "records": _records,
    "root_causes_recorded": _root_causes_recorded,
    "channels": _channels,
    "refusals": _refusals,
    "complaint_rates": _complaint_rates,
    "caseload": _caseload,
    "overdue": _overdue,
    "vulnerability": _vulnerability,
    "stage1_remedies": _stage1_remedies,
    "compensation": _compensation,
    "categories": _categories,
    "annual_report": _annual_report,
    "ombudsman_findings": _ombudsman_findings,
}


#: what each deciding measure counts, in the words the rule shows
LABELS: dict[str, str] = {
    "stage1_acknowledgement": "stage 1 complaints acknowledged in time",
    "stage1_response": "stage 1 responses in time (CH02 (1))",
    "stage1_extensions": "stage 1 extensions as the Code allows",
    "stage2_acknowledgement": "stage 2 requests acknowledged in time",
    "stage2_response": "stage 2 responses in time (CH02 (2))",
    "stage2_extensions": "stage 2 extensions as the Code allows",
    "stage2_taken": "stage 2 requests taken into stage 2",
    "stage2_independence": "stage 2 decided by someone new",
    "remedies_recorded": "upheld complaints with a remedy recorded",
    "records": "rows complete enough to audit",
    "root_causes_recorded": "answered complaints with a specific root cause",
    "channels": "channels in use",
}


def measure_all(ctx: MeasureContext, names: set[str] | None = None) -> dict[str, DataEvidence]:
    """Every measure (or those named), each computed once."""
    wanted = sorted(names) if names is not None else sorted(MEASURES)
    return {name: MEASURES[name](ctx) for name in wanted}
