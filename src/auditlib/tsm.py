"""The Regulator's complaint Tenant Satisfaction Measures CH01 and CH02.

Working definitions (the fact sheet marks the fine print unconfirmed; see docs/rules.md):

* CH01 (1): stage 1 complaints **received** in the period per 1,000 homes; CH01 (2):
  stage 2 requests received in the period per 1,000 homes. Withdrawn complaints and
  complaints later escalated still count.
* CH02 (1): of the stage 1 complaints **answered** in the period (response date in the
  period), the percentage answered within the Code's timescale, extension included as
  :mod:`auditlib.timeliness` credits it; CH02 (2) likewise for stage 2.
* Where homes are given for LCRA and LCHO, each is reported separately as well as the
  total; complaints with another or no tenure count in the total only.

Measures are computed from the frame :func:`auditlib.timeliness.assess` returns, so no
rule is re-implemented here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl

from auditlib.config import Homes

#: the keys of the ``metrics --format json`` object, in order (the CLI contract)
METRIC_KEYS = (
    "stage1_received",
    "stage2_received",
    "ch01_stage1_per_1000",
    "ch01_stage2_per_1000",
    "stage1_responded",
    "stage1_responded_within",
    "ch02_stage1_pct",
    "stage2_responded",
    "stage2_responded_within",
    "ch02_stage2_pct",
)


@dataclass(frozen=True)
class Period:
    """A reporting period, both ends inclusive."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            msg = f"the period ends ({self.end}) before it starts ({self.start})"
            raise ValueError(msg)

    @classmethod
    def reporting_year(cls, containing: date, *, start_month: int = 4) -> Period:
        """The reporting year (1 April to 31 March by default) that contains a date.

        Examples
        --------
        >>> Period.reporting_year(date(2026, 3, 31)).label
        '2025/26'
        """
        year = containing.year if containing.month >= start_month else containing.year - 1
        start = date(year, start_month, 1)
        end = date(year + 1, start_month, 1).toordinal() - 1
        return cls(start, date.fromordinal(end))

    @property
    def label(self) -> str:
        """``2025/26`` for an April-to-March year, otherwise the two dates."""
        if (self.start.month, self.start.day) == (4, 1) and self.end == date(
            self.start.year + 1, 3, 31
        ):
            return f"{self.start.year}/{str(self.start.year + 1)[-2:]}"
        return f"{self.start.isoformat()} to {self.end.isoformat()}"


def _in(column: str, period: Period) -> pl.Expr:
    return pl.col(column).is_between(pl.lit(period.start), pl.lit(period.end), closed="both")


def _counts(
    period: Period, within_suffix: str = "code", *, prefix: str = "", where: pl.Expr | None = None
) -> list[pl.Expr]:
    exprs = []
    for n, start in ((1, "stage1_received_date"), (2, "stage2_requested_date")):
        received = _in(start, period)
        answered = _in(f"stage{n}_response_date", period)
        within = answered & pl.col(f"stage{n}_within_{within_suffix}").fill_null(False)
        if where is not None:
            received, answered, within = (e & where for e in (received, answered, within))
        exprs += [
            received.sum().alias(f"{prefix}stage{n}_received"),
            answered.sum().alias(f"{prefix}stage{n}_responded"),
            within.sum().alias(f"{prefix}stage{n}_responded_within"),
        ]
    return exprs


def _rates(counts: dict[str, int], homes: int | None) -> dict[str, Any]:
    def per_1000(n: int) -> float | None:
        return round(n / homes * 1000, 2) if homes else None

    def pct(part: int, whole: int) -> float | None:
        return round(part / whole * 100, 2) if whole else None

    return {
        "stage1_received": counts["stage1_received"],
        "stage2_received": counts["stage2_received"],
        "ch01_stage1_per_1000": per_1000(counts["stage1_received"]),
        "ch01_stage2_per_1000": per_1000(counts["stage2_received"]),
        "stage1_responded": counts["stage1_responded"],
        "stage1_responded_within": counts["stage1_responded_within"],
        "ch02_stage1_pct": pct(counts["stage1_responded_within"], counts["stage1_responded"]),
        "stage2_responded": counts["stage2_responded"],
        "stage2_responded_within": counts["stage2_responded_within"],
        "ch02_stage2_pct": pct(counts["stage2_responded_within"], counts["stage2_responded"]),
    }


def measures(
    assessed: pl.DataFrame | pl.LazyFrame, *, period: Period, homes: Homes
) -> dict[str, Any]:
    """CH01 and CH02 for the period, in total and per tenure where homes are given.

    Rates are rounded to two decimal places; a rate is null (``None``) where its
    denominator is zero or unknown. Every count is one pass over ``assessed``; given a
    lazy frame, only the columns the counts read are computed.
    """
    frame = assessed.lazy()
    tenures = [t for t in ("LCRA", "LCHO") if t in homes.by_tenure]
    policy = "stage1_within_policy" in frame.collect_schema().names()
    exprs = _counts(period)
    for tenure in tenures:
        exprs += _counts(period, prefix=f"{tenure}:", where=pl.col("tenure") == tenure)
    if policy:
        exprs += _counts(period, "policy", prefix="policy:")
    counts = frame.select(exprs).collect().row(0, named=True)

    def part(prefix: str) -> dict[str, int]:
        return {k.removeprefix(prefix): v for k, v in counts.items() if k.startswith(prefix)}

    total = {k: v for k, v in counts.items() if ":" not in k}
    result: dict[str, Any] = _rates(total, homes.total)
    if homes.by_tenure:
        result["by_tenure"] = {
            tenure: _rates(part(f"{tenure}:"), homes.by_tenure[tenure]) for tenure in tenures
        }
    if policy:
        landlord = part("policy:")
        result["landlord_targets"] = {
            "stage1_responded_within": landlord["stage1_responded_within"],
            "stage1_pct": _rates(landlord, homes.total)["ch02_stage1_pct"],
            "stage2_responded_within": landlord["stage2_responded_within"],
            "stage2_pct": _rates(landlord, homes.total)["ch02_stage2_pct"],
        }
    return result
