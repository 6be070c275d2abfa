"""One audit run: load an extract, assess timeliness, compute the TSMs.

The command line and the notebooks both call :func:`run_audit`; it returns frames and
figures and writes nothing. :func:`write_outputs` writes the files a run leaves behind.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from auditlib import schema
from auditlib.config import AuditConfig, Homes
from auditlib.loader import Extract, load_complaints, scan_complaints
from auditlib.outputs import write_csv
from auditlib.timeliness import CLOCK_COLUMNS, OUTPUT_COLUMNS, Frame, assess
from auditlib.tsm import METRIC_KEYS, Period, measures

#: what timeliness and the TSMs read besides the columns the loader always checks
MEASURE_COLUMNS: tuple[str, ...] = ("tenure",)
#: the columns of the rows used that the measures read (the clocks' inputs and tenure)
_MEASURED: tuple[str, ...] = (*schema.DATE_COLUMNS, *CLOCK_COLUMNS, *MEASURE_COLUMNS)


@dataclass(frozen=True)
class AuditResult:
    """What one run found: the extract, the assessed complaints and the measures."""

    extract: Extract
    assessed: pl.DataFrame
    period: Period
    as_of: date
    metrics: dict[str, Any]

    def timeliness_table(self) -> pl.DataFrame:
        """One row per complaint: its id and the timeliness verdicts (no personal data)."""
        policy = [c for c in self.assessed.columns if c.endswith("_policy")]
        return self.assessed.select("complaint_id", *OUTPUT_COLUMNS, *policy)


def latest_date(complaints: pl.DataFrame) -> date | None:
    """The latest date recorded anywhere in the extract (the default ``as_of``)."""
    value = complaints.select(pl.max_horizontal(pl.col(schema.DATE_COLUMNS).max())).item()
    return value if isinstance(value, date) else None


def default_period(complaints: pl.DataFrame, as_of: date, *, start_month: int = 4) -> Period:
    """The latest complete reporting year with complaints in it, else the current one."""
    current = Period.reporting_year(as_of, start_month=start_month)
    previous = Period.reporting_year(
        current.start.replace(year=current.start.year - 1), start_month=start_month
    )
    first = complaints["stage1_received_date"].min()
    if isinstance(first, date) and first <= previous.end:
        return previous
    last = complaints["stage1_received_date"].max()
    anchor = last if isinstance(last, date) else as_of
    return Period.reporting_year(anchor, start_month=start_month)


def run_audit(
    extract_path: str | Path,
    *,
    config: AuditConfig | None = None,
    period: Period | None = None,
    homes: Homes | None = None,
    as_of: date | None = None,
    columns: tuple[str, ...] | None = None,
) -> AuditResult:
    """Load, assess and measure one extract.

    ``as_of`` defaults to the configured date, else the latest date in the extract (but
    never after today). The
    period defaults to the latest reporting year that had ended by ``as_of`` and holds
    complaints; failing that, the year containing the latest stage 1 receipt.
    ``columns`` narrows what is read (``MEASURE_COLUMNS`` is enough for the measures);
    by default every column is read.
    """
    config = config or AuditConfig()
    extract = load_complaints(extract_path, mapping=config.load_mapping(), columns=columns)
    as_of, period = _when(extract.complaints, config, as_of, period)
    assessed = _assess(extract.complaints, config, as_of)
    rows = (extract.rows_read, extract.rows_used, extract.rows_quarantined)
    metrics = _metrics(assessed, extract.source, rows, config, period, as_of, homes)
    return AuditResult(extract, assessed, period, as_of, metrics)


@dataclass(frozen=True)
class AuditFigures:
    """The measures of one run, without the per-complaint frames (:func:`audit_metrics`)."""

    period: Period
    as_of: date
    metrics: dict[str, Any]


def audit_metrics(
    extract_path: str | Path,
    *,
    config: AuditConfig | None = None,
    period: Period | None = None,
    homes: Homes | None = None,
    as_of: date | None = None,
) -> AuditFigures:
    """The same ``metrics`` as :func:`run_audit`, computing only what they need.

    Only ``MEASURE_COLUMNS`` and the columns the quarantine rules read are read, and of
    the clocks only the verdicts CH02 counts: no status, due date or per-complaint
    table is built.
    """
    config = config or AuditConfig()
    scan = scan_complaints(extract_path, mapping=config.load_mapping(), columns=MEASURE_COLUMNS)
    used, rows_read, quarantined = scan.collect_used(_MEASURED)
    as_of, period = _when(used, config, as_of, period)
    verdicts = _assess(used.lazy(), config, as_of)
    rows = (rows_read, used.height, quarantined)
    metrics = _metrics(verdicts, scan.source, rows, config, period, as_of, homes)
    return AuditFigures(period, as_of, metrics)


def _when(
    complaints: pl.DataFrame, config: AuditConfig, as_of: date | None, period: Period | None
) -> tuple[date, Period]:
    """The extract date and the reporting period, given or by default (see run_audit)."""
    as_of = as_of or config.as_of
    if as_of is None:
        today = date.today()  # noqa: DTZ011 - a calendar date, no time zone in play
        latest = latest_date(complaints)
        # a date typed in the future must not become the extract date and hide itself
        as_of = min(latest, today) if latest else today
    if period is None:
        period = default_period(complaints, as_of, start_month=config.reporting_year_start_month)
    return as_of, period


def _assess(complaints: Frame, config: AuditConfig, as_of: date) -> Frame:
    """The clocks under the configured calendar, reading and targets."""
    return assess(
        complaints,
        calendar=config.calendar(),
        as_of=as_of,
        interpretation=config.interpretation,
        landlord=config.landlord_targets,
    )


def _metrics(
    assessed: pl.DataFrame | pl.LazyFrame,
    source: str,
    rows: tuple[int, int, int],
    config: AuditConfig,
    period: Period,
    as_of: date,
    homes: Homes | None,
) -> dict[str, Any]:
    """The ``metrics`` object: the measures, the reconciliation (``rows``: read, used,
    quarantined), the period and the source."""
    homes = homes or config.homes
    figures = measures(assessed, period=period, homes=homes)
    rows_read, rows_used, rows_quarantined = rows
    metrics: dict[str, Any] = {key: figures[key] for key in METRIC_KEYS}
    metrics |= {
        "rows_read": rows_read,
        "rows_used": rows_used,
        "rows_quarantined": rows_quarantined,
        "period_start": period.start.isoformat(),
        "period_end": period.end.isoformat(),
        "as_of": as_of.isoformat(),
        "homes": homes.total,
        "source": source,
    }
    metrics |= {k: v for k, v in figures.items() if k not in METRIC_KEYS}
    return metrics


def write_outputs(result: AuditResult, out_dir: Path) -> dict[str, Path]:
    """Write metrics.json, timeliness.csv and quarantine.csv; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {
        "metrics": out_dir / "metrics.json",
        "timeliness": out_dir / "timeliness.csv",
        "quarantine": out_dir / "quarantine.csv",
    }
    paths["metrics"].write_text(json.dumps(result.metrics, indent=2) + "\n", encoding="utf-8")
    write_csv(result.timeliness_table(), paths["timeliness"])
    write_csv(result.extract.quarantine, paths["quarantine"])
    return paths
