"""The reminder sender's bench rows: one run with 1,000 learners due, alone and with 100,000
learners more in the reminder index whose reminder is not due. DynamoDB and SNS are moto's, in
this process; the requests are counted at botocore, so they are what a deployed run makes."""

import os
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from moto import mock_aws

from practice.compose import reminder_sender, reminder_store
from practice.domain.learner import Profile
from practice.domain.reminders import ReminderChoice, ReminderState, replanned
from practice.dynamodb.codec import serialize_item
from practice.dynamodb.items import profile_item
from practice.reminders.push import SnsPush
from practice.runtime.clients import dynamodb_client, sns_client
from practice_local.cloud.template import create_tables, load_template

TABLES = {"PracticeTable": "practice-bench-reminders", "IdempotencyTable": "practice-bench-idempotency"}
WINDOW = datetime(2026, 12, 7, 19, 0, tzinfo=UTC)  # a Monday's 19:00 UTC


def _count(client: Any, counts: Counter[str], service: str) -> None:
    client.meta.events.register(
        f"before-parameter-build.{service}", lambda model, **_: counts.update([f"{service}:{model.name}"])
    )


def learner(user_id: str, reminder_at: str, devices: int) -> Profile:
    """A learner in UTC with reminders at `reminder_at`, planned as of the morning of the run."""
    profile = Profile(
        user_id=user_id,
        course_id="es-en",
        reminders=ReminderChoice(time=reminder_at),
        reminder_state=ReminderState(devices=devices),
    )
    return replanned(profile, WINDOW - timedelta(hours=10))


def seed(client: Any, table: str, sns: Any, application: str, *, due: int, not_due: int) -> None:
    """`due` learners with a device and a reminder at 19:05, `not_due` at 20:30 (a later window)."""
    requests: list[dict[str, Any]] = []
    for n in range(due + not_due):
        user_id = f"bench-{n:06d}"
        profile = learner(user_id, "19:05" if n < due else "20:30", 1)
        requests.append({"PutRequest": {"Item": serialize_item(profile_item(profile))}})
        if n < due:
            token = f"bench-token-{n:06d}-{'x' * 48}"
            arn = sns.create_platform_endpoint(PlatformApplicationArn=application, Token=token)["EndpointArn"]
            device = {
                "pk": f"USER#{user_id}",
                "sk": f"DEVICE#d{n:023d}",
                "entity": "device",
                "device_id": f"d{n:023d}",
                "platform": "ios",
                "token": token,
                "endpoint_arn": arn,
                "app_version": "3.2.0",
                "locale": "es-ES",
                "registered_at": "2026-12-01T10:00:00+00:00",
                "last_seen_at": "2026-12-07T08:00:00+00:00",
            }
            requests.append({"PutRequest": {"Item": serialize_item(device)}})
        if len(requests) >= 25:
            client.batch_write_item(RequestItems={table: requests[:25]})
            requests = requests[25:]
    while requests:
        client.batch_write_item(RequestItems={table: requests[:25]})
        requests = requests[25:]


def measure_run(due: int, not_due: int) -> dict[str, Any]:
    """One run of the sender in WINDOW: its requests by action and its time."""
    for name in ("AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_SNS", "AWS_PROFILE"):
        os.environ.pop(name, None)  # moto's, in this process
    os.environ.setdefault("AWS_REGION", "us-east-1")
    with mock_aws():
        client, sns = dynamodb_client(), sns_client()
        create_tables(client, TABLES, load_template())
        application = sns.create_platform_application(
            Name="bench", Platform="APNS", Attributes={"PlatformCredential": "k", "PlatformPrincipal": "p"}
        )["PlatformApplicationArn"]
        seed(client, TABLES["PracticeTable"], sns, application, due=due, not_due=not_due)
        counts: Counter[str] = Counter()
        _count(client, counts, "dynamodb")
        _count(sns, counts, "sns")
        push = SnsPush({"ios": application}, lambda: sns)  # type: ignore[dict-item]
        sender = reminder_sender(
            reminder_store(client, TABLES["PracticeTable"]), push, clock=lambda: WINDOW, pause=time.sleep
        )
        started = time.perf_counter()
        run = sender.run(WINDOW)
        seconds = time.perf_counter() - started
    return {
        "due": due,
        "not_due": not_due,
        "reminded": run.reminded,
        "pushes": len(run.pushes),
        "requests": dict(sorted(counts.items())),
        "dynamodb_requests": sum(n for name, n in counts.items() if name.startswith("dynamodb:")),
        "seconds": round(seconds, 2),
    }


def measure_sender(due: int = 1000, not_due: int = 100_000) -> list[dict[str, Any]]:
    return [measure_run(0, not_due), measure_run(due, 0), measure_run(due, not_due)]


def render(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| reminder sender, one run | DynamoDB requests | SNS publishes | time (moto, in-process) |",
        "|---|---|---|---|",
    ]
    for row in rows:
        shown = ", ".join(
            f"{name.split(':')[1]} {n:,}" for name, n in row["requests"].items() if "dynamodb" in name
        )
        lines.append(
            f"| {row['due']:,} due, {row['not_due']:,} not due | {row['dynamodb_requests']:,} ({shown}) |"
            f" {row['requests'].get('sns:Publish', 0):,} | {row['seconds']:.1f} s |"
        )
    return "\n".join(lines)
