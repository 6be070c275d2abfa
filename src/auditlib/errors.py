"""Errors that mean "this input cannot be audited".

Non-compliance is never an exception: rules return findings. An exception from this
module means the audit cannot go on, and its ``str()`` is the one line a person sees.
Every class keeps its constructor arguments in ``args`` so that it survives pickling
(papermill and multiprocessing send exceptions between processes).
"""

from __future__ import annotations

import re

#: longest error line printed; the middle of a longer one is cut out
MAX_LINE = 400
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable_line(text: str, limit: int = MAX_LINE) -> str:
    """One line a terminal shows as it is: control characters escaped, length capped.

    Escape sequences, NULs, line breaks and bidirectional overrides in a file name or a
    value from a file are shown as ``\\x1b``-style escapes, never sent to the terminal;
    a line over ``limit`` characters keeps its start (file, row, column) and its end
    (the fix) with the middle cut out.

    Examples
    --------
    >>> printable_line("'a.csv': bad value '\\x1b]0;owned\\x07'")
    "'a.csv': bad value '\\\\x1b]0;owned\\\\x07'"
    >>> len(printable_line("x" * 10_000))
    400
    """
    escaped = _CONTROL.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)
    # lone surrogates (undecodable bytes in a file name) print as escapes too
    escaped = escaped.encode("utf-8", "backslashreplace").decode("utf-8")
    if len(escaped) <= limit:
        return escaped
    cut = " [...] "
    tail = limit // 4
    return escaped[: limit - tail - len(cut)] + cut + escaped[-tail:]


class AuditError(Exception):
    """Base class: the input cannot be audited as it stands."""

    #: process exit code used by the command line for this error
    exit_code: int = 2


class InputError(AuditError):
    """A problem in an input file, located by file, row and column where known."""

    def __init__(
        self,
        source: str,
        message: str,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        super().__init__(source, message, row, column)
        self.source, self.message, self.row, self.column = source, message, row, column

    def __str__(self) -> str:
        where = [repr(self.source)]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}"


class ConfigError(InputError):
    """A configuration, mapping or profile file is unusable."""


class MonthFirstDatesError(InputError):
    """Dates in an extract only make sense read month first (US style)."""


class CalendarRangeError(AuditError):
    """A date falls outside the years the bank-holiday table covers."""

    def __init__(self, first_year: int, last_year: int, found: int) -> None:
        super().__init__(first_year, last_year, found)
        self.first_year, self.last_year, self.found = first_year, last_year, found

    def __str__(self) -> str:
        return (
            f"a date in {self.found} is outside the bank holidays known to auditlib "
            f"({self.first_year}-{self.last_year}); add that year's bank holidays under "
            "'extra_holidays' in the configuration file"
        )


class SettingsFileError(ConfigError):
    """A file a person keeps by hand (attestations, overrides) is malformed.

    Located by line (``row``) and key (``column``), as a YAML file is read.
    """

    def __str__(self) -> str:
        where = [repr(self.source)]
        if self.row is not None:
            where.append(f"line {self.row}")
        if self.column is not None:
            where.append(f"key {self.column!r}")
        return f"{', '.join(where)}: {self.message}"
