"""The only reader of complaint extracts: CSV, XLSX and Parquet to the canonical frame.

``load_complaints`` reads a file, maps its headers and labels (``auditlib.mapping``),
parses dates (``auditlib.dates``) and casts every canonical column. Rows that cannot be
audited go to a quarantine table with their source row and every reason; nothing is
dropped silently, and ``rows_read == rows_used + rows_quarantined`` always holds. The
input file is only ever read.

The work is one lazy plan (:func:`scan_complaints`): the file is scanned, not read,
only the columns asked for are read, and the typed values, every quarantine check,
the reasons and the evidence on date order are computed in one optimised query that
:meth:`ExtractScan.collect` runs once. Before it, only the header and a few thousand
rows (to choose each text date column's native style) are read.

Source rows are numbered as a spreadsheet shows them: the header is row 1 and the first
complaint row 2. Parquet has no header row, so there the first complaint is row 1.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl

from auditlib import schema
from auditlib.dates import PLAUSIBLE_YEARS, choose_format, fast_day_first, fast_parse, slow_parse
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
#: rows read from the top of a text file to choose each date column's parser
_PROBE_ROWS = 20_000
_PROBE_VALUES = 2_000
#: bytes read to find the separator and check the header's encoding
_HEAD_BYTES = 1 << 16

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


class Reconciled:
    """A loaded file's count of rows: every row read is used or quarantined, never lost.

    Subclasses hold ``rows_read`` and ``quarantine`` and say which frame is used.
    """

    rows_read: int
    quarantine: pl.DataFrame

    def _used(self) -> pl.DataFrame:
        raise NotImplementedError

    @property
    def rows_used(self) -> int:
        """Rows the figures are computed on."""
        return self._used().height

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


@dataclass(frozen=True)
class Extract(Reconciled):
    """A loaded extract: the complaints fit to audit and the rows quarantined.

    ``found_columns`` names the canonical columns the file holds (after mapping); the
    others are in ``complaints`` as nulls. Empty when not known.
    """

    source: str
    complaints: pl.DataFrame
    quarantine: pl.DataFrame
    rows_read: int
    extra_columns: tuple[str, ...] = ()
    found_columns: tuple[str, ...] = ()

    def _used(self) -> pl.DataFrame:
        return self.complaints


@dataclass(frozen=True)
class ExtractScan:
    """An extract planned but not yet read: lazy frames from the file to the typed rows.

    ``checked`` holds, per source row, every canonical column typed (null where the file
    lacks it), ``source_row``, one boolean per possible problem (``_bad_*``, see
    ``flags``), the raw columns the reasons quote and the evidence on date order.
    """

    source: str
    kind: str
    checked: pl.LazyFrame
    flags: tuple[str, ...]
    raw_columns: tuple[str, ...]
    extra_columns: tuple[str, ...]
    found_columns: tuple[str, ...]
    text_dates: tuple[str, ...]
    formats: dict[str, str]
    #: the rows with a date the fast parse missed, as the general parser read them
    missed: pl.LazyFrame | None = None
    #: for a CSV read in place: the same plan over the file converted from Windows-1252
    replan: Callable[[], ExtractScan] | None = None

    @property
    def bad(self) -> pl.Expr:
        """True on a row with any problem: it is quarantined."""
        return pl.any_horizontal(self.flags) if self.flags else pl.lit(value=False)

    def complaints(self) -> pl.LazyFrame:
        """The rows fit to audit, in the canonical schema (plus ``source_row`` and extras)."""
        return self.checked.filter(~self.bad).select(
            schema.SOURCE_ROW,
            *schema.SCHEMA,
            *(pl.col(_raw(c)).alias(c) for c in self.extra_columns),
        )

    def set_aside(self) -> pl.LazyFrame:
        """The rows with a problem, with what their reasons quote (few rows)."""
        quoted = [_raw(c) for c in self.raw_columns]
        quoted += [
            _raw(detail)
            for kind, _, detail in (f.removeprefix("_bad_").partition(":") for f in self.flags)
            if kind in _EXPECTED
        ]
        return self.checked.filter(self.bad).select(
            schema.SOURCE_ROW,
            "complaint_id",
            *schema.DATE_COLUMNS,
            *self.flags,
            *dict.fromkeys(quoted),
        )

    def quarantine(self, set_aside: pl.DataFrame) -> pl.DataFrame:
        """The rows set aside: source row, id, reasons (words and codes), raw values."""
        reasoned = _reasons(set_aside.lazy(), self.flags)
        return reasoned.select(
            schema.SOURCE_ROW,
            _text(_raw("complaint_id")).alias("complaint_id")
            if "complaint_id" in self.raw_columns
            else pl.lit(None, pl.String).alias("complaint_id"),
            pl.col("_problems").list.join("; ").alias("reasons"),
            pl.col("_codes").alias("reason_codes"),
            *(_text(_raw(c)).alias(c) for c in self.raw_columns if c != "complaint_id"),
        ).collect(engine="in-memory")

    def rows(self) -> pl.LazyFrame:
        """One row: ``rows_read`` and ``rows_quarantined``."""
        return self.checked.select(
            pl.len().cast(pl.Int64).alias("rows_read"),
            self.bad.sum().cast(pl.Int64).alias("rows_quarantined"),
        )

    def evidence(self) -> pl.LazyFrame:
        """One row on date order: whether any value reads only day first, and per text
        date column the first value that reads only month first (source row, raw value)."""
        if self.missed is None:
            return pl.LazyFrame({"day_first": [False]})
        fast = self.checked.select(
            pl.any_horizontal(
                fast_day_first(pl.col(f"_fast_{n}"), self.formats[n]).any() for n in self.text_dates
            ).alias("fast_day_first")
        )
        exprs = [pl.any_horizontal(pl.col(f"_sday_{n}").any() for n in self.text_dates)]
        for name in self.text_dates:
            month_first = pl.col(f"_smonth_{name}")
            first = pl.col(schema.SOURCE_ROW).filter(month_first)
            exprs += [
                first.min().alias(f"row:{name}"),
                pl.col(_raw(name)).filter(month_first).sort_by(first).first().alias(f"at:{name}"),
            ]
        slow = self.missed.select(exprs[0].alias("slow_day_first"), *exprs[1:])
        return pl.concat([fast, slow], how="horizontal").select(
            (pl.col("fast_day_first") | pl.col("slow_day_first").fill_null(False)).alias(
                "day_first"
            ),
            pl.exclude("fast_day_first", "slow_day_first"),
        )

    def collect(self) -> Extract:
        """Run the plan once: complaints, quarantine, counts and date evidence together.

        Raises
        ------
        MonthFirstDatesError
            The file's dates read only month first.
        InputError
            The file cannot be read (for example a CSV line with too many fields), or
            it has a header and no rows.
        """
        scan, (complaints, set_aside), rows_read, _ = self._collect(
            lambda s: [s.complaints(), s.set_aside()]
        )
        extract = Extract(
            source=scan.source,
            complaints=complaints,
            quarantine=scan.quarantine(set_aside),
            rows_read=rows_read,
            extra_columns=scan.extra_columns,
            found_columns=scan.found_columns,
        )
        if extract.rows_read != extract.rows_used + extract.rows_quarantined:  # pragma: no cover
            msg = f"internal error: {extract.reconciliation()} does not add up"
            raise AssertionError(msg)
        return extract

    def collect_used(self, columns: Sequence[str]) -> tuple[pl.DataFrame, int, int]:
        """Only ``columns`` of the rows fit to audit, with rows read and rows quarantined.

        The same rows as :meth:`collect`, for callers that need the counts but not the
        quarantine table (no reason is written).
        """
        _, (used,), rows_read, quarantined = self._collect(
            lambda s: [s.complaints().select(columns)]
        )
        if rows_read != used.height + quarantined:  # pragma: no cover
            msg = f"internal error: rows read {rows_read} != {used.height} + {quarantined}"
            raise AssertionError(msg)
        return used, rows_read, quarantined

    def _collect(
        self, plans: Callable[[ExtractScan], list[pl.LazyFrame]]
    ) -> tuple[ExtractScan, list[pl.DataFrame], int, int]:
        """Run ``plans(scan)`` with the counts and date evidence, all in one pass.

        A CSV read in place that turns out not to be UTF-8 is planned again over its
        converted text (the scan returned is the one that ran).
        """
        try:
            *frames, rows, evidence = _run(
                self.source, self.kind, [*plans(self), self.rows(), self.evidence()]
            )
        except _NotUtf8:
            if self.replan is None:  # pragma: no cover - converted text is UTF-8
                raise
            return self.replan()._collect(plans)
        rows_read, quarantined = (int(v) for v in rows.row(0))
        if rows_read == 0:
            raise InputError(self.source, "the file has a header but no complaint rows")
        self._refuse_month_first(evidence)
        return self, frames, rows_read, quarantined

    def _refuse_month_first(self, evidence: pl.DataFrame) -> None:
        if evidence["day_first"][0]:
            return
        for name in self.text_dates:
            row = evidence[f"row:{name}"][0]
            if row is not None:
                value = evidence[f"at:{name}"][0]
                msg = (
                    f"{value!r} reads only month first (US style) and no date in the file "
                    "reads day first; export the dates as day-first (dd/mm/yyyy) or ISO "
                    "(yyyy-mm-dd)"
                )
                raise MonthFirstDatesError(self.source, msg, row=int(row), column=name)


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
    return scan_complaints(path, mapping=mapping, columns=columns).collect()


def scan_complaints(
    path: str | Path,
    *,
    mapping: Mapping | str | Path | None = None,
    columns: Sequence[str] | None = None,
) -> ExtractScan:
    """Plan the read of an extract (see :func:`load_complaints` for the parameters).

    Only the header, and for text dates the first rows, are read here; the rest is read
    when the plan is collected.
    """
    path = Path(path)
    if not isinstance(mapping, Mapping):
        mapping = Mapping() if mapping is None else Mapping.from_yaml(mapping)
    kind = _kind(path, what="extract")
    try:
        return _scan_plan(path, kind, mapping, columns, convert=False)
    except _NotUtf8:
        return _scan_plan(path, kind, mapping, columns, convert=True)


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
    kind = _kind(path, what=what)
    pick = choose or (lambda _headers: None)
    try:
        frame = _scan(path, kind, pick)
        return _run(str(path), kind, [frame])[0], kind
    except _NotUtf8:
        return _run(str(path), kind, [_scan(path, kind, pick, convert=True)])[0], kind


def _kind(path: Path, *, what: str) -> str:
    """The file's kind (csv, xlsx, parquet), once it is known to be a readable file."""
    source = str(path)
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        suffix = path.suffix or "a file with no extension"
        msg = f"cannot read {suffix}; expected one of {', '.join(SUFFIXES)}"
        raise InputError(source, msg)
    check_file(path, what=what)
    if path.stat().st_size == 0:
        raise InputError(source, "the file is empty")
    return kind


class _NotUtf8(Exception):
    """A CSV read in place turned out not to be UTF-8: read it again, converted."""


def _scan_plan(
    path: Path,
    kind: str,
    mapping: Mapping,
    columns: Sequence[str] | None,
    *,
    convert: bool,
) -> ExtractScan:
    source = str(path)
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

    raw = _scan(path, kind, choose, convert=convert)
    renames = found["renames"]
    headers = raw.collect_schema().names()
    extras = tuple(c for c in headers if c not in renames)
    first_row = 1 if kind == "parquet" else 2
    raw = raw.rename({c: _raw(renames.get(c, c)) for c in headers}).with_row_index(
        schema.SOURCE_ROW, offset=first_row
    )
    raw = raw.with_columns(pl.col(schema.SOURCE_ROW).cast(pl.Int64))
    plan = _plan(raw, mapping, source, kind, extras, excel_serials=kind == "xlsx")
    if kind == "csv" and not convert:

        def replan() -> ExtractScan:
            return _scan_plan(path, kind, mapping, columns, convert=True)

        plan = replace(plan, replan=replan)
    return plan


def _run(source: str, kind: str, plans: list[pl.LazyFrame]) -> list[pl.DataFrame]:
    """Collect lazy frames together (common parts computed once); reading errors named.

    The in-memory engine: on these plans it costs a quarter less than the streaming one.
    """
    try:
        return pl.collect_all(plans, engine="in-memory")
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError, OSError) as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if kind == "csv" and "utf-8" in detail.lower():
            raise _NotUtf8 from None
        msg = f"cannot read as {kind.upper()}: {detail}"
        raise InputError(source, msg) from None


def _scan(
    path: Path,
    kind: str,
    choose: Callable[[list[str]], list[str] | None],
    *,
    convert: bool = False,
) -> pl.LazyFrame:
    """The file as a lazy frame of text (CSV, XLSX) or typed (Parquet) columns, chosen ones."""
    source = str(path)
    try:
        if kind == "parquet":
            headers = list(pl.read_parquet_schema(path))
            wanted = choose(headers)
            frame = pl.scan_parquet(path)
            return frame if wanted is None else frame.select(wanted)
        if kind == "xlsx":
            check_xlsx(path, what="XLSX workbook")
            sheet = pl.read_excel(path, engine="calamine", infer_schema_length=0)
            wanted = choose(sheet.columns)
            return (sheet if wanted is None else sheet.select(wanted)).lazy()
        return _scan_csv(path, choose, convert=convert)
    except (InputError, _NotUtf8):
        raise
    except (pl.exceptions.PolarsError, OSError, ValueError) as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        msg = f"cannot read as {kind.upper()}: {detail}"
        raise InputError(source, msg) from None
    except Exception as exc:  # the engines raise their own types (fastexcel, arrow)
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        msg = f"cannot read as {kind.upper()}: {type(exc).__name__}: {detail}"
        raise InputError(source, msg) from None


def _scan_csv(
    path: Path, choose: Callable[[list[str]], list[str] | None], *, convert: bool
) -> pl.LazyFrame:
    """A CSV scanned in place, or converted in memory from Windows-1252 first.

    A file is read in place while it looks like UTF-8; polars refuses invalid UTF-8
    when it reads, and the plan is then made again over the converted text, so a UTF-8
    file is never held in memory by Python.
    """
    with path.open("rb") as handle:
        head = handle.read(_HEAD_BYTES)
    data: Path | io.BytesIO = path
    if convert or not _utf8_prefix(head):
        text = _as_utf8(path.read_bytes())
        data, head = io.BytesIO(text), text[:_HEAD_BYTES]
    first_line = head.removeprefix(b"\xef\xbb\xbf").split(b"\n", 1)[0]
    separator = max((b",", b";", b"\t"), key=first_line.count).decode()
    frame = pl.scan_csv(data, separator=separator, infer_schema=False, truncate_ragged_lines=False)
    wanted = choose(frame.collect_schema().names())
    return frame if wanted is None else frame.select(wanted)


def _utf8_prefix(data: bytes) -> bool:
    """Whether the start of a file is UTF-8 (a character cut off at the end is allowed)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.reason == "unexpected end of data"
    return True


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


def _text(column: str | pl.Expr) -> pl.Expr:
    """A raw column as stripped text, null for blanks and the usual 'no value' tokens."""
    text = (pl.col(column) if isinstance(column, str) else column).cast(pl.String).str.strip_chars()
    return text.replace(_NULL_VARIANTS, None)


_NULL_VARIANTS = sorted({v for t in _NULL_TOKENS for v in (t, t.upper(), t.title())})


def _raw(name: str) -> str:
    return f"_raw_{name}"


def _plan(
    raw: pl.LazyFrame,
    mapping: Mapping,
    source: str,
    kind: str,
    extras: tuple[str, ...],
    *,
    excel_serials: bool,
) -> ExtractScan:
    """Typed canonical columns plus one boolean per possible problem (``_bad_*``).

    Only booleans are computed on every row; the words of each reason are written (by
    :meth:`ExtractScan.quarantine`) for the few rows that have one. Each text column a
    check reads is stripped once (``_t_*``) and every step reads that.
    """
    raw_schema = raw.collect_schema()
    texts = [name for name in schema.CHECKED_COLUMNS if raw_schema.get(_raw(name)) == pl.String]
    text_dates = tuple(n for n in schema.DATE_COLUMNS if n in texts)
    formats = _date_formats(raw, text_dates, source, kind)
    # a date is parsed natively from the raw text; only what that misses (a value with
    # spaces, a 'no value' token, another style, nonsense) is stripped (``_t_*`` is null
    # where the fast parse read the date) and goes to the general parser
    typed = raw.with_columns(
        *(_text(_raw(n)).alias(_t(n)) for n in texts if n not in text_dates),
        *(fast_parse(pl.col(_raw(n)), formats[n]).alias(f"_fast_{n}") for n in text_dates),
    )
    missed: pl.LazyFrame | None = None
    if text_dates:
        typed = typed.with_columns(
            _text(pl.when(pl.col(f"_fast_{n}").is_null()).then(pl.col(_raw(n)))).alias(_t(n))
            for n in text_dates
        ).cache()  # read once: the rows missed are parsed apart and joined back
        missed = _slow_dates(typed, text_dates, excel_serials=excel_serials)
        typed = typed.join(
            missed.select(schema.SOURCE_ROW, *(f"_slow_{n}" for n in text_dates)),
            on=schema.SOURCE_ROW,
            how="left",
            maintain_order="left",
        ).with_columns(
            pl.coalesce(f"_fast_{n}", f"_slow_{n}").alias(f"_date_{n}") for n in text_dates
        )
    values, flags = [], []
    for column in schema.COLUMNS:
        value, bad, problem = _cast_column(column, raw_schema, mapping)
        values.append(value.cast(column.dtype).alias(column.name))
        if bad is not None:
            flags.append(bad.fill_null(False).alias(f"_bad_{problem}:{column.name}"))
    typed = typed.with_columns(*values, *flags)
    # year 9999 reads as a date, but no complaint has it
    implausible = [
        (~pl.col(name).dt.year().is_between(*PLAUSIBLE_YEARS))
        .fill_null(False)
        .alias(f"_bad_implausible_date:{name}")
        for name in schema.DATE_COLUMNS
        if _raw(name) in raw_schema
    ]
    typed = typed.with_columns(implausible)
    flags += implausible
    cid = pl.col("complaint_id")
    # a hash finds the candidates cheaply; the ids themselves decide among them
    candidate = cid.hash().is_duplicated()
    checks = [
        cid.is_null().alias("_bad_missing_id"),
        (cid.is_not_null() & candidate & pl.when(candidate).then(cid).is_duplicated()).alias(
            "_bad_duplicate_id"
        ),
        _blank(raw_schema, "stage1_received_date").alias("_bad_missing_required"),
    ]
    for index, (later, earlier, _) in enumerate(_ORDER_RULES):
        checks.append(
            (pl.col(later) < pl.col(earlier)).fill_null(False).alias(f"_bad_order:{index}")
        )
    checks.append(
        (
            _blank(raw_schema, "stage2_requested_date")
            & (
                pl.col("stage2_acknowledged_date").is_not_null()
                | pl.col("stage2_response_date").is_not_null()
            )
        ).alias("_bad_order:stage2_without_request")
    )
    checked = typed.with_columns(checks)
    names = tuple(f.meta.output_name() for f in (*flags, *checks))
    # the quarantine shows a row's values so it can be fixed; never personal, health or
    # free text (a bad value of a free-text column never sets a row aside)
    raw_columns = tuple(
        c.name
        for c in schema.COLUMNS
        if _raw(c.name) in raw_schema
        and not c.personal
        and c.name not in ("vulnerability", *FREE_TEXT_SHOWN)
    )
    found = tuple(c.name for c in schema.COLUMNS if _raw(c.name) in raw_schema)
    return ExtractScan(
        source=source,
        kind=kind,
        checked=checked,
        flags=names,
        raw_columns=raw_columns,
        extra_columns=extras,
        found_columns=found,
        text_dates=text_dates,
        formats=formats,
        missed=missed,
    )


def _t(name: str) -> str:
    """The stripped text of a raw column (see :func:`_text`), computed once per row."""
    return f"_t_{name}"


def _slow_dates(
    typed: pl.LazyFrame, names: tuple[str, ...], *, excel_serials: bool
) -> pl.LazyFrame:
    """The rows with a date the fast parse missed, read by the general parser.

    Per text date column: ``_slow_*`` (the date or null), ``_sday_*`` and ``_smonth_*``
    (the value reads only day first, only month first) and the raw value. The general
    parser is several regular expressions a value, so it sees these rows only.
    """
    exprs = []
    for name in names:
        dates, only_day, only_month = slow_parse(pl.col(_t(name)), excel_serials=excel_serials)
        exprs += [
            dates.alias(f"_slow_{name}"),
            only_day.alias(f"_sday_{name}"),
            only_month.alias(f"_smonth_{name}"),
            pl.col(_raw(name)),
        ]
    any_missed = pl.any_horizontal(pl.col(_t(n)).is_not_null() for n in names)
    return typed.filter(any_missed).select(schema.SOURCE_ROW, *exprs)


def _date_formats(
    raw: pl.LazyFrame, names: tuple[str, ...], source: str, kind: str
) -> dict[str, str]:
    """Each text date column's commonest style among its first values (one small read).

    The choice only decides which values take the fast path: every style is read the
    same either way (see :func:`auditlib.dates.parse_with`).
    """
    if not names:
        return {}
    head = _run(
        source,
        kind,
        [raw.head(_PROBE_ROWS).select(_text(_raw(n)).alias(n) for n in names)],
    )[0]
    return {name: choose_format(head[name].drop_nulls().head(_PROBE_VALUES)) for name in names}


def _cast_column(
    column: schema.Column, raw_schema: pl.Schema, mapping: Mapping
) -> tuple[pl.Expr, pl.Expr | None, str | None]:
    """(typed value, 'could not be read' flag or None, problem kind)."""
    name, source = column.name, _raw(column.name)
    if source not in raw_schema:
        return pl.lit(None, dtype=column.dtype), None, None
    dtype = raw_schema[source]
    text = pl.col(_t(name)) if dtype == pl.String else _text(source)
    if column.dtype == pl.Date():
        if dtype == pl.String:
            value = pl.col(f"_date_{name}")
            return value, text.is_not_null() & value.is_null(), "unreadable_date"
        if dtype == pl.Date:
            return pl.col(source), None, None
        if isinstance(dtype, pl.Datetime):
            return pl.col(source).dt.date(), None, None
        return pl.lit(None, dtype=pl.Date), pl.col(source).is_not_null(), "unreadable_date"
    if column.dtype == pl.Int32():
        if dtype.is_integer():
            return pl.col(source).cast(pl.Int32), None, None
        number = text.cast(pl.Float64, strict=False)
        whole = number.is_not_null() & (number == number.round(0))
        value = pl.when(whole).then(number).cast(pl.Int32, strict=False)
        return value, text.is_not_null() & value.is_null(), "unreadable_whole_number"
    if column.dtype == pl.Float64():
        if dtype.is_numeric():
            return pl.col(source).cast(pl.Float64), None, None
        value = text.str.replace_all(r"[£,\s]", "").cast(pl.Float64, strict=False)
        return value, text.is_not_null() & value.is_null(), "unreadable_number"
    if column.dtype == pl.Boolean():
        if dtype == pl.Boolean:
            return pl.col(source), None, None
        lower = text.str.to_lowercase()
        value = pl.when(lower.is_in(_TRUE)).then(True).when(lower.is_in(_FALSE)).then(False)
        return value, lower.is_not_null() & value.is_null(), "unreadable_flag"
    plain = pl.col(source).cast(pl.String)
    if column.labels:
        return _labels(plain, name, mapping), None, None
    if column.personal:  # long free text: blanks become null, the words are left alone
        return pl.when(plain.str.strip_chars() != "").then(plain), None, None
    plain = plain.str.strip_chars()
    if name == "vulnerability":
        return pl.when(~plain.str.to_lowercase().is_in(_NO_VULNERABILITY)).then(plain), None, None
    return pl.when(plain != "").then(plain), None, None


def _labels(plain: pl.Expr, column: str, mapping: Mapping) -> pl.Expr:
    """A label column translated by the mapping: each distinct value looked up once."""
    distinct = plain.drop_nulls().unique(maintain_order=True)

    def canonical(values: pl.Series) -> pl.Series:
        return pl.Series(
            [mapping.canonical_label(column, value) for value in values], dtype=pl.String
        )

    labels = distinct.map_batches(canonical, return_dtype=pl.String)
    return plain.replace_strict(distinct, labels, default=None, return_dtype=pl.String)


_EXPECTED = {
    "unreadable_date": "a day-first or ISO date",
    "unreadable_number": "a number",
    "unreadable_whole_number": "a whole number",
    "unreadable_flag": "yes or no",
    "implausible_date": "a date in the years {} to {}".format(*PLAUSIBLE_YEARS),
}


def _blank(raw_schema: pl.Schema, name: str) -> pl.Expr:
    """Blank in the source (not merely unreadable, which has its own reason)."""
    source = _raw(name)
    if source not in raw_schema:
        return pl.lit(value=True)
    if raw_schema[source] == pl.String:  # text dates: blank if neither parse saw text
        return pl.col(f"_fast_{name}").is_null() & pl.col(_t(name)).is_null()
    return pl.col(source).is_null()  # a typed value is never blank text


def _reasons(bad: pl.LazyFrame, flags: Sequence[str]) -> pl.LazyFrame:
    """Words and codes for each quarantined row (a small frame: only rows with a problem)."""
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
