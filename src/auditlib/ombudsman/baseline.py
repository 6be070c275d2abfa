"""The sector baseline from a whole findings file, and one landlord's place in it.

For a period, every landlord in the file gets its findings, upheld rate and, where its
stock size is known, findings per 1,000 homes per year. The file's names are taken as
landlords as written, except that the names matched to *our* landlord are one landlord
(other landlords' spelling variants stay separate: they are mostly a few findings each
and carry no stock size).

* **Rates by group**: by landlord type and size band, pooled (all findings of the
  group over all its homes), with the group's median landlord beside it.
* **Per 1,000 homes**: only landlords with a stock size; those without are still in
  the upheld rates, and how many were left out (landlords and findings) is stated.
* **Position**: the landlord's figure as a percentile of the others', raw and after
  empirical-Bayes shrinkage (:mod:`auditlib.ombudsman.stats`), the latter with the
  range of percentiles its 95% interval spans; and where it falls on a funnel plot.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from auditlib.ombudsman import stats
from auditlib.ombudsman.findings import NOT_KNOWN, FindingsMapping, landlords
from auditlib.ombudsman.landlord import in_period, with_rate
from auditlib.tsm import Period

#: the label that stands for the landlord being looked at in sector tables
THIS_LANDLORD = "(this landlord)"
ALL = "All landlords"


def period_years(period: Period) -> float:
    """The period's length in years: whole months / 12, else days / 365.25.

    Examples
    --------
    >>> from datetime import date
    >>> period_years(Period(date(2025, 4, 1), date(2026, 3, 31)))
    1.0
    >>> period_years(Period(date(2023, 4, 1), date(2026, 3, 31)))
    3.0
    """
    start, end = period.start, period.end
    next_day = pl.select(pl.lit(end).dt.offset_by("1d")).item()
    if start.day == 1 and next_day.day == 1:
        months = (next_day.year - start.year) * 12 + next_day.month - start.month
        return months / 12
    return ((end - start).days + 1) / 365.25


def per_landlord(
    findings: pl.DataFrame,
    mapping: FindingsMapping,
    period: Period,
    *,
    ours: list[str],
    our_homes: int | None = None,
) -> pl.DataFrame:
    """One row per landlord with findings in the period: counts, homes, rates, groups.

    ``ours`` are the file's names matched to the landlord, merged into one row named
    :data:`THIS_LANDLORD`; ``our_homes`` is used when the file gives it no stock size.
    Columns: ``landlord``, ``is_ours``, ``landlord_type``, ``size_band``, ``homes``,
    ``findings``, ``counted``, ``upheld``, ``upheld_pct`` (with Wilson interval),
    ``home_years_000`` (thousands of home-years) and ``per_1000`` (findings per 1,000
    homes per year; null without homes).
    """
    years = period_years(period)
    names = landlords(findings, mapping)
    ours_set = set(ours)
    info = names.with_columns(pl.col("landlord").is_in(ours_set).alias("is_ours"))
    mine = info.filter(pl.col("is_ours")).sort("findings", descending=True)
    our_type = next((t for t in mine["landlord_type"].to_list() if t != NOT_KNOWN), NOT_KNOWN)
    file_homes = mine["homes"].drop_nulls()
    homes = int(file_homes[0]) if file_homes.len() else our_homes
    our_band = pl.select(mapping.size_band(pl.lit(homes, pl.Int64))).item()
    counts = (
        findings.filter(in_period(period))
        .with_columns(
            pl.when(pl.col("landlord").is_in(ours_set))
            .then(pl.lit(THIS_LANDLORD))
            .otherwise(pl.col("landlord"))
            .alias("landlord")
        )
        .group_by("landlord")
        .agg(
            pl.len().cast(pl.Int64).alias("findings"),
            pl.col("counted").sum().cast(pl.Int64),
            pl.col("upheld").sum().cast(pl.Int64),
        )
    )
    ours_row = pl.DataFrame(
        {
            "landlord": [THIS_LANDLORD],
            "landlord_type": [our_type],
            "size_band": [our_band],
            "homes": [homes],
        },
        schema={
            "landlord": pl.String,
            "landlord_type": pl.String,
            "size_band": pl.String,
            "homes": pl.Int64,
        },
    )
    groups = pl.concat(
        [info.filter(~pl.col("is_ours")).select(ours_row.columns), ours_row], how="vertical"
    )
    table = counts.join(groups, on="landlord", how="left").with_columns(
        (pl.col("landlord") == THIS_LANDLORD).alias("is_ours"),
        (pl.col("homes") / 1000 * years).alias("home_years_000"),
    )
    if not table.filter(pl.col("is_ours")).height:
        empty = ours_row.with_columns(
            pl.lit(0, pl.Int64).alias("findings"),
            pl.lit(0, pl.Int64).alias("counted"),
            pl.lit(0, pl.Int64).alias("upheld"),
            pl.lit(value=True).alias("is_ours"),
            (pl.col("homes") / 1000 * years).alias("home_years_000"),
        )
        table = pl.concat([table, empty.select(table.columns)])
    return (
        with_rate(
            table.with_columns(
                (pl.col("findings") / pl.col("home_years_000")).round(3).alias("per_1000")
            )
        )
        .select(
            "landlord",
            "is_ours",
            "landlord_type",
            "size_band",
            "homes",
            "findings",
            "counted",
            "upheld",
            "upheld_pct",
            "upheld_low_pct",
            "upheld_high_pct",
            "home_years_000",
            "per_1000",
        )
        .sort(["is_ours", "findings", "landlord"], descending=[True, True, False])
    )


def _group_rates(frame: pl.DataFrame) -> list[pl.Expr]:
    with_homes = pl.col("homes").is_not_null()
    return [
        pl.len().cast(pl.Int64).alias("landlords"),
        pl.col("findings").sum().cast(pl.Int64),
        pl.col("counted").sum().cast(pl.Int64),
        pl.col("upheld").sum().cast(pl.Int64),
        with_homes.sum().cast(pl.Int64).alias("landlords_with_homes"),
        pl.col("findings").filter(with_homes).sum().cast(pl.Int64).alias("findings_with_homes"),
        pl.col("home_years_000").filter(with_homes).sum().alias("home_years_000"),
        pl.col("per_1000").median().round(3).alias("median_landlord_per_1000"),
        pl.col("upheld_pct").median().round(1).alias("median_landlord_upheld_pct"),
    ]


def by_group(table: pl.DataFrame) -> pl.DataFrame:
    """Pooled rates for all landlords, by type, and by type and size band.

    ``per_1000`` is the group's findings over its homes, on landlords with homes only;
    ``landlords_without_homes`` and ``findings_without_homes`` say what was left out of
    it (they are in the upheld rates).
    """
    parts = [
        table.select(_group_rates(table)).with_columns(
            pl.lit(ALL).alias("landlord_type"), pl.lit(ALL).alias("size_band")
        ),
        table.group_by("landlord_type")
        .agg(_group_rates(table))
        .with_columns(pl.lit(ALL).alias("size_band")),
        table.group_by("landlord_type", "size_band").agg(_group_rates(table)),
    ]
    columns = ["landlord_type", "size_band"]
    grouped = pl.concat([p.select(*columns, pl.exclude(columns)) for p in parts], how="vertical")
    return with_rate(
        grouped.with_columns(
            (pl.col("findings_with_homes") / pl.col("home_years_000")).round(3).alias("per_1000"),
            (pl.col("landlords") - pl.col("landlords_with_homes")).alias("landlords_without_homes"),
            (pl.col("findings") - pl.col("findings_with_homes")).alias("findings_without_homes"),
        )
    ).sort(
        pl.col("landlord_type") != ALL,
        "landlord_type",
        pl.col("size_band") != ALL,
        "size_band",
    )


@dataclass(frozen=True)
class Position:
    """The landlord's place among the others on one measure, in a comparison group."""

    measure: str
    group: str
    value: float | None
    low: float | None
    high: float | None
    sector: float | None
    landlords: int
    percentile: float | None
    estimate: float | None
    estimate_low: float | None
    estimate_high: float | None
    estimate_percentile: float | None
    percentile_low: float | None
    percentile_high: float | None
    funnel: str

    def as_row(self) -> dict[str, object]:
        """The position as one table row."""
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def _num(value: float) -> float | None:
    return None if value is None or np.isnan(value) else round(float(value), 3)


def position(table: pl.DataFrame, *, measure: str, group: str = ALL) -> Position:
    """Where the landlord stands on ``upheld_pct`` or ``per_1000`` among ``group``.

    ``group`` is :data:`ALL`, ``"same type"`` or ``"same type and size"``. The prior for
    shrinkage is fitted on the whole group, the landlord included; percentiles are among
    the other landlords of the group that have the measure.
    """
    ours = table.filter(pl.col("is_ours")).row(0, named=True)
    pool = table
    if group in ("same type", "same type and size"):
        pool = pool.filter(pl.col("landlord_type") == ours["landlord_type"])
    if group == "same type and size":
        pool = pool.filter(pl.col("size_band") == ours["size_band"])
    if measure == "upheld_pct":
        pool = pool.filter(pl.col("counted") > 0)
        x, n = pool["upheld"].to_numpy(), pool["counted"].to_numpy().astype(float)
        prior = stats.beta_binomial_prior(x, n)
        est, low, high = stats.shrunk_share(x, n, prior)
        scale, kind = 100.0, "share"
        raw = x / n
        value = ours["upheld"] / ours["counted"] if ours["counted"] else float("nan")
        interval = stats.wilson(np.array([ours["upheld"]]), np.array([ours["counted"]]))
        exposure = float(ours["counted"])
    elif measure == "per_1000":
        pool = pool.filter(pl.col("home_years_000") > 0)
        x, n = pool["findings"].to_numpy(), pool["home_years_000"].to_numpy()
        prior = stats.gamma_poisson_prior(x, n)
        est, low, high = stats.shrunk_rate(x, n, prior)
        scale, kind = 1.0, "rate"
        raw = x / n
        e = ours["home_years_000"] or 0.0
        value = ours["findings"] / e if e else float("nan")
        bounds = stats.poisson_interval(int(ours["findings"]), float(e))
        interval = (np.array([bounds[0]]), np.array([bounds[1]]))
        exposure = float(e)
    else:
        msg = f"measure must be 'upheld_pct' or 'per_1000', not {measure!r}"
        raise ValueError(msg)
    is_ours = pool["is_ours"].to_numpy()
    others_raw, others_est = raw[~is_ours], est[~is_ours]
    mine = np.flatnonzero(is_ours)
    if mine.size:
        i = int(mine[0])
        estimate, e_low, e_high = est[i], low[i], high[i]
    else:
        estimate = e_low = e_high = float("nan")
    pct = stats.percentile(np.array([value, estimate, e_low, e_high]), others_est)
    return Position(
        measure=measure,
        group=group,
        value=_num(value * scale),
        low=_num(interval[0][0] * scale),
        high=_num(interval[1][0] * scale),
        sector=_num(prior.mean * scale),
        landlords=int(others_raw.size),
        percentile=_num(float(stats.percentile(np.array([value]), others_raw)[0])),
        estimate=_num(estimate * scale),
        estimate_low=_num(e_low * scale),
        estimate_high=_num(e_high * scale),
        estimate_percentile=_num(pct[1]),
        percentile_low=_num(pct[2]),
        percentile_high=_num(pct[3]),
        funnel=stats.funnel_position(value, prior.mean, exposure, kind=kind),
    )


def positions(table: pl.DataFrame) -> pl.DataFrame:
    """Every position: both measures, among all landlords, the same type, type and size."""
    rows = [
        position(table, measure=m, group=g).as_row()
        for m in ("upheld_pct", "per_1000")
        for g in (ALL, "same type", "same type and size")
    ]
    return pl.DataFrame(rows, infer_schema_length=None)


def _ratio(part: Any, whole: Any) -> float:
    return float(part) / float(whole) if whole else float("nan")


def funnel_points(table: pl.DataFrame, *, measure: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Points and control limits for a funnel plot of ``upheld_pct`` or ``per_1000``.

    Returns the landlords (``exposure``, ``value``, ``is_ours``) and the limit curves
    (``exposure``, ``limit`` such as ``"95% limits"``, ``low``, ``high``, ``centre``).
    """
    if measure == "upheld_pct":
        pool = table.filter(pl.col("counted") > 0)
        exposure, value, kind, scale = (
            pool["counted"],
            pool["upheld"] / pool["counted"],
            "share",
            100,
        )
        centre = _ratio(pool["upheld"].sum(), pool["counted"].sum())
    else:
        pool = table.filter(pl.col("home_years_000") > 0)
        exposure, value, kind, scale = pool["home_years_000"], pool["per_1000"], "rate", 1
        centre = _ratio(pool["findings"].sum(), exposure.sum())
    points = pl.DataFrame(
        {
            "landlord": pool["landlord"],
            "is_ours": pool["is_ours"],
            "exposure": exposure.cast(pl.Float64),
            "value": (value * scale).cast(pl.Float64),
        }
    )
    values = exposure.to_numpy()
    top = float(values.max()) * 1.05 if values.size else 1.0
    grid = np.geomspace(max(min(float(values.min()) if values.size else 1.0, 1.0), 0.05), top, 120)
    curves = []
    for level in stats.FUNNEL_LEVELS:
        low, high = stats.funnel_limits(centre, grid, kind=kind, level=level)
        curves.append(
            pl.DataFrame(
                {
                    "exposure": grid,
                    "limit": f"{level:.1%}".replace(".0%", "%") + " limits",
                    "low": low * scale,
                    "high": high * scale,
                    "centre": centre * scale,
                }
            )
        )
    return points, pl.concat(curves)
