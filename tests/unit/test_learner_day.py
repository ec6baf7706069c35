"""The learner's day: local zone, day-start hour, DST, and zones ahead of UTC."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from practice.domain.learner_day import (
    PracticeDay,
    day_end,
    day_start,
    learner_day,
    parse_time_zone,
    practice_day,
    streak_deadline,
    zone_names,
)
from practice.errors import InvalidTimeZone

MADRID = ZoneInfo("Europe/Madrid")
TOKYO = ZoneInfo("Asia/Tokyo")
NEW_YORK = ZoneInfo("America/New_York")


def test_east_of_utc_learner_is_already_on_the_next_day():
    # Given 23:30 UTC on 25 November, which is 08:30 on the 26th in Tokyo
    instant = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)
    # Then the Tokyo learner's day has rolled over while UTC's has not
    assert learner_day(instant, TOKYO, 4) == date(2026, 11, 26)
    assert learner_day(instant, ZoneInfo("UTC"), 4) == date(2026, 11, 25)


def test_practice_before_the_day_start_hour_counts_for_yesterday():
    # 02:30 in Madrid (01:30 UTC in winter) with the default 04:00 day start
    assert learner_day(datetime(2026, 11, 26, 1, 30, tzinfo=UTC), MADRID, 4) == date(2026, 11, 25)
    # 04:00 local is the first moment of the new day
    assert learner_day(datetime(2026, 11, 26, 3, 0, tzinfo=UTC), MADRID, 4) == date(2026, 11, 26)


def test_day_boundary_follows_the_wall_clock_across_spring_forward():
    # Madrid springs forward on 29 March 2026 (02:00 -> 03:00): 03:59 local is still the 28th's
    # day, 04:00 local (02:00 UTC, not 03:00 UTC) starts the 29th
    assert learner_day(datetime(2026, 3, 29, 1, 59, tzinfo=UTC), MADRID, 4) == date(2026, 3, 28)
    assert learner_day(datetime(2026, 3, 29, 2, 0, tzinfo=UTC), MADRID, 4) == date(2026, 3, 29)
    assert day_end(date(2026, 3, 28), MADRID, 4) == datetime(2026, 3, 29, 2, 0, tzinfo=UTC)


def test_day_boundary_follows_the_wall_clock_across_fall_back():
    # New York falls back at 02:00 on 1 November 2026, so the learner's day of 31 October
    # (04:00 EDT to 04:00 EST) lasts 25 hours
    start = day_end(date(2026, 10, 30), NEW_YORK, 4)
    end = day_end(date(2026, 10, 31), NEW_YORK, 4)
    assert start == datetime(2026, 10, 31, 8, 0, tzinfo=UTC)
    assert end == datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    assert (end - start).total_seconds() == 25 * 3600


def test_day_end_is_the_next_day_start_in_utc():
    assert day_end(date(2026, 11, 25), TOKYO, 4) == datetime(2026, 11, 25, 19, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "name",
    ["Mars/Olympus", "", "../../etc/passwd", "Europe/", "UTC+25", "America", "Europe", "Etc", "__pycache__",
     "zones", "tzdata", "Europe/Madrid\x00", "europe/madrid"],
)  # fmt: skip
def test_unknown_time_zones_are_refused_with_a_clear_code(name):
    with pytest.raises(InvalidTimeZone) as refused:
        parse_time_zone(name)
    assert refused.value.code == "invalid_time_zone"


def test_every_zone_of_the_list_parses_and_the_list_is_the_iana_one():
    names = zone_names()
    assert {"UTC", "Europe/Madrid", "America/Argentina/Buenos_Aires", "Etc/GMT+5", "US/Eastern"} <= names
    assert all(parse_time_zone(name).key == name for name in names)


def test_known_time_zones_parse():
    assert parse_time_zone("America/Sao_Paulo").key == "America/Sao_Paulo"


# -- practice_day: the day as the server counts it, monotonic across setting changes ---------

KIRITIMATI, PAGO_PAGO = ZoneInfo("Pacific/Kiritimati"), ZoneInfo("Pacific/Pago_Pago")


def day_in(zone: ZoneInfo, day: date, hour: int = 4) -> PracticeDay:
    return practice_day(day_start(day, zone, hour), zone, hour, None)


def test_inside_the_last_days_window_it_is_that_day_whatever_the_settings_say():
    # New York's 4 January (04:00 EST to 04:00 EST): at 19:10 there Tokyo is on the 5th
    last = day_in(NEW_YORK, date(2027, 1, 4))
    ten_past_seven = datetime(2027, 1, 5, 0, 10, tzinfo=UTC)
    assert practice_day(ten_past_seven, TOKYO, 4, last) == last
    # and so with a later day start, which would put the instant in the day before
    assert practice_day(ten_past_seven, NEW_YORK, 23, last) == last


def test_after_the_last_day_it_is_the_local_date_but_never_an_earlier_one():
    last = day_in(TOKYO, date(2027, 1, 4))  # ends 19:00 UTC on the 4th
    # flying west: at 20:00 UTC it is the 4th in New York, already counted, so the 5th
    west = practice_day(datetime(2027, 1, 4, 20, 0, tzinfo=UTC), NEW_YORK, 4, last)
    assert (west.day, west.starts_at) == (date(2027, 1, 5), last.ends_at)
    assert west.ends_at == day_end(date(2027, 1, 5), NEW_YORK, 4)  # a long day, then in step again
    # flying east: the next day starts when the last one ended, not earlier
    east = practice_day(last.ends_at, KIRITIMATI, 4, last)
    assert east.day == date(2027, 1, 5)
    assert east.starts_at == last.ends_at


def test_a_session_from_before_the_last_day_counts_for_an_earlier_day():
    last = day_in(MADRID, date(2027, 1, 4))
    earlier = practice_day(datetime(2027, 1, 3, 20, 0, tzinfo=UTC), KIRITIMATI, 4, last)
    assert earlier.day < last.day
    assert earlier.ends_at <= last.starts_at


def test_the_streak_deadline_is_set_in_the_zone_of_the_day_it_counted():
    # A missed day in Kiritimati stays missed when the learner moves to Pago Pago, a day behind
    counted = day_in(KIRITIMATI, date(2027, 1, 4))
    deadline = streak_deadline(counted, KIRITIMATI, 4)
    assert deadline == day_end(date(2027, 1, 5), KIRITIMATI, 4)
    two_days_on = datetime(2027, 1, 5, 20, 0, tzinfo=UTC)  # 6 January in Kiritimati, the 5th in Pago Pago
    assert learner_day(two_days_on, PAGO_PAGO, 4) == date(2027, 1, 5)
    assert two_days_on >= deadline
