"""XP rules and streaks: the numbers of scoring.py, and properties of the streak across DST,
time-zone and day-start changes, driven through the real completion code."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from practice.domain.learner import Profile
from practice.domain.learner_day import learner_day
from practice.domain.scoring import (
    DIALOG_BONUS,
    DRILL_BONUS,
    MIN_SECONDS_PER_ACTIVITY,
    MIN_SECONDS_PER_PHRASE,
    PACK_FINISHED_BONUS,
    STREAK_BONUS_CAP,
    STREAK_BONUS_PER_DAY,
    XP_PER_PHRASE,
    CreditedWork,
    Effort,
    StreakChange,
    advance_streak,
    award_xp,
    credited_work,
)
from tests.learners import practise

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
FIRST = StreakChange(0, 1, first_session_of_day=True)
LATER = StreakChange(4, 4, first_session_of_day=False)


def effort(phrases: int = 10, *, served: int | None = None, seconds: int = 600, **done: bool) -> Effort:
    return Effort(
        phrases_rated=phrases,
        phrases_served=phrases if served is None else served,
        dialog_completed=done.get("dialog", False),
        drill_completed=done.get("drill", False),
        seconds=seconds,
    )


def test_every_rated_phrase_earns_the_same_and_bonuses_add_up():
    xp = award_xp(credited_work(effort(4, dialog=True, drill=True)), earlier_sessions_today=0, streak=FIRST)
    assert xp.phrases == 4 * XP_PER_PHRASE
    assert xp.session_bonus == PACK_FINISHED_BONUS + DIALOG_BONUS + DRILL_BONUS
    assert xp.streak_bonus == STREAK_BONUS_PER_DAY
    assert xp.total == xp.phrases + xp.session_bonus + xp.streak_bonus


def test_an_unfinished_pack_earns_no_session_bonus():
    xp = award_xp(credited_work(effort(4, served=5)), earlier_sessions_today=0, streak=LATER)
    assert (xp.phrases, xp.session_bonus) == (4 * XP_PER_PHRASE, 0)


def test_an_empty_pack_is_not_finished_and_not_practice():
    # Finding 7: "every phrase served was rated" is vacuously true of an empty pack
    work = credited_work(effort(0, served=0, seconds=0))
    assert work == CreditedWork(phrases=0, pack_finished=False, dialog=False, drill=False)
    assert not work.is_practice
    assert award_xp(work, earlier_sessions_today=0, streak=LATER).total == 0


@pytest.mark.parametrize(
    ("seconds", "paid_phrases", "finished"),
    [
        (0, 0, False),
        (1, 0, False),
        (2 * MIN_SECONDS_PER_PHRASE, 2, False),
        (10 * MIN_SECONDS_PER_PHRASE, 10, True),
    ],
)
def test_phrases_need_time_and_a_session_shorter_than_its_work_earns_no_bonus(
    seconds, paid_phrases, finished
):
    work = credited_work(effort(10, seconds=seconds))
    assert (work.phrases, work.pack_finished) == (paid_phrases, finished)
    assert work.is_practice == (paid_phrases > 0)


def test_the_dialog_and_the_drill_need_their_own_time():
    phrases = 10 * MIN_SECONDS_PER_PHRASE
    both = credited_work(effort(10, seconds=phrases + 2 * MIN_SECONDS_PER_ACTIVITY, dialog=True, drill=True))
    one = credited_work(effort(10, seconds=phrases + MIN_SECONDS_PER_ACTIVITY, dialog=True, drill=True))
    assert (both.dialog, both.drill) == (True, True)
    assert (one.dialog, one.drill) == (True, False)
    assert credited_work(effort(0, served=0, seconds=MIN_SECONDS_PER_ACTIVITY, dialog=True)).is_practice


def test_streak_bonus_grows_and_is_capped():
    nothing = credited_work(effort(0, served=0, seconds=0))
    bonuses = [
        award_xp(nothing, earlier_sessions_today=0, streak=StreakChange(n - 1, n, True)).streak_bonus
        for n in (1, 2, 10, 15, 400)
    ]
    assert bonuses == [2, 4, 20, STREAK_BONUS_CAP, STREAK_BONUS_CAP]


def test_repeat_sessions_the_same_day_earn_100_50_then_0_percent_and_no_streak_bonus():
    work = credited_work(effort(10))
    shares = [award_xp(work, earlier_sessions_today=n, streak=LATER) for n in (0, 1, 2, 7)]
    assert [(x.phrases, x.session_bonus, x.streak_bonus) for x in shares] == [
        (100, 20, 0),
        (50, 10, 0),
        (0, 0, 0),
        (0, 0, 0),
    ]


def test_the_streak_grows_on_a_new_day_and_holds_otherwise():
    assert advance_streak(5, new_day=True) == StreakChange(5, 6, True)
    assert advance_streak(0, new_day=True) == StreakChange(0, 1, True)
    assert advance_streak(5, new_day=False) == StreakChange(5, 5, False)


# -- the streak over a learner's life: properties through the completion code ---------------

instants = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31)).map(
    lambda naive: naive.replace(tzinfo=UTC)
)


def learner(zone: str = "UTC", hour: int = 4) -> Profile:
    return Profile(user_id="ana", time_zone=zone, day_start_hour=hour, daily_new_limit=10, course_id="es-en")


@given(
    start=instants,
    zone=st.sampled_from(ZONES),
    days=st.integers(1, 40),
    minutes=st.lists(st.integers(0, 19 * 60), min_size=40, max_size=40),
)
def test_one_session_every_local_day_grows_the_streak_by_one_across_dst(start, zone, days, minutes):
    # Given a learner in `zone` who practises once on each of `days` consecutive local days, at
    # any wall-clock time between 04:00 and 23:00 (crossing any DST change on the way)
    tz = ZoneInfo(zone)
    first = learner_day(start, tz, 4)
    profile = learner(zone)
    for n in range(days):
        local = datetime.combine(first + timedelta(days=n), datetime.min.time())
        instant = (local + timedelta(hours=4, minutes=minutes[n])).replace(tzinfo=tz).astimezone(UTC)
        profile = practise(profile, instant).profile
    # Then the streak counts the days
    assert profile.streak == days


@given(
    start=instants,
    settings=st.lists(st.tuples(st.sampled_from(ZONES), st.integers(0, 23)), min_size=1, max_size=12),
    gaps=st.lists(st.integers(1, 23 * 60), min_size=12, max_size=12),
)
def test_practice_at_least_every_23_hours_keeps_the_streak_whatever_the_zone_and_day_start(
    start, settings, gaps
):
    # Given a traveller who changes zone and day-start hour between sessions, never more than 23
    # hours apart (one session in each of their local days, however long the flight)
    profile, instant = learner(), start
    profile = practise(profile, instant).profile
    for (zone, hour), gap in zip(settings, gaps, strict=False):
        instant += timedelta(minutes=gap)
        done = practise(profile.model_copy(update={"time_zone": zone, "day_start_hour": hour}), instant)
        # Then the streak never breaks: it holds or grows by one
        assert done.session.streak_after in {profile.streak, profile.streak + 1}
        profile = done.profile


@given(
    start=instants,
    settings=st.lists(st.tuples(st.sampled_from(ZONES), st.integers(0, 23)), min_size=2, max_size=12),
    gaps=st.lists(st.integers(1, 60 * 60), min_size=12, max_size=12),
)
@example(  # a week of practice earns a freeze, which then carries the streak over a missed day
    start=datetime(2024, 1, 1, 9, 27, tzinfo=UTC),
    settings=[("UTC", 0)] * 12,
    gaps=[24 * 60] * 7 + [50 * 60] + [24 * 60] * 4,
)
def test_no_day_is_credited_twice_or_repaired_by_a_change_of_zone_or_day_start(start, settings, gaps):
    profile, instant = learner(), start
    credited = []
    for (zone, hour), gap in zip(settings, gaps, strict=False):
        instant += timedelta(minutes=gap)
        before = profile
        done = practise(before.model_copy(update={"time_zone": zone, "day_start_hour": hour}), instant)
        session, profile = done.session, done.profile
        if session.xp.streak_bonus:
            credited.append(session.practice_day)
            # a new day starts no earlier than the last one ended, in the settings it had then
            assert before.day_ends_at is None or instant >= before.day_ends_at
            # and the streak goes on only before the deadline the last credited day set, which the
            # freezes held (one earned each 7th streak day) stretch by a day each
            deadlines = [d for d in (before.streak_until, before.freeze_until) if d is not None]
            alive = bool(deadlines) and instant < max(deadlines)
            assert session.streak_after == (before.streak + 1 if alive else 1)
        else:
            assert session.streak_after == before.streak
    # Days counted only ever move forward, and no faster than the calendar (plus the date line)
    assert credited == sorted(set(credited))
    assert len(credited) <= (instant.date() - start.date()).days + 3
