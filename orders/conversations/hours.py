"""A store's customer-service hours and the time a shopper waited within them (docs/rules.md,
"Conversations").

The rule: a store keeps the same hours every day, China time (Asia/Shanghai), from
`Merchant.service_hours_start` to `service_hours_end`. An end earlier than the start is a window that
crosses midnight (20:00 to 02:00 the next morning); equal start and end mean around the clock. A wait
counts only the seconds inside those windows: a question sent at 22:00 to a store open 09:00-21:00 and
answered at 09:10 the next morning waited 600 seconds."""

import datetime
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")
DAY = datetime.timedelta(days=1)


def _windows(day: datetime.date, start: datetime.time, end: datetime.time):
    opens = datetime.datetime.combine(day, start, tzinfo=CHINA)
    if start == end:
        return opens, opens + DAY
    closes = datetime.datetime.combine(day, end, tzinfo=CHINA)
    if end < start:
        closes += DAY
    return opens, closes


def business_seconds(
    since: datetime.datetime, until: datetime.datetime, start: datetime.time, end: datetime.time
) -> int:
    """Whole seconds between `since` and `until` that fall inside the daily window `start`-`end`
    (China time). Zero when `until` is not after `since`."""
    if until <= since:
        return 0
    since, until = since.astimezone(CHINA), until.astimezone(CHINA)
    total = datetime.timedelta(0)
    day = since.date() - DAY  # yesterday's window may run past midnight into `since`'s day
    while day <= until.date():
        opens, closes = _windows(day, start, end)
        overlap = min(closes, until) - max(opens, since)
        if overlap > datetime.timedelta(0):
            total += overlap
        day += DAY
    return int(total.total_seconds())
