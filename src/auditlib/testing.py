"""Frame builders shared by tests and notebooks.

Examples
--------
>>> frame = complaints_frame([{"complaint_id": "C1", "stage1_received_date": "2025-06-02"}])
>>> frame.schema["stage1_received_date"], frame.height
(Date, 1)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import polars as pl

from auditlib import schema


def complaints_frame(rows: Iterable[Mapping[str, Any]]) -> pl.DataFrame:
    """A canonical complaints frame from dicts; ISO date strings become dates.

    Missing columns are null with their canonical type, ``complaint_id`` defaults to
    ``C1``, ``C2``, ... and ``source_row`` to the spreadsheet row (2, 3, ...).
    """
    records = []
    for index, row in enumerate(rows):
        record: dict[str, Any] = {name: None for name in schema.SCHEMA}
        record["complaint_id"] = f"C{index + 1}"
        record[schema.SOURCE_ROW] = index + 2
        for key, value in row.items():
            if key in schema.DATE_COLUMNS and isinstance(value, str):
                value = date.fromisoformat(value)
            record[key] = value
        records.append(record)
    return pl.DataFrame(records, schema={schema.SOURCE_ROW: pl.Int64(), **schema.SCHEMA})
