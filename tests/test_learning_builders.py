"""Builders for the learning tests (no tests here): hand-built assessed extracts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

import polars as pl

from auditlib.tsm import Period

YEAR = Period(date(2025, 4, 1), date(2026, 3, 31))
EARLIER = Period(date(2024, 4, 1), date(2025, 3, 31))

SCHEMA: dict[str, pl.DataType] = {
    "complaint_id": pl.String(),
    "stage1_received_date": pl.Date(),
    "stage1_outcome": pl.String(),
    "stage2_outcome": pl.String(),
    "stage2_requested_date": pl.Date(),
    "stage1_status": pl.String(),
    "stage1_response_working_days": pl.Int32(),
    "category": pl.String(),
    "root_cause": pl.String(),
    "compensation_gbp": pl.Float64(),
    "vulnerability": pl.String(),
    "description": pl.String(),
    "remedy": pl.String(),
    "tenant_ref": pl.String(),
    "property_ref": pl.String(),
}


def assessed(rows: Iterable[Mapping[str, Any]]) -> pl.DataFrame:
    """A frame shaped like ``AuditResult.assessed`` from dicts (defaults: answered in time)."""
    records = []
    for i, row in enumerate(rows):
        record: dict[str, Any] = dict.fromkeys(SCHEMA)
        record |= {
            "complaint_id": f"C{i + 1}",
            "stage1_received_date": date(2025, 6, 2),
            "stage1_outcome": "not_upheld",
            "stage1_status": "within",
            "stage1_response_working_days": 8,
            "category": "Repairs",
        }
        for key, value in row.items():
            record[key] = (
                date.fromisoformat(value)
                if isinstance(value, str) and key.endswith("_date")
                else value
            )
        records.append(record)
    return pl.DataFrame(records, schema=SCHEMA)


def monthly_counts(category: str, per_month: list[int], *, first: date) -> list[dict[str, Any]]:
    """``per_month[i]`` complaints in category, in the i-th month from ``first`` (days 1..n)."""
    rows = []
    for i, n in enumerate(per_month):
        year, month = divmod(first.month - 1 + i, 12)
        start = date(first.year + year, month + 1, 1)
        rows += [
            {"category": category, "stage1_received_date": start + timedelta(days=d % 27)}
            for d in range(n)
        ]
    return rows
