"""The figures of the annual complaints performance and service improvement report (Code 8.1(b)).

:func:`annual_figures` turns an :class:`~auditlib.audit.AuditResult` into the tables a
landlord publishes each year beside its self-assessment: volumes by stage, category,
channel and tenure; outcomes; CH01 and CH02 with their definitions; how many working
days acknowledging and responding took, against the Code's limits; extensions;
remedies and compensation; complaints not accepted; the on-time rate month by month;
and, given last year's self-assessment JSON, the change in the headline figures.

The tables hold counts as numbers. Anything published goes through
:func:`publishable`, which shows counts under the configured threshold as
"fewer than 5". CH01 and CH02 are the audit's own metrics, never recomputed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from auditlib import schema
from auditlib.audit import AuditResult
from auditlib.privacy import suppress_small_counts, suppressed_text
from auditlib.rules import CODE_2024
from auditlib.tsm import Period

#: the measures' working definitions (docs/rules.md has the full text)
DEFINITIONS: dict[str, str] = {
    "CH01": (
        "Complaints relative to the size of the landlord: stage 1 complaints (CH01 (1)) and "
        "stage 2 escalations (CH01 (2)) received in the year, per 1,000 homes owned."
    ),
    "CH02": (
        "Complaints responded to within the Complaint Handling Code's timescales: of the "
        "stage 1 (CH02 (1)) and stage 2 (CH02 (2)) responses issued in the year, the "
        "percentage issued within the Code's timescale, including any extension the Code "
        "allows."
    ),
}
UPHELD = ("upheld", "partially_upheld")
#: bands for the working-days tables, as (first, last) days; None is open-ended
DAY_BANDS: tuple[tuple[int, int | None], ...] = (
    (0, 5),
    (6, 10),
    (11, 15),
    (16, 20),
    (21, 25),
    (26, 30),
    (31, 40),
    (41, 60),
    (61, None),
)
#: days above which the per-day distribution is gathered into one bar
DAYS_CAP = 60
#: bands of the Ombudsman's remedies guidance, in pounds (fact sheet §4.1)
COMPENSATION_BANDS = (
    (0, 100, "under £100"),
    (100, 600, "£100 to £599"),
    (600, 1000, "£600 to £999"),
    (1000, None, "£1,000 or more"),
)


@dataclass(frozen=True)
class AnnualFigures:
    """The annual report's figures for one period (raw counts; see :func:`publishable`)."""

    period: Period
    headline: pl.DataFrame
    by_category: pl.DataFrame
    by_channel: pl.DataFrame
    by_tenure: pl.DataFrame
    outcomes: pl.DataFrame
    working_days: pl.DataFrame
    working_day_bands: pl.DataFrame
    extensions: pl.DataFrame
    remedies: pl.DataFrame
    refusals: pl.DataFrame | None
    monthly: pl.DataFrame
    previous: pl.DataFrame | None
    notes: tuple[str, ...]

    def tables(self) -> dict[str, pl.DataFrame]:
        """The tables by name, in the order the report shows them."""
        named = {
            "headline": self.headline,
            "by_category": self.by_category,
            "by_channel": self.by_channel,
            "by_tenure": self.by_tenure,
            "outcomes": self.outcomes,
            "working_day_bands": self.working_day_bands,
            "extensions": self.extensions,
            "remedies": self.remedies,
            "monthly": self.monthly,
        }
        if self.refusals is not None:
            named["refusals"] = self.refusals
        if self.previous is not None:
            named["previous"] = self.previous
        return named


#: for each table, its count columns and the rates worked out from them
_COUNTS: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    "by_category": (
        ("stage1_received", "stage2_requested", "answered", "upheld"),
        {"pct_upheld": "answered"},
    ),
    "by_channel": (("complaints",), {"pct_of_complaints": "complaints"}),
    "by_tenure": (("stage1_received", "stage2_requested"), {}),
    "outcomes": (("complaints",), {}),
    "working_day_bands": (("complaints",), {}),
    "extensions": (("responses", "extended", "as_code_allows"), {"pct_as_code_allows": "extended"}),
    "refusals": (("complaints",), {}),
    "monthly": (("responded", "within"), {"pct_within": "responded"}),
}


#: column headings as a reader sees them
HEADINGS: dict[str, str] = {
    "measure": "Measure",
    "stage_1": "Stage 1",
    "stage_2": "Stage 2",
    "category": "Category",
    "stage1_received": "Stage 1 received",
    "stage2_requested": "Stage 2 requested",
    "answered": "Stage 1 answered",
    "upheld": "Upheld or partly",
    "pct_upheld": "% upheld or partly",
    "channel": "Channel",
    "complaints": "Complaints",
    "pct_of_complaints": "% of complaints",
    "tenure": "Tenure",
    "ch01_stage1_per_1000": "CH01 (1) per 1,000",
    "ch02_stage1_pct": "CH02 (1) %",
    "ch01_stage2_per_1000": "CH01 (2) per 1,000",
    "ch02_stage2_pct": "CH02 (2) %",
    "stage": "Stage",
    "outcome": "Outcome",
    "step": "Step",
    "working_days_band": "Working days",
    "limit": "Code limit (working days)",
    "responses": "Responses",
    "extended": "Extended",
    "as_code_allows": "Extended as the Code allows",
    "pct_as_code_allows": "% as the Code allows",
    "value": "Value",
    "reason": "Reason not accepted",
    "month": "Month",
    "responded": "Responses",
    "within": "Within timescale",
    "pct_within": "% within",
    "this_period": "This period",
    "previous_period": "Previous period",
    "change": "Change",
}
#: label columns whose values are shown in words ("in_person" as "in person")
_LABELS = ("channel", "outcome", "tenure")


def publishable(name: str, table: pl.DataFrame, *, min_count: int = 5) -> pl.DataFrame:
    """A table as it may be published: small counts shown as "fewer than N".

    Tables of headline figures and the year-on-year change are published as they are
    (whole-year totals); every breakdown is suppressed, and the remedies table as
    :func:`_publishable_remedies` says. Label values are shown in words.
    """
    words = [c for c in _LABELS if c in table.columns]
    if words:
        table = table.with_columns(pl.col(words).str.replace_all("_", " "))
    if name == "remedies":
        return _publishable_remedies(table, min_count)
    if name not in _COUNTS:
        return table
    counts, derived = _COUNTS[name]
    present = [c for c in counts if c in table.columns]
    return suppress_small_counts(
        table,
        present,
        threshold=min_count,
        derived={k: v for k, v in derived.items() if k in table.columns and v in present},
    )


#: rows of the remedies table that are sums of money, not counts
_MONEY = "compensation offered, "
#: the remedies rows that count complaints (each a whole-year total)
_REMEDY_COUNTS = (
    "complaints upheld or partly upheld",
    "of which with a remedy recorded",
    "complaints with compensation offered",
)


def _publishable_remedies(table: pl.DataFrame, min_count: int) -> pl.DataFrame:
    """Remedies as they may be published, every value as text.

    A count under ``min_count`` reads "fewer than N"; the bands of compensation are
    suppressed as one breakdown of the complaints with compensation (so a hidden band
    cannot be worked out from the others and their total); the total, median and
    largest award are shown only when at least ``min_count`` complaints had compensation,
    because with fewer they are one resident's award.
    """
    values = dict(zip(table["measure"].to_list(), table["value"].to_list(), strict=True))
    paid = int(values.get("complaints with compensation offered") or 0)
    is_band = pl.col("measure").str.starts_with("compensation ") & ~pl.col(
        "measure"
    ).str.starts_with(_MONEY)
    bands = table.filter(is_band).with_columns(pl.col("value").cast(pl.Int64))
    shown = suppress_small_counts(bands, ["value"], threshold=min_count)
    text = dict(zip(shown["measure"].to_list(), shown["value"].to_list(), strict=True))
    hidden = suppressed_text(min_count)
    for measure, value in values.items():
        if measure in text:
            continue
        if value is None:
            text[measure] = None
        elif measure.startswith(_MONEY):
            text[measure] = f"{value:,.0f}" if paid >= min_count else "not shown"
        elif measure in _REMEDY_COUNTS:
            text[measure] = hidden if 0 < value < min_count else f"{value:,.0f}"
        else:
            text[measure] = f"{value:,.0f}"
    return table.with_columns(
        pl.col("measure").replace_strict(text, return_dtype=pl.String).alias("value")
    )


def _in(column: str, period: Period) -> pl.Expr:
    return pl.col(column).is_between(pl.lit(period.start), pl.lit(period.end), closed="both")


def _label(column: str, labels: tuple[str, ...]) -> pl.Expr:
    """A label column with unknown values as 'other' and blanks as 'not recorded'."""
    value = pl.col(column)
    if labels:
        value = pl.when(value.is_in(labels)).then(value).otherwise(pl.lit("other"))
    return pl.when(pl.col(column).is_null()).then(pl.lit("not recorded")).otherwise(value)


def _headline(metrics: dict[str, Any]) -> pl.DataFrame:
    rows = [
        ("Complaints received", "stage1_received", "stage2_received"),
        ("CH01 per 1,000 homes", "ch01_stage1_per_1000", "ch01_stage2_per_1000"),
        ("Responses issued", "stage1_responded", "stage2_responded"),
        (
            "Responses within the Code's timescales",
            "stage1_responded_within",
            "stage2_responded_within",
        ),
        ("CH02 % within the Code's timescales", "ch02_stage1_pct", "ch02_stage2_pct"),
    ]
    return pl.DataFrame(
        {
            "measure": [r[0] for r in rows],
            "stage_1": [None if metrics[r[1]] is None else float(metrics[r[1]]) for r in rows],
            "stage_2": [None if metrics[r[2]] is None else float(metrics[r[2]]) for r in rows],
            "key_stage_1": [r[1] for r in rows],
            "key_stage_2": [r[2] for r in rows],
        },
        schema={
            "measure": pl.String,
            "stage_1": pl.Float64,
            "stage_2": pl.Float64,
            "key_stage_1": pl.String,
            "key_stage_2": pl.String,
        },
    )


def _by_category(frame: pl.DataFrame, period: Period) -> pl.DataFrame:
    category = pl.col("category").fill_null("not recorded")
    answered = _in("stage1_response_date", period)
    return (
        frame.group_by(category.alias("category"))
        .agg(
            _in("stage1_received_date", period).sum().alias("stage1_received"),
            _in("stage2_requested_date", period).sum().alias("stage2_requested"),
            answered.sum().alias("answered"),
            (answered & pl.col("stage1_outcome").is_in(UPHELD)).sum().alias("upheld"),
        )
        .filter((pl.col("stage1_received") + pl.col("stage2_requested") + pl.col("answered")) > 0)
        .with_columns(
            pl.when(pl.col("answered") > 0)
            .then((pl.col("upheld") / pl.col("answered") * 100).round(1))
            .alias("pct_upheld")
        )
        .sort("stage1_received", "category", descending=[True, False])
    )


def _by_channel(frame: pl.DataFrame, period: Period) -> pl.DataFrame:
    received = frame.filter(_in("stage1_received_date", period))
    return (
        received.group_by(_label("channel", schema.CHANNELS).alias("channel"))
        .agg(pl.len().cast(pl.Int64).alias("complaints"))
        .with_columns(
            (pl.col("complaints") / pl.col("complaints").sum() * 100)
            .round(1)
            .alias("pct_of_complaints")
        )
        .sort("complaints", "channel", descending=[True, False])
    )


def _by_tenure(frame: pl.DataFrame, period: Period, metrics: dict[str, Any]) -> pl.DataFrame:
    table = (
        frame.group_by(_label("tenure", schema.TENURES).alias("tenure"))
        .agg(
            _in("stage1_received_date", period).sum().cast(pl.Int64).alias("stage1_received"),
            _in("stage2_requested_date", period).sum().cast(pl.Int64).alias("stage2_requested"),
        )
        .filter((pl.col("stage1_received") + pl.col("stage2_requested")) > 0)
    )
    by = metrics.get("by_tenure") or {}
    rates = pl.DataFrame(
        {
            "tenure": list(by),
            "ch01_stage1_per_1000": [by[t]["ch01_stage1_per_1000"] for t in by],
            "ch02_stage1_pct": [by[t]["ch02_stage1_pct"] for t in by],
            "ch01_stage2_per_1000": [by[t]["ch01_stage2_per_1000"] for t in by],
            "ch02_stage2_pct": [by[t]["ch02_stage2_pct"] for t in by],
        },
        schema={
            "tenure": pl.String,
            "ch01_stage1_per_1000": pl.Float64,
            "ch02_stage1_pct": pl.Float64,
            "ch01_stage2_per_1000": pl.Float64,
            "ch02_stage2_pct": pl.Float64,
        },
    )
    return table.join(rates, on="tenure", how="left").sort("stage1_received", descending=True)


def _outcomes(frame: pl.DataFrame, period: Period) -> pl.DataFrame:
    parts = []
    for n in (1, 2):
        answered = frame.filter(_in(f"stage{n}_response_date", period))
        parts.append(
            answered.group_by(_label(f"stage{n}_outcome", schema.STAGE1_OUTCOMES).alias("outcome"))
            .agg(pl.len().cast(pl.Int64).alias("complaints"))
            .with_columns(pl.lit(n, pl.Int32).alias("stage"))
        )
    order = {o: i for i, o in enumerate((*schema.STAGE1_OUTCOMES, "other", "not recorded"))}
    return (
        pl.concat(parts)
        .select("stage", "outcome", "complaints")
        .sort(pl.col("stage"), pl.col("outcome").replace_strict(order, default=99))
    )


def _working_days(frame: pl.DataFrame, period: Period) -> pl.DataFrame:
    """Per stage and step, complaints by working days taken (days over 60 gathered)."""
    parts = []
    for n in (1, 2):
        clock = CODE_2024.stage(n)
        start = "stage1_received_date" if n == 1 else "stage2_requested_date"
        steps = (
            (
                "acknowledge",
                f"stage{n}_ack_working_days",
                _in(start, period),
                clock.ack_working_days,
            ),
            (
                "respond",
                f"stage{n}_response_working_days",
                _in(f"stage{n}_response_date", period),
                clock.response_working_days,
            ),
        )
        for step, column, scope, limit in steps:
            days = pl.col(column).clip(lower_bound=0, upper_bound=DAYS_CAP)
            parts.append(
                frame.filter(scope & pl.col(column).is_not_null())
                .group_by(days.alias("working_days"))
                .agg(pl.len().cast(pl.Int64).alias("complaints"))
                .with_columns(
                    pl.lit(n, pl.Int32).alias("stage"),
                    pl.lit(step).alias("step"),
                    pl.lit(limit, pl.Int32).alias("limit"),
                )
            )
    return (
        pl.concat(parts)
        .select("stage", "step", "working_days", "complaints", "limit")
        .with_columns(pl.col("working_days").cast(pl.Int32))
        .sort("stage", "step", "working_days")
    )


def _bands(working_days: pl.DataFrame) -> pl.DataFrame:
    band = pl.lit(None, pl.String)
    for first, last in reversed(DAY_BANDS):
        label = f"{first} to {last}" if last is not None else f"over {first - 1}"
        inside = pl.col("working_days") >= first
        if last is not None:
            inside = inside & (pl.col("working_days") <= last)
        band = pl.when(inside).then(pl.lit(label)).otherwise(band)
    order = {
        (f"{a} to {b}" if b is not None else f"over {a - 1}"): i
        for i, (a, b) in enumerate(DAY_BANDS)
    }
    return (
        working_days.with_columns(band.alias("working_days_band"))
        .group_by("stage", "step", "working_days_band", "limit")
        .agg(pl.col("complaints").sum())
        .sort("stage", "step", pl.col("working_days_band").replace_strict(order, default=99))
        .select("stage", "step", "working_days_band", "complaints", "limit")
    )


def _extensions(frame: pl.DataFrame, period: Period) -> pl.DataFrame:
    rows = []
    for n in (1, 2):
        agreed = pl.col(f"stage{n}_extension_days").fill_null(0).clip(lower_bound=0)
        credited = pl.col(f"stage{n}_extension_credited_days")
        answered = frame.filter(_in(f"stage{n}_response_date", period))
        row = answered.select(
            responses=pl.len().cast(pl.Int64),
            extended=(agreed > 0).sum().cast(pl.Int64),
            as_code_allows=((agreed > 0) & (credited >= agreed)).sum().cast(pl.Int64),
        ).row(0, named=True)
        rows.append({"stage": n, **row})
    table = pl.DataFrame(
        rows,
        schema={
            "stage": pl.Int32,
            "responses": pl.Int64,
            "extended": pl.Int64,
            "as_code_allows": pl.Int64,
        },
    )
    return table.with_columns(
        pl.when(pl.col("extended") > 0)
        .then((pl.col("as_code_allows") / pl.col("extended") * 100).round(1))
        .alias("pct_as_code_allows")
    )


def _remedies(frame: pl.DataFrame, period: Period) -> pl.DataFrame:
    answered = _in("stage1_response_date", period) | _in("stage2_response_date", period)
    upheld = (_in("stage1_response_date", period) & pl.col("stage1_outcome").is_in(UPHELD)) | (
        _in("stage2_response_date", period) & pl.col("stage2_outcome").is_in(UPHELD)
    )
    remedy = (pl.col("remedy").str.strip_chars().str.len_chars().fill_null(0) > 0) | (
        pl.col("compensation_gbp").fill_null(0) > 0
    )
    paid = answered & (pl.col("compensation_gbp") > 0)
    money = pl.col("compensation_gbp").filter(paid)
    row = frame.select(
        upheld=upheld.sum(),
        remedied=(upheld & remedy).sum(),
        paid=paid.sum(),
        total=money.sum(),
        median=money.median(),
        largest=money.max(),
    ).row(0, named=True)
    bands = []
    for low, high, words in COMPENSATION_BANDS:
        inside = paid & (pl.col("compensation_gbp") >= low)
        if high is not None:
            inside = inside & (pl.col("compensation_gbp") < high)
        bands.append((f"compensation {words}", float(frame.select(inside.sum()).item())))
    measures = [
        ("complaints upheld or partly upheld", float(row["upheld"])),
        ("of which with a remedy recorded", float(row["remedied"])),
        ("complaints with compensation offered", float(row["paid"])),
        ("compensation offered, total £", float(row["total"] or 0)),
        ("compensation offered, median £", None if row["median"] is None else float(row["median"])),
        (
            "compensation offered, largest £",
            None if row["largest"] is None else float(row["largest"]),
        ),
        *bands,
    ]
    return pl.DataFrame(
        {"measure": [m for m, _ in measures], "value": [v for _, v in measures]},
        schema={"measure": pl.String, "value": pl.Float64},
    )


def _refusals(frame: pl.DataFrame, period: Period) -> pl.DataFrame | None:
    if "not_accepted_reason" not in frame.columns:
        return None
    reason = pl.col("not_accepted_reason").str.strip_chars().str.to_lowercase()
    if frame.select(reason.is_not_null().any()).item() is not True:
        return None
    return (
        frame.filter(_in("stage1_received_date", period) & reason.is_not_null())
        .group_by(reason.alias("reason"))
        .agg(pl.len().cast(pl.Int64).alias("complaints"))
        .sort("complaints", "reason", descending=[True, False])
    )


def _monthly(frame: pl.DataFrame, period: Period) -> pl.DataFrame:
    parts = []
    for n in (1, 2):
        response = f"stage{n}_response_date"
        parts.append(
            frame.filter(_in(response, period))
            .group_by(pl.col(response).dt.truncate("1mo").alias("month"))
            .agg(
                pl.len().cast(pl.Int64).alias("responded"),
                pl.col(f"stage{n}_within_code")
                .fill_null(False)
                .sum()
                .cast(pl.Int64)
                .alias("within"),
            )
            .with_columns(pl.lit(n, pl.Int32).alias("stage"))
        )
    return (
        pl.concat(parts)
        .with_columns((pl.col("within") / pl.col("responded") * 100).round(1).alias("pct_within"))
        .select("stage", "month", "responded", "within", "pct_within")
        .sort("stage", "month")
    )


def _previous(headline: pl.DataFrame, previous: dict[str, Any] | None) -> pl.DataFrame | None:
    """This year's headline figures beside last year's (from its self-assessment JSON)."""
    if not previous:
        return None
    last = previous.get("figures", {}).get("headline") or []
    before = {row["measure"]: row for row in last if isinstance(row, dict)}
    rows = []
    for row in headline.iter_rows(named=True):
        old = before.get(row["measure"], {})
        for stage in ("stage_1", "stage_2"):
            now, then = row[stage], old.get(stage)
            rows.append(
                {
                    "measure": row["measure"],
                    "stage": int(stage[-1]),
                    "this_period": now,
                    "previous_period": then,
                    "change": None if now is None or then is None else round(now - then, 2),
                }
            )
    return pl.DataFrame(
        rows,
        schema={
            "measure": pl.String,
            "stage": pl.Int32,
            "this_period": pl.Float64,
            "previous_period": pl.Float64,
            "change": pl.Float64,
        },
    )


def annual_figures(result: AuditResult, *, previous: dict[str, Any] | None = None) -> AnnualFigures:
    """The annual report's figures for the audit's period.

    Parameters
    ----------
    result
        From :func:`auditlib.audit.run_audit` (all columns read).
    previous
        Last year's self-assessment JSON, for the change in the headline figures.
    """
    from auditlib.privacy import mask_columns

    # categories and refusal reasons are typed by people and are published: masked first
    frame, period = mask_columns(result.assessed), result.period
    for name in schema.SCHEMA:
        if name not in frame.columns:
            frame = frame.with_columns(pl.lit(None, schema.SCHEMA[name]).alias(name))
    headline = _headline(result.metrics)
    working_days = _working_days(frame, period)
    notes = []
    if result.metrics.get("homes") is None:
        notes.append("CH01 needs the number of homes: set 'homes' in the configuration")
    refusals = _refusals(frame, period)
    if refusals is None:
        notes.append(
            "complaints not accepted are not recorded in the extract (not_accepted_reason): "
            "the 8.1(b) summary of refusals cannot be given"
        )
    return AnnualFigures(
        period=period,
        headline=headline,
        by_category=_by_category(frame, period),
        by_channel=_by_channel(frame, period),
        by_tenure=_by_tenure(frame, period, result.metrics),
        outcomes=_outcomes(frame, period),
        working_days=working_days,
        working_day_bands=_bands(working_days),
        extensions=_extensions(frame, period),
        remedies=_remedies(frame, period),
        refusals=refusals,
        monthly=_monthly(frame, period),
        previous=_previous(headline, previous),
        notes=tuple(notes),
    )
