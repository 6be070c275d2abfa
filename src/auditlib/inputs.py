"""Guards for the files people hand to auditlib, applied before any parser sees them.

A complaint extract, a mapping, a configuration file, a policy document or last
year's action plan may be damaged, mislabelled or built to do harm. Each reader calls
these checks first, so that a bad file ends in one clear :class:`~auditlib.errors.InputError`
(exit 2) rather than a hang, a crash of a native library, or all the memory there is:

* :func:`check_file`: the path exists, is a file (a folder is not "not found"), can
  be opened, and is not larger than the reader allows;
* :func:`safe_yaml`: YAML or JSON settings of bounded size, depth and number of
  values, read with the safe loader; a file nested too deeply is refused, never a
  ``RecursionError``;
* :func:`check_zip`: a ZIP-based document (XLSX, DOCX) whose parts do not expand
  beyond a total size or by more than a ratio a real document shows;
* :func:`check_xlsx`: a workbook whose sheets, as declared and as their cells say,
  fit in a grid the spreadsheet engine can hold.

The limits are module constants, far above anything a landlord's real files reach.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from auditlib.errors import ConfigError, InputError

#: settings files (configuration, mapping, data-quality settings) larger than this are refused
MAX_SETTINGS_BYTES = 2 * 1024 * 1024
#: deepest nesting of lists and mappings accepted in a settings file
MAX_DEPTH = 32
#: most values (scalars, lists and mappings) accepted in a settings file
MAX_VALUES = 200_000
#: most bytes a ZIP-based document may expand to
MAX_UNZIPPED_BYTES = 2 * 1024**3
#: a part expanding by more than this factor marks a ZIP bomb (Apache POI uses 100 too)
MAX_RATIO = 100
#: parts smaller than this are not held to the ratio (tiny XML compresses very well)
RATIO_FLOOR = 1024 * 1024
#: most parts in a ZIP-based document
MAX_PARTS = 10_000
#: Excel's own limits on a sheet
EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384
#: most cells (rows x columns spanned) a sheet may cover: 1,048,576 rows of 57 columns
MAX_CELLS = 60_000_000

_CHUNK = 16 * 1024 * 1024
_DIMENSION = re.compile(
    rb'<(?:\w+:)?dimension\s+ref="([A-Z]{1,4})?(\d{1,8})?(?::([A-Z]{1,4})(\d{1,8}))?"'
)
_CELL_REF = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,4})(\d{1,8})"')
_ROW_REF = re.compile(rb'<(?:\w+:)?row\s[^>]*?\br="(\d{1,8})"')


def check_file(
    path: str | Path,
    *,
    what: str = "file",
    max_bytes: int | None = None,
    error: type[InputError] = InputError,
) -> Path:
    """The path as a :class:`~pathlib.Path`, once it is known to be a readable file.

    Parameters
    ----------
    path
        The file named by the user.
    what
        What the file is, for the message ("extract", "mapping file").
    max_bytes
        Refuse a larger file (no limit by default).
    error
        The error class to raise (:class:`~auditlib.errors.ConfigError` for settings).

    Examples
    --------
    >>> check_file(".", what="extract")
    Traceback (most recent call last):
    ...
    auditlib.errors.InputError: '.': the extract is a folder, not a file; name the file inside it
    """
    p = Path(path)
    source = str(p)
    try:
        if p.is_dir():
            msg = f"the {what} is a folder, not a file; name the file inside it"
            raise error(source, msg)
        if not p.exists():
            raise error(source, f"{what} not found")
        if not p.is_file():
            raise error(source, f"the {what} is not a regular file")
        size = p.stat().st_size
        with p.open("rb"):
            pass
    except OSError as exc:
        msg = f"cannot open the {what} ({exc.strerror or type(exc).__name__})"
        raise error(source, msg) from None
    if max_bytes is not None and size > max_bytes:
        msg = (
            f"the {what} is {size / 1024 / 1024:,.1f} MB, over the "
            f"{max_bytes / 1024 / 1024:,.0f} MB limit; is it the right file?"
        )
        raise error(source, msg)
    return p


def safe_yaml(
    path: str | Path,
    *,
    what: str = "configuration file",
    max_bytes: int = MAX_SETTINGS_BYTES,
    error: type[InputError] = ConfigError,
) -> Any:
    """Parse a YAML (or, by its ``.json`` suffix, JSON) settings file, within limits.

    The one loader for every settings file a person writes: configuration, column
    mapping, policy profile, data-quality settings. It uses the safe loader (no Python
    objects), refuses files over ``max_bytes``, nested deeper than :data:`MAX_DEPTH` or
    holding more than :data:`MAX_VALUES` values, and turns every parser failure into one
    ``error`` naming the file and, where the parser says, the line.

    Returns
    -------
    Any
        The parsed document (``None`` for an empty file).

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as d:
    ...     deep = os.path.join(d, "deep.yaml")
    ...     _ = open(deep, "w").write("a: " + "[" * 5000 + "]" * 5000)
    ...     safe_yaml(deep)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    auditlib.errors.ConfigError: ...: the configuration file is nested too deeply ...
    """
    import yaml

    p = check_file(path, what=what, max_bytes=max_bytes, error=error)
    source = str(p)
    is_json = p.suffix.lower() == ".json"
    kind = "JSON" if is_json else "YAML"
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise error(source, f"the {what} is not UTF-8 text") from None
    if "\x00" in text:
        raise error(source, f"the {what} is binary, not {kind} text")
    # nesting is counted before parsing: both parsers recurse once per level
    if _bracket_depth(text) > MAX_DEPTH or _indent_depth(text) > MAX_DEPTH:
        raise error(source, _too_deep(what))
    try:
        data = json.loads(text) if is_json else yaml.safe_load(text)
    except RecursionError:
        raise error(source, _too_deep(what)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        row = mark.line + 1 if mark is not None else None
        raise error(source, f"not valid YAML: {problem}", row=row) from None
    except json.JSONDecodeError as exc:
        raise error(source, f"not valid JSON: {exc.msg}", row=exc.lineno) from None
    except ValueError as exc:  # PyYAML's timestamp and integer constructors
        raise error(source, f"not valid {kind}: {str(exc).splitlines()[0]}") from None
    _check_shape(data, source, what, error)
    return data


def _too_deep(what: str) -> str:
    return f"the {what} is nested too deeply to be a settings file (over {MAX_DEPTH} levels)"


def _bracket_depth(text: str) -> int:
    """Deepest nesting of ``[`` and ``{`` (flow style), ignoring quoted text roughly."""
    depth = deepest = 0
    for char in re.sub(r"\"(?:[^\"\\\n]|\\.)*\"|'[^'\n]*'|#[^\n]*", "", text):
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth = max(depth - 1, 0)
    return deepest


def _indent_depth(text: str) -> int:
    """How many distinct indentation steps the block style climbs to (an upper bound)."""
    levels: list[int] = []
    deepest = 0
    for line in text.splitlines():
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        dashes = re.match(r"(?:-\s+)*", stripped)
        indent = len(line) - len(stripped)
        while levels and levels[-1] >= indent:
            levels.pop()
        levels.append(indent)
        deepest = max(deepest, len(levels) + (dashes.group(0).count("-") if dashes else 0))
    return deepest


def _check_shape(data: Any, source: str, what: str, error: type[InputError]) -> None:
    """Refuse a parsed document too deep, or too large once its aliases are expanded.

    YAML aliases let a few lines stand for billions of values (the "billion laughs");
    the sizes are added up per distinct node, so the check itself stays quick.
    """
    sizes: dict[int, int] = {}

    def size(node: Any, depth: int) -> int:
        if not isinstance(node, dict | list):
            return 1
        if depth > MAX_DEPTH:  # also ends a document that contains itself
            raise error(source, _too_deep(what))
        known = sizes.get(id(node))
        if known is not None:
            return known
        children = [*node.keys(), *node.values()] if isinstance(node, dict) else node
        total = 1 + sum(size(child, depth + 1) for child in children)
        if total > MAX_VALUES:
            msg = f"the {what} stands for more than {MAX_VALUES:,} values; is it the right file?"
            raise error(source, msg)
        sizes[id(node)] = total
        return total

    size(data, 1)


def check_zip(
    path: str | Path,
    *,
    what: str,
    max_bytes: int = MAX_UNZIPPED_BYTES,
    error: type[InputError] = InputError,
) -> list[zipfile.ZipInfo]:
    """Refuse a ZIP-based document that is not a ZIP or would expand too far.

    Checks the sizes the archive declares (the total against ``max_bytes``, each large
    part against :data:`MAX_RATIO`) before anything is decompressed. The readers that
    follow stream the parts, and a part that expands beyond what it declared is stopped
    by :func:`iter_part`.

    Returns
    -------
    list of zipfile.ZipInfo
        The archive's parts.
    """
    source = str(path)
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        msg = f"cannot read as {what}: it is not the ZIP package such files are"
        raise error(source, msg) from None
    if len(parts) > MAX_PARTS:
        raise error(source, f"the {what} has {len(parts):,} parts, more than any real one")
    total = sum(part.file_size for part in parts)
    if total > max_bytes:
        msg = (
            f"the {what} expands to {total / 1024**2:,.0f} MB, over the "
            f"{max_bytes / 1024**2:,.0f} MB limit"
        )
        raise error(source, msg)
    for part in parts:
        if part.file_size > RATIO_FLOOR and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            ratio = part.file_size / max(part.compress_size, 1)
            msg = (
                f"part {part.filename!r} of the {what} expands {ratio:,.0f} times, "
                "as no real document does (a ZIP bomb?)"
            )
            raise error(source, msg)
    return parts


def iter_part(
    archive: zipfile.ZipFile,
    part: zipfile.ZipInfo,
    *,
    source: str,
    what: str,
    error: type[InputError] = InputError,
) -> Iterator[bytes]:
    """A part's bytes in chunks, stopped if it expands beyond its declared size."""
    read = 0
    try:
        with archive.open(part) as stream:
            while chunk := stream.read(_CHUNK):
                read += len(chunk)
                if read > part.file_size:
                    msg = f"part {part.filename!r} of the {what} is larger than it declares"
                    raise error(source, msg)
                yield chunk
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        msg = f"part {part.filename!r} of the {what} is damaged ({type(exc).__name__})"
        raise error(source, msg) from None


def _column_number(letters: bytes) -> int:
    number = 0
    for char in letters:
        number = number * 26 + (char - 64)
    return number


def check_xlsx(path: str | Path, *, what: str = "workbook") -> None:
    """Refuse a workbook whose sheets the spreadsheet engine could not hold.

    The engine allocates one grid per sheet from the first to the last cell used: one
    cell at the far corner (``XFD1048576``) asks for hundreds of gigabytes and ends the
    process. Every sheet's declared dimension and the row and cell references it holds
    are read (streamed, before parsing) and refused beyond Excel's own limits or
    :data:`MAX_CELLS` cells.
    """
    source = str(path)
    parts = check_zip(path, what=what)
    sheets = [p for p in parts if re.fullmatch(r"xl/worksheets/[^/]+\.xml", p.filename)]
    if not any(p.filename == "xl/workbook.xml" for p in parts):
        raise InputError(source, f"not a readable {what} (no xl/workbook.xml inside)")
    with zipfile.ZipFile(path) as archive:
        for part in sheets:
            rows, columns, declared = _sheet_extent(archive, part, source, what)
            for label, (r, c) in (("declares", declared), ("uses", (rows, columns))):
                if r > EXCEL_ROWS or c > EXCEL_COLUMNS or r * c > MAX_CELLS:
                    msg = (
                        f"sheet {Path(part.filename).stem!r} {label} {r:,} rows by {c:,} "
                        f"columns, beyond what can be read (at most {MAX_CELLS:,} cells); "
                        "save it again with only the rows and columns it holds"
                    )
                    raise InputError(source, msg)


def _sheet_extent(
    archive: zipfile.ZipFile, part: zipfile.ZipInfo, source: str, what: str
) -> tuple[int, int, tuple[int, int]]:
    """(last row, last column, declared (rows, columns)) of one sheet's XML."""
    rows = columns = 0
    declared = (0, 0)
    tail = b""
    first = True
    for chunk in iter_part(archive, part, source=source, what=what):
        data = tail + chunk
        if first:
            match = _DIMENSION.search(data[:65536])
            if match:
                letters = match.group(3) or match.group(1) or b"A"
                number = match.group(4) or match.group(2) or b"1"
                declared = (int(number), _column_number(letters))
            first = False
        for ref in _CELL_REF.finditer(data):
            columns = max(columns, _column_number(ref.group(1)))
            rows = max(rows, int(ref.group(2)))
        for ref in _ROW_REF.finditer(data):
            rows = max(rows, int(ref.group(1)))
        # keep the end of the chunk: a tag may straddle two chunks
        cut = data.rfind(b"<")
        tail = data[cut:] if cut >= 0 and len(data) - cut < 4096 else b""
    return rows, columns, declared


def read_table(path: str | Path, *, what: str, sheet: str | None = None) -> Any:
    """A small table a person keeps (CSV or XLSX) read as text, or one clear error.

    For files auditlib wrote and people edited, such as last year's action plan: every
    column is text; an XLSX is checked with :func:`check_xlsx` first and read from
    ``sheet`` (default: the first sheet).

    Returns
    -------
    polars.DataFrame
    """
    import polars as pl

    p = check_file(path, what=what)
    source = str(p)
    suffix = p.suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".csv"):
        kind = suffix or "a file with no extension"
        msg = f"cannot read a {what} from {kind!r}; use .xlsx or .csv"
        raise InputError(source, msg)
    try:
        if suffix == ".csv":
            return pl.read_csv(p, infer_schema=False, encoding="utf8-lossy")
        check_xlsx(p, what=what)
        if sheet is None:
            return pl.read_excel(p, engine="calamine", infer_schema_length=0)
        return pl.read_excel(p, engine="calamine", sheet_name=sheet, infer_schema_length=0)
    except InputError:
        raise
    except Exception as exc:  # polars, fastexcel and arrow raise their own types
        first = str(exc).strip().splitlines()
        detail = f"{type(exc).__name__}: {first[0]}" if first else type(exc).__name__
        lowered = detail.lower()
        if (
            sheet is not None
            and "sheet" in lowered
            and ("not found" in lowered or "no matching" in lowered)
        ):
            detail = f"it has no sheet named {sheet!r}"
        raise InputError(source, f"cannot read the {what}: {detail}") from None
