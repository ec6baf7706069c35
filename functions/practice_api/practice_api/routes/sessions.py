"""Routes of a practice session: today's pack (which starts one), completing one, reading one."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Header, Path
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from aws_lambda_powertools.metrics import MetricUnit
from pydantic import Field

from practice_api.dependencies import Learner, Service, Starter
from practice_api.error_map import route_responses
from practice_api.models import (
    CompleteSessionRequest,
    Omittable,
    PracticePackResponse,
    SessionResponse,
    TimeZoneName,
)
from practice_api.observability import metrics
from practice_api.presenters import session_response
from practice_api.routes import method_not_allowed, methods_other_than

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]
DAILY = "/api/v2/practice/daily"
SESSION = "/api/v2/practice/sessions/<session_id>"
COMPLETE = f"{SESSION}/complete"
IdempotencyKey = Annotated[str, Field(pattern=r"^[A-Za-z0-9._:-]{8,128}$")]
SessionId = Annotated[str, Path(pattern=r"^[0-9A-HJKMNP-TV-Z]{26}$", description="The session's ULID.")]


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
