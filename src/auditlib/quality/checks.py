"""The expectation suite run in polars: a count for every check on every row, examples bounded.

The suite (``expectations/complaints_extract.json``, great-expectations' own JSON) is
the one list of rules. :func:`check_frame` reads each entry and evaluates it as a
polars expression, so its cost is bounded by the data, not by the number of failures:
every check is counted on every row in one pass, and row-level detail is kept for at
most ``examples`` rows per check (all of them when ``examples`` is ``None``).

The entry types the complaint suite uses are evaluated here, with great-expectations'
meaning (a test runs both engines on the same frames and compares them):

========================================================  ==============================
``expect_table_columns_to_match_set`` (``exact_match``     the columns the extract lacks
false)
``expect_column_values_to_not_be_null`` (``mostly``)       null values
``expect_column_values_to_be_null``                        values present
``expect_column_values_to_be_between`` (dates, numbers)    values outside the bounds
``expect_column_values_to_be_in_set``                      values not in the set
``expect_column_values_to_be_unique``                      repeated values
``expect_column_pair_values_a_to_be_greater_than_b``       A before B (both present)
========================================================  ==============================

with ``row_condition`` of the ``nullity`` kind (and lists of them). Any other entry is
run by great-expectations (:func:`auditlib.expectations.validate_frame`) on the columns
it reads. A check whose column the extract does not hold is not run: it is reported
once, as not checked, and the missing column is the finding of ``columns_present``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import polars as pl

from auditlib import schema
from auditlib.expectations import (
    FAILURES_SCHEMA,
    ID_COLUMNS,
    RESULTS_SCHEMA,
    Validation,
    column_names,
    validate_frame,
)

#: how many failing rows each check keeps as examples, unless told otherwise
DEFAULT_EXAMPLES = 1_000

_TABLE = "expect_table_columns_to_match_set"
_ROW_TYPES = frozenset(
    {
        "expect_column_values_to_not_be_null",
        "expect_column_values_to_be_null",
        "expect_column_values_to_be_between",
        "expect_column_values_to_be_in_set",
        "expect_column_values_to_be_unique",
        "expect_column_pair_values_a_to_be_greater_than_b",
    }
)
_KNOWN_KWARGS = frozenset(
    {
        "column",
        "column_A",
        "column_B",
        "column_set",
        "exact_match",
        "mostly",
        "min_value",
        "max_value",
        "strict_min",
        "strict_max",
        "value_set",
        "or_equal",
        "ignore_row_if",
        "row_condition",
    }
)


class _CannotRun(Exception):
    """The entry cannot be evaluated as written (a bad bound, a missing parameter)."""


@dataclass(frozen=True)
class Checked:
    """What :func:`check_frame` found.

    Attributes
    ----------
    validation
        ``results`` (one row per check, counted on every row) and ``failures`` (the
        example rows, at most ``examples`` per check).
    worst
        The rows failing most checks, critical first, at most ``examples`` of them:
        ``source_row``, ``complaint_id``, ``critical``, ``checks_failed``, ``checks``.
    rows_failing
        Rows failing at least one check (all of them counted).
    """

    validation: Validation
    worst: pl.DataFrame
    rows_failing: int


@dataclass(frozen=True)
class _Rule:
    """One suite entry as polars expressions over the frame."""

    check: str
    columns: tuple[str, ...]
    #: rows the check judges (after its condition, without the nulls it skips); None: all
    judged: pl.Expr | None
    #: rows that fail it (a subset of ``judged``)
    failing: pl.Expr
    mostly: float
    critical: bool
    #: what an example row shows: (column label, value text)
    shown: tuple[str, pl.Expr]


def check_frame(
    frame: pl.DataFrame,
    suite: Mapping[str, Any],
    *,
    parameters: Mapping[str, Any] | None = None,
    found: Collection[str] | None = None,
    examples: int | None = DEFAULT_EXAMPLES,
) -> Checked:
    """Run ``suite`` on a canonical complaints frame: verdicts, examples, the worst rows.

    Parameters
    ----------
    frame
        Canonical columns (see :mod:`auditlib.schema`) with ``source_row`` if known.
    suite
        A suite as :func:`auditlib.expectations.read_suite` returns it.
    parameters
        Values for ``{"$PARAMETER": name}`` references (dates as :class:`datetime.date`).
    found
        The columns the extract really holds; a check reading any other is not run
        (its ``success`` is null). By default every column of ``frame``.
    examples
        Failing rows kept per check in ``Validation.failures``; ``None`` keeps them all.

    Great-expectations, where an entry needs it, runs on the rows as they are and its
    failing rows are cut to ``examples`` afterwards; they are not in ``worst``.
    """
    frame = _with_ids(frame)
    present = set(frame.columns) if found is None else set(found) & set(frame.columns)
    values = dict(parameters or {})
    rules: list[_Rule] = []
    results: dict[str, dict[str, Any]] = {}
    by_gx: list[dict[str, Any]] = []
    for entry in suite["expectations"]:
        check = entry["meta"]["check"]
        kind, kwargs = entry["type"], entry.get("kwargs", {})
        if kind == _TABLE and kwargs.get("exact_match") is False:
            missing = [c for c in kwargs.get("column_set") or [] if c not in present]
            results[check] = _result(check, success=not missing, observed=", ".join(missing))
            continue
        if kind not in _ROW_TYPES or set(kwargs) - _KNOWN_KWARGS or not _simple(kwargs):
            by_gx.append(entry)
            continue
        absent = [c for c in column_names(kwargs) if c not in present]
        if absent:
            results[check] = _result(check, success=None, observed=", ".join(absent))
            continue
        try:
            critical = entry["meta"].get("severity") == "critical"
            rules.append(_rule(check, kind, kwargs, frame.schema, values, critical))
        except _CannotRun as exc:
            results[check] = _result(check, success=False, exception=str(exc))
    counted, failures, worst, rows_failing = _run(frame, rules, examples)
    results |= counted
    validation_parts = [failures]
    if by_gx:
        ran = validate_frame(frame, {"expectations": by_gx}, parameters=parameters)
        for row in ran.results.iter_rows(named=True):
            results[row["check"]] = row
        validation_parts.append(_bounded(ran.failures, examples))
    order = [e["meta"]["check"] for e in suite["expectations"]]
    table = pl.DataFrame([results[c] for c in order], schema=RESULTS_SCHEMA)
    found_rows = pl.concat(validation_parts).sort(
        schema.SOURCE_ROW, "check", nulls_last=True, maintain_order=True
    )
    return Checked(Validation(results=table, failures=found_rows), worst, rows_failing)


def _simple(kwargs: Mapping[str, Any]) -> bool:
    """Whether the row condition, if any, is of the kind evaluated here."""
    condition = kwargs.get("row_condition")
    return condition is None or _condition(condition) is not None


def _condition(condition: Mapping[str, Any]) -> pl.Expr | None:
    """A ``nullity`` condition (or a list of them, all to hold) as an expression."""
    if "conditions" in condition:
        parts = [_condition(part) for part in condition["conditions"]]
        if any(p is None for p in parts) or condition.get("type", "and") != "and":
            return None
        return pl.all_horizontal([p for p in parts if p is not None])
    column = condition.get("column")
    if condition.get("type") != "nullity" or not isinstance(column, Mapping):
        return None
    expr = pl.col(str(column["name"])).is_null()
    return expr if condition.get("is_null", True) else ~expr


def _value(raw: Any, values: Mapping[str, Any], name: str) -> Any:
    if isinstance(raw, Mapping) and "$PARAMETER" in raw:
        key = raw["$PARAMETER"]
        if key not in values:
            msg = f"{name} refers to the parameter {key!r}, which was not given"
            raise _CannotRun(msg)
        return values[key]
    return raw


def _bound(raw: Any, values: Mapping[str, Any], name: str, dtype: pl.DataType) -> Any:
    """A bound of a range check, of the column's own type; refuse any other."""
    value = _value(raw, values, name)
    if value is None:
        return None
    if dtype == pl.Date():
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        msg = (
            f"{name} {value!r} is not a date: a date column takes a date bound, as "
            '{"$PARAMETER": "date_floor"} or {"$PARAMETER": "as_of"}'
        )
        raise _CannotRun(msg)
    if dtype.is_numeric() and isinstance(value, int | float) and not isinstance(value, bool):
        return value
    msg = f"{name} {value!r} cannot bound a column of type {dtype}"
    raise _CannotRun(msg)


def _rule(
    check: str,
    kind: str,
    kwargs: Mapping[str, Any],
    types: pl.Schema,
    values: Mapping[str, Any],
    critical: bool,
) -> _Rule:
    condition = _condition(kwargs["row_condition"]) if kwargs.get("row_condition") else None
    where = condition if condition is not None else pl.lit(value=True)
    every = condition if condition is not None else None  # the rows judged, None for all
    mostly = float(kwargs.get("mostly", 1.0))
    if kind == "expect_column_pair_values_a_to_be_greater_than_b":
        a, b = pl.col(kwargs["column_A"]), pl.col(kwargs["column_B"])
        if kwargs.get("ignore_row_if", "both_values_are_missing") != "either_value_is_missing":
            msg = "only ignore_row_if: either_value_is_missing is supported here"
            raise _CannotRun(msg)
        judged = where & a.is_not_null() & b.is_not_null()
        wrong = a < b if kwargs.get("or_equal") else a <= b
        label = f"{kwargs['column_A']}, {kwargs['column_B']}"
        shown = pl.format(
            "{} {}; {} {}",
            pl.lit(kwargs["column_A"]),
            _shown(a, types[kwargs["column_A"]]).fill_null("(blank)"),
            pl.lit(kwargs["column_B"]),
            _shown(b, types[kwargs["column_B"]]).fill_null("(blank)"),
        )
        return _Rule(check, (label,), judged, judged & wrong, mostly, critical, (label, shown))
    name = kwargs["column"]
    column, dtype = pl.col(name), types[name]
    shown_value = (name, _shown(column, dtype))
    if kind == "expect_column_values_to_not_be_null":
        failing = where & column.is_null()
        return _Rule(check, (name,), every, failing, mostly, critical, shown_value)
    if kind == "expect_column_values_to_be_null":
        failing = where & column.is_not_null()
        return _Rule(check, (name,), every, failing, mostly, critical, shown_value)
    judged = where & column.is_not_null()
    if kind == "expect_column_values_to_be_in_set":
        allowed = list(kwargs.get("value_set") or [])
        failing = judged & ~column.is_in(allowed)
    elif kind == "expect_column_values_to_be_unique":
        failing = judged & pl.when(judged).then(column).is_duplicated()
    else:  # between
        lo = _bound(kwargs.get("min_value"), values, "min_value", dtype)
        hi = _bound(kwargs.get("max_value"), values, "max_value", dtype)
        inside = pl.lit(value=True)
        if lo is not None:
            inside &= column > lo if kwargs.get("strict_min") else column >= lo
        if hi is not None:
            inside &= column < hi if kwargs.get("strict_max") else column <= hi
        failing = judged & ~inside
    return _Rule(check, (name,), judged, failing, mostly, critical, shown_value)


def _shown(value: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """A failing value as text: dates ISO, whole numbers without a decimal point."""
    if dtype.is_float():
        whole = value.is_finite() & (value == value.round(0))
        return (
            pl.when(whole)
            .then(value.cast(pl.Int64, strict=False).cast(pl.String))
            .otherwise(value.cast(pl.String))
        )
    return value.cast(pl.String)


def _run(
    frame: pl.DataFrame, rules: Sequence[_Rule], examples: int | None
) -> tuple[dict[str, dict[str, Any]], pl.DataFrame, pl.DataFrame, int]:
    """Count every rule on every row in one pass; keep example rows; rank the worst rows."""
    results: dict[str, dict[str, Any]] = {}
    empty = pl.DataFrame(schema=FAILURES_SCHEMA)
    worst_empty = pl.DataFrame(
        schema={
            schema.SOURCE_ROW: pl.Int64(),
            "complaint_id": pl.String(),
            "critical": pl.Int64(),
            "checks_failed": pl.Int64(),
            "checks": pl.String(),
        }
    )
    if not rules:
        return results, empty, worst_empty, 0
    lazy = frame.lazy()
    flags = [f"f{i}" for i in range(len(rules))]
    failing_any = pl.any_horizontal(flags)
    flagged = lazy.select(
        *ID_COLUMNS,
        *(rule.failing.fill_null(False).alias(f) for f, rule in zip(flags, rules, strict=True)),
    )
    counts = lazy.select(
        *(
            expr
            for i, rule in enumerate(rules)
            for expr in (
                (pl.len() if rule.judged is None else rule.judged.sum())
                .cast(pl.Int64)
                .alias(f"j{i}"),
                rule.failing.sum().cast(pl.Int64).alias(f"f{i}"),
            )
        ),
    )
    rows_failing = flagged.select(failing_any.sum().cast(pl.Int64).alias("rows"))
    critical = [f for f, rule in zip(flags, rules, strict=True) if rule.critical]
    ranked = (
        flagged.filter(failing_any)
        .select(
            *ID_COLUMNS,
            pl.sum_horizontal(critical).cast(pl.Int64).alias("critical")
            if critical
            else pl.lit(0, pl.Int64).alias("critical"),
            pl.sum_horizontal(flags).cast(pl.Int64).alias("checks_failed"),
            pl.concat_list(
                pl.when(pl.col(f)).then(pl.lit(r.check)) for f, r in zip(flags, rules, strict=True)
            )
            .list.drop_nulls()
            .list.join(", ")
            .alias("checks"),
        )
        .sort("critical", "checks_failed", schema.SOURCE_ROW, descending=[True, True, False])
    )
    if examples is not None:
        ranked = ranked.head(examples)
    samples = []
    for rule in rules:
        label, shown = rule.shown
        rows = lazy.filter(rule.failing.fill_null(False))
        if examples is not None:
            rows = rows.head(examples)
        samples.append(
            rows.select(
                pl.lit(rule.check).alias("check"),
                pl.col(schema.SOURCE_ROW).cast(pl.Int64),
                pl.col("complaint_id").cast(pl.String),
                pl.lit(label).alias("column"),
                shown.alias("value"),
            )
        )
    counted, failing, worst, *found = pl.collect_all(
        [counts, rows_failing, ranked, *samples], engine="in-memory"
    )
    row = counted.row(0)
    for i, rule in enumerate(rules):
        judged, failed = row[2 * i], row[2 * i + 1]
        share_ok = (judged - failed) / judged if judged else 1.0
        results[rule.check] = _result(
            rule.check,
            success=failed == 0 if rule.mostly >= 1 else share_ok >= rule.mostly,
            rows_checked=judged,
            failing_rows=failed,
        )
    failures = pl.concat([empty, *(f.select(empty.columns).cast(empty.schema) for f in found)])
    return results, failures, worst.cast(worst_empty.schema), int(failing.item())


def _result(
    check: str,
    *,
    success: bool | None,
    rows_checked: int | None = None,
    failing_rows: int | None = None,
    observed: str | None = None,
    exception: str | None = None,
) -> dict[str, Any]:
    return {
        "check": check,
        "success": success,
        "rows_checked": rows_checked,
        "failing_rows": failing_rows,
        "observed": observed or None,
        "exception": exception,
    }


def _bounded(failures: pl.DataFrame, examples: int | None) -> pl.DataFrame:
    if examples is None:
        return failures
    return failures.group_by("check", maintain_order=True).head(examples)


def _with_ids(frame: pl.DataFrame) -> pl.DataFrame:
    if schema.SOURCE_ROW not in frame.columns:
        frame = frame.with_columns(
            pl.int_range(2, frame.height + 2, dtype=pl.Int64).alias(schema.SOURCE_ROW)
        )
    if "complaint_id" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, pl.String).alias("complaint_id"))
    return frame
