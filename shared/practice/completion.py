"""Completing a session: the pure computation of what changes (session, profile, cards, and
the review log). No I/O and no clock (`now` is a parameter), so a test can recompute it exactly."""

import hashlib
import json
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from practice.errors import InvalidResults
from practice.learner_day import learner_day, parse_time_zone
from practice.models.content import Course
from practice.models.learner import (
    CardSnapshot,
    CardState,
    PracticeReport,
    Profile,
    Rating,
    Review,
    ReviewLogEntry,
    Session,
)
from practice.scheduling import review
from practice.scoring import advance_streak, award_xp, sessions_completed_today


@dataclass(frozen=True, slots=True)
class Completion:
    session: Session
    profile: Profile
    cards: list[CardState]


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
) -> Completion:
    _check(report, session, rules)
    earliest, latest = session.started_at, now + rules.clock_skew  # what the phone's clock may say
    completed_at = _clamp(report.completed_at or now, earliest, latest)
    timeline = _timeline(report, completed_at, earliest, latest)
    ended_at = max([completed_at, *(at for at, _ in timeline)])

    zone = parse_time_zone(profile.time_zone)
    # The session counts for the learner day its practice happened in, whenever it is uploaded
    day = learner_day(timeline[0][0] if timeline else ended_at, zone, profile.day_start_hour)
    last_day = profile.last_practice_day
    streak = advance_streak(profile.streak, last_day, day)
    earlier_today = sessions_completed_today(last_day, profile.sessions_on_last_day, day)
    # XP goes by how each phrase was first recalled; learning steps earn nothing more
    first_ratings: dict[str, Rating] = {}
    for _, item in timeline:
        first_ratings.setdefault(item.phrase_id, item.rating)
    xp = award_xp(
        first_ratings.values(),
        pack_finished=set(session.served_phrase_ids) <= first_ratings.keys(),
        dialog_completed=report.dialog_completed and session.dialog_id is not None,
        drill_completed=report.drill_completed and session.drill_id is not None,
        earlier_sessions_today=earlier_today,
        streak=streak,
    )

    current = dict(cards)
    log: list[ReviewLogEntry] = []
    for at, item in timeline:  # each review applied at its own time, in time order
        before = current.get(item.phrase_id)
        after = review(item.phrase_id, before, item.rating, at)
        log.append(_log_entry(item, at, before, after))
        current[item.phrase_id] = after
    reviewed = [current[pid] for pid in first_ratings]
    introduced = sum(1 for pid in session.new_phrase_ids if pid in first_ratings and pid not in cards)

    duration = min(max(0, int((ended_at - session.started_at).total_seconds())),
                   int(rules.max_duration.total_seconds()))  # fmt: skip
    last_practice_day, sessions_that_day, new_that_day = _day_counters(profile, day, introduced)
    updated_profile = profile.model_copy(
        update={
            "streak": streak.after,
            "best_streak": max(profile.best_streak, streak.after),
            "last_practice_day": last_practice_day,
            "sessions_on_last_day": sessions_that_day,
            "new_on_last_day": new_that_day,
            "total_xp": profile.total_xp + xp.total,
            "next_new_position": _next_new_position(profile, session, first_ratings.keys(), course),
        }
    )
    completed = session.model_copy(
        update={
            "ended_at": ended_at,
            "duration_seconds": duration,
            "xp": xp,
            "streak_before": streak.before,
            "streak_after": streak.after,
            "reviews": tuple(log),
            "practice_day": day,
            "results_digest": results_digest(report),
            "learner_total_xp": updated_profile.total_xp,
            "learner_best_streak": updated_profile.best_streak,
            "expires_at": None,  # completed sessions are history: no TTL
        }
    )
    return Completion(completed, updated_profile, reviewed)


def _day_counters(profile: Profile, day: date, introduced: int) -> tuple[date, int, int]:
    """(last practice day, sessions and new phrases on it) after a session of `day`."""
    last = profile.last_practice_day
    if last is not None and day < last:  # uploaded after a later day's practice: that day's counts stay
        return last, profile.sessions_on_last_day, profile.new_on_last_day
    if day == last:
        return day, profile.sessions_on_last_day + 1, profile.new_on_last_day + introduced
    return day, 1, introduced


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


def _next_new_position(profile: Profile, session: Session, rated: Collection[str], course: Course) -> int:
    """Move past the new phrases the learner rated, in course order. An unrated new phrase
    stops the move, so phrases left unseen at the end of a pack come again next time."""
    position = profile.next_new_position
    for phrase_id in session.new_phrase_ids:
        if phrase_id not in rated or phrase_id not in course.position_of:
            break
        position = max(position, course.position_of[phrase_id] + 1)
    return position
