"""Retries of GET /daily with an `Idempotency-Key` get the first answer back (Powertools
idempotency, records in their own table for 24 hours). The key is scoped to the caller; the same
key with another X-Timezone is a different request and is refused.

Imported on the first request that carries a key, not at cold start: Powertools' idempotency
package imports boto3, which requests without a key need not pay for."""

from collections.abc import Callable

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyPersistenceLayerError,
    IdempotencyValidationError,
)
from aws_lambda_powertools.utilities.idempotency.serialization.pydantic import PydanticSerializer
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel

from practice.errors import IdempotencyKeyReused, RequestInProgress, StoreUnavailable
from practice.runtime.settings import Settings
from practice_api.observability import logger
from practice_api.sessions.models import PracticePackResponse


class StartRequest(BaseModel):
    user_id: str
    idempotency_key: str | None
    time_zone: str | None


StartSession = Callable[[str, str | None], PracticePackResponse]  # (user_id, time_zone)
# -> (the pack, whether it is an earlier request's answer replayed)
StartSessionOnce = Callable[[str, str, str | None, LambdaContext], tuple[PracticePackResponse, bool]]


def once_per_key(start: StartSession, settings: Settings, client: object) -> StartSessionOnce:
    """`start`, made idempotent on (user, key): (user_id, key, time_zone, context) -> (pack, replayed)."""
    config = IdempotencyConfig(
        event_key_jmespath="[user_id, idempotency_key]",
        payload_validation_jmespath="time_zone",
        expires_after_seconds=settings.idempotency_ttl_seconds,
    )
    store = DynamoDBPersistenceLayer(table_name=settings.idempotency_table_name, boto3_client=client)  # type: ignore[arg-type]

    started: list[PracticePackResponse] = []  # this invocation's pack, once started (one at a time)

    def start_request(request: StartRequest) -> PracticePackResponse:
        pack = start(request.user_id, request.time_zone)
        started.append(pack)
        return pack

    start_idempotently = idempotent_function(
        start_request,
        data_keyword_argument="request",
        persistence_store=store,
        config=config,
        output_serializer=PydanticSerializer,
    )

    def start_once(
        user_id: str, key: str, time_zone: str | None, context: LambdaContext
    ) -> tuple[PracticePackResponse, bool]:
        config.register_lambda_context(context)  # a timed-out invocation must not block retries
        request = StartRequest(user_id=user_id, idempotency_key=key, time_zone=time_zone)
        started.clear()
        try:
            pack: PracticePackResponse = start_idempotently(request=request)
        except IdempotencyAlreadyInProgressError as error:
            raise RequestInProgress(
                "a request with this Idempotency-Key is still running; retry shortly"
            ) from error
        except IdempotencyValidationError as error:
            raise IdempotencyKeyReused("this Idempotency-Key was used for a different request") from error
        except IdempotencyPersistenceLayerError as error:  # its table throttled or unreachable
            if started:  # the session is started: answer its pack rather than have the app start another
                logger.warning(
                    "pack answered; its Idempotency-Key record was not saved", extra={"user_id": user_id}
                )
                return started[0], False
            raise StoreUnavailable("the data store could not be reached; retry shortly") from error
        return pack, not started

    return start_once
