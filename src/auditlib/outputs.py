"""The one writer for every CSV and XLSX file auditlib produces.

A spreadsheet program runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a
formula, and a leading tab or carriage return can hide one. Text from an extract (a
complaint reference, a category typed by a person, a plan carried from last year) can
start that way, so every text cell written here is neutralised as OWASP advises: an
apostrophe is put in front of it. Numbers, dates and yes/no values are left as they
are, so they stay numeric in Excel.

XLSX workbooks are opened with xlsxwriter's ``strings_to_formulas`` and
``strings_to_urls`` off, so no string is ever turned into a formula or a link, and
with a fixed creation time, so two runs write identical bytes.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

if TYPE_CHECKING:
    import xlsxwriter

#: characters that make a spreadsheet read a cell as a formula (or hide one)
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
#: the creation time stamped into every workbook (a fixed value: reproducible bytes)
WORKBOOK_CREATED = datetime(2024, 4, 1)  # noqa: DTZ001 - a fixed stamp, not a time


def neutralise(frame: pl.DataFrame) -> pl.DataFrame:
    """Prefix an apostrophe to every text cell that a spreadsheet would run as a formula.

    Only text columns change; numbers and dates are kept as they are.

    Examples
    --------
    >>> df = pl.DataFrame({"id": ["=1+1", "C1", "-x"], "n": [-1, 2, 3]})
    >>> neutralise(df).rows()
    [("'=1+1", -1), ('C1', 2), ("'-x", 3)]
    """
    text = [name for name, dtype in frame.schema.items() if dtype == pl.String()]
    if not text:
        return frame
    pattern = "^[" + "".join("\\" + c if c in "-+" else c for c in FORMULA_LEADS) + "]"
    return frame.with_columns(
        pl.when(pl.col(name).str.contains(pattern))
        .then(pl.lit("'") + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name in text
    )


def neutralise_text(value: Any) -> Any:
    """One cell's value made safe: text gains a leading apostrophe where needed.

    Examples
    --------
    >>> neutralise_text("=HYPERLINK(1)"), neutralise_text(3), neutralise_text("ok")
    ("'=HYPERLINK(1)", 3, 'ok')
    """
    if isinstance(value, str) and value.startswith(FORMULA_LEADS):
        return "'" + value
    return value


def write_csv(
    frame: pl.DataFrame,
    path: str | Path,
    *,
    encoding: str = "utf-8",
    line_terminator: str = "\n",
    verbatim: bool = False,
) -> Path:
    """Write a frame as CSV with formula-leading text neutralised; return the path.

    List columns are joined with ``;`` so the file stays one value per cell.

    Parameters
    ----------
    encoding
        ``utf-8`` (default), ``utf-8-sig`` (with a byte-order mark, as Excel writes) or
        any codec Python knows (``cp1252``).
    line_terminator
        ``\\n`` by default; ``\\r\\n`` as Windows programs write.
    verbatim
        Write text exactly as it is. Only for a synthetic *input* extract that must look
        like a housing system's own export (:mod:`auditlib.sample`); never for an output.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lists = [n for n, t in frame.schema.items() if isinstance(t, pl.List)]
    if lists:
        frame = frame.with_columns(pl.col(n).cast(pl.List(pl.String)).list.join(";") for n in lists)
    if not verbatim:
        frame = neutralise(frame)
    codec = encoding.lower().replace("_", "-")
    if codec in ("utf-8", "utf8", "utf-8-sig", "utf8-sig"):
        frame.write_csv(path, line_terminator=line_terminator, include_bom=codec.endswith("sig"))
    else:
        path.write_bytes(frame.write_csv(line_terminator=line_terminator).encode(encoding))
    return path


def restore(frame: pl.DataFrame) -> pl.DataFrame:
    """Undo :func:`neutralise` on a table auditlib wrote and a person edited.

    Text read back from last period's plan loses the apostrophe put in front of a
    formula-leading cell, so writing it again adds one apostrophe, not two.

    Examples
    --------
    >>> restore(pl.DataFrame({"t": ["'=1+1", "'quoted", "x"]}))["t"].to_list()
    ['=1+1', "'quoted", 'x']
    """
    text = [name for name, dtype in frame.schema.items() if dtype == pl.String()]
    pattern = "^'[" + "".join("\\" + c if c in "-+" else c for c in FORMULA_LEADS) + "]"
    return frame.with_columns(
        pl.when(pl.col(name).str.contains(pattern))
        .then(pl.col(name).str.slice(1))
        .otherwise(pl.col(name))
        .alias(name)
        for name in text
    )


def workbook(path: str | Path) -> xlsxwriter.Workbook:
    """An xlsxwriter workbook that never turns a string into a formula or a link.

    Use it as a context manager; write frames with ``frame.write_excel(workbook=wb)``
    after :func:`neutralise`, or cells with ``worksheet.write_string``.
    """
    import xlsxwriter

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(
        str(path),
        {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    book.set_properties({"created": WORKBOOK_CREATED})
    return book
