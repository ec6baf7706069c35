"""Routes of a practice session: today's pack (which starts one), completing one, reading one."""

from functools import cache
from typing import TYPE_CHECKING, Annotated

from aws_lambda_powertools.event_handler.openapi.params import Header, Path
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from aws_lambda_powertools.metrics import MetricUnit

from dependencies import client, metrics, service, settings
from error_handlers import ERROR_RESPONSES
from identity import caller_id
from practice.models.api import CompleteSessionRequest, PracticePackResponse, SessionResponse

if TYPE_CHECKING:
    from idempotent_start import StartSessionOnce

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]
IDEMPOTENCY_KEY_PATTERN = r"^[A-Za-z0-9._:-]{8,128}$"
SessionId = Annotated[str, Path(pattern=r"^[0-9A-HJKMNP-TV-Z]{26}$", description="The session's ULID.")]


def start_session(user_id: str, time_zone: str | None) -> PracticePackResponse:
    pack = service.start_daily_session(user_id, time_zone)
    metrics.add_metric(name="SessionStarted", unit=MetricUnit.Count, value=1)
    return pack


@cache
def start_session_once() -> "StartSessionOnce":
    from idempotent_start import once_per_key  # noqa: PLC0415 - only requests with a key pay for it

    return once_per_key(start_session, settings, client)


@router.get("/api/v2/practice/daily", responses=ERROR_RESPONSES)
def get_daily_pack(
    x_timezone: Annotated[str | None, Header(alias="X-Timezone", max_length=64)] = None,
    idempotency_key: Annotated[
        str | None, Header(alias="Idempotency-Key", pattern=IDEMPOTENCY_KEY_PATTERN)
    ] = None,
) -> PracticePackResponse:
    """Build today's practice pack and start a session for it. Retries with the same
    Idempotency-Key get the same session back for 24 hours."""
    user_id = caller_id(router.current_event, local_mode=settings.local_mode)
    if idempotency_key is None:
        return start_session(user_id, x_timezone)
    return start_session_once()(user_id, idempotency_key, x_timezone, router.lambda_context)


@router.post("/api/v2/practice/sessions/<session_id>/complete", responses=ERROR_RESPONSES)
def complete_session(session_id: SessionId, results: CompleteSessionRequest) -> SessionResponse:
    """Finish a session with the learner's results: XP, streak, and each phrase rescheduled.
    Exactly once: a retry with the same results returns the same summary."""
    user_id = caller_id(router.current_event, local_mode=settings.local_mode)
    outcome = service.complete_session(user_id, session_id, results)
    if outcome.newly_completed:
        metrics.add_metric(name="SessionCompleted", unit=MetricUnit.Count, value=1)
        metrics.add_metric(name="XpAwarded", unit=MetricUnit.Count, value=outcome.xp_awarded)
    return outcome.summary


@router.get("/api/v2/practice/sessions/<session_id>", responses=ERROR_RESPONSES)
def get_session(session_id: SessionId) -> SessionResponse:
    """One of the caller's sessions, open or completed."""
    return service.get_session(caller_id(router.current_event, local_mode=settings.local_mode), session_id)
