"""The Lambda entry point of the reminder sender (`reminders.app.lambda_handler`), run by an
EventBridge schedule every quarter hour: the window is the quarter hour of the event's time, so a
retried run reminds the same learners (none twice: practice/reminders/service.py). Each push is
logged (learner, device, kind, language); the answer sums the run up."""

from datetime import UTC, datetime
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import EventBridgeEvent, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext

from practice.compose import reminders_function
from practice.reminders.service import ReminderSender
from practice.runtime.clients import dynamodb_client
from practice.runtime.settings import ReminderSettings

logger = Logger(service="reminders")
metrics = Metrics(service="reminders")
PUSHES_LISTED = 100  # the answer lists this many pushes, for a look (`make run`, `make invoke`)


@cache
def settings() -> ReminderSettings:
    return ReminderSettings()  # values come from the environment


@cache
def sender() -> ReminderSender:
    return reminders_function(settings(), dynamodb_client(settings().dynamodb_timeouts))


sender()  # settings and client at init: bad settings fail the cold start


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True)
@event_source(data_class=EventBridgeEvent)
def lambda_handler(event: EventBridgeEvent, context: LambdaContext) -> dict[str, Any]:
    window = datetime.fromisoformat(event.time) if event.get("time") else datetime.now(UTC)
    run = sender().run(
        window,
        time_left=lambda: context.get_remaining_time_in_millis() / 1000,
        stop_seconds=settings().reminder_stop_seconds,
    )
    for push in run.pushes:
        logger.info(
            "reminder pushed",
            extra={"user_id": push.user_id, "device_id": push.device_id, "kind": push.message.kind.value,
                   "language": push.message.language},
        )  # fmt: skip
    if run.stopped_short:
        logger.warning(
            "sender stopped short of time; the next run goes on", extra={"window": window.isoformat()}
        )
    for name, value in (("RemindersSent", run.reminded), ("RemindersReplanned", run.replanned),
                        ("PushFailures", run.failed), ("DevicesRemoved", run.devices_removed)):  # fmt: skip
        metrics.add_metric(name, MetricUnit.Count, value)
    return {
        "window": window.isoformat(),
        "due": run.due,
        "reminded": run.reminded,
        "replanned": run.replanned,
        "pushes": len(run.pushes),
        "failed": run.failed,
        "devices_removed": run.devices_removed,
        "stopped_short": run.stopped_short,
        "pushed": [
            {
                "user_id": p.user_id,
                "kind": p.message.kind.value,
                "language": p.message.language,
                "title": p.message.title,
                "body": p.message.body,
            }
            for p in run.pushes[:PUSHES_LISTED]
        ],
    }
