"""HTTP API of the Practice API: routes only; the work happens in the `practice` library."""

import gc

gc.disable()  # no collection passes while the imports build objects: ~25 ms less cold start

from functools import cache
from http import HTTPStatus
from typing import TYPE_CHECKING, Annotated, Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.params import Header, Path
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from error_handlers import ERROR_RESPONSES, register_error_handlers
from identity import caller_id
from practice.models.api import CompleteSessionRequest, PracticePackResponse, SessionResponse
from practice.settings import load_settings
from practice.wiring import build_service, dynamodb_client

if TYPE_CHECKING:
    from idempotent_start import StartSessionOnce

settings = load_settings()
client = dynamodb_client()
service = build_service(settings, client)
logger = Logger()
metrics = Metrics()
# A response that fails its own model is our bug: 500, never Powertools' default 422.
app = APIGatewayHttpResolver(
    enable_validation=True, response_validation_error_http_code=HTTPStatus.INTERNAL_SERVER_ERROR
)
register_error_handlers(app, logger)
gc.freeze()  # what init built lives as long as the container: keep it out of later collections
gc.enable()

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


@app.get("/api/v2/practice/daily", responses=ERROR_RESPONSES)
def get_daily_pack(
    x_timezone: Annotated[str | None, Header(alias="X-Timezone", max_length=64)] = None,
    idempotency_key: Annotated[
        str | None, Header(alias="Idempotency-Key", pattern=IDEMPOTENCY_KEY_PATTERN)
    ] = None,
) -> PracticePackResponse:
    """Build today's practice pack and start a session for it. Retries with the same
    Idempotency-Key get the same session back for 24 hours."""
    user_id = caller_id(app.current_event, local_mode=settings.local_mode)
    if idempotency_key is None:
        return start_session(user_id, x_timezone)
    return start_session_once()(user_id, idempotency_key, x_timezone, app.lambda_context)


@app.post("/api/v2/practice/sessions/<session_id>/complete", responses=ERROR_RESPONSES)
def complete_session(session_id: SessionId, results: CompleteSessionRequest) -> SessionResponse:
    """Finish a session with the learner's results: XP, streak, and each phrase rescheduled.
    Exactly once: a retry with the same results returns the same summary."""
    user_id = caller_id(app.current_event, local_mode=settings.local_mode)
    outcome = service.complete_session(user_id, session_id, results)
    if outcome.newly_completed:
        metrics.add_metric(name="SessionCompleted", unit=MetricUnit.Count, value=1)
        metrics.add_metric(name="XpAwarded", unit=MetricUnit.Count, value=outcome.xp_awarded)
    return outcome.summary


@app.get("/api/v2/practice/sessions/<session_id>", responses=ERROR_RESPONSES)
def get_session(session_id: SessionId) -> SessionResponse:
    """One of the caller's sessions, open or completed."""
    return service.get_session(caller_id(app.current_event, local_mode=settings.local_mode), session_id)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
