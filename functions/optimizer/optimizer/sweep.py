"""The optimizer's daily sweep (`optimizer.sweep.lambda_handler`, on a schedule): queue a fit for
every learner marked due for longer than the grace period, whose request was lost or failed for
good. It reads the sparse fit-due index shard by shard, keys only, and sends one message per
learner, ten to a request: the fits themselves run from the queue, as many at once as the
optimizer's concurrency allows."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from practice.compose import fit_store
from practice.fitting.queue import FitRequest
from practice.fitting.store import FIT_DUE_SHARDS, FitStore
from practice.runtime.clients import dynamodb_client, sqs_client
from practice.runtime.settings import OptimizerSettings
from practice.runtime.sqs import send_batches

if TYPE_CHECKING:
    from mypy_boto3_sqs.client import SQSClient

logger = Logger(service="optimizer-sweep")


@cache
def settings() -> OptimizerSettings:
    return OptimizerSettings()


def sweep(
    store: FitStore,
    queue: "SQSClient",
    queue_url: str,
    *,
    now: datetime,
    grace: timedelta,
    time_left: Callable[[], float],
    stop_seconds: float,
) -> int:
    """Queue a fit for each learner due before `now - grace`; how many were queued. Stops early
    (the next sweep goes on) when fewer than `stop_seconds` are left."""
    queued = 0
    for shard in range(FIT_DUE_SHARDS):
        position: str | None = None
        while True:
            learners, position = store.fit_due_learners(shard, now - grace, position)
            requests = [FitRequest(user_id=user_id, requested_at=now) for user_id in learners]
            queued += send_batches(queue, queue_url, requests)
            if time_left() < stop_seconds:
                logger.warning("sweep stopped short of time", extra={"shard": shard, "queued": queued})
                return queued
            if position is None:
                break
    return queued


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    config = settings()
    queued = sweep(
        fit_store(dynamodb_client(config.dynamodb_timeouts), config.table_name),
        sqs_client(),
        config.fit_queue_url,
        now=datetime.now(UTC),
        grace=timedelta(hours=config.fit_sweep_grace_hours),
        time_left=lambda: context.get_remaining_time_in_millis() / 1000,
        stop_seconds=config.fit_sweep_stop_seconds,
    )
    logger.info("fits queued", extra={"queued": queued})
    return {"queued": queued}
