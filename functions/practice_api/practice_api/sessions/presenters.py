"""Domain objects to the sessions routes' response bodies: the one place each is built."""

from practice.courses.audio import AudioLinks
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
    Recorded,
    ReviewLogItem,
    SessionPageResponse,
    SessionResponse,
)


def phrase_item(phrase: Phrase) -> PhraseItem:
    return PhraseItem(**phrase.model_dump(exclude={"tags"}), tags=list(phrase.tags), audio_url=None)


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
                audio_key=phrase.audio_key,
                audio_url=None,
            )
        )
    return DialogItem(dialog_id=dialog.dialog_id, title=dialog.title, topic=dialog.topic, lines=lines)


def drill_item(drill: Drill, course: Course) -> DrillItem:
    phrases = [phrase_item(course.phrase_by_id[pid]) for pid in drill.phrase_ids]
    return DrillItem(
        drill_id=drill.drill_id, title=drill.title, focus=drill.focus, tip=drill.tip, phrases=phrases
    )


def pack_response(started: StartedSession) -> PracticePackResponse:
    """The pack, its links to recordings left for `with_audio_links`."""
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


def with_audio_links(pack: PracticePackResponse, audio: AudioLinks) -> PracticePackResponse:
    """The pack with a fresh link to each recording: also for a pack replayed from the idempotency
    store, whose stored links may be older than they last."""
    fresh: dict[str, object] = {
        "review_phrases": [_linked(item, audio) for item in pack.review_phrases],
        "new_phrases": [_linked(item, audio) for item in pack.new_phrases],
    }
    if pack.dialog is not None:
        fresh["dialog"] = pack.dialog.model_copy(
            update={"lines": [_linked(line, audio) for line in pack.dialog.lines]}
        )
    if pack.pronunciation_drill is not None:
        drill = pack.pronunciation_drill
        fresh["pronunciation_drill"] = drill.model_copy(
            update={"phrases": [_linked(item, audio) for item in drill.phrases]}
        )
    return pack.model_copy(update=fresh)


def _linked[Item: Recorded](item: Item, audio: AudioLinks) -> Item:
    return item.model_copy(update={"audio_url": audio.url(item.audio_key)})


def review_log_item(entry: ReviewLogEntry) -> ReviewLogItem:
    # The same fields, by design: read from the entry's attributes, not from a dump of it
    return ReviewLogItem.model_validate(entry, from_attributes=True)


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
