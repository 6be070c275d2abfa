"""Differently shaped exports of one set of complaints, as housing systems write them.

Each :class:`Shape` renames the canonical columns, relabels outcomes, tenures and
channels, writes dates in its own style and saves in its own format and encoding, with
extra columns and without some optional ones. ``canonical`` writes the same complaints
(the same columns) in the canonical layout, so figures from both can be compared.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from auditlib import schema
from auditlib.sample import generate_sample

OUTCOMES_A = {
    "upheld": "Upheld",
    "partially_upheld": "Partly Upheld",
    "not_upheld": "Not Upheld",
    "withdrawn": "Withdrawn",
}
TENURES_A = {"LCRA": "General Needs Rented", "LCHO": "Shared Ownership", "other": "Leasehold"}
CHANNELS_A = {
    "phone": "Telephone",
    "email": "Email",
    "online": "Website",
    "letter": "Letter",
    "in_person": "Face to Face",
    "social_media": "Social Media",
    "other": "Text/SMS",
}


@dataclass(frozen=True)
class Shape:
    """How one housing system exports complaints."""

    name: str
    headers: dict[str, str]  # canonical column: the system's header, in file order
    suffix: str = ".csv"
    dates: str = "%d/%m/%Y"  # strftime style; "cell" for XLSX date cells
    encoding: str = "utf-8"
    separator: str = ","
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    flags: tuple[str, str] = ("Yes", "No")
    extras: dict[str, Callable[[pl.DataFrame], pl.Series]] = field(default_factory=dict)


def complaints(rows: int = 240, seed: int = 11) -> pl.DataFrame:
    """Clean canonical complaints (no defects), received April 2024 to October 2026."""
    return generate_sample(rows, seed, defect_rate=0.0).frame


def _relabel(frame: pl.DataFrame, shape: Shape) -> pl.DataFrame:
    exprs = []
    for column in shape.headers:
        col = pl.col(column)
        table = shape.labels.get(column) or shape.labels.get(
            "outcome" if column.endswith("_outcome") else ""
        )
        if table:
            col = col.replace_strict(table, default=col)
        dtype = schema.BY_NAME[column].dtype
        if dtype == pl.Date() and shape.dates != "cell":
            col = (col.cast(pl.Datetime) if "%H" in shape.dates else col).dt.strftime(shape.dates)
        elif dtype == pl.Boolean():
            yes, no = shape.flags
            col = pl.when(col).then(pl.lit(yes)).when(~col).then(pl.lit(no))
        exprs.append(col.alias(shape.headers[column]))
    out = frame.select(exprs)
    for header, make in shape.extras.items():
        out = out.with_columns(make(frame).alias(header))
    return out


def write(frame: pl.DataFrame, shape: Shape, folder: Path) -> Path:
    """Write ``frame`` (canonical) as ``shape`` exports it; return the file."""
    path = folder / f"{shape.name}{shape.suffix}"
    out = _relabel(frame, shape)
    if shape.suffix == ".xlsx":
        out.write_excel(path, dtype_formats={pl.Date: "dd/mm/yyyy"}, autofilter=False)
        return path
    text = out.with_columns(pl.all().cast(pl.String)).write_csv(
        separator=shape.separator, line_terminator="\r\n"
    )
    if shape.encoding == "utf-8-sig":
        path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    else:
        path.write_bytes(text.encode(shape.encoding))
    return path


def canonical(frame: pl.DataFrame, shape: Shape, folder: Path) -> Path:
    """The same complaints and columns in the canonical layout (ISO dates, UTF-8)."""
    path = folder / f"{shape.name}-canonical.csv"
    frame.select(list(shape.headers)).write_csv(path)
    return path


ALL = list(schema.SCHEMA)
ROOT = Path(__file__).resolve().parents[1]

SHAPES = (
    # The housing system: its own headers and labels, UK dates, Windows-1252,
    # a free-text column with a pound sign, an extra column, no extension columns.
    Shape(
        name="system_a",
        headers={
            "complaint_id": "Case Ref",
            "stage1_received_date": "Date Logged",
            "stage1_acknowledged_date": "Ack Sent",
            "stage1_response_date": "S1 Response Issued",
            "stage1_outcome": "Outcome",
            "stage1_handler_id": "Case Officer",
            "stage2_requested_date": "Escalation Requested",
            "stage2_acknowledged_date": "S2 Ack Sent",
            "stage2_response_date": "Final Response Issued",
            "stage2_outcome": "Final Outcome",
            "tenure": "Tenure Type",
            "category": "Complaint Type",
            "channel": "How Received",
            "description": "Complaint Details",
            "compensation_gbp": "Compensation (£)",
        },
        encoding="cp1252",
        labels={"outcome": OUTCOMES_A, "tenure": TENURES_A, "channel": CHANNELS_A},
        extras={"Region": lambda f: pl.Series(["North", "South"] * (f.height // 2 + 1))[: f.height]},
    ),
    # Upper-snake headers, ISO dates with a time, semicolons, UTF-8 with BOM, every
    # column, upper-case labels, Y/N flags.
    Shape(
        name="upper_snake",
        headers={
            "complaint_id": "COMPLAINT_REF",
            "stage1_received_date": "DATE_RECEIVED",
            "stage1_acknowledged_date": "DATE_ACKNOWLEDGED",
            "stage1_extension_days": "S1_EXTENSION_DAYS",
            "stage1_extension_good_reason": "S1_EXTENSION_REASON",
            "stage1_extension_notified_date": "S1_EXTENSION_NOTIFIED",
            "stage1_response_date": "STAGE_1_RESPONSE_DATE",
            "stage1_outcome": "STAGE_1_OUTCOME",
            "stage1_handler_id": "S1_OFFICER",
            "stage2_requested_date": "DATE_ESCALATED",
            "stage2_acknowledged_date": "S2_ACKNOWLEDGED",
            "stage2_extension_days": "S2_EXTENSION_DAYS",
            "stage2_extension_good_reason": "S2_EXTENSION_REASON",
            "stage2_extension_notified_date": "S2_EXTENSION_NOTIFIED",
            "stage2_response_date": "STAGE_2_RESPONSE_DATE",
            "stage2_outcome": "STAGE_2_OUTCOME",
            "stage2_handler_id": "S2_OFFICER",
            "tenure": "TENANCY_TYPE",
            "channel": "CONTACT_METHOD",
            "tenant_ref": "CUSTOMER_REF",
            "property_ref": "UPRN",
        },
        dates="%Y-%m-%d %H:%M:%S",
        encoding="utf-8-sig",
        separator=";",
        flags=("Y", "N"),
        labels={
            "outcome": {k: v.upper() for k, v in OUTCOMES_A.items()},
            "tenure": {"LCRA": "SOCIAL RENT", "LCHO": "SHARED OWNERSHIP", "other": "MARKET RENT"},
            "channel": {k: v.upper() for k, v in CHANNELS_A.items()} | {"online": "PORTAL"},
        },
    ),
    # A spreadsheet with date cells, other words for the stages, extra columns first.
    Shape(
        name="workbook",
        headers={
            "complaint_id": "Complaint Number",
            "stage1_received_date": "Received",
            "stage1_acknowledged_date": "Acknowledgement Date",
            "stage1_response_date": "Stage One Response Date",
            "stage2_requested_date": "Stage Two Requested",
            "stage2_response_date": "Stage Two Response Date",
            "tenure": "Tenancy",
            "channel": "Received Via",
            "vulnerability": "Vulnerable?",
        },
        suffix=".xlsx",
        dates="cell",
        labels={
            "tenure": {"LCRA": "Affordable Rent", "LCHO": "Shared Owner", "other": "Leaseholder"},
            "channel": CHANNELS_A | {"online": "Web form", "in_person": "Home visit"},
        },
        extras={
            "Patch": lambda f: pl.Series([f"P{i % 7}" for i in range(f.height)]),
            "Notes": lambda f: pl.Series(["see file"] * f.height),
        },
    ),
    # Tab separated, dates with month names, Justified wording, few columns.
    Shape(
        name="tabbed",
        headers={
            "complaint_id": "Ref No",
            "stage1_received_date": "Date of Complaint",
            "stage1_response_date": "Date Responded",
            "stage1_outcome": "Decision",
            "channel": "Source",
        },
        dates="%d-%b-%Y",
        separator="\t",
        labels={
            "outcome": {
                "upheld": "Justified",
                "partially_upheld": "Partially Justified",
                "not_upheld": "Not Justified",
                "withdrawn": "Withdrawn",
            },
            "channel": CHANNELS_A,
        },
    ),
    # The minimum: a reference and the date received (two-digit years), beside
    # unrelated columns that are also references or dates.
    Shape(
        name="minimal",
        headers={"complaint_id": "Reference", "stage1_received_date": "Date Raised"},
        dates="%d/%m/%y",
        extras={
            "Tenant Name": lambda f: pl.Series([f"Resident {i}" for i in range(f.height)]),
            "Property UPRN": lambda f: pl.Series([str(100000 + 7 * i) for i in range(f.height)]),
        },
    ),
)
