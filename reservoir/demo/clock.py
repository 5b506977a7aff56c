"""Times of day that look like people's habits, in each party's own time zone."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
from zoneinfo import ZoneInfo

# Hour weights: consumers shop at lunch and in the evening; offices work 9 to 6.
_CONSUMER_HOURS = (0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 5, 8, 7, 5, 5, 5, 5, 6, 9, 11, 12, 10, 5)
_OFFICE_HOURS = (0, 0, 0, 0, 0, 0, 0, 0, 2, 9, 11, 10, 4, 6, 10, 10, 9, 7, 3, 1, 0, 0, 0, 0)
_CONSUMER_CUM = tuple(itertools.accumulate(_CONSUMER_HOURS))
_OFFICE_CUM = tuple(itertools.accumulate(_OFFICE_HOURS))


class Clock:
    """Turns days into aware datetimes, never at or after the start of `today`."""

    def __init__(self, today: dt.date, home_tz: str) -> None:
        self.today = today
        self.end = dt.datetime.combine(today, dt.time(), tzinfo=ZoneInfo(home_tz))
        self._zones: dict[str, ZoneInfo] = {}

    def zone(self, key: str) -> ZoneInfo:
        """Return the ZoneInfo for `key` (cached)."""
        if key not in self._zones:
            self._zones[key] = ZoneInfo(key)
        return self._zones[key]

    def moment(self, rng: random.Random, day: dt.date, tz: str, *, office: bool) -> dt.datetime:
        """Return a time on `day` (local to `tz`) at an hour people are active."""
        cum = _OFFICE_CUM if office else _CONSUMER_CUM
        # bisect on cumulative weights: what rng.choices does, at a fraction of its cost
        hour = bisect.bisect_right(cum, rng.random() * cum[-1])
        second = int(rng.random() * 3600)
        when = dt.datetime(
            day.year, day.month, day.day, hour, second // 60, second % 60, tzinfo=self.zone(tz)
        )
        while when >= self.end:
            when -= dt.timedelta(days=1)
        return when

    def business_day(self, day: dt.date) -> dt.date:
        """Return `day`, or the Monday after it when it falls on a weekend."""
        return day + dt.timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day
