"""Completing a session: the pure computation of what changes (session, profile, cards).
No I/O and no clock, so a retry or a test can recompute exactly the same result."""

import hashlib
import json
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from practice.errors import InvalidResults
from practice.learner_day import learner_day, parse_time_zone
from practice.models.content import Course
from practice.models.learner import CardState, PracticeReport, Profile, Session
from practice.scheduling import review
from practice.scoring import advance_streak, award_xp, sessions_completed_today


@dataclass(frozen=True, slots=True)
class Completion:
    session: Session
    profile: Profile
    cards: list[CardState]


def results_digest(report: PracticeReport) -> str:
    """A fingerprint of what the learner reported, independent of the results' order."""
    canonical = {
        "results": sorted(
            ((r.phrase_id, r.rating.value, r.response_time_ms) for r in report.results),
            key=lambda result: (result[0], result[1], -1 if result[2] is None else result[2]),
        ),
        "dialog": report.dialog_completed,
        "drill": report.drill_completed,
    }
    return hashlib.sha256(json.dumps(canonical, separators=(",", ":")).encode()).hexdigest()


def complete(
    *,
    session: Session,
    profile: Profile,
    cards: dict[str, CardState],
    report: PracticeReport,
    course: Course,
    now: datetime,
    max_duration: timedelta,
) -> Completion:
    served = set(session.served_phrase_ids)
    if strangers := [r.phrase_id for r in report.results if r.phrase_id not in served]:
        raise InvalidResults(f"phrases not in this session's pack: {', '.join(strangers[:5])}")
    counts = Counter(r.phrase_id for r in report.results)
    if twice := sorted(pid for pid, count in counts.items() if count > 1):
        raise InvalidResults(f"phrases with more than one result: {', '.join(twice[:5])}")

    today = learner_day(now, parse_time_zone(profile.time_zone), profile.day_start_hour)
    streak = advance_streak(profile.streak, profile.last_practice_day, today)
    earlier_today = sessions_completed_today(profile.last_practice_day, profile.sessions_on_last_day, today)
    ratings = {r.phrase_id: r.rating for r in report.results}
    xp = award_xp(
        ratings.values(),
        pack_finished=served <= ratings.keys(),
        dialog_completed=report.dialog_completed and session.dialog_id is not None,
        drill_completed=report.drill_completed and session.drill_id is not None,
        earlier_sessions_today=earlier_today,
        streak=streak,
    )
    reviewed = [review(pid, cards.get(pid), rating, now) for pid, rating in ratings.items()]
    introduced = sum(1 for pid in session.new_phrase_ids if pid in ratings and pid not in cards)

    ended_at = now
    duration = min(
        max(0, int((ended_at - session.started_at).total_seconds())), int(max_duration.total_seconds())
    )
    same_day = not streak.first_session_of_day  # today is at or before the last practice day
    updated_profile = profile.model_copy(
        update={
            "streak": streak.after,
            "best_streak": max(profile.best_streak, streak.after),
            "last_practice_day": profile.last_practice_day if same_day else today,
            "sessions_on_last_day": earlier_today + 1,
            "new_on_last_day": (profile.new_on_last_day if same_day else 0) + introduced,
            "total_xp": profile.total_xp + xp.total,
            "next_new_position": _next_new_position(profile, session, ratings.keys(), course),
        }
    )
    completed = session.model_copy(
        update={
            "ended_at": ended_at,
            "duration_seconds": duration,
            "xp": xp,
            "streak_before": streak.before,
            "streak_after": streak.after,
            "results": report.results,
            "results_digest": results_digest(report),
            "learner_total_xp": updated_profile.total_xp,
            "learner_best_streak": updated_profile.best_streak,
            "expires_at": None,  # completed sessions are history: no TTL
        }
    )
    return Completion(completed, updated_profile, reviewed)


def _next_new_position(profile: Profile, session: Session, rated: Collection[str], course: Course) -> int:
    """Move past the new phrases the learner rated, in course order. An unrated new phrase
    stops the move, so phrases left unseen at the end of a pack come again next time."""
    position = profile.next_new_position
    for phrase_id in session.new_phrase_ids:
        if phrase_id not in rated or phrase_id not in course.position_of:
            break
        position = max(position, course.position_of[phrase_id] + 1)
    return position
