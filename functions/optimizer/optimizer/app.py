"""The Lambda entry point of the optimizer (`optimizer.app.lambda_handler`): each SQS record asks
to fit one learner's FSRS parameters (optimizer/learner.py). Records that fail are reported back
(partial batch response); a fit that keeps failing ends in the dead-letter queue."""

from functools import cache
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from optimizer.learner import FitOutcome, optimize_learner
from optimizer.model import FitRules
from practice.compose import fit_store
from practice.fitting.queue import FitRequest
from practice.fitting.store import FitStore
from practice.runtime.clients import dynamodb_client
from practice.runtime.clock import Clock, utc_now
from practice.runtime.settings import OptimizerSettings

logger = Logger(service="optimizer")
metrics = Metrics(service="optimizer")
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
clock: Clock = utc_now  # when a fit is made; a simulation (the chaos run) sets its own


@cache
def settings() -> OptimizerSettings:
    return OptimizerSettings()  # values come from the environment


@cache
def store() -> FitStore:
    return fit_store(dynamodb_client(settings().dynamodb_timeouts), settings().table_name)


def fit_rules(config: OptimizerSettings) -> FitRules:
    return FitRules(config.fit_held_out_share, config.fit_min_reviews, config.fit_min_held_out_items)


store()  # settings and client at init: bad settings fail the cold start


def fit(record: SQSRecord) -> FitOutcome | None:
    request = FitRequest.model_validate_json(record.body)
    logger.append_keys(api_request_id=request.request_id)  # the completion that asked (none: the sweep)
    config = settings()
    outcome = optimize_learner(
        store(),
        request.user_id,
        now=clock(),
        policy=config.fit_policy,
        rules=fit_rules(config),
    )
    if outcome is None:
        logger.info("no fit due", extra={"user_id": request.user_id})
        return None
    judgement = outcome.judgement
    logger.info(
        "learner fitted" if outcome.adopted else "fit not adopted",
        extra={
            "user_id": request.user_id,
            "reviews": outcome.reviews,
            "seconds": round(outcome.seconds, 3),
            "log_loss_before": judgement.log_loss_before if judgement else None,
            "log_loss_after": judgement.log_loss_after if judgement else None,
        },
    )
    metrics.add_metric("FitsAdopted" if outcome.adopted else "FitsKept", MetricUnit.Count, 1)
    metrics.add_metric("FitSeconds", MetricUnit.Seconds, outcome.seconds)
    return outcome


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=fit, processor=processor, context=context)
