"""Working days in mainland China: Monday to Friday, except public holidays, plus the weekend days
worked instead of a moved holiday (调休). The table is `settings.LOGISTICS_HOLIDAY_TABLE`
(default `logistics.holidays`); a date outside the table's years counts as an ordinary weekday or
weekend day."""

from datetime import date, timedelta
from importlib import import_module

from django.conf import settings


def _table():
    module = import_module(getattr(settings, "LOGISTICS_HOLIDAY_TABLE", "logistics.holidays"))
    return frozenset(module.HOLIDAYS), frozenset(getattr(module, "MAKEUP_WORKDAYS", ()))


def is_working_day(day: date, *, table=None) -> bool:
    holidays, makeup = table or _table()
    if day in makeup:
        return True
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after `start` (`start` itself never counts; n >= 0; n = 0 is `start`)."""
    if n < 0:
        raise ValueError("n must not be negative")
    table = _table()
    day = start
    while n:
        day += timedelta(days=1)
        if is_working_day(day, table=table):
            n -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when `end` is not after `start`):
    `working_days_between(d, add_working_days(d, n)) == n`."""
    table = _table()
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day, table=table)
    return count
