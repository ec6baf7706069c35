"""The erasure sweep (`account_worker.sweep.lambda_handler`, hourly): queue the erasure of every
learner whose tombstone is older than the grace period. DELETE /profile writes the tombstone
first and then queues the erasure; when that message is lost (the queue was unavailable, or it
aged out of the dead-letter queue), the tombstone still says the learner asked to be erased,
and this sweep asks again, every hour until the worker has erased them. It reads the sparse
erasure index, keys only, oldest first, and reports the oldest tombstone's age, which alarms
past a day (template.yaml: StaleTombstoneAlarm)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from practice.account.queue import ErasureRequest
from practice.account.store import ErasureStore
from practice.compose import erasure_store
from practice.runtime.clients import dynamodb_client, sqs_client
from practice.runtime.clock import Clock, utc_now
from practice.runtime.settings import ErasureSweepSettings
from practice.runtime.sqs import send_batches

if TYPE_CHECKING:
    from mypy_boto3_sqs.client import SQSClient

logger = Logger(service="erasure-sweep")
clock: Clock = utc_now
metrics = Metrics(service="erasure-sweep")  # the StaleTombstoneAlarm's dimension


@dataclass(frozen=True, slots=True)
class SweepReport:
    requeued: int  # erasures the queue took again
    oldest_age_seconds: float  # of the oldest tombstone past the grace (0: none)


@cache
def settings() -> ErasureSweepSettings:
    return ErasureSweepSettings()


def sweep(
    store: ErasureStore,
    queue: "SQSClient",
    queue_url: str,
    *,
    now: datetime,
    grace: timedelta,
    time_left: Callable[[], float],
    stop_seconds: float,
) -> SweepReport:
    """Queue the erasure of each learner whose tombstone was set before `now - grace`. Stops
    early (the next run goes on) when fewer than `stop_seconds` are left."""
    requeued, oldest, position = 0, None, None
    while True:
        tombstones, position = store.tombstones_before(now - grace, position)
        if tombstones and oldest is None:
            oldest = tombstones[0][1]  # oldest first
        requests = [ErasureRequest(user_id=user_id, requested_at=now) for user_id, _ in tombstones]
        requeued += send_batches(queue, queue_url, requests)
        if position is None:
            break
        if time_left() < stop_seconds:
            logger.warning("sweep stopped short of time", extra={"requeued": requeued})
            break
    return SweepReport(requeued, (now - oldest).total_seconds() if oldest else 0.0)


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, float]:
    config = settings()
    report = sweep(
        erasure_store(dynamodb_client(config.dynamodb_timeouts), config.table_name),
        sqs_client(),
        config.erasure_queue_url,
        now=clock(),
        grace=timedelta(minutes=config.erasure_sweep_grace_minutes),
        time_left=lambda: context.get_remaining_time_in_millis() / 1000,
        stop_seconds=config.erasure_sweep_stop_seconds,
    )
    metrics.add_metric(name="ErasuresRequeued", unit=MetricUnit.Count, value=report.requeued)
    metrics.add_metric(
        name="OldestTombstoneAgeSeconds", unit=MetricUnit.Seconds, value=report.oldest_age_seconds
    )
    if report.requeued:
        logger.warning("erasures queued again", extra={"requeued": report.requeued})
    return {"requeued": report.requeued, "oldest_age_seconds": report.oldest_age_seconds}
