"""Retries of GET /daily with an `Idempotency-Key` get the first answer back (Powertools
idempotency, records in their own table for 24 hours). The key is scoped to the caller; the same
key with another X-Timezone is a different request and is refused (422)."""

from collections.abc import Callable

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.serialization.pydantic import PydanticSerializer
from pydantic import BaseModel

from practice.models.api import PracticePackResponse
from practice.settings import Settings

IDEMPOTENCY_KEY_PATTERN = r"^[A-Za-z0-9._:-]{8,128}$"


class StartRequest(BaseModel):
    user_id: str
    idempotency_key: str | None
    time_zone: str | None


StartSession = Callable[[StartRequest], PracticePackResponse]


def once_per_key(
    start: StartSession, settings: Settings, client: object
) -> tuple[StartSession, IdempotencyConfig]:
    """`start`, made idempotent on (user, key); the config needs the Lambda context per invoke."""
    config = IdempotencyConfig(
        event_key_jmespath="[user_id, idempotency_key]",
        payload_validation_jmespath="time_zone",
        expires_after_seconds=settings.idempotency_ttl_seconds,
    )
    store = DynamoDBPersistenceLayer(table_name=settings.idempotency_table_name, boto3_client=client)  # type: ignore[arg-type]
    wrapped = idempotent_function(
        start,
        data_keyword_argument="request",
        persistence_store=store,
        config=config,
        output_serializer=PydanticSerializer,
    )

    def start_once(request: StartRequest) -> PracticePackResponse:
        pack: PracticePackResponse = wrapped(request=request)
        return pack

    return start_once, config
