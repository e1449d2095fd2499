"""Working days: weekends and the Chinese public holidays skipped, make-up working weekend days counted,
the table replaceable by a setting."""

from datetime import date, timedelta

import pytest

from logistics import holidays
from logistics.workdays import add_working_days, is_working_day, working_days_between

# This module is also a holiday table (`HOLIDAYS`, `MAKEUP_WORKDAYS`) for the setting test below.
HOLIDAYS = frozenset({date(2030, 1, 2)})
MAKEUP_WORKDAYS = frozenset({date(2030, 1, 5)})


def test_a_weekend_is_skipped():
    assert add_working_days(date(2025, 3, 7), 1) == date(2025, 3, 10)  # Friday -> Monday
    assert working_days_between(date(2025, 3, 7), date(2025, 3, 10)) == 1


def test_national_day_is_skipped_and_its_make_up_saturday_counts():
    # 2025: 1-8 October off; Sunday 28 September and Saturday 11 October are working days.
    assert add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)
    assert add_working_days(date(2025, 9, 26), 1) == date(2025, 9, 28)  # Friday -> make-up Sunday
    assert add_working_days(date(2025, 10, 10), 1) == date(2025, 10, 11)  # Friday -> make-up Saturday
    assert working_days_between(date(2025, 9, 30), date(2025, 10, 12)) == 3  # 9, 10, 11 October


def test_fourteen_working_days_across_national_day_2026():
    # Shipped Monday 28 September 2026: 29, 30 Sep; 1-7 Oct off; 8, 9, 10 (make-up Saturday), 12-16, 19-22.
    assert add_working_days(date(2026, 9, 28), 14) == date(2026, 10, 22)
    # Without the holiday it would have been 16 October.
    assert date(2026, 9, 28) + timedelta(days=18) == date(2026, 10, 16)


def test_spring_festival_2026():
    assert not is_working_day(date(2026, 2, 16))
    assert is_working_day(date(2026, 2, 14))  # make-up Saturday
    assert add_working_days(date(2026, 2, 13), 2) == date(2026, 2, 24)


@pytest.mark.parametrize("n", [0, 1, 5, 14, 30])
def test_between_is_the_inverse_of_add(n):
    for start in (date(2025, 1, 24), date(2025, 9, 26), date(2026, 12, 30), date(2027, 2, 3)):
        assert working_days_between(start, add_working_days(start, n)) == n


def test_between_is_zero_when_the_end_is_not_after_the_start():
    assert working_days_between(date(2025, 5, 6), date(2025, 5, 6)) == 0
    assert working_days_between(date(2025, 5, 6), date(2025, 5, 1)) == 0


def test_the_table_is_consistent():
    assert all(day.weekday() >= 5 for day in holidays.MAKEUP_WORKDAYS)
    assert not holidays.HOLIDAYS & holidays.MAKEUP_WORKDAYS
    assert {day.year for day in holidays.HOLIDAYS} == {2025, 2026, 2027}
    assert len([d for d in holidays.HOLIDAYS if d.year == 2025 and d.month == 10]) == 8


def test_the_table_is_configurable(settings):
    settings.LOGISTICS_HOLIDAY_TABLE = "tests.logistics.test_workdays"
    assert add_working_days(date(2030, 1, 1), 1) == date(2030, 1, 3)  # 2 January off
    assert add_working_days(date(2030, 1, 4), 1) == date(2030, 1, 5)  # a Saturday worked
    assert add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 1)  # the default table is not used
