"""The working-day clock: Monday to Friday, less bank holidays and closure days.

The counting rules live here and nowhere else (see docs/rules.md):

* a working day is Monday to Friday that is not an England and Wales bank holiday
  (one-off days included, from the ``holidays`` package at run time) nor a closure day
  the landlord lists in its configuration;
* the working days elapsed from event A to event B are the working days D with
  ``A < D <= B``: the day of the event is day 0 and the first working day after it is
  day 1, even when the event fell on a weekend or a bank holiday;
* the deadline "N working days after A" is the N-th working day after A, and a step
  taken on or before that day is in time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache, cached_property

import polars as pl

from auditlib.errors import CalendarRangeError

_UNIX_EPOCH = date(1970, 1, 1)
#: the years the calendar covers: those a date in an extract can plausibly have
#: (``auditlib.dates`` reads no year outside them either)
FIRST_YEAR, LAST_YEAR = 1990, 2100


def bank_holidays_england_wales(
    first_year: int = FIRST_YEAR, last_year: int = LAST_YEAR
) -> dict[date, str]:
    """England and Wales bank holidays from the ``holidays`` package, date to name.

    Weekdays only: when Christmas falls on a Saturday the bank holiday is the substitute
    Monday, listed here, and the Saturday is no working day anyway. One-off days
    proclaimed before the installed release of the package (pinned by the lock file)
    are included; a later one goes under ``extra_holidays`` in the configuration.

    Examples
    --------
    >>> bank_holidays_england_wales()[date(2023, 5, 8)]
    'Coronation of Charles III'
    >>> date(2028, 12, 25) in bank_holidays_england_wales()
    True
    """
    return dict(_from_package(first_year, last_year))


@cache
def _from_package(first_year: int, last_year: int) -> tuple[tuple[date, str], ...]:
    import holidays

    found = holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    return tuple((day, str(name)) for day, name in sorted(found.items()) if day.weekday() < 5)


@dataclass(frozen=True)
class WorkingCalendar:
    """Monday to Friday, less a fixed set of non-working days.

    Parameters
    ----------
    holidays
        Dates that are not working days although they fall Monday to Friday: bank
        holidays and the landlord's own closure days.
    first_year, last_year
        The years the holiday list is known to be complete for. Dates outside them are
        refused by :meth:`check_covers`, never silently counted as working days.
    """

    holidays: tuple[date, ...]
    first_year: int
    last_year: int

    @classmethod
    def england_and_wales(
        cls,
        *,
        closure_days: Iterable[date] = (),
        extra_holidays: Iterable[date] = (),
    ) -> WorkingCalendar:
        """The England and Wales calendar with a landlord's closure days added.

        It covers 1990 to 2100. ``extra_holidays`` adds bank holidays the installed
        ``holidays`` package does not know yet (a one-off day proclaimed after its
        release) and extends the years covered; ``closure_days`` are office closures.
        """
        known = set(bank_holidays_england_wales())
        extra = set(extra_holidays)
        years = {FIRST_YEAR, LAST_YEAR} | {d.year for d in extra}
        days = known | extra | set(closure_days)
        return cls(
            holidays=tuple(sorted(days)),
            first_year=min(years),
            last_year=max(years),
        )

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is a working day.

        Examples
        --------
        >>> cal = WorkingCalendar.england_and_wales()
        >>> cal.is_working_day(date(2026, 12, 28)), cal.is_working_day(date(2026, 12, 29))
        (False, True)
        """
        return day.weekday() < 5 and day not in set(self.holidays)

    def check_covers(self, earliest: date | None, latest: date | None) -> None:
        """Refuse dates outside the years whose holidays are known."""
        for day in (earliest, latest):
            if day is not None and not self.first_year <= day.year <= self.last_year:
                raise CalendarRangeError(self.first_year, self.last_year, day.year)

    @cached_property
    def _tables(self) -> tuple[date, pl.Series, pl.Series]:
        """Day-number tables from 1 January of the year before the first to the end of
        the year after the last: ``counts[i]`` is the number of working days on or before
        day ``i``, and ``working[k]`` the day number of the (k+1)-th working day.

        Counting becomes two look-ups instead of a search through the holidays. The year
        either side of those covered is counted without bank holidays: dates there can
        only be due dates or the far end of a backwards count, as :meth:`check_covers`
        refuses them as events.
        """
        epoch = date(self.first_year - 1, 1, 1)
        days = (date(self.last_year + 2, 1, 1) - epoch).days
        closed = [(d - epoch).days for d in self.holidays if epoch <= d]
        number = pl.int_range(days, dtype=pl.Int32, eager=True)
        is_working = ((number + epoch.weekday()) % 7 < 5) & ~number.is_in(closed)
        counts = is_working.cast(pl.Int32).cum_sum().cast(pl.Int32).alias("counts")
        working = number.filter(is_working).alias("working")
        return epoch, counts, working

    def _day_number(self, day: pl.Expr) -> pl.Expr:
        epoch, counts, _ = self._tables
        # a polars Date is a day count from 1970-01-01: subtracting integers is cheapest
        number = day.cast(pl.Int32) - (epoch - _UNIX_EPOCH).days
        return pl.when(number.is_between(0, counts.len() - 1)).then(number)

    def working_days(self, start: pl.Expr, end: pl.Expr) -> pl.Expr:
        """Working days after ``start`` up to and including ``end``; null if either is null.

        Negative when ``end`` is before ``start``.

        Examples
        --------
        >>> cal = WorkingCalendar.england_and_wales()
        >>> df = pl.DataFrame({"rcv": [date(2026, 12, 24)], "ack": [date(2027, 1, 5)]})
        >>> df.select(cal.working_days(pl.col("rcv"), pl.col("ack"))).item()
        5
        """
        _, counts, _ = self._tables
        table = pl.lit(counts)
        # (start, end] holds counts[end] - counts[start] working days, and backwards the
        # same difference is minus the working days in (end, start]
        return (table.gather(self._day_number(end)) - table.gather(self._day_number(start))).cast(
            pl.Int32
        )

    def add_working_days(self, start: pl.Expr, n: pl.Expr | int) -> pl.Expr:
        """The ``n``-th working day after ``start`` (``n`` >= 0); ``start`` itself for 0.

        Examples
        --------
        >>> cal = WorkingCalendar.england_and_wales()
        >>> df = pl.DataFrame({"rcv": [date(2026, 12, 24)]})
        >>> df.select(cal.add_working_days(pl.col("rcv"), 5)).item()
        datetime.date(2027, 1, 5)
        """
        epoch, counts, working = self._tables
        n_expr = n if isinstance(n, pl.Expr) else pl.lit(n)
        # the n-th working day after a day with c working days on or before it is the
        # (c + n)-th working day: index c + n - 1 in the list of working days
        index = pl.lit(counts).gather(self._day_number(start)).cast(pl.Int64) + n_expr - 1
        index = pl.when(index.is_between(0, working.len() - 1)).then(index)
        due = (pl.lit(working).gather(index) + (epoch - _UNIX_EPOCH).days).cast(pl.Date)
        return pl.when(n_expr == 0).then(start).otherwise(due)
