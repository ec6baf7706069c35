"""Completing a session: the pure computation of what changes (session, profile, cards, and
the review log). No I/O and no clock (`now` is a parameter), so a test can recompute it exactly."""

import hashlib
import json
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from practice.domain.content import Course
from practice.domain.learner import (
    CardSnapshot,
    CardState,
    LedgerDay,
    PracticeReport,
    Profile,
    Rating,
    Review,
    ReviewLogEntry,
    Session,
)
from practice.domain.learner_day import PracticeDay, streak_deadline
from practice.domain.limits import DAILY_NEW_LIMIT_MAX
from practice.domain.scheduling import is_review, review
from practice.domain.scoring import Effort, advance_streak, award_xp, credited_work, settle_freezes
from practice.domain.workload import LearnerSpread, SpreadMode
from practice.errors import InvalidResults


@dataclass(frozen=True, slots=True)
class DueChanges:
    """What a completion changes in the learner's cards due per day of the session's course:
    counts to add (negative: cards moved away), and days found at 0, which the store drops."""

    added: Mapping[date, int] = field(default_factory=dict)
    emptied: tuple[date, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.emptied)


@dataclass(frozen=True, slots=True)
class Completion:
    session: Session
    profile: Profile
    cards: list[CardState]
    ledger: LedgerDay | None = None  # what the session adds to its learner day (None: not practice)
    frozen_days: tuple[date, ...] = ()  # missed days that streak freezes now cover
    workload: DueChanges = field(default_factory=DueChanges)


def results_digest(report: PracticeReport) -> str:
    """A fingerprint of what the learner reported, as reported (times included, before they are
    moved into the session's window), so a retry of the same upload is recognised."""
    canonical = {
        "reviews": [
            [r.phrase_id, r.rating.value, r.reviewed_at.isoformat() if r.reviewed_at else None, r.duration_ms]
            for r in report.reviews
        ],
        "completed_at": report.completed_at.isoformat() if report.completed_at else None,
        "dialog": report.dialog_completed,
        "drill": report.drill_completed,
    }
    return hashlib.sha256(json.dumps(canonical, separators=(",", ":")).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class TimeRules:
    """How far the server trusts the phone's clock."""

    max_duration: timedelta  # of a session, from its start to its completion
    clock_skew: timedelta  # a time this far past the server's now is still taken as it is
    max_reviews_per_phrase: int
    max_reviews: int


def complete(
    *,
    session: Session,
    profile: Profile,
    cards: dict[str, CardState],
    report: PracticeReport,
    course: Course,
    now: datetime,
    rules: TimeRules,
    due_per_day: Mapping[date, int] | None = None,
    spread: SpreadMode = SpreadMode.BALANCE,
) -> Completion:
    """What completing `session` with `report` changes. `due_per_day` is the learner's count of
    cards due on each learner day in the session's course (read with the cards), which the
    review cards' days are spread by (domain/workload.py) and which the result keeps exact."""
    _check(report, session, rules)
    earliest, latest = session.started_at, now + rules.clock_skew  # what the phone's clock may say
    completed_at = _clamp(report.completed_at or now, earliest, latest)
    timeline = _timeline(report, completed_at, earliest, latest)
    ended_at = max([completed_at, *(at for at, _ in timeline)])
    duration = min(max(0, int((ended_at - session.started_at).total_seconds())),
                   int(rules.max_duration.total_seconds()))  # fmt: skip

    # Each phrase counts once, by its first rating: learning steps after it earn nothing more
    first_ratings: dict[str, Rating] = {}
    for _, item in timeline:
        first_ratings.setdefault(item.phrase_id, item.rating)
    work = credited_work(
        Effort(
            phrases_rated=len(first_ratings),
            phrases_served=len(session.served_phrase_ids),
            dialog_completed=report.dialog_completed and session.dialog_id is not None,
            drill_completed=report.drill_completed and session.drill_id is not None,
            # the server's own measure: the phone's clock may run ahead by the skew, not longer
            seconds=min(duration, max(0, int((min(ended_at, now) - session.started_at).total_seconds()))),
        )
    )

    # The session counts for the learner day its practice happened in, whenever it is uploaded
    practised_at = timeline[0][0] if timeline else ended_at
    day = profile.day_at(practised_at)
    sessions_today, _, _ = profile.counts_on(day.day)
    new_streak_day = work.is_practice and (profile.streak_day is None or day.day > profile.streak_day)
    live_streak = profile.live_streak(practised_at)
    streak = advance_streak(live_streak, new_day=new_streak_day)
    xp = award_xp(work, earlier_sessions_today=sessions_today, streak=streak)

    counted = dict(due_per_day or {})
    spreading = LearnerSpread(
        seed=f"{profile.user_id}#{session.course_id}",
        zone=profile.zone,
        day_start_hour=profile.day_start_hour,
        due_per_day=dict(counted),
        easy_days=profile.easy_days,
        mode=spread,
    )
    current = dict(cards)
    log: list[ReviewLogEntry] = []
    for at, item in timeline:  # each review applied at its own time, in time order
        before = current.get(item.phrase_id)
        after = review(
            item.phrase_id,
            before,
            item.rating,
            at,
            course_id=session.course_id,
            desired_retention=profile.desired_retention,
            parameters=profile.fsrs_parameters,
            spread=spreading,
        )
        spreading.move(before.due_day if before else None, after.due_day)
        log.append(_log_entry(item, at, before, after))
        current[item.phrase_id] = after
    reviewed = [current[pid] for pid in first_ratings]
    introduced = sum(1 for pid in first_ratings if pid not in cards)
    reviews_done = sum(1 for pid in first_ratings if pid in cards and is_review(cards[pid].state))

    update: dict[str, object] = {
        "total_xp": profile.total_xp + xp.total,
        "reviews_logged": profile.reviews_logged + len(log),
        **_new_phrase_progress(profile, session, first_ratings.keys(), course),
    }
    if first_ratings or work.is_practice:
        update |= _day_counts(
            profile, day, practice=work.is_practice, new=introduced, reviews=reviews_done, xp=xp.total
        )
    frozen_days: tuple[date, ...] = ()
    if new_streak_day:
        # alive past its own deadline: only the freezes held kept it
        deadline = profile.streak_until
        rescued = live_streak > 0 and deadline is not None and practised_at >= deadline
        freezes = settle_freezes(
            profile.freezes, streak_day=profile.streak_day, day=day.day, rescued=rescued,
            streak_after=streak.after,
        )  # fmt: skip
        frozen_days = freezes.frozen_days
        zone, hour = profile.zone, profile.day_start_hour
        update |= {
            "streak": streak.after,
            "best_streak": max(profile.best_streak, streak.after),
            "streak_day": day.day,
            "streak_until": streak_deadline(day, zone, hour),
            "freezes": freezes.held,
            "freeze_until": streak_deadline(day, zone, hour, freezes=freezes.held),
        }
    updated_profile = profile.model_copy(update=update)
    completed = session.model_copy(
        update={
            "ended_at": ended_at,
            "duration_seconds": duration,
            "xp": xp,
            "streak_before": streak.before,
            "streak_after": streak.after,
            "reviews": tuple(log),
            "practice_day": day.day if work.is_practice else None,
            "results_digest": results_digest(report),
            "learner_total_xp": updated_profile.total_xp,
            "learner_best_streak": updated_profile.best_streak,
            "expires_at": None,  # completed sessions are history: no TTL
        }
    )
    ledger = None
    if work.is_practice:
        learned = [entry for entry in log if entry.before is not None and is_review(entry.before.state)]
        ledger = LedgerDay(
            day=day.day,
            xp=xp.total,
            sessions=1,
            reviews=len(log),
            again=sum(1 for entry in log if entry.rating is Rating.AGAIN),
            new_phrases=introduced,
            seconds=duration,
            learned_reviews=len(learned),
            learned_again=sum(1 for entry in learned if entry.rating is Rating.AGAIN),
            goal_xp=profile.daily_goal_xp,
        )
    added = {day: delta for day, delta in sorted(spreading.changes.items()) if delta}
    emptied = tuple(sorted(day for day, count in counted.items() if count <= 0 and day not in added))
    workload = DueChanges(added, emptied) if log else DueChanges()
    return Completion(completed, updated_profile, reviewed, ledger, frozen_days, workload)


def _day_counts(
    profile: Profile, day: PracticeDay, *, practice: bool, new: int, reviews: int, xp: int
) -> dict[str, object]:
    """The last practice day's window and counts after a session of `day` (which only counts as a
    session when it was practice; its new phrases and reviews count for the daily limits anyway)."""
    last = profile.last_practice_day
    if last is not None and day.day < last:  # uploaded after a later day's practice: that day's counts stay
        return {}
    sessions = int(practice)
    if day.day == last:
        sessions += profile.sessions_on_last_day
        new += profile.new_on_last_day
        reviews += profile.reviews_on_last_day
        xp += profile.xp_on_last_day
    return {
        "last_practice_day": day.day,
        "day_started_at": day.starts_at,
        "day_ends_at": day.ends_at,
        "sessions_on_last_day": sessions,
        "new_on_last_day": new,
        "reviews_on_last_day": reviews,
        "xp_on_last_day": xp,
    }


def _check(report: PracticeReport, session: Session, rules: TimeRules) -> None:
    served = set(session.served_phrase_ids)
    if strangers := [r.phrase_id for r in report.reviews if r.phrase_id not in served]:
        raise InvalidResults(f"phrases not in this session's pack: {', '.join(strangers[:5])}")
    if len(report.reviews) > rules.max_reviews:
        raise InvalidResults(f"at most {rules.max_reviews} reviews in one session")
    counts = Counter(r.phrase_id for r in report.reviews)
    if many := sorted(pid for pid, count in counts.items() if count > rules.max_reviews_per_phrase):
        raise InvalidResults(
            f"at most {rules.max_reviews_per_phrase} reviews per phrase: {', '.join(many[:5])}"
        )


def _clamp(instant: datetime, earliest: datetime, latest: datetime) -> datetime:
    return min(max(instant, earliest), latest)


def _timeline(
    report: PracticeReport, completed_at: datetime, earliest: datetime, latest: datetime
) -> list[tuple[datetime, Review]]:
    """The reviews in the order they happened: each at its reported time (the completion's when
    it has none) moved into [session start, now + skew]; equal times keep the list's order."""
    timed = [(_clamp(r.reviewed_at or completed_at, earliest, latest), index, r)
             for index, r in enumerate(report.reviews)]  # fmt: skip
    return [(at, r) for at, _, r in sorted(timed, key=lambda entry: (entry[0], entry[1]))]


def _snapshot(card: CardState) -> CardSnapshot:
    return CardSnapshot(state=card.state, stability=card.stability, difficulty=card.difficulty, due=card.due)


def _log_entry(item: Review, at: datetime, before: CardState | None, after: CardState) -> ReviewLogEntry:
    elapsed = None
    if before is not None and before.last_review is not None:
        elapsed = (at - before.last_review).total_seconds() / 86400
    return ReviewLogEntry(
        phrase_id=item.phrase_id,
        rating=item.rating,
        reviewed_at=at,
        duration_ms=item.duration_ms,
        elapsed_days=elapsed,
        before=_snapshot(before) if before else None,
        after=_snapshot(after),
    )


def _new_phrase_progress(
    profile: Profile, session: Session, rated: Collection[str], course: Course
) -> dict[str, object]:
    """Move the session's course position past every new phrase rated; new phrases served before
    it and not rated are kept as skipped, offered first next time. So a phrase is new exactly once.
    The session's course, not the active one: a session started before a switch counts for its own."""
    progress = profile.progress_in(session.course_id)
    served = [pid for pid in session.new_phrase_ids if pid in course.position_of]
    position = max(
        [progress.next_new_position, *(course.position_of[pid] + 1 for pid in served if pid in rated)]
    )
    waiting = dict.fromkeys((*progress.skipped_new_phrase_ids, *served))
    skipped = sorted(
        (
            pid
            for pid in waiting
            if pid not in rated and pid in course.position_of and course.position_of[pid] < position
        ),
        key=course.position_of.__getitem__,
    )
    moved = progress.model_copy(
        update={"next_new_position": position, "skipped_new_phrase_ids": tuple(skipped[:DAILY_NEW_LIMIT_MAX])}
    )
    return {"courses": {**profile.courses, session.course_id: moved}}
