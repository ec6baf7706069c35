"""Domain objects to API response bodies."""

from dataclasses import asdict

from practice.models.content import Course, Dialog, Drill, Phrase
from practice.models.learner import CardState, LearnerItem, LedgerDay, Profile, ReviewLogEntry, Session
from practice.sessions import ExportPage, LearnerStats, ProfileStatus, SessionPage, StartedSession
from practice_api.models import (
    DayItem,
    DialogItem,
    DialogLineItem,
    DrillItem,
    ExportCard,
    ExportDay,
    ExportItem,
    ExportResponse,
    ExportSession,
    LearnerTotals,
    PhraseItem,
    PracticePackResponse,
    ProfileResponse,
    ReviewLogItem,
    SchedulingItem,
    SessionPageResponse,
    SessionResponse,
    StatsResponse,
    TodayItem,
    TotalsItem,
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


def profile_response(status: ProfileStatus) -> ProfileResponse:
    profile = status.profile
    return ProfileResponse(
        user_id=profile.user_id,
        time_zone=profile.time_zone,
        day_start_hour=profile.day_start_hour,
        daily_new_limit=profile.daily_new_limit,
        daily_review_limit=profile.daily_review_limit,
        daily_goal_xp=profile.daily_goal_xp,
        desired_retention=profile.desired_retention,
        course_id=profile.course_id,
        streak=status.live_streak,
        best_streak=profile.best_streak,
        freezes_available=profile.freezes,
        last_practice_day=profile.last_practice_day,
        total_xp=profile.total_xp,
        phrases_introduced=profile.next_new_position,
        today=today_item(status),
        scheduling=scheduling_item(profile),
    )


def scheduling_item(profile: Profile) -> SchedulingItem:
    fit = profile.fsrs
    return SchedulingItem(
        parameters="personal" if fit else "default",
        reviews_logged=profile.reviews_logged,
        fsrs_parameters=list(fit.parameters) if fit else None,
        fitted_at=fit.fitted_at if fit else None,
        fitted_on_reviews=fit.reviews if fit else None,
        log_loss_before=fit.log_loss_before if fit else None,
        log_loss_after=fit.log_loss_after if fit else None,
    )


def today_item(status: ProfileStatus) -> TodayItem:
    goal = status.profile.daily_goal_xp
    return TodayItem(day=status.today, xp=status.xp_today, goal_xp=goal, goal_met=status.goal_met_today)


def session_page_response(page: SessionPage) -> SessionPageResponse:
    return SessionPageResponse(
        sessions=[session_response(session) for session in page.sessions], next_cursor=page.next_cursor
    )


def day_item(day: LedgerDay) -> DayItem:
    return DayItem.model_validate({**day.model_dump(), "goal_met": day.goal_met})  # the same fields


def stats_response(stats: LearnerStats) -> StatsResponse:
    status, ledger = stats.status, stats.ledger
    return StatsResponse(
        from_=ledger.days[0].day,
        to=ledger.days[-1].day,
        days=[day_item(day) for day in ledger.days],
        totals=TotalsItem(**asdict(ledger.totals)),
        retention=ledger.retention,
        streak=status.live_streak,
        best_streak=status.profile.best_streak,
        freezes_available=status.profile.freezes,
        today=today_item(status),
    )


def export_item(item: LearnerItem) -> ExportItem:
    if isinstance(item, Session):
        return ExportSession(type="session", **session_response(item).model_dump())
    if isinstance(item, CardState):
        return ExportCard(type="card", **item.model_dump(exclude={"version"}))
    return ExportDay(  # a LedgerDay: the same fields as the stats' day, and what it adds up from
        type="day",
        **day_item(item).model_dump(),
        **item.model_dump(include={"goal_xp", "learned_reviews", "learned_again"}),
    )


def export_response(page: ExportPage) -> ExportResponse:
    return ExportResponse(
        profile=profile_response(page.profile) if page.profile else None,
        items=[export_item(item) for item in page.items],
        next_cursor=page.next_cursor,
    )
