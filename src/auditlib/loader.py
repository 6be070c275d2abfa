"""The only reader of complaint extracts: CSV, XLSX and Parquet to the canonical frame.

``load_complaints`` reads a file, maps its headers and labels (``auditlib.mapping``),
parses dates (``auditlib.dates``) and casts every canonical column. Rows that cannot be
audited go to a quarantine table with their source row and every reason; nothing is
dropped silently, and ``rows_read == rows_used + rows_quarantined`` always holds. The
input file is only ever read.

Source rows are numbered as a spreadsheet shows them: the header is row 1 and the first
complaint row 2. Parquet has no header row, so there the first complaint is row 1.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from auditlib import schema
from auditlib.dates import month_first_evidence, parse_dates
from auditlib.errors import InputError, MonthFirstDatesError
from auditlib.mapping import Mapping

SUFFIXES = {
    ".csv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".parquet": "parquet",
    ".pq": "parquet",
}
_NULL_TOKENS = ("", "n/a", "na", "null", "none", "-", "nil")
_TRUE = ("y", "yes", "true", "t", "1")
_FALSE = ("n", "no", "false", "f", "0")
_NO_VULNERABILITY = ("", "n", "no", "none", "false", "0", "n/a", "na", "nil", "not known")

#: reason codes a quarantined row can carry
REASON_CODES = (
    "missing_id",
    "duplicate_id",
    "missing_required",
    "unreadable_date",
    "unreadable_number",
    "unreadable_flag",
    "order",
)

# (later event, earlier event): the later must not come before the earlier
_ORDER_RULES = (
    ("stage1_acknowledged_date", "stage1_received_date", "acknowledged before it was received"),
    ("stage1_response_date", "stage1_received_date", "answered before it was received"),
    (
        "stage2_requested_date",
        "stage1_received_date",
        "stage 2 requested before stage 1 was received",
    ),
    (
        "stage2_acknowledged_date",
        "stage2_requested_date",
        "stage 2 acknowledged before it was requested",
    ),
    ("stage2_response_date", "stage2_requested_date", "stage 2 answered before it was requested"),
)


@dataclass(frozen=True)
class Extract:
    """A loaded extract: the complaints fit to audit and the rows quarantined."""

    source: str
    complaints: pl.DataFrame
    quarantine: pl.DataFrame
    rows_read: int
    extra_columns: tuple[str, ...] = ()

    @property
    def rows_used(self) -> int:
        """Rows the figures are computed on."""
        return self.complaints.height

    @property
    def rows_quarantined(self) -> int:
        """Rows set aside, each with its reasons."""
        return self.quarantine.height

    def reconciliation(self) -> str:
        """The line every run prints: rows read = rows used + rows quarantined."""
        return (
            f"rows read {self.rows_read:,} = rows used {self.rows_used:,} "
            f"+ rows quarantined {self.rows_quarantined:,}"
        )


def load_complaints(path: str | Path, *, mapping: Mapping | str | Path | None = None) -> Extract:
    """Read an extract and split it into complaints and quarantined rows.

    Parameters
    ----------
    path
        A ``.csv`` (UTF-8, UTF-8 with BOM or Windows-1252), ``.xlsx`` (first sheet) or
        ``.parquet`` file.
    mapping
        A :class:`~auditlib.mapping.Mapping` or the path of a mapping YAML file; by
        default headers must already be the canonical names (ignoring case and spaces).

    Raises
    ------
    InputError
        The file cannot be read, a required column is missing, or its dates are
        month-first.
    """
    path = Path(path)
    source = str(path)
    if not isinstance(mapping, Mapping):
        mapping = Mapping() if mapping is None else Mapping.from_yaml(mapping)
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        found = path.suffix or "a file with no extension"
        msg = f"cannot read {found}; expected one of {', '.join(SUFFIXES)}"
        raise InputError(source, msg)
    if not path.is_file():
        raise InputError(source, "file not found")
    if path.stat().st_size == 0:
        raise InputError(source, "the file is empty")
    raw = _read(path, kind)
    if raw.height == 0:
        raise InputError(source, "the file has a header but no complaint rows")
    renames = mapping.header_renames(raw.columns, source=source)
    missing = [c for c in schema.REQUIRED if c not in renames.values()]
    if missing:
        msg = (
            f"required column is missing; found {', '.join(raw.columns)}. "
            f"Name it {missing[0]!r} or map it in the mapping file"
        )
        raise InputError(source, msg, column=missing[0])
    extras = tuple(c for c in raw.columns if c not in renames)
    first_row = 1 if kind == "parquet" else 2
    raw = raw.rename(renames).with_columns(
        pl.int_range(first_row, raw.height + first_row, dtype=pl.Int64).alias(schema.SOURCE_ROW)
    )
    _refuse_month_first(raw, source)
    typed = _cast(raw, mapping, excel_serials=kind == "xlsx")
    checked = _check_rows(typed)
    return _split(checked, source, extras)


def _read(path: Path, kind: str) -> pl.DataFrame:
    source = str(path)
    try:
        if kind == "parquet":
            return pl.read_parquet(path)
        if kind == "xlsx":
            return pl.read_excel(path, engine="calamine", infer_schema_length=0)
        data = _as_utf8(path.read_bytes())
        first_line = data.split(b"\n", 1)[0]
        separator = max((b",", b";", b"\t"), key=first_line.count).decode()
        return pl.read_csv(
            io.BytesIO(data),
            separator=separator,
            infer_schema=False,
            truncate_ragged_lines=False,
        )
    except InputError:
        raise
    except (pl.exceptions.PolarsError, OSError, ValueError) as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        msg = f"cannot read as {kind.upper()}: {detail}"
        raise InputError(source, msg) from None
    except Exception as exc:  # the engines raise their own types (fastexcel, arrow)
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        msg = f"cannot read as {kind.upper()}: {type(exc).__name__}: {detail}"
        raise InputError(source, msg) from None


def _as_utf8(data: bytes) -> bytes:
    """UTF-8 bytes from UTF-8 (with or without BOM) or Windows-1252 text."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        # Excel's "CSV" on Windows; five byte values are undefined there, read them as Latin-1
        return data.decode("cp1252", errors="strict" if _cp1252_ok(data) else "replace").encode()
    return data


def _cp1252_ok(data: bytes) -> bool:
    return not any(b in data for b in (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d"))


def _text(name: str) -> pl.Expr:
    """A raw column as stripped text, null for blanks and the usual 'no value' tokens."""
    text = pl.col(name).cast(pl.String).str.strip_chars()
    return pl.when(text.str.to_lowercase().is_in(_NULL_TOKENS)).then(None).otherwise(text)


def _refuse_month_first(raw: pl.DataFrame, source: str) -> None:
    present = [c for c in schema.DATE_COLUMNS if c in raw.columns and raw.schema[c] == pl.String]
    if not present:
        return
    flags = raw.select(
        *(month_first_evidence(_text(c))[0].alias(f"d{i}") for i, c in enumerate(present)),
        *(month_first_evidence(_text(c))[1].alias(f"m{i}") for i, c in enumerate(present)),
    )
    day_first = any(flags[f"d{i}"].any() for i in range(len(present)))
    if day_first:
        return
    for i, column in enumerate(present):
        hits = flags[f"m{i}"]
        if hits.any():
            index = int(hits.arg_true()[0])
            value = raw[column][index]
            row = int(raw[schema.SOURCE_ROW][index])
            msg = (
                f"{value!r} reads only month first (US style) and no date in the file reads "
                "day first; export the dates as day-first (dd/mm/yyyy) or ISO (yyyy-mm-dd)"
            )
            raise MonthFirstDatesError(source, msg, row=row, column=column)


def _cast_column(
    column: schema.Column, raw: pl.DataFrame, mapping: Mapping, *, excel_serials: bool
) -> tuple[pl.Expr, pl.Expr | None, str | None]:
    """(typed value, 'could not be read' flag or None, reason code)."""
    name = column.name
    if name not in raw.columns:
        return pl.lit(None, dtype=column.dtype).alias(name), None, None
    dtype = raw.schema[name]
    text = _text(name)
    if column.dtype == pl.Date():
        if dtype == pl.Date:
            return pl.col(name), None, None
        if isinstance(dtype, pl.Datetime):
            return pl.col(name).dt.date(), None, None
        value = parse_dates(text, excel_serials=excel_serials)
        return value, text.is_not_null() & value.is_null(), "unreadable_date"
    if column.dtype == pl.Int32():
        if dtype.is_integer():
            return pl.col(name).cast(pl.Int32), None, None
        number = text.cast(pl.Float64, strict=False)
        whole = number.is_not_null() & (number == number.round(0))
        value = pl.when(whole).then(number).otherwise(None).cast(pl.Int32, strict=False)
        return value, text.is_not_null() & value.is_null(), "unreadable_whole_number"
    if column.dtype == pl.Float64():
        if dtype.is_numeric():
            return pl.col(name).cast(pl.Float64), None, None
        value = text.str.replace_all(r"[£,\s]", "").cast(pl.Float64, strict=False)
        return value, text.is_not_null() & value.is_null(), "unreadable_number"
    if column.dtype == pl.Boolean():
        if dtype == pl.Boolean:
            return pl.col(name), None, None
        lowered = text.str.to_lowercase()
        value = pl.when(lowered.is_in(_TRUE)).then(True).when(lowered.is_in(_FALSE)).then(False)
        return value, text.is_not_null() & value.is_null(), "unreadable_flag"
    # text columns
    plain = pl.col(name).cast(pl.String).str.strip_chars()
    plain = pl.when(plain == "").then(None).otherwise(plain)
    if column.labels:
        return mapping.label_expr(name, plain), None, None
    if name == "vulnerability":
        return (
            pl.when(plain.str.to_lowercase().is_in(_NO_VULNERABILITY)).then(None).otherwise(plain),
            None,
            None,
        )
    return plain, None, None


def _cast(raw: pl.DataFrame, mapping: Mapping, *, excel_serials: bool) -> pl.DataFrame:
    values: list[pl.Expr] = []
    problems: list[pl.Expr] = []
    codes: list[pl.Expr] = []
    for column in schema.COLUMNS:
        value, bad, code = _cast_column(column, raw, mapping, excel_serials=excel_serials)
        values.append(value.cast(column.dtype).alias(column.name))
        if bad is not None:
            described = pl.format(
                f"{column.name} {{}} is not {_EXPECTED[code]}", _quoted(column.name)
            )
            problems.append(pl.when(bad).then(described))
            codes.append(pl.when(bad).then(pl.lit(code.replace("_whole", ""))))
    raw_text = [
        _text(c.name).alias(f"_raw_{c.name}")
        for c in schema.COLUMNS
        if c.name in raw.columns and not c.personal
    ]
    return raw.select(
        pl.col(schema.SOURCE_ROW),
        *values,
        *raw_text,
        *(pl.col(c) for c in raw.columns if c not in schema.BY_NAME and c != schema.SOURCE_ROW),
        pl.concat_list(problems or [pl.lit(None, pl.String)]).alias("_problems"),
        pl.concat_list(codes or [pl.lit(None, pl.String)]).alias("_codes"),
    )


_EXPECTED = {
    "unreadable_date": "a day-first or ISO date",
    "unreadable_number": "a number",
    "unreadable_whole_number": "a whole number",
    "unreadable_flag": "yes or no",
}


def _quoted(name: str) -> pl.Expr:
    return pl.format("'{}'", _text(name))


def _blank(typed: pl.DataFrame, name: str) -> pl.Expr:
    """Blank in the source (not merely unreadable, which has its own reason)."""
    raw = f"_raw_{name}"
    return pl.col(raw).is_null() if raw in typed.columns else pl.lit(value=True)


def _check_rows(typed: pl.DataFrame) -> pl.DataFrame:
    cid = pl.col("complaint_id")
    occurrences = pl.len().over("complaint_id")
    # the rows sharing an id, for the message: computed on the few duplicated rows only
    duplicated = typed.filter(cid.is_not_null() & (occurrences > 1))
    rows = duplicated.group_by("complaint_id").agg(
        _dup_rows=pl.format(
            "rows {}", pl.col(schema.SOURCE_ROW).sort().cast(pl.String).str.join(", ")
        )
    )
    typed = (
        typed.join(rows, on="complaint_id", how="left", maintain_order="left")
        if rows.height
        else typed.with_columns(_dup_rows=pl.lit(None, pl.String))
    )
    checks: list[tuple[pl.Expr, str, pl.Expr]] = [
        (cid.is_null(), "missing_id", pl.lit("complaint_id is blank")),
        (
            cid.is_not_null() & (occurrences > 1),
            "duplicate_id",
            pl.format(
                "complaint_id '{}' appears on {} rows ({})", cid, occurrences, pl.col("_dup_rows")
            ),
        ),
        (
            _blank(typed, "stage1_received_date"),
            "missing_required",
            pl.lit("stage1_received_date is blank"),
        ),
    ]
    for later, earlier, words in _ORDER_RULES:
        checks.append(
            (
                (pl.col(later) < pl.col(earlier)).fill_null(False),
                "order",
                pl.format(
                    f"{words} ({later} {{}} before {earlier} {{}})", pl.col(later), pl.col(earlier)
                ),
            )
        )
    stage2_without_request = _blank(typed, "stage2_requested_date") & (
        pl.col("stage2_acknowledged_date").is_not_null()
        | pl.col("stage2_response_date").is_not_null()
    )
    checks.append(
        (
            stage2_without_request,
            "order",
            pl.lit("stage 2 acknowledged or answered with no stage2_requested_date"),
        )
    )
    problems = pl.concat_list(pl.col("_problems"), *(pl.when(c).then(m) for c, _, m in checks))
    codes = pl.concat_list(pl.col("_codes"), *(pl.when(c).then(pl.lit(k)) for c, k, _ in checks))
    return typed.with_columns(
        _problems=problems.list.drop_nulls(),
        _codes=codes.list.drop_nulls().list.unique(maintain_order=True),
    )


def _split(checked: pl.DataFrame, source: str, extras: tuple[str, ...]) -> Extract:
    bad = pl.col("_codes").list.len() > 0
    raw_columns = [c for c in checked.columns if c.startswith("_raw_")]
    complaints = checked.filter(~bad).select(
        schema.SOURCE_ROW, *schema.SCHEMA, *(c for c in extras if c in checked.columns)
    )
    quarantine = checked.filter(bad).select(
        schema.SOURCE_ROW,
        pl.col("_raw_complaint_id").alias("complaint_id"),
        pl.col("_problems").list.join("; ").alias("reasons"),
        pl.col("_codes").alias("reason_codes"),
        *(
            pl.col(c).alias(c.removeprefix("_raw_"))
            for c in raw_columns
            if c != "_raw_complaint_id"
        ),
    )
    extract = Extract(
        source=source,
        complaints=complaints,
        quarantine=quarantine,
        rows_read=checked.height,
        extra_columns=extras,
    )
    assert extract.rows_read == extract.rows_used + extract.rows_quarantined
    return extract
