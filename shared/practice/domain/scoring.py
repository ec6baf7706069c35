"""XP and streak rules, every number a named constant (README: "XP and streaks").

- Each phrase rated earns the same XP whatever its rating: grading "easy" must not pay, as it
  would reward the inflated grades that stretch intervals. Learning steps earn nothing more.
- Finishing a non-empty pack (every phrase served rated) earns a session bonus; so do the
  dialog and the drill when the app reports them done.
- Work needs time: each rated phrase needs `MIN_SECONDS_PER_PHRASE` of the session's length
  by the server's clock, the dialog and the drill `MIN_SECONDS_PER_ACTIVITY` each. A session
  shorter than its work earns XP for the phrases its length covers, and no bonus.
- The first session of a learner day that earned anything keeps the streak going and earns a
  streak bonus that grows with the streak, up to a cap; a session that earned nothing (an empty
  pack, or too fast to be real) is not practice and counts for no day.
- Later sessions the same day earn a shrinking share of phrase XP and session bonus (100 %,
  50 %, then nothing, like Duolingo's 10/5/0), so packs cannot be farmed.
- Streak freezes: every `FREEZE_EVERY_STREAK_DAYS`-day milestone of the streak earns one, and a
  learner holds at most `MAX_FREEZES`. Each freeze held keeps the streak alive one learner day
  longer. When the next practice comes after missed days that the freezes held cover, one freeze
  is spent per missed day, those days are marked frozen, and the streak goes on: a frozen day
  keeps it but does not add to it. Missed days the freezes cannot cover all end the streak, and
  the freezes are kept for the next one.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from practice.domain.learner import XpAward
from practice.domain.limits import MAX_FREEZES

XP_PER_PHRASE = 10
PACK_FINISHED_BONUS = 20
DIALOG_BONUS = 5
DRILL_BONUS = 5
STREAK_BONUS_PER_DAY = 2
STREAK_BONUS_CAP = 30
MIN_SECONDS_PER_PHRASE = 2
MIN_SECONDS_PER_ACTIVITY = 20
# Percent of phrase XP and session bonus for the 1st, 2nd and 3rd-or-later session of a day.
SAME_DAY_SESSION_PERCENT = (100, 50, 0)
FREEZE_EVERY_STREAK_DAYS = 7


@dataclass(frozen=True, slots=True)
class Effort:
    """What a session did, as the server can vouch for it."""

    phrases_rated: int
    phrases_served: int
    dialog_completed: bool
    drill_completed: bool
    seconds: int  # the session's length by the server's clock


@dataclass(frozen=True, slots=True)
class CreditedWork:
    """The part of a session's effort that its length makes plausible."""

    phrases: int
    pack_finished: bool
    dialog: bool
    drill: bool

    @property
    def is_practice(self) -> bool:
        """Whether the session counts as practice for the learner's day and streak."""
        return self.phrases > 0 or self.dialog or self.drill


def credited_work(effort: Effort) -> CreditedWork:
    phrases = min(effort.phrases_rated, effort.seconds // MIN_SECONDS_PER_PHRASE)
    plausible = phrases == effort.phrases_rated
    seconds_left = effort.seconds - phrases * MIN_SECONDS_PER_PHRASE
    dialog = plausible and effort.dialog_completed and seconds_left >= MIN_SECONDS_PER_ACTIVITY
    seconds_left -= MIN_SECONDS_PER_ACTIVITY if dialog else 0
    drill = plausible and effort.drill_completed and seconds_left >= MIN_SECONDS_PER_ACTIVITY
    finished = plausible and 0 < effort.phrases_served <= effort.phrases_rated
    return CreditedWork(phrases=phrases, pack_finished=finished, dialog=dialog, drill=drill)


@dataclass(frozen=True, slots=True)
class StreakChange:
    before: int
    after: int
    first_session_of_day: bool


def advance_streak(live_streak: int, *, new_day: bool) -> StreakChange:
    """The streak after a session: one more when it is the first practice of a day later than the
    streak's last (`new_day`). `live_streak` is the streak as the learner saw it just then: 0 once
    its deadline passed (Profile.live_streak), so a missed day starts it again at 1."""
    return StreakChange(live_streak, live_streak + int(new_day), first_session_of_day=new_day)


def award_xp(work: CreditedWork, *, earlier_sessions_today: int, streak: StreakChange) -> XpAward:
    share = SAME_DAY_SESSION_PERCENT[min(earlier_sessions_today, len(SAME_DAY_SESSION_PERCENT) - 1)]
    bonus = (
        (PACK_FINISHED_BONUS if work.pack_finished else 0)
        + (DIALOG_BONUS if work.dialog else 0)
        + (DRILL_BONUS if work.drill else 0)
    )
    streak_bonus = (
        min(STREAK_BONUS_PER_DAY * streak.after, STREAK_BONUS_CAP) if streak.first_session_of_day else 0
    )
    return XpAward(
        phrases=work.phrases * XP_PER_PHRASE * share // 100,
        session_bonus=bonus * share // 100,
        streak_bonus=streak_bonus,
    )


@dataclass(frozen=True, slots=True)
class FreezeChange:
    held: int  # after the session
    frozen_days: tuple[date, ...]  # missed days the freezes spent covered, oldest first
    spent: int


def settle_freezes(
    held: int, *, streak_day: date | None, day: date, rescued: bool, streak_after: int
) -> FreezeChange:
    """The freezes after the first practice of a new learner day `day`.

    `rescued`: the streak was alive only thanks to the freezes held (its own deadline had passed),
    so one is spent for each missed day between the streak's last day and `day`, at least one (a
    change of zone can make the deadline pass with no calendar day between). A streak that reaches
    a milestone earns one, up to MAX_FREEZES.
    """
    spent, frozen = 0, tuple[date, ...]()
    if rescued and streak_day is not None:
        missed = [streak_day + timedelta(days=n) for n in range(1, (day - streak_day).days)]
        spent = min(max(1, len(missed)), held)
        frozen = tuple(missed[:spent])
    milestone = streak_after > 0 and streak_after % FREEZE_EVERY_STREAK_DAYS == 0
    return FreezeChange(min(MAX_FREEZES, held - spent + int(milestone)), frozen, spent)
