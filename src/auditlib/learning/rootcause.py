"""Where complaints come from: volumes, upheld rates, Pareto, escalation, lateness, money.

Every function takes the frame :func:`prepare` returns (the assessed complaints of one
period with plain flags added) and returns an aggregated polars frame whose rows carry
their counts and rates, so a board member can check each figure (Code 9.1, 9.4, 9.7).

Definitions, used the same way everywhere:

* a complaint belongs to the period in which stage 1 was **received**;
* *decided*: the final decision (stage 2 where there is one, else stage 1) is upheld,
  partially upheld or not upheld; *upheld* counts upheld and partially upheld, and the
  upheld rate is upheld / decided (withdrawn and undecided complaints are left out);
* *escalated*: a stage 2 request is recorded; the escalation rate is over all complaints;
* *late*: stage 1 answered outside the Code's limit or still open past its due date
  (``stage1_status`` ``late`` or ``open_overdue``); the late rate is over the complaints
  whose clock could be judged (``within``, ``late`` or ``open_overdue``);
* *vulnerable*: a vulnerability is recorded (the loader blanks "no", "none" and the like).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import polars as pl

from auditlib.tsm import Period

#: the label for a blank category or root cause
NOT_RECORDED = "Not recorded"
#: root causes too coarse to learn from: their descriptions go to theme finding
COARSE_ROOT_CAUSES: tuple[str, ...] = (NOT_RECORDED, "other", "unknown", "not known")
#: final decisions that count as upheld
UPHELD = ("upheld", "partially_upheld")
#: final decisions that count as decided
DECIDED = ("upheld", "partially_upheld", "not_upheld")

_NEEDED = (
    "complaint_id",
    "stage1_received_date",
    "stage1_outcome",
    "stage2_outcome",
    "stage2_requested_date",
    "stage1_status",
    "stage1_response_working_days",
    "category",
    "root_cause",
    "compensation_gbp",
    "vulnerability",
)


def prepare(assessed: pl.DataFrame, period: Period) -> pl.DataFrame:
    """The complaints received in ``period`` with the flags every analysis uses.

    Parameters
    ----------
    assessed
        Complaints with the timeliness columns (``AuditResult.assessed``).
    period
        The reporting period; complaints received outside it are left out.

    Returns
    -------
    polars.DataFrame
        The input rows in the period, plus ``month`` (first day of the month received),
        ``category`` and ``root_cause`` with blanks as ``"Not recorded"``, and the
        booleans ``decided``, ``upheld``, ``escalated``, ``clock_judged``, ``late``,
        ``vulnerable``, ``compensated``.

    Examples
    --------
    >>> from auditlib.testing import complaints_frame
    >>> f = complaints_frame([{"stage1_received_date": "2025-05-02", "stage1_outcome": "upheld"}])
    >>> f = f.with_columns(stage1_status=pl.lit("within"), stage1_response_working_days=3)
    >>> prepare(f, Period(date(2025, 4, 1), date(2026, 3, 31)))["upheld"].to_list()
    [True]
    """
    missing = [c for c in _NEEDED if c not in assessed.columns]
    if missing:
        msg = f"the frame lacks {', '.join(missing)}: pass AuditResult.assessed"
        raise ValueError(msg)
    final = pl.coalesce("stage2_outcome", "stage1_outcome")
    status = pl.col("stage1_status")
    return assessed.filter(
        pl.col("stage1_received_date").is_between(
            pl.lit(period.start), pl.lit(period.end), closed="both"
        )
    ).with_columns(
        month=pl.col("stage1_received_date").dt.truncate("1mo"),
        category=_label("category"),
        root_cause=_label("root_cause"),
        decided=final.is_in(DECIDED).fill_null(False),
        upheld=final.is_in(UPHELD).fill_null(False),
        escalated=pl.col("stage2_requested_date").is_not_null(),
        clock_judged=status.is_in(("within", "late", "open_overdue")).fill_null(False),
        late=status.is_in(("late", "open_overdue")).fill_null(False),
        vulnerable=pl.col("vulnerability").str.strip_chars().str.len_chars().fill_null(0) > 0,
        compensated=pl.col("compensation_gbp").fill_null(0) > 0,
    )


def coarse_root_cause() -> pl.Expr:
    """True where the root cause is blank or too coarse to learn from."""
    return pl.col("root_cause").str.to_lowercase().is_in([c.lower() for c in COARSE_ROOT_CAUSES])


def _label(column: str) -> pl.Expr:
    text = pl.col(column).str.strip_chars()
    return (
        pl.when(text.str.len_chars().fill_null(0) == 0).then(pl.lit(NOT_RECORDED)).otherwise(text)
    )


def _rate(part: str, whole: str) -> pl.Expr:
    """part / whole as a percentage to one decimal place; null where whole is zero."""
    return (
        pl.when(pl.col(whole) > 0)
        .then((pl.col(part) / pl.col(whole) * 100).round(1))
        .otherwise(None)
        .alias(f"{part}_pct")
    )


def _period_columns(period: Period) -> list[pl.Expr]:
    return [
        pl.lit(period.start).alias("period_start"),
        pl.lit(period.end).alias("period_end"),
    ]


def months_of(period: Period) -> list[date]:
    """The first day of every month the period touches.

    Examples
    --------
    >>> [m.month for m in months_of(Period(date(2025, 11, 15), date(2026, 2, 1)))]
    [11, 12, 1, 2]
    """
    return pl.date_range(
        period.start.replace(day=1), period.end, interval="1mo", eager=True
    ).to_list()


def monthly(frame: pl.DataFrame, period: Period, *, by: str = "category") -> pl.DataFrame:
    """Complaints and upheld rate per month for each value of ``by``, zero months included.

    Returns one row per (``by``, month) with ``complaints``, ``decided``, ``upheld`` and
    ``upheld_pct``.
    """
    keys = frame.select(pl.col(by).unique().sort())
    grid = keys.join(pl.DataFrame({"month": months_of(period)}), how="cross")
    counts = frame.group_by(by, "month").agg(
        pl.len().alias("complaints"),
        pl.col("decided").sum(),
        pl.col("upheld").sum(),
    )
    return (
        grid.join(counts, on=[by, "month"], how="left")
        .with_columns(pl.col("complaints", "decided", "upheld").fill_null(0).cast(pl.Int64))
        .with_columns(_rate("upheld", "decided"))
        .sort(by, "month")
    )


def summary(frame: pl.DataFrame, period: Period, *, by: str = "category") -> pl.DataFrame:
    """Volume, share, upheld, escalation, lateness and compensation for each ``by`` value.

    Sorted by complaints, most first (ties by name). Money is in pounds: the total paid,
    the number of complaints with compensation and the median of those payments.
    """
    total = frame.height
    return (
        frame.group_by(by)
        .agg(
            pl.len().alias("complaints"),
            pl.col("decided").sum(),
            pl.col("upheld").sum(),
            pl.col("escalated").sum(),
            pl.col("clock_judged").sum(),
            pl.col("late").sum(),
            pl.col("compensated").sum(),
            pl.col("compensation_gbp").fill_null(0).sum().round(2).alias("compensation_total_gbp"),
            pl.col("compensation_gbp")
            .filter(pl.col("compensated"))
            .median()
            .round(2)
            .alias("compensation_median_gbp"),
        )
        .with_columns(
            (pl.col("complaints") / max(total, 1) * 100).round(1).alias("share_pct"),
            _rate("upheld", "decided"),
            _rate("escalated", "complaints"),
            _rate("late", "clock_judged"),
            *_period_columns(period),
        )
        .with_columns(pl.col(pl.UInt32).cast(pl.Int64))
        .sort(["complaints", by], descending=[True, False])
    )


def pareto(
    frame: pl.DataFrame, period: Period, *, by: str = "category", cut: float = 80.0
) -> pl.DataFrame:
    """Where complaints concentrate: ranked values of ``by`` with cumulative shares.

    ``vital_few`` marks the values that together make up the first ``cut`` per cent of
    complaints (the value that crosses the line is included).

    Examples
    --------
    >>> f = pl.DataFrame({"category": ["a"] * 6 + ["b"] * 3 + ["c"]})
    >>> p = pareto(f, Period(date(2025, 4, 1), date(2026, 3, 31)))
    >>> p.select("category", "cumulative_pct", "vital_few").rows()
    [('a', 60.0, True), ('b', 90.0, True), ('c', 100.0, False)]
    """
    total = max(frame.height, 1)
    return (
        frame.group_by(by)
        .agg(pl.len().cast(pl.Int64).alias("complaints"))
        .sort(["complaints", by], descending=[True, False])
        .with_columns(
            pl.int_range(1, pl.len() + 1).alias("rank"),
            (pl.col("complaints") / total * 100).round(1).alias("share_pct"),
            (pl.col("complaints").cum_sum() / total * 100).round(1).alias("cumulative_pct"),
        )
        .with_columns(
            (pl.col("cumulative_pct").shift(1, fill_value=0.0) < cut).alias("vital_few"),
            *_period_columns(period),
        )
        .select(
            "rank",
            by,
            "complaints",
            "share_pct",
            "cumulative_pct",
            "vital_few",
            "period_start",
            "period_end",
        )
    )


def root_causes(frame: pl.DataFrame, period: Period) -> pl.DataFrame:
    """Complaints and upheld rate by category and recorded root cause, largest first."""
    return (
        summary(frame, period, by="category")
        .select("category")
        .join(
            frame.group_by("category", "root_cause").agg(
                pl.len().cast(pl.Int64).alias("complaints"),
                pl.col("decided").sum().cast(pl.Int64),
                pl.col("upheld").sum().cast(pl.Int64),
            ),
            on="category",
            how="left",
            maintain_order="left",
        )
        .with_columns(_rate("upheld", "decided"), *_period_columns(period))
        .sort(["complaints", "category", "root_cause"], descending=[True, False, False])
    )


#: the summary columns each measure fills, by the analysis that needs its column
MEASURE_COLUMNS: dict[str, tuple[str, ...]] = {
    "upheld": ("decided", "upheld", "upheld_pct"),
    "escalation": ("escalated", "escalated_pct"),
    "lateness": ("clock_judged", "late", "late_pct"),
    "compensation": ("compensated", "compensation_total_gbp", "compensation_median_gbp"),
}


def blank_measures(table: pl.DataFrame, analyses: Iterable[str]) -> pl.DataFrame:
    """Blank (null) the columns of measures whose input column the extract lacks.

    A missing ``stage1_response_date`` would otherwise read as every complaint overdue,
    and a missing ``compensation_gbp`` as none paid.

    Examples
    --------
    >>> t = pl.DataFrame({"category": ["Repairs"], "escalated": [0], "escalated_pct": [0.0]})
    >>> blank_measures(t, ["escalation"]).row(0)
    ('Repairs', None, None)
    """
    names = [c for a in analyses for c in MEASURE_COLUMNS.get(a, ()) if c in table.columns]
    return table.with_columns(pl.lit(None, table.schema[c]).alias(c) for c in names)
