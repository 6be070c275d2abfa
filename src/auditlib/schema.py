"""The canonical complaint extract: one row per complaint, these columns.

This table is the single description of the layout: the loader casts to it, the
README's table is checked against it by a test, and the data-quality suite, the sample
generator and the reports all take column names and label sets from here.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

_KINDS = {
    "Date": "date",
    "Int32": "whole number",
    "Float64": "number",
    "Boolean": "yes/no",
    "String": "text",
}

STAGE1_OUTCOMES = ("upheld", "partially_upheld", "not_upheld", "withdrawn")
STAGE2_OUTCOMES = STAGE1_OUTCOMES
TENURES = ("LCRA", "LCHO", "other")
CHANNELS = ("phone", "email", "online", "letter", "in_person", "social_media", "other")


@dataclass(frozen=True)
class Column:
    """One column of the canonical extract."""

    name: str
    dtype: pl.DataType
    required: bool
    meaning: str
    provision: str
    #: holds personal data or free text: never published (see docs/rules.md)
    personal: bool = False
    #: allowed labels, for label columns
    labels: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        """A plain word for the type, as the README shows it."""
        if self.labels:
            return "label"
        return _KINDS[str(self.dtype)]


_D, _I, _F, _B, _S = pl.Date(), pl.Int32(), pl.Float64(), pl.Boolean(), pl.String()

COLUMNS: tuple[Column, ...] = (
    Column("complaint_id", _S, True, "the landlord's reference for the complaint; unique", "5.12"),
    Column(
        "stage1_received_date", _D, True, "date the complaint was made, by any channel", "6.2, CH01"
    ),
    Column(
        "stage1_acknowledged_date", _D, False, "date the stage 1 acknowledgement was sent", "6.2"
    ),
    Column(
        "stage1_extension_days", _I, False, "working days of extension agreed at stage 1", "6.4"
    ),
    Column(
        "stage1_extension_good_reason",
        _B,
        False,
        "a good reason for an extension over 10 working days is recorded",
        "6.4",
    ),
    Column(
        "stage1_extension_notified_date",
        _D,
        False,
        "date the resident was told of the stage 1 extension",
        "6.4, 6.5",
    ),
    Column("stage1_response_date", _D, False, "date the stage 1 response was sent", "6.3, CH02"),
    Column("stage1_outcome", _S, False, "stage 1 decision", "7.1", labels=STAGE1_OUTCOMES),
    Column("stage1_handler_id", _S, False, "who decided stage 1 (staff reference)", "6.13"),
    Column(
        "stage2_requested_date",
        _D,
        False,
        "date the resident asked to escalate to stage 2",
        "6.11, CH01",
    ),
    Column(
        "stage2_acknowledged_date", _D, False, "date the stage 2 acknowledgement was sent", "6.11"
    ),
    Column(
        "stage2_extension_days", _I, False, "working days of extension agreed at stage 2", "6.15"
    ),
    Column(
        "stage2_extension_good_reason",
        _B,
        False,
        "a good reason for an extension over 20 working days is recorded",
        "6.15",
    ),
    Column(
        "stage2_extension_notified_date",
        _D,
        False,
        "date the resident was told of the stage 2 extension",
        "6.15, 6.16",
    ),
    Column(
        "stage2_response_date",
        _D,
        False,
        "date the final (stage 2) response was sent",
        "6.14, CH02",
    ),
    Column("stage2_outcome", _S, False, "stage 2 decision", "7.1", labels=STAGE2_OUTCOMES),
    Column("stage2_handler_id", _S, False, "who decided stage 2 (staff reference)", "6.13"),
    Column(
        "tenure", _S, False, "tenure of the home, for the TSM split", "CH01, CH02", labels=TENURES
    ),
    Column("category", _S, False, "service area or subject of the complaint", "8.1(b), 9.7"),
    Column("channel", _S, False, "how the complaint was made", "3.1", labels=CHANNELS),
    Column(
        "not_accepted_reason",
        _S,
        False,
        "why the complaint was not accepted into the complaints process (blank when it was)",
        "2.1, 2.4, 8.1(b)",
    ),
    Column(
        "description",
        _S,
        False,
        "the complaint in the resident's or officer's words",
        "5.6",
        personal=True,
    ),
    Column("root_cause", _S, False, "why it happened, as recorded by the investigator", "9.1"),
    Column(
        "learning_note",
        _S,
        False,
        "what was learnt or improved because of the complaint",
        "9.1",
        personal=True,
    ),
    Column("remedy", _S, False, "what was done to put things right", "7.1, 7.3", personal=True),
    Column("compensation_gbp", _F, False, "compensation offered, in pounds", "7.2, 7.4"),
    Column(
        "vulnerability", _S, False, "vulnerability recorded (blank or 'no' when none)", "6.1, 5.10"
    ),
    Column(
        "tenant_ref",
        _S,
        False,
        "the resident's reference in the housing system",
        "9.1 (repeats)",
        personal=True,
    ),
    Column(
        "property_ref",
        _S,
        False,
        "the home's reference in the housing system",
        "9.1 (repeats)",
        personal=True,
    ),
)

BY_NAME: dict[str, Column] = {c.name: c for c in COLUMNS}
REQUIRED: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.required)
DATE_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.dtype == pl.Date())
#: the columns the loader's quarantine rules read: always loaded
CHECKED_COLUMNS: tuple[str, ...] = tuple(
    c.name for c in COLUMNS if c.name == "complaint_id" or c.dtype != pl.String()
)
PERSONAL_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.personal)

#: the polars schema of a loaded extract (before extra columns and ``source_row``)
SCHEMA: dict[str, pl.DataType] = {c.name: c.dtype for c in COLUMNS}

#: a column the loader adds: the row in the source file (header = row 1, as in Excel)
SOURCE_ROW = "source_row"


def markdown_table() -> str:
    """The layout as the README's markdown table (a test keeps the README in step)."""
    lines = [
        "| column | type | required | meaning | Code provision |",
        "| --- | --- | --- | --- | --- |",
    ]
    for c in COLUMNS:
        kind = f"{c.kind} ({', '.join(c.labels)})" if c.labels else c.kind
        meaning = c.meaning + (" (personal: never published)" if c.personal else "")
        required = "yes" if c.required else "no"
        lines.append(f"| `{c.name}` | {kind} | {required} | {meaning} | {c.provision} |")
    return "\n".join(lines)
