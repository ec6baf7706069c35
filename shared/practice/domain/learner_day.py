"""The learner's own day: local to their IANA time zone, starting at their day-start hour.

A session at 02:00 with a 04:00 day start still belongs to yesterday, as in the best apps:
late-night practice should not break a streak. Days never repeat and never shrink to nothing
when the learner changes zone or day-start hour (`practice_day`).
"""

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import tzdata

from practice.errors import InvalidTimeZone


@cache
def zone_names() -> frozenset[str]:
    """Every IANA zone key the shipped tzdata knows. A name is checked against this list, never
    looked up as a file, so 'Europe' (a folder) or '../x' cannot reach the file system. (Read by
    path: importlib.resources would add ~28 ms of imports to a cold start.)"""
    with open(os.path.join(os.path.dirname(tzdata.__file__), "zones"), encoding="utf-8") as listing:
        return frozenset(listing.read().split())


def parse_time_zone(name: str) -> ZoneInfo:
    """The zone for an IANA name such as 'Europe/Madrid'; InvalidTimeZone for anything else."""
    if name not in zone_names():
        raise InvalidTimeZone(f"'{name[:64]}' is not an IANA time zone (for example 'Europe/Madrid')")
    return ZoneInfo(name)


def learner_day(instant: datetime, zone: ZoneInfo, day_start_hour: int) -> date:
    """The learner's day that `instant` falls in. Wall-clock arithmetic, so DST needs no care."""
    local = instant.astimezone(zone).replace(tzinfo=None)
    return (local - timedelta(hours=day_start_hour)).date()


def day_end(day: date, zone: ZoneInfo, day_start_hour: int) -> datetime:
    """The UTC instant at which the learner's `day` ends (the next day's start)."""
    next_start = datetime.combine(day + timedelta(days=1), time(day_start_hour), tzinfo=zone)
    return next_start.astimezone(UTC)


def day_start(day: date, zone: ZoneInfo, day_start_hour: int) -> datetime:
    """The UTC instant at which the learner's `day` starts."""
    return datetime.combine(day, time(day_start_hour), tzinfo=zone).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class PracticeDay:
    """A learner day as the server counts it: its date and the UTC window it covers."""

    day: date
    starts_at: datetime
    ends_at: datetime

    def __contains__(self, instant: datetime) -> bool:
        return self.starts_at <= instant < self.ends_at


def practice_day(
    instant: datetime, zone: ZoneInfo, day_start_hour: int, last: PracticeDay | None
) -> PracticeDay:
    """The learner day `instant` falls in, monotonic whatever the zone and day-start hour do.

    `last` is the learner's last practice day, with the window it had when it was counted. Inside
    that window it is still that day, whatever the settings say now: a change of zone or day-start
    hour takes effect from the next day. After it, the day is the local date under the current
    settings, but at least the day after `last`: flying west never repeats a day, flying east never
    starts one before the last one ended. Before it (a session uploaded late) it is an earlier day.
    """
    local = learner_day(instant, zone, day_start_hour)
    if last is None:
        return PracticeDay(
            local, day_start(local, zone, day_start_hour), day_end(local, zone, day_start_hour)
        )
    if instant in last:
        return last
    if instant >= last.ends_at:
        day = max(local, last.day + timedelta(days=1))
        starts_at = max(last.ends_at, day_start(day, zone, day_start_hour)) if day == local else last.ends_at
        return PracticeDay(day, starts_at, day_end(day, zone, day_start_hour))
    day = min(local, last.day - timedelta(days=1))
    ends_at = min(day_end(day, zone, day_start_hour), last.starts_at)
    return PracticeDay(day, min(day_start(day, zone, day_start_hour), instant), ends_at)


def streak_deadline(day: PracticeDay, zone: ZoneInfo, day_start_hour: int, *, freezes: int = 0) -> datetime:
    """Until when a streak that reached `day` lives: the end of the day after it, and one more
    day for each streak freeze held."""
    return day_end(day.day + timedelta(days=1 + freezes), zone, day_start_hour)
