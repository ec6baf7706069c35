"""XP and streak rules, every number a named constant (README: "XP and streaks").

- Each phrase earns XP by its rating.
- Finishing the pack (a result for every phrase served) earns a session bonus; so do the
  dialog and the drill when the app reports them done.
- The first completed session of a learner's day earns a streak bonus that grows with the
  streak, up to a cap.
- Later sessions the same day earn a shrinking share of phrase XP and session bonus, so XP
  cannot be farmed by replaying packs.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from practice.models.learner import Rating, XpAward

XP_PER_RATING = {Rating.AGAIN: 2, Rating.HARD: 6, Rating.GOOD: 10, Rating.EASY: 12}
PACK_FINISHED_BONUS = 20
DIALOG_BONUS = 5
DRILL_BONUS = 5
STREAK_BONUS_PER_DAY = 2
STREAK_BONUS_CAP = 30
# Percent of phrase XP and session bonus for the 1st, 2nd and 3rd-or-later session of a day.
SAME_DAY_SESSION_PERCENT = (100, 50, 25)


@dataclass(frozen=True, slots=True)
class StreakChange:
    before: int
    after: int
    first_session_of_day: bool


def advance_streak(streak: int, last_practice_day: date | None, today: date) -> StreakChange:
    """The streak after completing a session on the learner's `today`.

    `before` is the streak as the learner sees it now (0 once a day was missed). A day at or
    before the last practice day (a second session, or a flight west) changes nothing.
    """
    if last_practice_day is not None and today <= last_practice_day:
        return StreakChange(streak, streak, first_session_of_day=False)
    if last_practice_day == today - timedelta(days=1):
        return StreakChange(streak, streak + 1, first_session_of_day=True)
    return StreakChange(0, 1, first_session_of_day=True)


def sessions_completed_today(last_practice_day: date | None, sessions_on_last_day: int, today: date) -> int:
    return sessions_on_last_day if last_practice_day is not None and today <= last_practice_day else 0


def award_xp(
    ratings: Iterable[Rating],
    *,
    pack_finished: bool,
    dialog_completed: bool,
    drill_completed: bool,
    earlier_sessions_today: int,
    streak: StreakChange,
) -> XpAward:
    share = SAME_DAY_SESSION_PERCENT[min(earlier_sessions_today, len(SAME_DAY_SESSION_PERCENT) - 1)]
    phrases = sum(XP_PER_RATING[rating] for rating in ratings)
    bonus = (
        (PACK_FINISHED_BONUS if pack_finished else 0)
        + (DIALOG_BONUS if dialog_completed else 0)
        + (DRILL_BONUS if drill_completed else 0)
    )
    streak_bonus = (
        min(STREAK_BONUS_PER_DAY * streak.after, STREAK_BONUS_CAP) if streak.first_session_of_day else 0
    )
    return XpAward(
        phrases=phrases * share // 100, session_bonus=bonus * share // 100, streak_bonus=streak_bonus
    )
