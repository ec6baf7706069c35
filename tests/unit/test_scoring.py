"""XP rules and streaks, including property tests across DST and time-zone changes."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from practice.learner_day import learner_day
from practice.models.learner import Rating
from practice.scoring import (
    DIALOG_BONUS,
    DRILL_BONUS,
    PACK_FINISHED_BONUS,
    STREAK_BONUS_CAP,
    STREAK_BONUS_PER_DAY,
    XP_PER_RATING,
    StreakChange,
    advance_streak,
    award_xp,
)

D = date(2026, 11, 25)
ZONES = [
    "UTC",
    "Europe/Madrid",
    "America/New_York",
    "Asia/Tokyo",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "America/Santiago",
]


def first_day(streak_after: int) -> StreakChange:
    return StreakChange(streak_after - 1, streak_after, first_session_of_day=True)


def test_phrase_xp_is_by_rating_and_bonuses_add_up():
    xp = award_xp(
        [Rating.AGAIN, Rating.HARD, Rating.GOOD, Rating.EASY],
        pack_finished=True,
        dialog_completed=True,
        drill_completed=True,
        earlier_sessions_today=0,
        streak=first_day(3),
    )
    assert xp.phrases == 2 + 6 + 10 + 12 == sum(XP_PER_RATING.values())
    assert xp.session_bonus == PACK_FINISHED_BONUS + DIALOG_BONUS + DRILL_BONUS
    assert xp.streak_bonus == 3 * STREAK_BONUS_PER_DAY
    assert xp.total == xp.phrases + xp.session_bonus + xp.streak_bonus


def test_streak_bonus_grows_and_is_capped():
    bonuses = [
        award_xp(
            [],
            pack_finished=False,
            dialog_completed=False,
            drill_completed=False,
            earlier_sessions_today=0,
            streak=first_day(n),
        ).streak_bonus
        for n in (1, 2, 10, 15, 400)
    ]
    assert bonuses == [2, 4, 20, STREAK_BONUS_CAP, STREAK_BONUS_CAP]


def test_repeat_sessions_the_same_day_earn_less_and_no_streak_bonus():
    later = StreakChange(4, 4, first_session_of_day=False)
    shares = [
        award_xp(
            [Rating.GOOD] * 10,
            pack_finished=True,
            dialog_completed=False,
            drill_completed=False,
            earlier_sessions_today=n,
            streak=later,
        )
        for n in (0, 1, 2, 7)
    ]
    assert [(x.phrases, x.session_bonus, x.streak_bonus) for x in shares] == [
        (100, 20, 0),
        (50, 10, 0),
        (25, 5, 0),
        (25, 5, 0),
    ]


def test_streak_extends_after_yesterday_restarts_after_a_gap_and_holds_within_a_day():
    assert advance_streak(5, D - timedelta(days=1), D) == StreakChange(5, 6, True)
    assert advance_streak(5, D - timedelta(days=2), D) == StreakChange(0, 1, True)
    assert advance_streak(5, D, D) == StreakChange(5, 5, False)
    assert advance_streak(0, None, D) == StreakChange(0, 1, True)
    # a flight west can put today before the last practice day: nothing changes
    assert advance_streak(5, D + timedelta(days=1), D) == StreakChange(5, 5, False)


instants = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31)).map(
    lambda naive: naive.replace(tzinfo=UTC)
)


@given(
    start=instants,
    zone=st.sampled_from(ZONES),
    days=st.integers(1, 40),
    hour=st.integers(0, 23),
    minutes=st.lists(st.integers(0, 19 * 60), min_size=40, max_size=40),
)
def test_one_session_every_local_day_grows_the_streak_by_one_across_dst(start, zone, days, hour, minutes):
    # Given a learner in `zone` who practises once on each of `days` consecutive local days, at
    # any wall-clock time between 04:00 and 23:00 (crossing any DST change on the way)
    tz = ZoneInfo(zone)
    first = learner_day(start, tz, 4)
    streak, last = 0, None
    for n in range(days):
        local = datetime.combine(first + timedelta(days=n), datetime.min.time()) + timedelta(
            hours=4, minutes=minutes[n]
        )
        instant = local.replace(tzinfo=tz).astimezone(UTC)
        today = learner_day(instant, tz, 4)
        change = advance_streak(streak, last, today)
        streak, last = change.after, today
    # Then the streak counts the days
    assert streak == days


@given(
    start=instants, zone=st.sampled_from(ZONES), gaps=st.lists(st.integers(0, 600), min_size=1, max_size=12)
)
def test_the_streak_changes_only_when_the_learner_day_changes(start, zone, gaps):
    # Given a learner with a 3-day streak who practises many times, minutes to hours apart
    tz = ZoneInfo(zone)
    streak, last, instant = 3, learner_day(start, tz, 4) - timedelta(days=1), start
    for gap in gaps:
        instant += timedelta(minutes=gap)
        today = learner_day(instant, tz, 4)
        change = advance_streak(streak, last, today)
        # Then only the first session of a new learner day moves the streak
        if today == last:
            assert (change.after, change.first_session_of_day) == (streak, False)
        else:
            assert change.first_session_of_day
            assert change.after == (streak + 1 if today - last == timedelta(days=1) else 1)
        streak, last = change.after, max(last, today)


@given(
    start=instants,
    zones=st.lists(st.sampled_from(ZONES), min_size=2, max_size=10),
    gaps_hours=st.lists(st.integers(1, 60), min_size=10, max_size=10),
)
def test_time_zone_changes_never_corrupt_the_streak(start, zones, gaps_hours):
    # Given a traveller whose zone changes between sessions
    streak, best, last, instant = 0, 0, None, start
    for zone, gap in zip(zones, gaps_hours, strict=False):
        instant += timedelta(hours=gap)
        today = learner_day(instant, ZoneInfo(zone), 4)
        change = advance_streak(streak, last, today)
        # Then the streak only ever restarts at 1, grows by 1, or holds
        assert change.after in {1, streak, streak + 1}
        assert change.after >= 1
        # and it breaks only when a whole local day was skipped
        if change.after == 1 and streak > 1:
            assert last is not None
            assert today - last > timedelta(days=1)
        best = max(best, change.after)
        streak, last = change.after, max(last, today) if last and not change.first_session_of_day else today
    assert best >= streak
