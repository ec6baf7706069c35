"""The learner's own day: local to their IANA time zone, starting at their day-start hour.

A session at 02:00 with a 04:00 day start still belongs to yesterday, as in the best apps:
late-night practice should not break a streak.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from practice.errors import InvalidTimeZone


def parse_time_zone(name: str) -> ZoneInfo:
    """The zone for an IANA name such as 'Europe/Madrid'; InvalidTimeZone for anything else."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise InvalidTimeZone(
            f"'{name[:64]}' is not an IANA time zone (for example 'Europe/Madrid')"
        ) from error


def learner_day(instant: datetime, zone: ZoneInfo, day_start_hour: int) -> date:
    """The learner's day that `instant` falls in. Wall-clock arithmetic, so DST needs no care."""
    local = instant.astimezone(zone).replace(tzinfo=None)
    return (local - timedelta(hours=day_start_hour)).date()


def day_end(day: date, zone: ZoneInfo, day_start_hour: int) -> datetime:
    """The UTC instant at which the learner's `day` ends (the next day's start)."""
    next_start = datetime.combine(day + timedelta(days=1), time(day_start_hour), tzinfo=zone)
    return next_start.astimezone(UTC)
