"""Mainland China's public holidays and make-up working days (调休), 2025-2027: the table the delivery
deadline counts working days with (`logistics.workdays`). `settings.LOGISTICS_HOLIDAY_TABLE` names
the module holding the table (this one by default); another module with the same two names
(`HOLIDAYS`, `MAKEUP_WORKDAYS`, sets of dates) replaces it.

2025 and 2026: the State Council General Office's notices on the year's holiday arrangements
(国务院办公厅关于2025年/2026年部分节假日安排的通知), days off and the weekend days worked instead.
2027: provisional. Its notice is not in this table yet; until it is, the statutory holidays of
《全国年节及纪念日放假办法》 (2024 revision: New Year 1 day, Spring Festival 4 days from the eve,
Qingming 1, Labour Day 2, Dragon Boat 1, Mid-Autumn 1, National Day 3) on their 2027 dates, with no
make-up days. Replace the 2027 rows with the notice's when it is published.
"""

from datetime import date, timedelta


def _days(first: str, last: str | None = None) -> set[date]:
    start = date.fromisoformat(first)
    end = date.fromisoformat(last or first)
    return {start + timedelta(days=n) for n in range((end - start).days + 1)}


HOLIDAYS: frozenset[date] = frozenset(
    # 2025
    _days("2025-01-01")  # New Year's Day
    | _days("2025-01-28", "2025-02-04")  # Spring Festival
    | _days("2025-04-04", "2025-04-06")  # Qingming
    | _days("2025-05-01", "2025-05-05")  # Labour Day
    | _days("2025-05-31", "2025-06-02")  # Dragon Boat
    | _days("2025-10-01", "2025-10-08")  # National Day and Mid-Autumn
    # 2026
    | _days("2026-01-01", "2026-01-03")  # New Year's Day
    | _days("2026-02-15", "2026-02-23")  # Spring Festival
    | _days("2026-04-04", "2026-04-06")  # Qingming
    | _days("2026-05-01", "2026-05-05")  # Labour Day
    | _days("2026-06-19", "2026-06-21")  # Dragon Boat
    | _days("2026-09-25", "2026-09-27")  # Mid-Autumn
    | _days("2026-10-01", "2026-10-07")  # National Day
    # 2027, provisional: the statutory days only (see above)
    | _days("2027-01-01")  # New Year's Day
    | _days("2027-02-05", "2027-02-08")  # Spring Festival (eve to the third day)
    | _days("2027-04-05")  # Qingming
    | _days("2027-05-01", "2027-05-02")  # Labour Day
    | _days("2027-06-09")  # Dragon Boat
    | _days("2027-09-15")  # Mid-Autumn
    | _days("2027-10-01", "2027-10-03")  # National Day
)

# Weekend days that are working days because a holiday was moved (调休).
MAKEUP_WORKDAYS: frozenset[date] = frozenset(
    _days("2025-01-26")
    | _days("2025-02-08")
    | _days("2025-04-27")
    | _days("2025-09-28")
    | _days("2025-10-11")
    | _days("2026-01-04")
    | _days("2026-02-14")
    | _days("2026-02-28")
    | _days("2026-05-09")
    | _days("2026-09-20")
    | _days("2026-10-10")
)
