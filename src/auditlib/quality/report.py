"""Data quality of a complaint extract: the suite's verdicts and the loader's quarantine, together.

:func:`validate_extract` loads an extract through the same loader and mapping as the
audit, validates the rows fit to audit against the expectation suite (run in polars by
:mod:`auditlib.checks`, which hands any entry of another kind to great-expectations
through :mod:`auditlib.expectations`) and folds the rows
the loader set aside into the same result: a duplicated reference counts against
``complaint_id_unique`` whether the loader or the suite found it, an unreadable date
against ``dates_readable``. The result, a :class:`QualityReport`, holds polars frames
only; :func:`write_report` writes its JSON summary, failing-rows CSV and HTML page.

Which checks are critical, the completeness thresholds and the date floor come from
``config/quality.yaml`` (:class:`QualitySettings`). The run fails (exit 1) when any
critical check fails; warnings are reported and do not stop it.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from auditlib import project, schema
from auditlib.config import AuditConfig, config_date
from auditlib.dates import PLAUSIBLE_YEARS
from auditlib.errors import ConfigError
from auditlib.expectations import DEFAULT_SUITE, SEVERITIES, read_suite, suite_checks
from auditlib.inputs import safe_yaml
from auditlib.loader import Extract, load_complaints
from auditlib.mapping import Mapping
from auditlib.outputs import write_csv
from auditlib.quality.checks import DEFAULT_EXAMPLES, check_frame

DEFAULT_SETTINGS = project.QUALITY_SETTINGS
_KEYS = {"suite", "date_floor", "as_of", "severity", "thresholds"}

#: checks made while loading (the loader sets such rows aside): name, provision, why, fix
LOADER_CHECKS: tuple[tuple[str, str, str, str], ...] = (
    (
        "dates_readable",
        "5.12",
        "A date the loader cannot read leaves the complaint out of every figure.",
        "unreadable dates on {count} rows: enter the date as dd/mm/yyyy (or yyyy-mm-dd); "
        "text such as 'TBC' or an impossible day such as 31/02 cannot be counted",
    ),
    (
        "extension_days_whole",
        "6.4, 6.15",
        "Extensions are agreed in whole working days.",
        "extension that is not a whole number of working days on {count} rows: "
        "record the extension in whole working days",
    ),
    (
        "numbers_readable",
        "7.2, 7.4",
        "An amount the loader cannot read leaves the complaint out of every figure.",
        "unreadable amounts on {count} rows: enter compensation as a plain number of pounds",
    ),
    (
        "flags_readable",
        "6.4, 6.15",
        "A yes/no field the loader cannot read leaves the complaint out of every figure.",
        "unreadable yes/no values on {count} rows: enter yes or no",
    ),
    (
        "quarantined_other",
        "5.12",
        "The loader set these rows aside for a reason no other check names.",
        "{count} rows set aside by the loader: see the reasons in the failing rows",
    ),
)

CHECKS_SCHEMA: dict[str, pl.DataType] = {
    "check": pl.String(),
    "provision": pl.String(),
    "severity": pl.String(),
    "status": pl.String(),
    "passed": pl.Boolean(),
    "rows_checked": pl.Int64(),
    "failing_rows": pl.Int64(),
    "found_in_quarantine": pl.Int64(),
    "share_failing": pl.Float64(),
    "threshold": pl.Float64(),
    "message": pl.String(),
    "why": pl.String(),
    "exception": pl.String(),
}
#: ``status`` of a check: it passed, failed, could not run, or its column is absent
STATUSES = ("passed", "failed", "could_not_run", "not_checked")
WORST_SCHEMA: dict[str, pl.DataType] = {
    schema.SOURCE_ROW: pl.Int64(),
    "complaint_id": pl.String(),
    "critical": pl.Int64(),
    "checks_failed": pl.Int64(),
    "checks": pl.String(),
}
FAILURES_COLUMNS = (
    schema.SOURCE_ROW,
    "complaint_id",
    "check",
    "severity",
    "provision",
    "column",
    "value",
    "found_by",
    "detail",
)


@dataclass(frozen=True)
class QualitySettings:
    """The landlord's data-quality choices (``config/quality.yaml``)."""

    path: Path | None = None
    suite: Path = DEFAULT_SUITE
    date_floor: date = date(2018, 1, 1)
    as_of: date | None = None
    severity: dict[str, str] = field(default_factory=dict)
    thresholds: dict[str, float] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path | None = None) -> QualitySettings:
        """Read the settings; with no path, ``config/quality.yaml`` if it exists."""
        if path is None:
            default = project.project_file(DEFAULT_SETTINGS)
            return cls.load(default) if default.is_file() else cls()
        path = Path(path)
        source = str(path)
        data = safe_yaml(path, what="data-quality settings file") or {}
        if not isinstance(data, dict):
            raise ConfigError(source, "expected a mapping of settings")
        unknown = set(data) - _KEYS
        if unknown:
            expected = ", ".join(sorted(_KEYS))
            msg = f"unknown setting(s) {', '.join(sorted(unknown))}; expected {expected}"
            raise ConfigError(source, msg)
        severity = dict(data.get("severity") or {})
        for check, level in severity.items():
            if level not in SEVERITIES:
                msg = f"severity of {check!r} is {level!r}; use critical or warning"
                raise ConfigError(source, msg, column="severity")
        try:
            thresholds = {str(k): float(v) for k, v in (data.get("thresholds") or {}).items()}
        except (TypeError, ValueError, AttributeError):
            msg = "thresholds are shares between 0 and 1, such as 0.98"
            raise ConfigError(source, msg, column="thresholds") from None
        for check, share in thresholds.items():
            if not 0 <= share <= 1:
                msg = f"threshold of {check!r} is {share}; give a share between 0 and 1"
                raise ConfigError(source, msg, column="thresholds")
        return cls(
            path=path,
            suite=path.parent / str(data["suite"]) if data.get("suite") else DEFAULT_SUITE,
            date_floor=_date(data.get("date_floor"), "date_floor", source) or date(2018, 1, 1),
            as_of=_date(data.get("as_of"), "as_of", source),
            severity={str(k): str(v) for k, v in severity.items()},
            thresholds=thresholds,
        )

    def read_suite(self) -> dict[str, Any]:
        """The suite with these severities and thresholds applied (a copy)."""
        suite = copy.deepcopy(read_suite(self.suite))
        by_check = {e["meta"]["check"]: e for e in suite["expectations"]}
        known = set(by_check) | {name for name, *_ in LOADER_CHECKS}
        source = str(self.path or "(data-quality settings)")
        for name in (*self.severity, *self.thresholds):
            if name not in known:
                msg = f"{name!r} is not a check in {self.suite}; see: auditlib validate --list"
                raise ConfigError(source, msg)
        for name, level in self.severity.items():
            if name in by_check:
                by_check[name]["meta"]["severity"] = level
        for name, share in self.thresholds.items():
            expectation = by_check.get(name)
            if expectation is None or expectation["type"] not in _THRESHOLD_TYPES:
                msg = f"{name!r} is not a completeness check; a threshold does not apply"
                raise ConfigError(source, msg, column="thresholds")
            expectation["kwargs"]["mostly"] = share
        return suite

    def catalogue(self) -> pl.DataFrame:
        """Every check, with its provision, severity, threshold and why it matters."""
        checks = suite_checks(self.read_suite())
        loader = pl.DataFrame(
            [
                {
                    "check": name,
                    "type": "loader",
                    "columns": "",
                    "threshold": 1.0,
                    "provision": provision,
                    "severity": self.severity.get(name, "critical"),
                    "why": why,
                    "fix": fix,
                }
                for name, provision, why, fix in LOADER_CHECKS
            ],
            schema=checks.schema,
        )
        return pl.concat([checks, loader])


_THRESHOLD_TYPES = frozenset({"expect_column_values_to_not_be_null"})


@dataclass(frozen=True)
class QualityReport:
    """The data quality of one extract: a verdict per check and its failing rows.

    Attributes
    ----------
    checks
        One row per check (the suite's, then the loader's): ``check``, ``provision``,
        ``severity``, ``status`` (one of :data:`STATUSES`), ``passed`` (null when the
        check was not run because its column is absent), ``rows_checked``,
        ``failing_rows`` (found by the suite plus set aside by the loader, counted on
        every row), ``found_in_quarantine``, ``share_failing``, ``threshold``,
        ``message`` (what to fix; null when passed), ``why`` and ``exception`` (when an
        expectation could not run).
    failures
        One row per failing row and check, at most ``examples`` rows per check (every
        one when ``examples`` is None): ``source_row``, ``complaint_id``, ``check``,
        ``severity``, ``provision``, ``column``, ``value``, ``found_by`` (``suite`` or
        ``loader``) and ``detail`` (the loader's reason). No personal data.
    worst
        The rows failing most checks, critical first (see :meth:`worst_rows`).
    rows_with_failures
        Rows failing at least one check, all counted.
    examples
        The bound on ``failures`` per check; None when every failing row is kept.
    """

    source: str
    as_of: date
    date_floor: date
    rows_read: int
    rows_used: int
    rows_quarantined: int
    checks: pl.DataFrame
    failures: pl.DataFrame
    worst: pl.DataFrame | None = None
    rows_with_failures: int | None = None
    examples: int | None = None

    @property
    def failed(self) -> pl.DataFrame:
        """Failed checks, critical first, then by failing rows."""
        return self.checks.filter(~pl.col("passed")).sort(
            pl.col("severity") != "critical", pl.col("failing_rows"), descending=[False, True]
        )

    @property
    def passed(self) -> bool:
        """True when every critical check passed."""
        return self.failed.filter(pl.col("severity") == "critical").height == 0

    @property
    def exit_code(self) -> int:
        """0 when every critical check passed, 1 otherwise."""
        return 0 if self.passed else 1

    def by_check(self) -> pl.DataFrame:
        """The failed checks as a person reads them: severity, provision at risk, rows, fix."""
        return self.failed.select(
            "severity",
            "check",
            pl.col("provision").alias("provision at risk"),
            "failing_rows",
            "message",
        )

    def worst_rows(self, n: int = 20) -> pl.DataFrame:
        """The rows failing most checks (critical first): source row, id, checks failed."""
        if self.worst is not None:
            return self.worst.head(n)
        return (
            self.failures.group_by(schema.SOURCE_ROW, "complaint_id")
            .agg(
                critical=(pl.col("severity") == "critical").sum(),
                checks_failed=pl.len(),
                checks=pl.col("check").unique(maintain_order=True).str.join(", "),
            )
            .sort("critical", "checks_failed", schema.SOURCE_ROW, descending=[True, True, False])
            .head(n)
        )

    def summary(self) -> dict[str, Any]:
        """The JSON summary: counts, the verdict and every check."""
        failed = self.failed
        return {
            "source": self.source,
            "as_of": self.as_of.isoformat(),
            "date_floor": self.date_floor.isoformat(),
            "rows_read": self.rows_read,
            "rows_used": self.rows_used,
            "rows_quarantined": self.rows_quarantined,
            "passed": self.passed,
            "exit_code": self.exit_code,
            "checks_run": self.checks.height,
            "critical_failed": failed.filter(pl.col("severity") == "critical").height,
            "warnings_failed": failed.filter(pl.col("severity") == "warning").height,
            "rows_with_failures": self._rows_with_failures(),
            "failing_rows_listed": "all" if self.examples is None else self.examples,
            "not_checked": self.checks.filter(pl.col("status") == "not_checked")["check"].to_list(),
            "checks": self.checks.drop("why").to_dicts(),
        }

    def _rows_with_failures(self) -> int:
        if self.rows_with_failures is not None:
            return self.rows_with_failures
        if not self.failures.height:
            return 0
        return int(
            self.failures.select(pl.struct(schema.SOURCE_ROW, "complaint_id").n_unique()).item()
        )

    def text(self) -> str:
        """The readable summary the command prints."""
        summary = self.summary()
        lines = [
            f"Data quality of {self.source} (dates from {self.date_floor} to {self.as_of})",
            f"rows read {self.rows_read:,} = rows used {self.rows_used:,} "
            f"+ rows quarantined {self.rows_quarantined:,}",
            f"{summary['checks_run']} checks: {summary['critical_failed']} critical failed, "
            f"{summary['warnings_failed']} warnings",
        ]
        for row in self.failed.iter_rows(named=True):
            label = "CRITICAL" if row["severity"] == "critical" else "warning "
            lines.append(f"  {label} {row['check']} (Code {row['provision']}): {row['message']}")
        skipped = self.checks.filter(pl.col("status") == "not_checked")["check"].to_list()
        if skipped:
            lines.append(f"  not checked, their column is not in the extract: {', '.join(skipped)}")
        if self.passed:
            lines.append("PASS: every critical check passed")
        else:
            lines.append("FAIL: critical checks failed")
        return "\n".join(lines)


def validate_extract(
    path: str | Path,
    *,
    settings: QualitySettings | str | Path | None = None,
    config: AuditConfig | str | Path | None = None,
    mapping: Mapping | str | Path | None = None,
    as_of: date | str | None = None,
    examples: int | None = DEFAULT_EXAMPLES,
) -> QualityReport:
    """Load an extract as the audit does and check its quality.

    Every check is counted on every row; ``examples`` bounds the failing rows listed per
    check (``None`` lists them all).

    Parameters
    ----------
    path
        The extract (CSV, XLSX or Parquet).
    settings
        Data-quality settings or their file (default ``config/quality.yaml``).
    config
        The audit configuration or its file, for the mapping and ``as_of``. Default:
        ``config/auditlib.yaml`` only if it names this extract (no borrowed settings).
    mapping
        A mapping or mapping file; overrides the configuration's.
    as_of
        The date the extract was taken (no date may be later). Default: the settings'
        ``as_of``, else the configuration's, else today.

    Raises
    ------
    InputError
        The extract cannot be read at all (the command exits 2).
    """
    if not isinstance(settings, QualitySettings):
        settings = QualitySettings.load(settings)
    if not isinstance(config, AuditConfig):
        config, _ = AuditConfig.for_extract(config, path)
    if mapping is None:
        mapping = config.load_mapping()
    suite = settings.read_suite()
    extract = load_complaints(path, mapping=mapping)
    if isinstance(as_of, str):
        as_of = _date(as_of, "as_of", "(as_of)")
    as_of = as_of or settings.as_of or config.as_of or date.today()  # noqa: DTZ011
    return validate_loaded(
        extract,
        suite=suite,
        date_floor=settings.date_floor,
        as_of=as_of,
        loader_severity=settings.severity,
        examples=examples,
    )


def validate_loaded(
    extract: Extract,
    *,
    suite: MappingABC[str, Any],
    date_floor: date,
    as_of: date,
    loader_severity: MappingABC[str, str] | None = None,
    examples: int | None = DEFAULT_EXAMPLES,
) -> QualityReport:
    """Check a loaded extract against ``suite`` and fold in its quarantine.

    ``loader_severity`` overrides the severity of the loader's checks (critical by
    default); the suite's severities are taken as given. A check reading a column the
    extract does not hold is not run (``status`` ``not_checked``): the absent column is
    one finding, of ``columns_present``, not a failure on every row. ``examples``
    bounds the failing rows listed per check (``None``: all).
    """
    ran = check_frame(
        extract.complaints,
        suite,
        parameters={"date_floor": date_floor, "as_of": as_of},
        found=extract.found_columns or None,
        examples=examples,
    )
    validation = ran.validation
    meta = {e["meta"]["check"]: e["meta"] for e in suite["expectations"]}
    thresholds = {
        e["meta"]["check"]: float(e.get("kwargs", {}).get("mostly", 1.0))
        for e in suite["expectations"]
    }
    for name, provision, why, fix in LOADER_CHECKS:
        level = (loader_severity or {}).get(name, "critical")
        meta[name] = {"provision": provision, "why": why, "fix": fix, "severity": level}
        thresholds[name] = 1.0
    quarantined = quarantine_failures(extract.quarantine, suite)
    listed = quarantined if examples is None else quarantined.group_by("check").head(examples)
    failures = pl.concat(
        [
            validation.failures.with_columns(
                found_by=pl.lit("suite"), detail=pl.lit(None, pl.String)
            ),
            listed.sort(schema.SOURCE_ROW).with_columns(found_by=pl.lit("loader")),
        ],
        how="diagonal",
    )
    severity = {name: m["severity"] for name, m in meta.items()}
    failures = failures.with_columns(
        severity=pl.col("check").replace_strict(severity, return_dtype=pl.String),
        provision=pl.col("check").replace_strict(
            {n: str(m["provision"]) for n, m in meta.items()}, return_dtype=pl.String
        ),
    ).select(FAILURES_COLUMNS)
    from_loader = dict(quarantined.group_by("check").len().iter_rows())
    rows = []
    context = {"date_floor": date_floor.isoformat(), "as_of": as_of.isoformat()}
    results = {r["check"]: r for r in validation.results.iter_rows(named=True)}
    for name in [*results, *(n for n, *_ in LOADER_CHECKS)]:
        result = results.get(name)
        in_quarantine = int(from_loader.get(name, 0))
        if result is None:  # a loader check: nothing to run, only what was set aside
            result = {"success": True, "rows_checked": None, "failing_rows": 0}
            result |= {"observed": None, "exception": None}
        found = int(result["failing_rows"] or 0) + in_quarantine
        checked = result["rows_checked"]
        base = (checked or 0) + in_quarantine
        absent = result["success"] is None and not result["exception"]
        if absent and not in_quarantine:
            status, passed = "not_checked", None
        elif result["exception"]:
            status, passed = "could_not_run", False
        else:
            passed = bool(result["success"]) and in_quarantine == 0
            status = "passed" if passed else "failed"
        message = None
        if status == "could_not_run":
            message = f"this check could not run ({result['exception']}); correct the suite entry"
        elif status == "not_checked":
            message = f"not checked: {result['observed']} is not in the extract (columns_present)"
        elif not passed:
            missing = (result["observed"] or "").split(", ")
            message = _message(
                meta[name]["fix"],
                context
                | {
                    "count": f"{found:,}",
                    "checked": f"{base:,}",
                    "pct": _pct(found / base if base else None),
                    "threshold": _pct(thresholds[name]),
                    "observed": result["observed"] or "columns",
                    "provisions": _provisions(missing),
                },
            )
        rows.append(
            {
                "check": name,
                "provision": str(meta[name]["provision"]),
                "severity": severity[name],
                "status": status,
                "passed": passed,
                "rows_checked": checked,
                "failing_rows": None if status == "not_checked" else found,
                "found_in_quarantine": in_quarantine,
                "share_failing": found / base if base and status != "not_checked" else None,
                "threshold": thresholds[name],
                "message": message,
                "why": meta[name]["why"],
                "exception": result["exception"],
            }
        )
    return QualityReport(
        source=extract.source,
        as_of=as_of,
        date_floor=date_floor,
        rows_read=extract.rows_read,
        rows_used=extract.rows_used,
        rows_quarantined=extract.rows_quarantined,
        checks=pl.DataFrame(rows, schema=CHECKS_SCHEMA),
        failures=failures,
        worst=_worst(ran.worst, quarantined, severity, examples),
        rows_with_failures=ran.rows_failing + extract.rows_quarantined,
        examples=examples,
    )


def _provisions(columns: list[str]) -> str:
    """The Code provisions the named columns evidence, in order, without repeats."""
    found = [
        p.strip()
        for c in columns
        if c in schema.BY_NAME
        for p in schema.BY_NAME[c].provision.split(",")
    ]
    return ", ".join(dict.fromkeys(found))


def _worst(
    suite_rows: pl.DataFrame,
    quarantined: pl.DataFrame,
    severity: MappingABC[str, str],
    examples: int | None,
) -> pl.DataFrame:
    """The rows failing most checks, critical first: the suite's and the loader's."""
    loader_rows = (
        quarantined.with_columns(
            critical=pl.col("check").replace_strict(severity, return_dtype=pl.String) == "critical"
        )
        .group_by(schema.SOURCE_ROW, "complaint_id")
        .agg(
            critical=pl.col("critical").sum().cast(pl.Int64),
            checks_failed=pl.col("check").n_unique().cast(pl.Int64),
            checks=pl.col("check").unique(maintain_order=True).str.join(", "),
        )
    )
    types = pl.Schema(WORST_SCHEMA)
    ranked = pl.concat([suite_rows.cast(types), loader_rows.cast(types)]).sort(
        "critical", "checks_failed", schema.SOURCE_ROW, descending=[True, True, False]
    )
    return ranked if examples is None else ranked.head(examples)


# --- the loader's quarantine, named by check -----------------------------------------

_READ = re.compile(
    r"^(\w+) '(.*)' is not (a day-first or ISO date|a whole number|a number|yes or no"
    r"|a date in the years \d+ to \d+)$"
)
_READ_CHECK = {
    "a day-first or ISO date": "dates_readable",
    "a whole number": "extension_days_whole",
    "a number": "numbers_readable",
    "yes or no": "flags_readable",
}
_READ_CHECK["a date in the years {} to {}".format(*PLAUSIBLE_YEARS)] = "dates_readable"
_ORDER = re.compile(r"\((\w+) (\S+) before (\w+) (\S+)\)$")
_DUPLICATE = re.compile(r"^complaint_id '(.*)' appears on \d+ rows")
_NO_REQUEST = "stage 2 acknowledged or answered with no stage2_requested_date"


def quarantine_failures(quarantine: pl.DataFrame, suite: MappingABC[str, Any]) -> pl.DataFrame:
    """One row per reason the loader gave, named by the check it breaks.

    Returns ``check``, ``source_row``, ``complaint_id``, ``column``, ``value`` and
    ``detail`` (the loader's own words). An order problem is named by the suite's pair
    check for the same two columns; a reason no check names goes to
    ``quarantined_other``. Vectorised: the cost is the same for ten rows or a million.
    """
    pairs = {
        f"{e['kwargs']['column_A']}|{e['kwargs']['column_B']}": e["meta"]["check"]
        for e in suite["expectations"]
        if e["type"] == "expect_column_pair_values_a_to_be_greater_than_b"
    }
    follow_up = ("stage2_acknowledged_date", "stage2_response_date")
    reasons = (
        quarantine.select(
            schema.SOURCE_ROW,
            "complaint_id",
            *(
                (pl.col(c) if c in quarantine.columns else pl.lit(None, pl.String)).alias(c)
                for c in follow_up
            ),
            pl.col("reasons").fill_null("").str.split("; ").alias("detail"),
        )
        .explode("detail")
        .filter(pl.col("detail") != "")
    )
    detail = pl.col("detail")
    read = detail.str.extract_groups(_READ.pattern)
    order = detail.str.extract_groups(_ORDER.pattern)
    pair = pl.concat_str(order.struct[0], order.struct[2], separator="|").replace_strict(
        pairs, default=None, return_dtype=pl.String
    )
    named = reasons.filter(detail != _NO_REQUEST).select(
        pl.when(detail == "complaint_id is blank")
        .then(pl.lit("complaint_id_present"))
        .when(detail.str.contains(_DUPLICATE.pattern))
        .then(pl.lit("complaint_id_unique"))
        .when(detail == "stage1_received_date is blank")
        .then(pl.lit("stage1_received_date_present"))
        .when(read.struct[2].is_not_null())
        .then(read.struct[2].replace_strict(_READ_CHECK, return_dtype=pl.String))
        .when(pair.is_not_null())
        .then(pair)
        .otherwise(pl.lit("quarantined_other"))
        .alias("check"),
        schema.SOURCE_ROW,
        "complaint_id",
        pl.when(detail.is_in(["complaint_id is blank"]) | detail.str.contains(_DUPLICATE.pattern))
        .then(pl.lit("complaint_id"))
        .when(detail == "stage1_received_date is blank")
        .then(pl.lit("stage1_received_date"))
        .when(read.struct[2].is_not_null())
        .then(read.struct[0])
        .when(pair.is_not_null())
        .then(pl.format("{}, {}", order.struct[0], order.struct[2]))
        .alias("column"),
        pl.when(detail.str.contains(_DUPLICATE.pattern))
        .then(detail.str.extract(_DUPLICATE.pattern, 1))
        .when(read.struct[2].is_not_null())
        .then(read.struct[1])
        .when(pair.is_not_null())
        .then(pl.format("{} {}; {} {}", *(order.struct[i] for i in range(4))))
        .alias("value"),
        "detail",
    )
    unrequested = reasons.filter(detail == _NO_REQUEST)
    parts = [named]
    for column, check in zip(follow_up, _NEEDS_REQUEST, strict=True):
        parts.append(
            unrequested.filter(pl.col(column).is_not_null()).select(
                pl.lit(check).alias("check"),
                schema.SOURCE_ROW,
                "complaint_id",
                pl.lit(column).alias("column"),
                pl.col(column).alias("value"),
                "detail",
            )
        )
    parts.append(
        unrequested.filter(pl.all_horizontal(pl.col(c).is_null() for c in follow_up)).select(
            pl.lit("quarantined_other").alias("check"),
            schema.SOURCE_ROW,
            "complaint_id",
            pl.lit(None, pl.String).alias("column"),
            pl.lit(None, pl.String).alias("value"),
            "detail",
        )
    )
    types = pl.Schema(
        {
            "check": pl.String(),
            schema.SOURCE_ROW: pl.Int64(),
            "complaint_id": pl.String(),
            "column": pl.String(),
            "value": pl.String(),
            "detail": pl.String(),
        }
    )
    return pl.concat([p.cast(types) for p in parts]).sort(schema.SOURCE_ROW, maintain_order=True)


_NEEDS_REQUEST = ("stage2_acknowledged_needs_request", "stage2_response_needs_request")


# --- writing -------------------------------------------------------------------------


def write_report(report: QualityReport, out_dir: str | Path) -> dict[str, Path]:
    """Write ``summary.json``, ``failing_rows.csv``, ``failures.svg`` and ``data_quality.html``.

    ``failing_rows.csv`` holds the failing rows the report lists: up to
    ``report.examples`` per check, or every one when the report was made with
    ``examples=None``. The HTML page is self-contained (styles inline, chart as inline
    SVG): it reads the same with the network cut off.
    """
    from auditlib.reports.quality import failures_chart, html_page, svg

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "summary": out / "summary.json",
        "failing_rows": out / "failing_rows.csv",
        "chart": out / "failures.svg",
        "html": out / "data_quality.html",
    }
    paths["summary"].write_text(json.dumps(report.summary(), indent=2) + "\n", encoding="utf-8")
    write_csv(report.failures, paths["failing_rows"])
    chart_svg = svg(failures_chart(report.checks))
    paths["chart"].write_text(chart_svg, encoding="utf-8")
    paths["html"].write_text(html_page(report, chart_svg=chart_svg), encoding="utf-8")
    return paths


def _pct(share: float | None) -> str:
    if share is None:
        return "n/a"
    return f"{share * 100:.1f}%".replace(".0%", "%")


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


_ONE = re.compile(r"\{count\} ((?:[a-z0-9]+ ){0,3}?)(row|complaint|escalation)s\b")


def _message(template: str, values: MappingABC[str, str]) -> str:
    """Fill in the template; a count of 1 takes the singular ('1 row', not '1 rows').

    Examples
    --------
    >>> _message("missing on {count} answered stage 1 complaints", {"count": "1"})
    'missing on 1 answered stage 1 complaint'
    >>> _message("missing on {count} answered stage 1 complaints", {"count": "160"})
    'missing on 160 answered stage 1 complaints'
    """
    if values.get("count") == "1":
        template = _ONE.sub(r"{count} \1\2", template)
    return template.format_map(_Blank(values))


def _date(value: Any, key: str, source: str) -> date | None:
    return None if value in (None, "") else config_date(value, key, source)
