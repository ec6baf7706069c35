"""Routes of practice sessions: today's pack (which starts one), completing one, reading one,
and the learner's history of them."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from aws_lambda_powertools.metrics import MetricUnit
from pydantic import Field

from practice.limits import HISTORY_PAGE_DEFAULT, HISTORY_PAGE_MAX
from practice_api.dependencies import Learner, Service, Starter
from practice_api.error_map import route_responses
from practice_api.models import (
    CompleteSessionRequest,
    CursorText,
    Omittable,
    PracticePackResponse,
    SessionPageResponse,
    SessionResponse,
    TimeZoneName,
)
from practice_api.observability import metrics
from practice_api.presenters import session_page_response, session_response
from practice_api.routes import method_not_allowed, methods_other_than

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
    session_id: SessionId, results: CompleteSessionRequest, user_id: Learner, service: Service
) -> SessionResponse:
    """Finish a session with the learner's results: XP, streak, and each phrase rescheduled.
    Exactly once: a retry with the same results returns the same summary."""
    outcome = service.complete_session(user_id, session_id, results.report())
    if outcome.newly_completed:
        metrics.add_metric(name="SessionCompleted", unit=MetricUnit.Count, value=1)
        metrics.add_metric(name="XpAwarded", unit=MetricUnit.Count, value=outcome.xp_awarded)
    return session_response(outcome.session)


@router.get(SESSION, responses=route_responses(SessionResponse, "The session"))
def get_session(session_id: SessionId, user_id: Learner, service: Service) -> SessionResponse:
    """One of the caller's sessions, open or completed."""
    return session_response(service.get_session(user_id, session_id))


@router.get(SESSIONS, responses=route_responses(SessionPageResponse, "A page of the caller's sessions"))
def list_sessions(
    user_id: Learner, service: Service, limit: PageSize = HISTORY_PAGE_DEFAULT, cursor: Cursor = None
) -> SessionPageResponse:
    """The caller's sessions, newest first, open and completed: one page per call, the next one
    from `next_cursor`. A cursor is good only for the learner it was issued to."""
    return session_page_response(service.list_sessions(user_id, limit, cursor))


@router.route(DAILY, method=methods_other_than("GET"), include_in_schema=False)
def daily_pack_other_methods() -> None:
    raise method_not_allowed(router, "GET")


@router.route(
    "/api/v2/practice/sessions/<session_id>/complete",
    method=methods_other_than("POST"),
    include_in_schema=False,
)
def complete_session_other_methods(session_id: str) -> None:
    raise method_not_allowed(router, "POST")


@router.route(
    "/api/v2/practice/sessions/<session_id>", method=methods_other_than("GET"), include_in_schema=False
)
def session_other_methods(session_id: str) -> None:
    raise method_not_allowed(router, "GET")


@router.route(SESSIONS, method=methods_other_than("GET"), include_in_schema=False)
def sessions_other_methods() -> None:
    raise method_not_allowed(router, "GET")
