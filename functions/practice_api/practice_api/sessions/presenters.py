"""Domain objects to the sessions routes' response bodies: the one place each is built."""

from practice.domain.content import Course, Dialog, Drill, Phrase
from practice.domain.learner import ReviewLogEntry, Session
from practice.sessions.results import SessionPage, StartedSession
from practice_api.sessions.models import (
    DialogItem,
    DialogLineItem,
    DrillItem,
    LearnerTotals,
    PhraseItem,
    PracticePackResponse,
    ReviewLogItem,
    SessionPageResponse,
    SessionResponse,
)


def phrase_item(phrase: Phrase) -> PhraseItem:
    return PhraseItem(**phrase.model_dump(exclude={"tags"}), tags=list(phrase.tags))


def dialog_item(dialog: Dialog, course: Course) -> DialogItem:
    lines = []
    for line in dialog.lines:
        phrase = course.phrase_by_id[line.phrase_id]
        lines.append(
            DialogLineItem(
                speaker=line.speaker,
                phrase_id=phrase.phrase_id,
                text=phrase.text,
                translation=phrase.translation,
            )
        )
    return DialogItem(dialog_id=dialog.dialog_id, title=dialog.title, topic=dialog.topic, lines=lines)


def drill_item(drill: Drill, course: Course) -> DrillItem:
    phrases = [phrase_item(course.phrase_by_id[pid]) for pid in drill.phrase_ids]
    return DrillItem(
        drill_id=drill.drill_id, title=drill.title, focus=drill.focus, tip=drill.tip, phrases=phrases
    )


def pack_response(started: StartedSession) -> PracticePackResponse:
    pack, session, course = started.pack, started.session, started.course
    return PracticePackResponse(
        pack_id=pack.pack_id,
        session_id=session.session_id,
        course_id=session.course_id,
        started_at=session.started_at,
        review_phrases=[phrase_item(p) for p in pack.review],
        new_phrases=[phrase_item(p) for p in pack.new],
        dialog=dialog_item(pack.dialog, course) if pack.dialog else None,
        pronunciation_drill=drill_item(pack.drill, course) if pack.drill else None,
    )


def review_log_item(entry: ReviewLogEntry) -> ReviewLogItem:
    return ReviewLogItem.model_validate(entry.model_dump())  # the same fields, by design


def session_response(session: Session) -> SessionResponse:
    learner = None
    if session.learner_total_xp is not None and session.learner_best_streak is not None:
        learner = LearnerTotals(
            total_xp=session.learner_total_xp,
            streak=session.streak_after,
            best_streak=session.learner_best_streak,
        )
    return SessionResponse(
        session_id=session.session_id,
        pack_id=session.pack_id,
        course_id=session.course_id,
        status="open" if session.is_open else "completed",
        started_at=session.started_at,
        ended_at=session.ended_at,
        duration_seconds=session.duration_seconds,
        xp_phrases=session.xp.phrases,
        xp_session_bonus=session.xp.session_bonus,
        xp_streak_bonus=session.xp.streak_bonus,
        total_xp=session.xp.total,
        streak_before=session.streak_before,
        streak_after=session.streak_after,
        phrase_ids=list(session.served_phrase_ids),
        practice_day=session.practice_day,
        reviews=[review_log_item(entry) for entry in session.reviews],
        learner=learner,
    )


def session_page_response(page: SessionPage) -> SessionPageResponse:
    return SessionPageResponse(
        sessions=[session_response(session) for session in page.sessions], next_cursor=page.next_cursor
    )
