"""The reminder sender's bench rows: one run with 1,000 learners due; one with 100,000 learners in
the reminder index whose reminder is not due; and the 1,000 due among those 100,000. DynamoDB and
SNS are moto's, in this process; the requests are counted at botocore, so they are what a deployed
run makes. (moto's index queries scan its whole table: time that grows with the learners not due
is the emulator's, and the requests say what DynamoDB would do.)"""

import os
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest.mock import patch

from moto import mock_aws

from practice.compose import reminder_sender, reminder_store
from practice.domain.learner import Profile
from practice.domain.reminders import Device, Platform, ReminderChoice, ReminderState, replanned
from practice.dynamodb.codec import serialize_item
from practice.dynamodb.items import device_item, profile_item
from practice.reminders.push import SnsPush
from practice.runtime.clients import dynamodb_client, sns_client
from practice_local.cloud.template import create_tables, load_template

TABLES = {"PracticeTable": "practice-bench-reminders", "IdempotencyTable": "practice-bench-idempotency"}
WINDOW = datetime(2026, 12, 7, 19, 0, tzinfo=UTC)  # a Monday's 19:00 UTC
BATCH_WRITE = 25


def learner(user_id: str, reminder_at: str, device_id: str) -> Profile:
    """A learner in UTC with one device and reminders at `reminder_at`, planned that morning."""
    profile = Profile(
        user_id=user_id,
        course_id="es-en",
        reminders=ReminderChoice(time=reminder_at),
        reminder_state=ReminderState(device_ids=(device_id,)),
    )
    return replanned(profile, WINDOW - timedelta(hours=10))


def seed(client: Any, sns: Any, application: str, learners: range, *, due: bool) -> None:
    """Learners with a device each and a reminder at 19:05 (`due`) or at 20:30 (a later window)."""
    requests: list[dict[str, Any]] = []
    for n in learners:
        user_id, device_id = f"bench-{n:06d}", f"d{n:023d}"
        profile = learner(user_id, "19:05" if due else "20:30", device_id)
        requests.append({"PutRequest": {"Item": serialize_item(profile_item(profile))}})
        if due:  # the devices of the others are never read
            token = f"bench-token-{n:06d}-{'x' * 48}"
            arn = sns.create_platform_endpoint(PlatformApplicationArn=application, Token=token)["EndpointArn"]
            device = Device(
                device_id=device_id, platform=Platform.IOS, token=token, endpoint_arn=arn,
                app_version="3.2.0", locale="es-ES", registered_at=WINDOW - timedelta(days=6),
                last_seen_at=WINDOW - timedelta(hours=11),
            )  # fmt: skip
            requests.append({"PutRequest": {"Item": serialize_item(device_item(user_id, device))}})
    for start in range(0, len(requests), BATCH_WRITE):
        client.batch_write_item(RequestItems={TABLES["PracticeTable"]: requests[start : start + BATCH_WRITE]})


def run_once(client: Any, sns: Any, application: str, due: int, not_due: int) -> dict[str, Any]:
    """One run of the sender in WINDOW on what is seeded: its requests by action, and its time."""
    counts: Counter[str] = Counter()

    def count(model: Any, **_: Any) -> None:
        counts.update([f"{model.service_model.endpoint_prefix}:{model.name}"])

    for each, service in ((client, "dynamodb"), (sns, "sns")):
        each.meta.events.register(f"before-parameter-build.{service}", count)
    push = SnsPush({Platform.IOS: application}, lambda: sns)
    sender = reminder_sender(
        reminder_store(client, TABLES["PracticeTable"]), push, clock=lambda: WINDOW, pause=time.sleep
    )
    started = time.perf_counter()
    run = sender.run(WINDOW)
    seconds = time.perf_counter() - started
    for each, service in ((client, "dynamodb"), (sns, "sns")):
        each.meta.events.unregister(f"before-parameter-build.{service}", count)
    return {
        "due": due,
        "not_due": not_due,
        "reminded": run.reminded,
        "pushes": len(run.pushes),
        "requests": dict(sorted(counts.items())),
        "dynamodb_requests": sum(n for name, n in counts.items() if name.startswith("dynamodb:")),
        "seconds": round(seconds, 2),
    }


@contextmanager
def emulated() -> Iterator[tuple[Any, Any, str]]:
    """moto's DynamoDB (the template's tables) and SNS (a platform application), in this process."""
    kept = {
        k: v
        for k, v in os.environ.items()
        if k not in {"AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_SNS", "AWS_PROFILE"}
    }
    with patch.dict(os.environ, {"AWS_REGION": "us-east-1", **kept}, clear=True), mock_aws():
        client, sns = dynamodb_client(), sns_client()
        create_tables(client, TABLES, load_template())
        application = sns.create_platform_application(
            Name="bench", Platform="APNS", Attributes={"PlatformCredential": "k", "PlatformPrincipal": "p"}
        )["PlatformApplicationArn"]
        yield client, sns, application


def measure_sender(due: int = 1000, not_due: int = 100_000) -> list[dict[str, Any]]:
    """The sender's run with `not_due` learners in the index and none due; with `due` learners due
    alone; and with the same `due` among the `not_due` (that table seeded once)."""
    with emulated() as (client, sns, application):
        seed(client, sns, application, range(due), due=True)
        alone = run_once(client, sns, application, due, 0)
    with emulated() as (client, sns, application):
        seed(client, sns, application, range(due, due + not_due), due=False)
        nobody = run_once(client, sns, application, 0, not_due)
        seed(client, sns, application, range(due), due=True)
        among = run_once(client, sns, application, due, not_due)
    return [nobody, alone, among]


def render(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| Reminder sender, one run (moto in-process) | DynamoDB requests | SNS publishes | time |",
        "|---|---|---|---|",
    ]
    for row in rows:
        listed = ", ".join(
            f"{name.split(':')[1]} {n:,}"
            for name, n in row["requests"].items()
            if name.startswith("dynamodb:")
        )
        lines.append(
            f"| {row['due']:,} learners due, {row['not_due']:,} not due | {row['dynamodb_requests']:,}"
            f" ({listed}) | {row['requests'].get('sns:Publish', 0):,} | {row['seconds']:.1f} s |"
        )
    return "\n".join(lines)
