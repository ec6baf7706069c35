"""Routes of practice sessions: today's pack (which starts one), completing one, reading one,
and the learner's history of them."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from aws_lambda_powertools.metrics import MetricUnit
from pydantic import Field

from practice.domain.limits import HISTORY_PAGE_DEFAULT, HISTORY_PAGE_MAX
from practice_api.dependencies import Learner, Services, Starter
from practice_api.http.conditional import conditional
from practice_api.http.fields import CursorText, Omittable, TimeZoneName
from practice_api.http.methods import refuse_other_methods
from practice_api.http.openapi import conditional_responses, route_responses
from practice_api.observability import metrics
from practice_api.sessions.models import (
    CompleteSessionRequest,
    PracticePackResponse,
    SessionPageResponse,
    SessionResponse,
)
from practice_api.sessions.presenters import session_page_response, session_response

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]
DAILY = "/api/v2/practice/daily"
SESSIONS = "/api/v2/practice/sessions"
SESSION = f"{SESSIONS}/<session_id>"
COMPLETE = f"{SESSION}/complete"
IdempotencyKey = Annotated[str, Field(pattern=r"^[A-Za-z0-9._:-]{8,128}$")]
SessionId = Annotated[str, Path(pattern=r"^[0-9A-HJKMNP-TV-Z]{26}$", description="The session's ULID.")]
PageSize = Annotated[int, Query(ge=1, le=HISTORY_PAGE_MAX, description="Sessions per page at most.")]
Cursor = Annotated[CursorText | Omittable, Query(description="`next_cursor` of the page before (opaque).")]


@router.get(
    DAILY,
    responses=route_responses(PracticePackResponse, "Today's pack, and the session started for it"),
)
def get_daily_pack(
    user_id: Learner,
    starter: Starter,
    x_timezone: Annotated[TimeZoneName | Omittable, Header(alias="X-Timezone")] = None,
    idempotency_key: Annotated[IdempotencyKey | Omittable, Header(alias="Idempotency-Key")] = None,
) -> PracticePackResponse:
    """Build today's practice pack and start a session for it. Retries with the same
    Idempotency-Key get the same session back for 24 hours."""
    return starter.start(user_id, x_timezone, idempotency_key, router.lambda_context)


@router.post(
    COMPLETE,
    responses=route_responses(SessionResponse, "The completed session: XP, streak and the learner's totals"),
)
def complete_session(
    session_id: SessionId, results: CompleteSessionRequest, user_id: Learner, services: Services
) -> SessionResponse:
    """Finish a session with the learner's results: XP, streak, and each phrase rescheduled.
    Exactly once: a retry with the same results returns the same summary."""
    outcome = services.sessions.complete_session(user_id, session_id, results.report())
    if outcome.newly_completed:
        metrics.add_metric(name="SessionCompleted", unit=MetricUnit.Count, value=1)
        metrics.add_metric(name="XpAwarded", unit=MetricUnit.Count, value=outcome.xp_awarded)
    return session_response(outcome.session)


@router.get(
    SESSION,
    responses=conditional_responses(SessionResponse, "The session"),
    middlewares=[conditional(SESSION)],
)
def get_session(session_id: SessionId, user_id: Learner, services: Services) -> SessionResponse:
    """One of the caller's sessions, open or completed."""
    return session_response(services.sessions.get_session(user_id, session_id))


@router.get(SESSIONS, responses=route_responses(SessionPageResponse, "A page of the caller's sessions"))
def list_sessions(
    user_id: Learner, services: Services, limit: PageSize = HISTORY_PAGE_DEFAULT, cursor: Cursor = None
) -> SessionPageResponse:
    """The caller's sessions, newest first, open and completed: one page per call, the next one
    from `next_cursor`. A cursor is good only for the learner it was issued to."""
    return session_page_response(services.sessions.list_sessions(user_id, limit, cursor))


refuse_other_methods(router, DAILY, "GET")
refuse_other_methods(router, COMPLETE, "POST")
refuse_other_methods(router, SESSION, "GET")
refuse_other_methods(router, SESSIONS, "GET")
