"""HTTP API of the Practice API: routes only; the work happens in the `practice` library."""

from typing import Annotated, Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.params import Header, Path
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.serialization.pydantic import PydanticSerializer
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel

from error_handlers import register_error_handlers
from identity import caller_id
from practice.models.api import CompleteSessionRequest, PracticePackResponse, SessionResponse
from practice.settings import load_settings
from practice.wiring import build_service, dynamodb_client

settings = load_settings()
client = dynamodb_client()
service = build_service(settings, client)
logger = Logger()
metrics = Metrics()
app = APIGatewayHttpResolver(enable_validation=True)
register_error_handlers(app, logger)

idempotency = IdempotencyConfig(
    event_key_jmespath="[user_id, idempotency_key]",
    payload_validation_jmespath="time_zone",
    expires_after_seconds=settings.idempotency_ttl_seconds,
)
idempotency_store = DynamoDBPersistenceLayer(table_name=settings.idempotency_table_name, boto3_client=client)


class StartRequest(BaseModel):
    user_id: str
    idempotency_key: str | None
    time_zone: str | None


def start_session(request: StartRequest) -> PracticePackResponse:
    pack = service.start_daily_session(request.user_id, request.time_zone)
    metrics.add_metric(name="SessionStarted", unit=MetricUnit.Count, value=1)
    return pack


start_session_once = idempotent_function(
    start_session,
    data_keyword_argument="request",
    persistence_store=idempotency_store,
    config=idempotency,
    output_serializer=PydanticSerializer,
)


@app.get("/api/v2/practice/daily")
def get_daily_pack(
    x_timezone: Annotated[str | None, Header(alias="X-Timezone", max_length=64)] = None,
    idempotency_key: Annotated[
        str | None, Header(alias="Idempotency-Key", pattern=r"^[A-Za-z0-9._:-]{8,128}$")
    ] = None,
) -> PracticePackResponse:
    """Build today's practice pack and start a session for it. Retries with the same
    Idempotency-Key get the same session back for 24 hours."""
    request = StartRequest(
        user_id=caller_id(app.current_event, local_mode=settings.local_mode),
        idempotency_key=idempotency_key,
        time_zone=x_timezone,
    )
    if idempotency_key is None:
        return start_session(request)
    pack: PracticePackResponse = start_session_once(request=request)
    return pack


SessionId = Annotated[str, Path(pattern=r"^[0-9A-HJKMNP-TV-Z]{26}$", description="The session's ULID.")]


@app.post("/api/v2/practice/sessions/<session_id>/complete")
def complete_session(session_id: SessionId, results: CompleteSessionRequest) -> SessionResponse:
    """Finish a session with the learner's results: XP, streak, and each phrase rescheduled.
    Exactly once: a retry with the same results returns the same summary."""
    user_id = caller_id(app.current_event, local_mode=settings.local_mode)
    outcome = service.complete_session(user_id, session_id, results)
    if outcome.newly_completed:
        metrics.add_metric(name="SessionCompleted", unit=MetricUnit.Count, value=1)
        metrics.add_metric(name="XpAwarded", unit=MetricUnit.Count, value=outcome.xp_awarded)
    return outcome.summary


@app.get("/api/v2/practice/sessions/<session_id>")
def get_session(session_id: SessionId) -> SessionResponse:
    """One of the caller's sessions, open or completed."""
    return service.get_session(caller_id(app.current_event, local_mode=settings.local_mode), session_id)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    idempotency.register_lambda_context(context)
    return app.resolve(event, context)
