"""The learner's progress, pure: sealed history cursors, streak freezes, the ledger's range,
totals and retention, and what one completion adds to its day (through the real `complete`)."""

from datetime import UTC, date, datetime, timedelta

import pytest

from practice.domain.learner import LedgerDay, Profile
from practice.domain.ledger import Ledger, stats_range
from practice.domain.limits import MAX_FREEZES, STATS_DEFAULT_DAYS, STATS_MAX_DAYS
from practice.domain.scoring import FREEZE_EVERY_STREAK_DAYS, settle_freezes
from practice.errors import InvalidCursor, InvalidDateRange
from practice.runtime.cursors import CursorSeal
from tests.learners import practise, practised

SEAL = CursorSeal(b"k" * 32)
ULID = "01KBC3M8Z5T1D2QWERTY123456"
MONDAY = date(2027, 1, 4)
LEARNER = Profile(user_id="ana", time_zone="UTC", day_start_hour=4, daily_new_limit=10, course_id="es-en")


# -- cursors ---------------------------------------------------------------------------------


def test_a_cursor_opens_for_the_learner_and_listing_it_was_sealed_for():
    cursor = SEAL.seal("ana", "sessions", ULID)
    assert ULID not in cursor  # opaque
    assert SEAL.open("ana", "sessions", cursor) == ULID


@pytest.mark.parametrize(
    ("user_id", "listing", "key"),
    [("bob", "sessions", b"k" * 32), ("ana", "export", b"k" * 32), ("ana", "sessions", b"x" * 32)],
    ids=["another learner", "another listing", "another key"],
)
def test_a_cursor_is_refused_by_anyone_else(user_id, listing, key):
    cursor = SEAL.seal("ana", "sessions", ULID)
    with pytest.raises(InvalidCursor):
        CursorSeal(key).open(user_id, listing, cursor)


def test_an_altered_or_made_up_cursor_is_refused():
    cursor = SEAL.seal("ana", "sessions", ULID)
    altered = cursor[:-1] + ("A" if cursor[-1] != "A" else "B")
    for forged in (altered, "not-a-cursor", "", "A", "%%%", cursor + cursor):
        with pytest.raises(InvalidCursor):
            SEAL.open("ana", "sessions", forged)


# -- streak freezes --------------------------------------------------------------------------


def test_a_freeze_is_earned_at_every_milestone_and_at_most_two_are_held():
    held = 0
    for streak in range(1, 4 * FREEZE_EVERY_STREAK_DAYS + 1):
        change = settle_freezes(held, streak_day=None, day=MONDAY, rescued=False, streak_after=streak)
        assert change.held == min(MAX_FREEZES, streak // FREEZE_EVERY_STREAK_DAYS)
        held = change.held


def test_rescued_streaks_spend_one_freeze_per_missed_day_and_mark_those_days():
    two_missed = settle_freezes(
        2, streak_day=MONDAY, day=MONDAY + timedelta(days=3), rescued=True, streak_after=5
    )
    assert (two_missed.held, two_missed.spent) == (0, 2)
    assert two_missed.frozen_days == (MONDAY + timedelta(days=1), MONDAY + timedelta(days=2))
    # a deadline passed with no calendar day between (a change of zone): one freeze, no day marked
    no_gap = settle_freezes(
        1, streak_day=MONDAY, day=MONDAY + timedelta(days=1), rescued=True, streak_after=5
    )
    assert (no_gap.held, no_gap.spent, no_gap.frozen_days) == (0, 1, ())
    # spending and a milestone on the same day
    both = settle_freezes(1, streak_day=MONDAY, day=MONDAY + timedelta(days=2), rescued=True, streak_after=14)
    assert (both.held, both.spent) == (1, 1)


def test_a_completion_after_a_covered_gap_keeps_the_streak_and_freezes_the_day():
    # Given a 7-day streak ending Monday with one freeze held
    stored = practised(LEARNER, MONDAY, streak=7).model_copy(update={"freezes": 1})
    stored = stored.model_copy(update={"freeze_until": stored.streak_until + timedelta(days=1)})
    wednesday = datetime(2027, 1, 6, 18, tzinfo=UTC)
    assert stored.live_streak(wednesday) == 7  # the freeze keeps it alive on Wednesday

    # When the learner practises on Wednesday, having missed Tuesday
    done = practise(stored, wednesday)

    # Then the streak goes on by one, the freeze is spent and Tuesday is frozen
    assert (done.session.streak_before, done.session.streak_after) == (7, 8)
    assert done.profile.freezes == 0
    assert done.frozen_days == (date(2027, 1, 5),)
    # and without the freeze the streak would have started again
    assert (
        practise(stored.model_copy(update={"freezes": 0, "freeze_until": None}), wednesday).frozen_days == ()
    )


def test_a_gap_longer_than_the_freezes_held_ends_the_streak_and_keeps_them():
    stored = practised(LEARNER, MONDAY, streak=7).model_copy(update={"freezes": 1})
    stored = stored.model_copy(update={"freeze_until": stored.streak_until + timedelta(days=1)})
    thursday = datetime(2027, 1, 7, 18, tzinfo=UTC)
    done = practise(stored, thursday)
    assert (done.session.streak_after, done.profile.freezes, done.frozen_days) == (1, 1, ())


def test_what_a_session_adds_to_its_day_and_the_goal():
    done = practise(LEARNER, datetime(2027, 1, 4, 18, tzinfo=UTC), minutes=4)
    ledger = done.ledger
    assert ledger is not None
    assert (ledger.day, ledger.sessions, ledger.reviews, ledger.new_phrases, ledger.seconds) == (
        MONDAY,
        1,
        1,
        1,
        240,
    )
    assert ledger.xp == done.session.xp.total == done.profile.xp_on_last_day
    assert ledger.goal_xp == LEARNER.daily_goal_xp == 20
    assert ledger.goal_met  # one phrase, the pack bonus and the streak bonus: 32 XP


def test_a_session_that_earned_nothing_adds_nothing_to_the_ledger():
    instant = practise(LEARNER, datetime(2027, 1, 4, 18, tzinfo=UTC), minutes=0)
    assert instant.session.xp.total == 0
    assert instant.ledger is None


# -- ledger ----------------------------------------------------------------------------------


def test_a_range_has_a_row_for_every_day_with_zeros_where_nothing_happened():
    stored = [
        LedgerDay(
            day=MONDAY, xp=40, sessions=1, reviews=6, again=2, learned_reviews=4, learned_again=1, goal_xp=30
        ),
        LedgerDay(day=MONDAY + timedelta(days=2), frozen=True),
    ]
    ledger = Ledger.of_range(MONDAY - timedelta(days=1), MONDAY + timedelta(days=3), stored)
    assert [day.day for day in ledger.days] == [MONDAY + timedelta(days=n) for n in range(-1, 4)]
    assert ledger.days[0] == LedgerDay(day=MONDAY - timedelta(days=1))
    totals = ledger.totals
    assert (totals.xp, totals.days_practised, totals.goal_met_days, totals.frozen_days) == (40, 1, 1, 1)
    assert ledger.retention == pytest.approx(0.75)  # learning-step reviews do not count
    assert Ledger.of_range(MONDAY, MONDAY, []).retention is None


def test_the_default_range_is_the_last_30_days_and_bad_ranges_are_refused():
    assert stats_range(None, None, MONDAY) == (MONDAY - timedelta(days=STATS_DEFAULT_DAYS - 1), MONDAY)
    assert stats_range(None, MONDAY, date(2030, 1, 1))[1] == MONDAY
    assert stats_range(None, date(1, 1, 3), MONDAY) == (date(1, 1, 1), date(1, 1, 3))  # no overflow
    longest = (MONDAY - timedelta(days=STATS_MAX_DAYS - 1), MONDAY)
    assert stats_range(*longest, MONDAY) == longest
    with pytest.raises(InvalidDateRange):
        stats_range(MONDAY - timedelta(days=STATS_MAX_DAYS), MONDAY, MONDAY)
    with pytest.raises(InvalidDateRange):
        stats_range(MONDAY, MONDAY - timedelta(days=1), MONDAY)
    with pytest.raises(InvalidDateRange):
        stats_range(MONDAY + timedelta(days=1), None, MONDAY)  # from after today
