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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from auditlib import schema
from auditlib.dates import PLAUSIBLE_YEARS, parse_date_series
from auditlib.errors import InputError, MonthFirstDatesError
from auditlib.inputs import check_file, check_xlsx
from auditlib.mapping import Mapping
from auditlib.privacy import FREE_TEXT_SHOWN

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
    "implausible_date",
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
    #: the canonical columns the source file has (the others arrive as nulls)
    found_columns: tuple[str, ...] = ()

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


def load_complaints(
    path: str | Path,
    *,
    mapping: Mapping | str | Path | None = None,
    columns: Sequence[str] | None = None,
) -> Extract:
    """Read an extract and split it into complaints and quarantined rows.

    Parameters
    ----------
    path
        A ``.csv`` (UTF-8, UTF-8 with BOM or Windows-1252), ``.xlsx`` (first sheet) or
        ``.parquet`` file.
    mapping
        A :class:`~auditlib.mapping.Mapping` or the path of a mapping YAML file; by
        default headers must already be the canonical names (ignoring case and spaces).
    columns
        Read only these canonical columns, plus every column a quarantine rule reads
        (``schema.CHECKED_COLUMNS``), so the rows quarantined are the same whatever is
        asked for. By default every column is read, unknown ones kept as extras.

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
    found: dict[str, dict[str, str]] = {}

    def choose(headers: list[str]) -> list[str] | None:
        """Map the headers, refuse a missing required column, pick what to read."""
        renames = mapping.header_renames(headers, source=source)
        missing = [c for c in schema.REQUIRED if c not in renames.values()]
        if missing:
            msg = (
                f"required column is missing; found {', '.join(headers)}. "
                f"Name it {missing[0]!r} or map it in the mapping file"
            )
            raise InputError(source, msg, column=missing[0])
        found["renames"] = renames
        if columns is None:
            return None
        keep = set(columns) | set(schema.CHECKED_COLUMNS)
        return [h for h in headers if renames.get(h) in keep]

    raw, kind = read_table(path, choose)
    if raw.height == 0:
        raise InputError(source, "the file has a header but no complaint rows")
    renames = found["renames"]
    extras = tuple(c for c in raw.columns if c not in renames)
    first_row = 1 if kind == "parquet" else 2
    raw = raw.rename({c: _raw(renames.get(c, c)) for c in raw.columns}).with_columns(
        pl.int_range(first_row, raw.height + first_row, dtype=pl.Int64).alias(schema.SOURCE_ROW)
    )
    checked = _assess_rows(raw, mapping, source, excel_serials=kind == "xlsx")
    return _split(checked, source, extras)


def read_table(
    path: str | Path,
    choose: Callable[[list[str]], list[str] | None] | None = None,
    *,
    what: str = "extract",
) -> tuple[pl.DataFrame, str]:
    """Read a CSV, XLSX or Parquet file as the loader does; return it and its kind.

    CSV and XLSX cells come back as text (encoding and separator detected as for an
    extract), Parquet as typed. ``choose`` is given the headers and returns the ones to
    read (``None``: all). An :class:`InputError` names the file when it cannot be read.
    """
    path = Path(path)
    source = str(path)
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        suffix = path.suffix or "a file with no extension"
        msg = f"cannot read {suffix}; expected one of {', '.join(SUFFIXES)}"
        raise InputError(source, msg)
    check_file(path, what=what)
    if path.stat().st_size == 0:
        raise InputError(source, "the file is empty")
    return _read(path, kind, choose or (lambda _headers: None)), kind


def _read(path: Path, kind: str, choose: Callable[[list[str]], list[str] | None]) -> pl.DataFrame:
    """Read the file as text (CSV, XLSX) or as typed (Parquet), only the chosen columns."""
    source = str(path)
    try:
        if kind == "parquet":
            headers = list(pl.read_parquet_schema(path))
            return pl.read_parquet(path, columns=choose(headers))
        if kind == "xlsx":
            check_xlsx(path, what="XLSX workbook")
            frame = pl.read_excel(path, engine="calamine", infer_schema_length=0)
            wanted = choose(frame.columns)
            return frame if wanted is None else frame.select(wanted)
        data = _as_utf8(path.read_bytes())
        first_line = data.split(b"\n", 1)[0]
        separator = max((b",", b";", b"\t"), key=first_line.count).decode()
        headers = pl.read_csv(io.BytesIO(data), separator=separator, n_rows=0).columns
        return pl.read_csv(
            io.BytesIO(data),
            separator=separator,
            infer_schema=False,
            truncate_ragged_lines=False,
            columns=choose(headers),
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
    return text.replace(_NULL_VARIANTS, None)


_NULL_VARIANTS = sorted({v for t in _NULL_TOKENS for v in (t, t.upper(), t.title())})


def _raw(name: str) -> str:
    return f"_raw_{name}"


def _parse_dates(raw: pl.DataFrame, source: str, *, excel_serials: bool) -> dict[str, pl.Series]:
    """Date columns held as text, parsed; refuse a file whose dates are month first."""
    parsed: dict[str, pl.Series] = {}
    day_first_seen = False
    first_month_first: tuple[str, int] | None = None
    for name in schema.DATE_COLUMNS:
        column = _raw(name)
        if column not in raw.columns or raw.schema[column] != pl.String:
            continue
        text = raw.select(_text(column)).to_series()
        values, day_first, month_first_at = parse_date_series(text, excel_serials=excel_serials)
        parsed[name] = values
        day_first_seen = day_first_seen or day_first
        if month_first_at is not None and first_month_first is None:
            first_month_first = (name, month_first_at)
    if first_month_first is not None and not day_first_seen:
        name, index = first_month_first
        value = raw[_raw(name)][index]
        msg = (
            f"{value!r} reads only month first (US style) and no date in the file reads "
            "day first; export the dates as day-first (dd/mm/yyyy) or ISO (yyyy-mm-dd)"
        )
        raise MonthFirstDatesError(source, msg, row=int(raw[schema.SOURCE_ROW][index]), column=name)
    return parsed


def _label_tables(raw: pl.DataFrame, mapping: Mapping) -> dict[str, dict[str, str]]:
    """Each label column's distinct values mapped once (a handful, however many rows)."""
    tables = {}
    for column in schema.COLUMNS:
        if column.labels and _raw(column.name) in raw.columns:
            distinct = raw[_raw(column.name)].cast(pl.String).drop_nulls().unique().to_list()
            tables[column.name] = {
                value: mapping.canonical_label(column.name, value) for value in distinct
            }
    return tables


def _cast_column(
    column: schema.Column,
    raw: pl.DataFrame,
    parsed_dates: dict[str, pl.Series],
    labels: dict[str, dict[str, str]],
) -> tuple[pl.Expr, pl.Expr | None, str | None]:
    """(typed value, 'could not be read' flag or None, problem kind)."""
    name, source = column.name, _raw(column.name)
    if source not in raw.columns:
        return pl.lit(None, dtype=column.dtype), None, None
    dtype = raw.schema[source]
    if column.dtype == pl.Date():
        if name in parsed_dates:
            value = pl.col(f"_date_{name}")
            return value, _text(source).is_not_null() & value.is_null(), "unreadable_date"
        if dtype == pl.Date:
            return pl.col(source), None, None
        if isinstance(dtype, pl.Datetime):
            return pl.col(source).dt.date(), None, None
        return pl.lit(None, dtype=pl.Date), pl.col(source).is_not_null(), "unreadable_date"
    if column.dtype == pl.Int32():
        if dtype.is_integer():
            return pl.col(source).cast(pl.Int32), None, None
        number = _text(source).cast(pl.Float64, strict=False)
        whole = number.is_not_null() & (number == number.round(0))
        value = pl.when(whole).then(number).cast(pl.Int32, strict=False)
        return value, _text(source).is_not_null() & value.is_null(), "unreadable_whole_number"
    if column.dtype == pl.Float64():
        if dtype.is_numeric():
            return pl.col(source).cast(pl.Float64), None, None
        value = _text(source).str.replace_all(r"[£,\s]", "").cast(pl.Float64, strict=False)
        return value, _text(source).is_not_null() & value.is_null(), "unreadable_number"
    if column.dtype == pl.Boolean():
        if dtype == pl.Boolean:
            return pl.col(source), None, None
        text = _text(source).str.to_lowercase()
        value = pl.when(text.is_in(_TRUE)).then(True).when(text.is_in(_FALSE)).then(False)
        return value, text.is_not_null() & value.is_null(), "unreadable_flag"
    plain = pl.col(source).cast(pl.String)
    if column.labels:
        return plain.replace_strict(labels[name], default=None, return_dtype=pl.String), None, None
    if column.personal:  # long free text: blanks become null, the words are left alone
        return pl.when(plain.str.strip_chars() != "").then(plain), None, None
    plain = plain.str.strip_chars()
    if name == "vulnerability":
        return pl.when(~plain.str.to_lowercase().is_in(_NO_VULNERABILITY)).then(plain), None, None
    return pl.when(plain != "").then(plain), None, None


_EXPECTED = {
    "unreadable_date": "a day-first or ISO date",
    "unreadable_number": "a number",
    "unreadable_whole_number": "a whole number",
    "unreadable_flag": "yes or no",
    "implausible_date": "a date in the years {} to {}".format(*PLAUSIBLE_YEARS),
}


def _blank(raw_columns: list[str], name: str) -> pl.Expr:
    """Blank in the source (not merely unreadable, which has its own reason)."""
    source = _raw(name)
    return _text(source).is_null() if source in raw_columns else pl.lit(value=True)


def _assess_rows(
    raw: pl.DataFrame, mapping: Mapping, source: str, *, excel_serials: bool
) -> pl.DataFrame:
    """Typed canonical columns plus one boolean per possible problem (``_bad_*``).

    Only booleans are computed on every row; the words of each reason are written later
    for the few rows that have one.
    """
    parsed = _parse_dates(raw, source, excel_serials=excel_serials)
    raw = raw.with_columns(values.alias(f"_date_{name}") for name, values in parsed.items())
    labels = _label_tables(raw, mapping)
    values, flags = [], []
    for column in schema.COLUMNS:
        value, bad, kind = _cast_column(column, raw, parsed, labels)
        values.append(value.cast(column.dtype).alias(column.name))
        if bad is not None:
            flags.append(bad.fill_null(False).alias(f"_bad_{kind}:{column.name}"))
    typed = raw.with_columns(*values, *flags).with_columns(
        # year 9999 reads as a date, but no complaint has it
        (~pl.col(name).dt.year().is_between(*PLAUSIBLE_YEARS))
        .fill_null(False)
        .alias(f"_bad_implausible_date:{name}")
        for name in schema.DATE_COLUMNS
        if _raw(name) in raw.columns
    )
    cid = pl.col("complaint_id")
    checks = [
        cid.is_null().alias("_bad_missing_id"),
        (cid.is_not_null() & cid.is_duplicated()).alias("_bad_duplicate_id"),
        _blank(raw.columns, "stage1_received_date").alias("_bad_missing_required"),
    ]
    for index, (later, earlier, _) in enumerate(_ORDER_RULES):
        checks.append(
            (pl.col(later) < pl.col(earlier)).fill_null(False).alias(f"_bad_order:{index}")
        )
    checks.append(
        (
            _blank(raw.columns, "stage2_requested_date")
            & (
                pl.col("stage2_acknowledged_date").is_not_null()
                | pl.col("stage2_response_date").is_not_null()
            )
        ).alias("_bad_order:stage2_without_request")
    )
    return typed.with_columns(checks)


def _reasons(bad: pl.DataFrame) -> pl.DataFrame:
    """Words and codes for each quarantined row (a small frame: only rows with a problem)."""
    flags = [c for c in bad.columns if c.startswith("_bad_")]
    dup_rows = (
        bad.filter(pl.col("_bad_duplicate_id"))
        .group_by("complaint_id")
        .agg(
            pl.col(schema.SOURCE_ROW).sort().cast(pl.String).str.join(", ").alias("_dup_rows"),
            pl.len().alias("_dups"),
        )
    )
    bad = bad.join(dup_rows, on="complaint_id", how="left", maintain_order="left")
    messages, codes = [], []
    for flag in flags:
        kind, _, detail = flag.removeprefix("_bad_").partition(":")
        if kind in _EXPECTED:
            text = pl.format(f"{detail} '{{}}' is not {_EXPECTED[kind]}", _text(_raw(detail)))
            code = kind.replace("_whole", "")
        elif kind == "missing_id":
            text, code = pl.lit("complaint_id is blank"), kind
        elif kind == "duplicate_id":
            text = pl.format(
                "complaint_id '{}' appears on {} rows (rows {})",
                pl.col("complaint_id"),
                pl.col("_dups"),
                pl.col("_dup_rows"),
            )
            code = kind
        elif kind == "missing_required":
            text, code = pl.lit("stage1_received_date is blank"), kind
        elif detail == "stage2_without_request":
            text, code = (
                pl.lit("stage 2 acknowledged or answered with no stage2_requested_date"),
                "order",
            )
        else:
            later, earlier, words = _ORDER_RULES[int(detail)]
            text = pl.format(
                f"{words} ({later} {{}} before {earlier} {{}})", pl.col(later), pl.col(earlier)
            )
            code = "order"
        messages.append(pl.when(pl.col(flag)).then(text))
        codes.append(pl.when(pl.col(flag)).then(pl.lit(code)))
    return bad.with_columns(
        _problems=pl.concat_list(messages).list.drop_nulls(),
        _codes=pl.concat_list(codes).list.drop_nulls().list.unique(maintain_order=True),
    )


def _split(checked: pl.DataFrame, source: str, extras: tuple[str, ...]) -> Extract:
    flags = [c for c in checked.columns if c.startswith("_bad_")]
    bad = pl.any_horizontal(flags) if flags else pl.lit(value=False)
    complaints = checked.filter(~bad).select(
        schema.SOURCE_ROW, *schema.SCHEMA, *(pl.col(_raw(c)).alias(c) for c in extras)
    )
    # the quarantine shows a row's values so it can be fixed; never personal, health or
    # free text (a bad value of a free-text column never sets a row aside)
    raw_columns = [
        c.name
        for c in schema.COLUMNS
        if _raw(c.name) in checked.columns
        and not c.personal
        and c.name not in ("vulnerability", *FREE_TEXT_SHOWN)
    ]
    quarantined = _reasons(checked.filter(bad))
    quarantine = quarantined.select(
        schema.SOURCE_ROW,
        _text(_raw("complaint_id")).alias("complaint_id")
        if "complaint_id" in raw_columns
        else pl.lit(None, pl.String).alias("complaint_id"),
        pl.col("_problems").list.join("; ").alias("reasons"),
        pl.col("_codes").alias("reason_codes"),
        *(_text(_raw(c)).alias(c) for c in raw_columns if c != "complaint_id"),
    )
    extract = Extract(
        source=source,
        complaints=complaints,
        quarantine=quarantine,
        rows_read=checked.height,
        extra_columns=extras,
        found_columns=tuple(c.name for c in schema.COLUMNS if _raw(c.name) in checked.columns),
    )
    if extract.rows_read != extract.rows_used + extract.rows_quarantined:  # pragma: no cover
        msg = f"internal error: {extract.reconciliation()} does not add up"
        raise AssertionError(msg)
    return extract


@dataclass(frozen=True)
class RawExport:
    """An export as read, before any mapping: every column kept, as text where the file is.

    ``auditlib init`` and ``auditlib check-mapping`` look at exports through this, so
    they read a file exactly as the audit does.
    """

    source: str
    frame: pl.DataFrame
    kind: str
    #: ``utf-8``, ``utf-8-sig`` (with BOM) or ``cp1252`` for CSV; None otherwise
    encoding: str | None = None
    #: the CSV field separator; None otherwise
    separator: str | None = None


def read_export(path: str | Path) -> RawExport:
    """Read an export whole, headers as written, with no mapping applied.

    Raises
    ------
    InputError
        The file is missing, empty, of a kind auditlib cannot read, or unreadable.
    """
    path = Path(path)
    source = str(path)
    frame, kind = read_table(path)
    if kind != "csv":
        return RawExport(source, frame, kind)
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    else:
        try:
            data.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError:
            encoding = "cp1252"
    first_line = _as_utf8(data).split(b"\n", 1)[0]
    separator = max((b",", b";", b"\t"), key=first_line.count).decode()
    return RawExport(source, frame, kind, encoding, separator)
