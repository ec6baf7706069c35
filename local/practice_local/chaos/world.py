"""The world a chaos run lives in: the embedded emulator (DynamoDB, SQS, SNS) behind the fault
proxy, the template's tables, queues and push applications in it, and the real handlers of every
function pointed at the proxy and run on the world's clock:

    the API            through its resolver, on a client made as the function makes it
    the account worker and the optimizer   fed from their queues, as Lambda's SQS poller would
    the reminder sender                    at the windows of its quarter-hour schedule
    the erasure sweep                      at the end of each day, then hourly while it finds work

What stands for AWS itself (Lambda's queue poller, EventBridge, the harness's own setup and
inspection) speaks to the emulator directly: the faults are those the functions meet.
"""

import hashlib
import os
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import botocore.session
import ulid

from practice.compose import dynamodb_stores, reminder_sender, reminder_store, sns_push
from practice.courses.service import load_courses
from practice.runtime.clients import dynamodb_client
from practice.runtime.settings import ReminderSettings
from practice_local.cloud.embedded_dynamodb import EmbeddedDynamoDB
from practice_local.cloud.events import RouteTable
from practice_local.cloud.fault_proxy import FaultPlan, FaultProxy
from practice_local.cloud.lambda_runtime import REGION, LocalFunction
from practice_local.cloud.moto_transactions import cheap_transaction_backups
from practice_local.cloud.queue_poller import sqs_event
from practice_local.cloud.stack import (
    COURSES_DIR,
    EMBEDDED_AWS,
    FUNCTION_ID,
    LOCAL_QUEUE_NAMES,
    LOCAL_TABLE_NAMES,
    OPTIMIZER_ID,
    SENDER_ID,
    WORKER_ID,
    configure_environment,
    create_platform_applications,
    function_env,
)
from practice_local.cloud.template import create_queues, create_tables, http_api_routes, load_template
from practice_local.cloud.wiring import clear_api_overrides, serve_api_on

# Short client timeouts, so that a stall costs a quarter second, not two. The functions' own
# timeouts are the template's: the invocation budget (practice/runtime/budget.py) decides as
# deployed, whatever this machine's speed.
CHAOS_ENVIRONMENT = {
    "DYNAMODB_CONNECT_TIMEOUT_SECONDS": "0.25",
    "DYNAMODB_READ_TIMEOUT_SECONDS": "0.25",
    "REMINDER_WORKERS": "1",  # one request at a time: the faults drawn replay per seed
    "FIT_FIRST_REVIEWS": "60",  # fits within a month of a few minutes a day
    "FIT_EVERY_REVIEWS": "150",
    "FIT_MIN_REVIEWS": "40",
    "FIT_MIN_HELD_OUT_ITEMS": "4",
}
RECEIVES_BEFORE_DEAD_LETTER = 5  # as the template's redrive policies
ERASURE_SWEEP_ID = "ErasureSweepFunction"
EVENTBRIDGE_ATTEMPTS = 2  # the run and the one retry of the template's RetryPolicy


class Clock:
    """The world's clock: every function reads it; the run moves it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def seeded_ids(seed: int) -> ulid.ULIDGenerator:
    """Session ids whose random part follows from the seed and the millisecond: the same life
    mints the same ids, with faults or without (a retry that minted a second session would still
    show, as another id)."""

    def randomness(timestamp: int) -> bytes:
        return hashlib.blake2b(f"{seed}:{timestamp}".encode(), digest_size=10).digest()

    return ulid.ULIDGenerator(randomness=randomness)


@dataclass
class Queue:
    """One of the stack's queues and the function it feeds (Lambda's SQS event source)."""

    url: str
    arn: str
    function: LocalFunction
    batch: int
    handled: int = 0  # messages handed to the function
    dead: list[str] = field(default_factory=list)  # bodies that kept failing


@dataclass
class World:
    emulator_url: str
    proxy: FaultProxy
    clock: Clock
    api: LocalFunction
    sender: LocalFunction
    sweeper: LocalFunction  # the erasure sweep
    routes: RouteTable
    queues: dict[str, Queue]
    template: dict[str, Any]
    direct: dict[str, Any]  # the harness's own clients, straight to the emulator
    client: Any  # the functions' DynamoDB client, through the proxy

    def drain(self) -> None:
        """Run the queues' functions until the queues are empty, as Lambda's poller would: a
        message a function reports failed comes back (at once here: the world's time stands
        still), and goes to the dead letters after RECEIVES_BEFORE_DEAD_LETTER receives."""
        sqs = self.direct["sqs"]
        for queue in self.queues.values():
            while True:
                got = sqs.receive_message(
                    QueueUrl=queue.url, MaxNumberOfMessages=queue.batch, AttributeNames=["All"]
                ).get("Messages", [])
                if not got:
                    break
                queue.handled += len(got)
                answer = queue.function.invoke(sqs_event(got, queue.arn)) or {}
                failed = {f["itemIdentifier"] for f in answer.get("batchItemFailures", [])}
                for message in got:
                    receives = int(message["Attributes"].get("ApproximateReceiveCount", "1"))
                    if message["MessageId"] not in failed or receives >= RECEIVES_BEFORE_DEAD_LETTER:
                        if message["MessageId"] in failed:
                            queue.dead.append(message["Body"])
                        sqs.delete_message(QueueUrl=queue.url, ReceiptHandle=message["ReceiptHandle"])
                    else:
                        sqs.change_message_visibility(
                            QueueUrl=queue.url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
                        )

    def run_sender(self, window: datetime) -> dict[str, Any]:
        """The reminder sender's handler on the schedule's event of `window`; EventBridge's retry
        policy runs a failed invocation again."""
        return self._scheduled(self.sender, scheduled_event(window))

    def run_erasure_sweep(self, at: datetime) -> dict[str, Any]:
        """The erasure sweep's handler on its hourly event at `at` (with EventBridge's retry)."""
        return self._scheduled(self.sweeper, scheduled_event(at, "ErasureSweepFunctionHourly"))

    def _scheduled(self, function: LocalFunction, event: dict[str, Any]) -> dict[str, Any]:
        for _ in range(EVENTBRIDGE_ATTEMPTS):
            try:
                return function.invoke(event)
            except Exception:  # noqa: S112 - as EventBridge: the invocation failed, run it again
                continue
        return {"failed_invocations": EVENTBRIDGE_ATTEMPTS}

    def delivered(self) -> dict[str, tuple[str, list[str]]]:
        """What the emulated SNS delivered: by endpoint ARN, its device token and its messages."""
        from moto.core.models import DEFAULT_ACCOUNT_ID  # noqa: PLC0415 - the emulator's own state
        from moto.sns.models import sns_backends  # noqa: PLC0415

        endpoints = sns_backends[DEFAULT_ACCOUNT_ID][REGION].platform_endpoints
        return {arn: (e.token, list(e.messages.values())) for arn, e in endpoints.items()}

    def reset(self, plan: FaultPlan, seed: int) -> None:
        """Start a life afresh: the emulator emptied and made again as the template says, the
        proxy on `plan`, the functions on a new client and this world's clock, ids seeded."""
        reset = urllib.request.Request(f"{self.emulator_url}/moto-api/reset", method="POST")  # noqa: S310
        urllib.request.urlopen(reset, timeout=30).close()  # noqa: S310 - our own loopback URL
        _build(self.direct, self.template)
        ulid.default_generator = seeded_ids(seed)
        self.proxy.plan = plan
        self.proxy.log.requests.clear()
        self.proxy.log.faults.clear()
        for queue in self.queues.values():
            queue.handled, queue.dead = 0, []
        self._wire()

    def _wire(self) -> None:
        from account_worker import sweep as erasure_sweep  # noqa: PLC0415 - imported once the environment is set
        from optimizer import app as optimizer_app  # noqa: PLC0415
        from reminders import app as sender_app  # noqa: PLC0415

        serve_api_on(self.client, self.clock)
        settings = ReminderSettings()
        push = sns_push(settings)
        store = reminder_store(dynamodb_client(settings.dynamodb_timeouts), settings.table_name)
        sender = reminder_sender(store, push, workers=1, clock=self.clock, pause=lambda _: None)
        sender_app.sender = lambda: sender  # type: ignore[assignment]
        optimizer_app.clock = self.clock
        erasure_sweep.clock = self.clock


def scheduled_event(window: datetime, rule: str = "ReminderSenderFunctionEveryQuarterHour") -> dict[str, Any]:
    return {
        "version": "0",
        "id": "chaos",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": window.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": [f"arn:aws:events:{REGION}:123456789012:rule/{rule}"],
        "detail": {},
    }


def _direct_clients(url: str) -> dict[str, Any]:
    session = botocore.session.get_session()
    return {
        name: session.create_client(name, region_name=REGION, endpoint_url=url)
        for name in ("dynamodb", "sqs", "sns")
    }


def _build(direct: dict[str, Any], template: dict[str, Any]) -> dict[str, str]:
    """The template's tables, queues and push applications in the emulator, the courses loaded;
    the queues' URLs and the applications' ARNs by logical id."""
    made = create_queues(direct["sqs"], LOCAL_QUEUE_NAMES, template)
    made |= create_platform_applications(direct["sns"])
    create_tables(direct["dynamodb"], LOCAL_TABLE_NAMES, template)
    load_courses(dynamodb_stores(direct["dynamodb"], LOCAL_TABLE_NAMES["PracticeTable"]).courses, COURSES_DIR)
    return made


@contextmanager
def chaos_world(start: datetime) -> Iterator[World]:
    """The world, empty, on a clock at `start`: `world.reset(plan, seed)` before each life."""
    template = load_template()
    with ExitStack() as running:
        running.enter_context(cheap_transaction_backups())  # exact, and the courses not copied per write
        emulator = running.enter_context(EmbeddedDynamoDB())
        proxy = running.enter_context(FaultProxy(emulator.endpoint_url, FaultPlan(0.0, 0)))
        configure_environment(EMBEDDED_AWS, embedded=True)
        direct = _direct_clients(emulator.endpoint_url)
        names = LOCAL_TABLE_NAMES | _build(direct, template)
        env = function_env(template, names, proxy.url) | CHAOS_ENVIRONMENT
        configure_environment(env, embedded=True)
        api = LocalFunction.load(template, FUNCTION_ID)
        sender = LocalFunction.load(template, SENDER_ID)
        sweeper = LocalFunction.load(template, ERASURE_SWEEP_ID)
        queues = {}
        for logical_id, function_id, batch in (
            ("ErasureQueue", WORKER_ID, 10),
            ("FitQueue", OPTIMIZER_ID, 5),
        ):
            url = names[logical_id]
            arn = direct["sqs"].get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
            queues[logical_id] = Queue(url, arn["QueueArn"], LocalFunction.load(template, function_id), batch)
        from practice_api.dependencies import dynamodb  # noqa: PLC0415 - imported once the environment is set

        client = dynamodb()  # the API function's own: its timeouts, its invocation budget
        world = World(
            emulator.endpoint_url,
            proxy,
            Clock(start),
            api,
            sender,
            sweeper,
            RouteTable(http_api_routes(template, FUNCTION_ID)),
            queues,
            template,
            direct,
            client,
        )
        try:
            yield world
        finally:
            clear_api_overrides()
            for name in CHAOS_ENVIRONMENT:
                os.environ.pop(name, None)
