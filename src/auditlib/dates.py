"""Reading dates as landlords' systems write them, vectorised.

Accepted: ISO (``2025-12-25``, with or without a time), UK day-first with ``/``, ``-``
or ``.`` and a two- or four-digit year (``25/12/2025``, ``25/12/25``), a day, a month
name and a year (``25-Dec-2025``, ``25 December 2025``), and, from spreadsheets only,
Excel serial day numbers (``46016`` is 25 December 2025). Two-digit years are 20xx.

A value that reads only month first (``12/25/2025``) is not a day-first date. When a
file holds such values and no value that reads only day first, the whole file is taken
to be month-first and refused: see :func:`month_first_evidence`.
"""

from __future__ import annotations

from datetime import date

import polars as pl

_ISO = r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$"
_NUMERIC = r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?:[ T].*)?$"
_NAMED = r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-/]+([A-Za-z]{3,9})\.?[\s\-/,]+(\d{4}|\d{2})(?:[ T].*)?$"
_SERIAL = r"^(\d{5})(?:\.\d+)?$"
_EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 is 1900-01-01, less Excel's 1900 leap-year bug
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}


def _year(text: pl.Expr) -> pl.Expr:
    year = text.cast(pl.Int32, strict=False)
    return pl.when(text.str.len_chars() == 2).then(year + 2000).otherwise(year)


def _from_parts(year: pl.Expr, month: pl.Expr, day: pl.Expr) -> pl.Expr:
    """A date from integer parts; null where the parts make no date (31 February)."""
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    days_in_month = (
        pl.when(month == 2)
        .then(pl.when(leap).then(29).otherwise(28))
        .when(month.is_in([4, 6, 9, 11]))
        .then(30)
        .otherwise(31)
    )
    valid = year.is_between(0, 9999) & month.is_between(1, 12) & day.is_between(1, days_in_month)
    return pl.date(pl.when(valid).then(year), month, day)


def parse_dates(text: pl.Expr, *, excel_serials: bool = False) -> pl.Expr:
    """Parse stripped text to dates; null where the text is not a day-first or ISO date.

    Examples
    --------
    >>> df = pl.DataFrame({"d": ["25/12/25", "25-Dec-2025", "2025-12-25", "12/25/2025"]})
    >>> df.select(parse_dates(pl.col("d"))).to_series().to_list()[2:]
    [datetime.date(2025, 12, 25), None]
    """
    iso = text.str.extract_groups(_ISO)
    num = text.str.extract_groups(_NUMERIC)
    named = text.str.extract_groups(_NAMED)
    month_name = (
        named.struct[1]
        .str.to_lowercase()
        .replace_strict(_MONTHS, default=None, return_dtype=pl.Int32)
    )
    parsed = pl.coalesce(
        _from_parts(
            iso.struct[0].cast(pl.Int32), iso.struct[1].cast(pl.Int32), iso.struct[2].cast(pl.Int32)
        ),
        _from_parts(
            _year(num.struct[2]), num.struct[1].cast(pl.Int32), num.struct[0].cast(pl.Int32)
        ),
        _from_parts(_year(named.struct[2]), month_name, named.struct[0].cast(pl.Int32)),
    )
    if excel_serials:
        serial = text.str.extract(_SERIAL, 1).cast(pl.Int64, strict=False)
        from_serial = pl.lit(_EXCEL_EPOCH) + pl.duration(days=serial)
        parsed = pl.coalesce(parsed, from_serial.cast(pl.Date))
    return parsed


def month_first_evidence(text: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """Two boolean expressions: the value reads only day first; it reads only month first.

    ``25/12/2025`` reads only day first; ``12/25/2025`` only month first; ``05/06/2025``
    either way (it is taken day first).
    """
    num = text.str.extract_groups(_NUMERIC)
    first = num.struct[0].cast(pl.Int32)
    second = num.struct[1].cast(pl.Int32)
    only_day_first = (first > 12) & (first <= 31) & (second <= 12)
    only_month_first = (second > 12) & (second <= 31) & (first <= 12) & (first >= 1)
    return only_day_first.fill_null(False), only_month_first.fill_null(False)


# Formats tried whole-column first (native parsing, about ten times faster than the
# regular expressions above); values they miss fall back to ``parse_dates``.
_FAST_FORMATS = (
    "%d/%m/%Y",
    "%Y-%m-%d",
    "%d/%m/%y",
    "%d-%b-%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%d %B %Y",
    "%d %b %Y",
    "%Y-%m-%d %H:%M:%S",
)
# formats whose first field is the day: a parsed day over 12 proves the file day-first
DAY_FIRST_FORMATS = frozenset({"%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y"})
#: the first and last year a complaint date can fall in; others are quarantined
PLAUSIBLE_YEARS = (1990, 2100)


def _plausible(dates: pl.Expr) -> pl.Expr:
    first, last = date(PLAUSIBLE_YEARS[0], 1, 1), date(PLAUSIBLE_YEARS[1], 12, 31)
    return pl.when(dates.is_between(first, last)).then(dates)


def fast_parse(text: pl.Expr, fmt: str) -> pl.Expr:
    """Native parsing in one style; null where the value is not in that style.

    Every style reads a value as :func:`parse_dates` does, so the style chosen only
    decides which values take this fast path. Two-digit years are 20xx here too.

    Examples
    --------
    >>> df = pl.DataFrame({"d": ["25/12/95", "25/12/2025"]})
    >>> df.select(fast_parse(pl.col("d"), "%d/%m/%y")).to_series().to_list()
    [datetime.date(2095, 12, 25), None]
    """
    parsed = text.str.to_date(fmt, strict=False)
    if "%y" in fmt:  # the native parser reads 69-99 as 19xx; the documented rule is 20xx
        parsed = (
            pl.when(parsed.dt.year() < 2000).then(parsed.dt.offset_by("100y")).otherwise(parsed)
        )
    return _plausible(parsed)


def choose_format(values: pl.Series) -> str:
    """The style that reads most of ``values`` (stripped text); the first style on a tie.

    Examples
    --------
    >>> choose_format(pl.Series(["2025-12-25", "25/12/2025", "2026-01-02"]))
    '%Y-%m-%d'
    """
    probe = pl.DataFrame({"t": values.cast(pl.String)})
    scores = probe.select(
        fast_parse(pl.col("t"), f).is_not_null().sum().alias(f) for f in _FAST_FORMATS
    ).row(0, named=True)
    return max(_FAST_FORMATS, key=lambda f: scores[f])


def slow_parse(missed: pl.Expr, *, excel_serials: bool = False) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """The general parser on the values a fast parse missed: (dates, reads only day
    first, reads only month first).

    It is several regular expressions per value, so run it on those rows only (a filter
    first), not on a whole column.
    """
    only_day, only_month = month_first_evidence(missed)
    return parse_dates(missed, excel_serials=excel_serials), only_day, only_month


def fast_day_first(fast: pl.Expr, fmt: str) -> pl.Expr:
    """A value read natively in a day-first style with a day over 12 proves the order."""
    if fmt not in DAY_FIRST_FORMATS:
        return pl.lit(value=False)
    return (fast.dt.day() > 12).fill_null(False)


_STYLE_NAMES = {
    "%d/%m/%Y": "day first, dd/mm/yyyy",
    "%Y-%m-%d": "ISO, yyyy-mm-dd",
    "%d/%m/%y": "day first, dd/mm/yy",
    "%d-%b-%Y": "day first, dd-Mon-yyyy",
    "%d-%m-%Y": "day first, dd-mm-yyyy",
    "%d.%m.%Y": "day first, dd.mm.yyyy",
    "%d %B %Y": "day first, dd Month yyyy",
    "%d %b %Y": "day first, dd Mon yyyy",
    "%Y-%m-%d %H:%M:%S": "ISO with a time, yyyy-mm-dd hh:mm:ss",
}


def date_style(text: pl.Series) -> str | None:
    """The commonest date style in a column of stripped text, in words; None if none.

    Examples
    --------
    >>> date_style(pl.Series(["25/12/2025", "02/01/2026", None]))
    'day first, dd/mm/yyyy'
    >>> date_style(pl.Series(["46016", "46017"]))
    'Excel serial day numbers'
    """
    probe = pl.DataFrame({"t": text.drop_nulls().head(2000)})
    if probe.height == 0:
        return None
    scores = probe.select(
        _plausible(pl.col("t").str.to_date(f, strict=False)).is_not_null().sum().alias(f)
        for f in _FAST_FORMATS
    ).row(0, named=True)
    fmt = max(_FAST_FORMATS, key=lambda f: scores[f])
    if scores[fmt]:
        return _STYLE_NAMES[fmt]
    if probe.select(pl.col("t").str.contains(_SERIAL).all()).item():
        return "Excel serial day numbers"
    return "mixed or other"


def parse_date_series(
    text: pl.Series, *, excel_serials: bool = False
) -> tuple[pl.Series, bool, int | None]:
    """Parse a column of stripped text; report the evidence on day or month order.

    Returns the dates (null where unreadable), whether any value reads only day first,
    and the index of the first value that reads only month first (``None`` if none).
    The column's commonest style is parsed natively in one pass; only the values it
    misses go through the slower general parser. (The loader does the same inside its
    one lazy plan.)

    Examples
    --------
    >>> dates, day_first, month_first_at = parse_date_series(pl.Series(["25/12/2025", None]))
    >>> dates.to_list(), day_first, month_first_at
    ([datetime.date(2025, 12, 25), None], True, None)
    """
    fmt = choose_format(text.drop_nulls().head(2000))
    frame = pl.DataFrame({"t": text}).with_columns(fast=fast_parse(pl.col("t"), fmt))
    day_first = bool(frame.select(fast_day_first(pl.col("fast"), fmt).any()).item())
    missed = frame.with_row_index("i").filter(pl.col("t").is_not_null() & pl.col("fast").is_null())
    result = frame["fast"].alias(text.name)
    month_first_at: int | None = None
    if missed.height:
        dates, only_day, only_month = slow_parse(pl.col("t"), excel_serials=excel_serials)
        slow = missed.select("i", dates.alias("d"), only_day.alias("day"), only_month.alias("m"))
        result = result.scatter(slow["i"], slow["d"])
        day_first = day_first or bool(slow["day"].any())
        months = slow.filter(pl.col("m"))
        month_first_at = int(months["i"][0]) if months.height else None
    return result, day_first, month_first_at
