"""The Lambda entry point of the account worker (`account_worker.app.lambda_handler`): each SQS
record asks to erase one learner (practice/account/service.py: erase_learner). Records are
processed one by one; those that fail are reported back (partial batch response), so only they
come back from the queue."""

from functools import cache
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from practice.account.queue import ErasureRequest
from practice.account.service import erase_learner
from practice.account.store import ErasureStore
from practice.compose import erasure_store, sns_push
from practice.reminders.push import SnsPush
from practice.runtime.clients import dynamodb_client
from practice.runtime.settings import WorkerSettings

logger = Logger(service="account-worker")
metrics = Metrics(service="account-worker")
# A batch whose every record failed is answered like any other (those records come back), not
# raised: a learner too large for one invocation is expected, not a function error.
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


@cache
def settings() -> WorkerSettings:
    return WorkerSettings()  # values come from the environment


@cache
def store() -> ErasureStore:
    return erasure_store(dynamodb_client(settings().dynamodb_timeouts), settings().table_name)


@cache
def push() -> SnsPush:
    return sns_push(settings())  # its client is made on the first endpoint to delete


store()  # settings and client at init: bad settings fail the cold start


def erase(record: SQSRecord, lambda_context: LambdaContext) -> int:
    """Erase the record's learner. A body that is not an erasure request fails every time: it
    ends in the dead-letter queue, whose alarm calls for a look."""
    request = ErasureRequest.model_validate_json(record.body)
    logger.append_keys(api_request_id=request.request_id)  # the DELETE /profile that asked
    deleted = erase_learner(
        store(),
        request.user_id,
        delete_endpoint=push().delete,
        time_left=lambda: lambda_context.get_remaining_time_in_millis() / 1000,
        stop_seconds=settings().erasure_stop_seconds,
    )
    logger.info(
        "learner erased",
        extra={"user_id": request.user_id, "items_deleted": deleted, "requested_at": request.requested_at},
    )
    metrics.add_metric(name="LearnerErased", unit=MetricUnit.Count, value=1)
    return deleted


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event,
        record_handler=erase,
        processor=processor,
        context=context,
    )
