"""The only module that imports great-expectations: suite JSON in, polars frames out.

A suite is a plain JSON file in great-expectations' own 1.x shape (``name``,
``expectations[]`` with ``type``, ``kwargs`` and ``meta``), kept in ``expectations/``.
Every expectation names itself in ``meta.check`` and carries the Code provision it
protects (``meta.provision``), why it matters (``meta.why``), the message a person acts
on (``meta.fix``, a template) and a default ``meta.severity`` (``critical`` or
``warning``).

:func:`read_suite` and :func:`suite_checks` need only the standard library and polars.
The kinds of entry the complaint suite uses are evaluated in polars by
:mod:`auditlib.quality.checks`; :func:`validate_frame` runs any suite with great-expectations
(for other kinds of entry, and as the reference a test holds the polars evaluation
to). It imports great-expectations inside the call, so importing this
module costs nothing, and nothing else in :mod:`auditlib` imports it at module level:
``auditlib metrics`` and the rest run where great-expectations cannot be installed
(its documentation lists Windows as unsupported).

At the edge
    Only the columns the suite reads cross into pandas (one ``to_pandas()``); columns
    holding personal data never do. Dates cross as whole days since 1970-01-01:
    great-expectations' row-by-row range check on ``datetime64`` costs about 7 s per
    million rows against about 1 s on numbers, and a string bound on a date column fails
    silently. The ``date_floor`` and ``as_of`` parameters are converted the same way and
    failing values are turned back into dates before they leave this module.
    Validation runs in an ephemeral context (no ``gx/`` folder), with progress bars off
    and no network.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl

from auditlib import project, schema
from auditlib.errors import AuditError, ConfigError

#: the suite every extract is validated against, relative to the working folder
DEFAULT_SUITE = project.SUITE
SEVERITIES = ("critical", "warning")
_META_KEYS = ("check", "provision", "severity", "why", "fix")
_EPOCH = date(1970, 1, 1)
#: columns that identify a failing row in every result
ID_COLUMNS = (schema.SOURCE_ROW, "complaint_id")

RESULTS_SCHEMA: dict[str, pl.DataType] = {
    "check": pl.String(),
    "success": pl.Boolean(),
    "rows_checked": pl.Int64(),
    "failing_rows": pl.Int64(),
    "observed": pl.String(),
    "exception": pl.String(),
}
FAILURES_SCHEMA: dict[str, pl.DataType] = {
    "check": pl.String(),
    schema.SOURCE_ROW: pl.Int64(),
    "complaint_id": pl.String(),
    "column": pl.String(),
    "value": pl.String(),
}


class ValidationUnavailableError(AuditError):
    """great-expectations is not installed, so ``auditlib validate`` cannot run."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail

    def __str__(self) -> str:
        return (
            f"great-expectations is not available ({self.detail}); install it with "
            "pip install 'auditlib[validate]' on Linux, macOS or WSL (it does not "
            "support Windows). Every other command works without it"
        )


@dataclass(frozen=True)
class Validation:
    """What one validation found, as polars frames (no great-expectations objects).

    Attributes
    ----------
    results
        One row per expectation: ``check``, ``success``, ``rows_checked`` (after any row
        condition), ``failing_rows``, ``observed`` (table-level findings, as text) and
        ``exception`` (the error text when the expectation itself raised, else null).
    failures
        One row per failing row and check: ``check``, ``source_row``, ``complaint_id``,
        ``column`` and ``value`` (as text; a pair check shows both dates).
    """

    results: pl.DataFrame
    failures: pl.DataFrame

    @property
    def raised(self) -> pl.DataFrame:
        """Expectations that raised instead of giving a verdict."""
        return self.results.filter(pl.col("exception").is_not_null())


def read_suite(path: str | Path = DEFAULT_SUITE) -> dict[str, Any]:
    """Read a suite file and check that every expectation carries its metadata.

    Raises
    ------
    ConfigError
        The file is missing or not JSON, or an expectation lacks ``meta.check``,
        ``provision``, ``severity``, ``why`` or ``fix``, or two share a check name.
    """
    path = project.project_file(Path(path))
    source = str(path)
    try:
        suite = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        msg = "expectation suite not found; run from the project folder or set 'suite'"
        raise ConfigError(source, msg) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        msg = f"not valid JSON: {exc}"
        raise ConfigError(source, msg) from None
    if not isinstance(suite, dict) or not isinstance(suite.get("expectations"), list):
        raise ConfigError(source, "expected a suite with 'name' and 'expectations'")
    seen: set[str] = set()
    for index, expectation in enumerate(suite["expectations"]):
        meta = expectation.get("meta") or {}
        missing = [k for k in _META_KEYS if not meta.get(k)]
        if "type" not in expectation or missing:
            msg = f"expectation {index + 1} lacks {', '.join(missing or ['type'])} in its meta"
            raise ConfigError(source, msg)
        if meta["severity"] not in SEVERITIES:
            msg = f"{meta['check']!r}: severity {meta['severity']!r} is not critical or warning"
            raise ConfigError(source, msg)
        if meta["check"] in seen:
            msg = f"two expectations are named {meta['check']!r}; give each its own meta.check"
            raise ConfigError(source, msg)
        seen.add(meta["check"])
    return suite


def suite_checks(suite: Mapping[str, Any]) -> pl.DataFrame:
    """One row per expectation: its check name, type, columns, threshold and metadata.

    Examples
    --------
    >>> suite = {"expectations": [{"type": "expect_column_values_to_not_be_null",
    ...     "kwargs": {"column": "tenure", "mostly": 0.99},
    ...     "meta": {"check": "tenure_recorded", "provision": "CH01", "severity": "warning",
    ...              "why": "w", "fix": "f"}}]}
    >>> suite_checks(suite).select("check", "columns", "threshold").row(0)
    ('tenure_recorded', 'tenure', 0.99)
    """
    rows = []
    for expectation in suite["expectations"]:
        kwargs, meta = expectation.get("kwargs", {}), expectation["meta"]
        rows.append(
            {
                "check": meta["check"],
                "type": expectation["type"],
                "columns": ", ".join(column_names(kwargs)),
                "threshold": float(kwargs.get("mostly", 1.0)),
                "provision": str(meta["provision"]),
                "severity": meta["severity"],
                "why": meta["why"],
                "fix": meta["fix"],
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "check": pl.String(),
            "type": pl.String(),
            "columns": pl.String(),
            "threshold": pl.Float64(),
            "provision": pl.String(),
            "severity": pl.String(),
            "why": pl.String(),
            "fix": pl.String(),
        },
    )


def validate_frame(
    frame: pl.DataFrame,
    suite: Mapping[str, Any],
    *,
    parameters: Mapping[str, Any] | None = None,
) -> Validation:
    """Validate a canonical complaints frame against a suite with great-expectations.

    Parameters
    ----------
    frame
        Canonical columns (see :mod:`auditlib.schema`) with ``source_row`` if known.
    suite
        A suite as returned by :func:`read_suite` (it is not modified).
    parameters
        Values for ``{"$PARAMETER": name}`` references in the suite; dates are passed
        as :class:`datetime.date`.

    Raises
    ------
    ValidationUnavailableError
        great-expectations cannot be imported.
    """
    gx = _import_gx()
    frame = _with_ids(frame)
    needed = _needed_columns(suite, frame.columns)
    dates = [c for c in needed if frame.schema[c] in (pl.Date(), pl.Datetime())]
    narrow = frame.select(
        *(pl.col(c).cast(pl.Date).cast(pl.Int32) if c in dates else pl.col(c) for c in needed)
    )
    values = {k: _days(v) if isinstance(v, date) else v for k, v in (parameters or {}).items()}

    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    usable, refused = _build(gx, suite)
    gx_suite = gx.ExpectationSuite(name=str(suite.get("name", "suite")), expectations=usable)
    batch = (
        context.data_sources.add_pandas(name="extract")
        .add_dataframe_asset(name="complaints")
        .add_batch_definition_whole_dataframe(name="whole")
        .get_batch(batch_parameters={"dataframe": narrow.to_pandas()})
    )
    outcome = batch.validate(
        gx_suite,
        result_format={
            "result_format": "COMPLETE",
            "unexpected_index_column_names": list(ID_COLUMNS),
            "partial_unexpected_count": 0,
        },
        expectation_parameters=values,
    )
    results: list[dict[str, Any]] = [
        {"check": check, "success": False, "rows_checked": None, "failing_rows": None}
        | {"observed": None, "exception": error}
        for check, error in refused.items()
    ]
    failures: list[dict[str, Any]] = []
    for result in outcome.results:
        config = result.expectation_config
        check = config.meta["check"]
        info = result.exception_info or {}
        error = _exception_text(info)
        body = result.result or {}
        checked = body.get("element_count")
        if checked is not None and body.get("missing_count") is not None:
            null_rows_skipped = config.type in _SKIPS_NULLS
            checked = checked - body["missing_count"] if null_rows_skipped else checked
        results.append(
            {
                "check": check,
                "success": bool(result.success) and error is None,
                "rows_checked": checked,
                "failing_rows": body.get("unexpected_count"),
                "observed": _observed(config.type, body),
                "exception": error,
            }
        )
        for row in body.get("unexpected_index_list") or []:
            failures.append(_failure(check, row, dates))
    order = {e["meta"]["check"]: i for i, e in enumerate(suite["expectations"])}
    results_frame = (
        pl.DataFrame(results, schema=RESULTS_SCHEMA)
        .with_columns(pl.col("check").replace_strict(order, return_dtype=pl.Int64).alias("_o"))
        .sort("_o")
        .drop("_o")
    )
    failures_frame = pl.DataFrame(failures, schema=FAILURES_SCHEMA).sort(
        schema.SOURCE_ROW, "check", nulls_last=True, maintain_order=True
    )
    return Validation(results=results_frame, failures=failures_frame)


# --- helpers -------------------------------------------------------------------------

# expectations whose element_count includes null rows they do not judge
_SKIPS_NULLS = frozenset(
    {
        "expect_column_values_to_be_between",
        "expect_column_values_to_be_in_set",
        "expect_column_values_to_be_unique",
        "expect_column_pair_values_a_to_be_greater_than_b",
    }
)


def _build(gx: Any, suite: Mapping[str, Any]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The expectations great-expectations accepts, and the refused ones with the reason.

    GX checks arguments when an expectation is made (a bound that is no date or
    number is refused there); a refused entry is reported, never dropped silently.
    """
    usable: list[dict[str, Any]] = []
    refused: dict[str, str] = {}
    for expectation in suite["expectations"]:
        entry = {k: expectation[k] for k in ("type", "kwargs", "meta") if k in expectation}
        try:
            gx.ExpectationSuite(name="probe", expectations=[entry])
        except Exception as exc:  # pydantic and GX raise several types here
            first = str(exc).strip().splitlines()
            refused[expectation["meta"]["check"]] = (
                f"{type(exc).__name__}: {' '.join(first[:3])}" if first else type(exc).__name__
            )
            continue
        usable.append(entry)
    return usable, refused


def _import_gx() -> Any:
    try:
        import great_expectations as gx
    except ImportError as exc:  # pragma: no cover - depends on the machine
        raise ValidationUnavailableError(str(exc)) from None
    return gx


def column_names(kwargs: Mapping[str, Any]) -> list[str]:
    """The columns an expectation reads: its own and those of its row condition."""
    names = [kwargs[k] for k in ("column", "column_A", "column_B") if k in kwargs]
    names += list(kwargs.get("column_set") or [])
    condition = kwargs.get("row_condition")
    names += _condition_columns(condition) if isinstance(condition, Mapping) else []
    return list(dict.fromkeys(names))


def _condition_columns(condition: Mapping[str, Any]) -> list[str]:
    if "conditions" in condition:
        return [c for part in condition["conditions"] for c in _condition_columns(part)]
    column = condition.get("column")
    return [column["name"]] if isinstance(column, Mapping) else []


def _needed_columns(suite: Mapping[str, Any], present: Sequence[str]) -> list[str]:
    wanted = list(ID_COLUMNS)
    for expectation in suite["expectations"]:
        wanted += column_names(expectation.get("kwargs", {}))
    personal = set(schema.PERSONAL_COLUMNS)
    return [c for c in dict.fromkeys(wanted) if c in present and c not in personal]


def _with_ids(frame: pl.DataFrame) -> pl.DataFrame:
    if schema.SOURCE_ROW not in frame.columns:
        frame = frame.with_columns(
            pl.int_range(2, frame.height + 2, dtype=pl.Int64).alias(schema.SOURCE_ROW)
        )
    if "complaint_id" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, pl.String).alias("complaint_id"))
    return frame


def _days(value: date) -> int:
    day = value.date() if isinstance(value, datetime) else value
    return (day - _EPOCH).days


def _exception_text(info: Mapping[str, Any]) -> str | None:
    """The error an expectation raised, if any (GX reports some errors only here)."""
    if info.get("raised_exception"):
        return str(info.get("exception_message") or "raised an exception")
    for nested in info.values():  # keyed by metric when several metrics were computed
        if isinstance(nested, Mapping) and nested.get("raised_exception"):
            return str(nested.get("exception_message") or "raised an exception")
    return None


def _observed(kind: str, body: Mapping[str, Any]) -> str | None:
    if kind == "expect_table_columns_to_match_set":
        missing = ((body.get("details") or {}).get("mismatched") or {}).get("missing") or []
        return ", ".join(sorted(missing)) or None
    value = body.get("observed_value")
    return None if value is None else str(value)


def _text(value: Any, *, is_date: bool) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if is_date:
        return (_EPOCH + timedelta(days=int(value))).isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _failure(check: str, row: Mapping[str, Any], dates: Sequence[str]) -> dict[str, Any]:
    columns = [c for c in row if c not in ID_COLUMNS]
    shown = [(c, _text(row[c], is_date=c in dates)) for c in columns]
    source_row = row.get(schema.SOURCE_ROW)
    cid = row.get("complaint_id")
    return {
        "check": check,
        schema.SOURCE_ROW: None if source_row is None else int(source_row),
        "complaint_id": None if cid is None or cid != cid else str(cid),
        "column": ", ".join(columns) if columns else "complaint_id",
        "value": "; ".join(f"{c} {v if v is not None else '(blank)'}" for c, v in shown)
        if len(shown) > 1
        else (shown[0][1] if shown else (None if cid != cid else cid)),
    }
