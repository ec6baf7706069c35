"""Domain objects to the account routes' response bodies."""

from practice.account.results import ExportPage
from practice.domain.learner import CardState, LearnerRecord, Session
from practice.domain.reminders import Device
from practice_api.account.models import (
    ExportCard,
    ExportDay,
    ExportDevice,
    ExportItem,
    ExportResponse,
    ExportSession,
)
from practice_api.profile.presenters import profile_response
from practice_api.progress.presenters import day_item
from practice_api.reminders.presenters import device_response
from practice_api.sessions.presenters import session_response


def export_item(record: LearnerRecord) -> ExportItem:
    if isinstance(record, Session):
        return ExportSession(type="session", **session_response(record).model_dump())
    if isinstance(record, CardState):
        return ExportCard(type="card", **record.model_dump(exclude={"version"}))
    if isinstance(record, Device):
        return ExportDevice(type="device", **device_response(record).model_dump())
    return ExportDay(  # a LedgerDay: the same fields as the stats' day, and what it adds up from
        type="day",
        **day_item(record).model_dump(),
        **record.model_dump(include={"goal_xp", "learned_reviews", "learned_again"}),
    )


def export_response(page: ExportPage) -> ExportResponse:
    return ExportResponse(
        profile=profile_response(page.profile) if page.profile else None,
        items=[export_item(record) for record in page.records],
        next_cursor=page.next_cursor,
    )
