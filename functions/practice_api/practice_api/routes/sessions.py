"""Routes of a practice session: today's pack (which starts one), completing one, reading one."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Header, Path
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from aws_lambda_powertools.metrics import MetricUnit

from practice_api.dependencies import Learner, Service, Starter
from practice_api.error_map import route_responses
from practice_api.models import (
    CompleteSessionRequest,
    PracticePackResponse,
    SessionResponse,
    TimeZoneName,
)
from practice_api.observability import metrics
from practice_api.presenters import session_response

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]
IDEMPOTENCY_KEY_PATTERN = r"^[A-Za-z0-9._:-]{8,128}$"
SessionId = Annotated[str, Path(pattern=r"^[0-9A-HJKMNP-TV-Z]{26}$", description="The session's ULID.")]


@router.get(
    "/api/v2/practice/daily",
    responses=route_responses(PracticePackResponse, "Today's pack, and the session started for it"),
)
def get_daily_pack(
    user_id: Learner,
    starter: Starter,
    x_timezone: Annotated[TimeZoneName | None, Header(alias="X-Timezone")] = None,
    idempotency_key: Annotated[
        str | None, Header(alias="Idempotency-Key", pattern=IDEMPOTENCY_KEY_PATTERN)
    ] = None,
) -> PracticePackResponse:
    """Build today's practice pack and start a session for it. Retries with the same
    Idempotency-Key get the same session back for 24 hours."""
    return starter.start(user_id, x_timezone, idempotency_key, router.lambda_context)


@router.post(
    "/api/v2/practice/sessions/<session_id>/complete",
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


@router.get(
    "/api/v2/practice/sessions/<session_id>", responses=route_responses(SessionResponse, "The session")
)
def get_session(session_id: SessionId, user_id: Learner, service: Service) -> SessionResponse:
    """One of the caller's sessions, open or completed."""
    return session_response(service.get_session(user_id, session_id))
