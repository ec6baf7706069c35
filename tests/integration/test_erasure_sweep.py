"""Erasure that cannot be forgotten: DELETE /profile's tombstone is the promise, and the hourly
sweep queues the erasure again when its message was lost (the queue down at the time, or the
message aged out), through the real handlers on moto's DynamoDB and SQS."""

import json
import sys
from datetime import timedelta
from typing import Any

import pytest

from account_worker.sweep import SweepReport, sweep
from practice.compose import erasure_store
from practice.runtime.clients import sqs_client
from tests.conftest import ERASURE_QUEUE_URL, TABLE_NAMES, FakeClock, LambdaContext, load_event
from tests.integration.conftest import daily_event, serve_on
from tests.integration.test_account_api import (
    delete_event,
    items_of,
    practise,
    queued_erasures,
    run_worker,
    worker_event,
)
from tests.integration.test_profile_api import profile_event

GRACE = timedelta(minutes=15)


@pytest.fixture
def queue_down(api: Any, dynamodb: Any, clock: FakeClock) -> None:
    """The handler's erasure queue cannot be reached (here: it is told of a queue not there)."""
    from practice_api import dependencies

    gone = dependencies.app_settings().model_copy(update={"erasure_queue_url": ERASURE_QUEUE_URL + "-gone"})
    serve_on(api, dynamodb, clock, gone)


def run_sweep(dynamodb: Any, clock: FakeClock, seconds_left: float = 300.0) -> Any:
    return sweep(
        erasure_store(dynamodb, TABLE_NAMES["PracticeTable"]),
        sqs_client(),
        ERASURE_QUEUE_URL,
        now=clock(),
        grace=GRACE,
        time_left=lambda: seconds_left,
        stop_seconds=30,
    )


def test_a_deletion_whose_message_was_lost_is_swept_and_erased(
    api, invoke, dynamodb, clock, queue_down, capsys
):
    # Given a learner who practised, then deleted their account while the queue was down
    practise(invoke, clock, days=2)
    status, body = invoke(delete_event())

    # Then the deletion stands (202: the tombstone is the promise), and the miss is counted
    assert (status, body) == (202, {"status": "deleting"})
    assert '"ErasureQueuedLater":[1.0]' in capsys.readouterr().out.replace(" ", "")
    assert invoke(profile_event())[1]["total_xp"] == 0  # gone for the API at once
    assert queued_erasures() == []

    # When the sweep runs within the grace, it leaves the tombstone to the message in flight
    clock.advance(minutes=10)
    assert run_sweep(dynamodb, clock).requeued == 0

    # When it runs past the grace, it queues the erasure, and reports how old the tombstone is
    clock.advance(minutes=50)
    report = run_sweep(dynamodb, clock)
    assert (report.requeued, report.oldest_age_seconds) == (1, 3600)
    [message] = queued_erasures()
    assert json.loads(message["Body"])["user_id"] == "learner-0001"

    # And the worker erases every item; the next sweep finds nothing
    assert run_worker(worker_event([message])) == {"batchItemFailures": []}
    assert items_of(dynamodb, "learner-0001") == []
    clock.advance(hours=1)
    assert run_sweep(dynamodb, clock) == SweepReport(0, 0.0)


def test_the_sweep_queues_only_tombstones_and_the_oldest_first(invoke, dynamodb, clock):
    # Given three learners who practised; two deleted their accounts, an hour apart
    for sub in ("ana", "ben", "cid"):
        practise(invoke, clock, sub=sub, days=1)
    invoke(delete_event("ben"))
    clock.advance(hours=1)
    invoke(delete_event("ana"))
    for message in queued_erasures():  # both messages lost (e.g. aged out of the DLQ)
        sqs_client().delete_message(QueueUrl=ERASURE_QUEUE_URL, ReceiptHandle=message["ReceiptHandle"])

    # When the sweep runs an hour later
    clock.advance(hours=1)
    report = run_sweep(dynamodb, clock)

    # Then both are queued again, the learner still practising is not, and the oldest is two hours old
    assert (report.requeued, report.oldest_age_seconds) == (2, 7200)
    assert sorted(json.loads(m["Body"])["user_id"] for m in queued_erasures()) == ["ana", "ben"]


def test_a_tombstone_left_by_a_worker_that_keeps_failing_is_swept_every_hour(invoke, dynamodb, clock):
    # Given a deletion whose erasure never finishes (its messages keep ending in the DLQ)
    practise(invoke, clock, days=1)
    invoke(delete_event())
    [first] = queued_erasures()
    sqs_client().delete_message(QueueUrl=ERASURE_QUEUE_URL, ReceiptHandle=first["ReceiptHandle"])

    # Then each hour's sweep queues it again, and the age it reports grows past the alarm's day
    ages = []
    for _ in range(25):
        clock.advance(hours=1)
        report = run_sweep(dynamodb, clock)
        assert report.requeued == 1
        ages.append(report.oldest_age_seconds)
        for message in queued_erasures():
            sqs_client().delete_message(QueueUrl=ERASURE_QUEUE_URL, ReceiptHandle=message["ReceiptHandle"])
    assert ages == sorted(ages) and ages[-1] > 24 * 3600


def test_the_sweeps_handler_reports_its_metrics(invoke, dynamodb, clock, monkeypatch, capsys):
    import account_worker.sweep as module

    practise(invoke, clock, days=1)
    invoke(delete_event())
    queued_erasures()  # received: invisible for the queue's visibility timeout, as if in flight
    monkeypatch.setattr(
        module, "settings", lambda: module.ErasureSweepSettings(erasure_sweep_grace_minutes=0)
    )
    monkeypatch.setattr(module, "clock", lambda: clock() + timedelta(seconds=1))

    result = module.lambda_handler(
        load_event("sweep_erasures.json"), LambdaContext(function_name="ErasureSweepFunction")
    )

    assert result["requeued"] == 1 and result["oldest_age_seconds"] > 0
    metrics = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    [emitted] = [m for m in metrics if "OldestTombstoneAgeSeconds" in m]
    assert emitted["service"] == "erasure-sweep" and emitted["ErasuresRequeued"] == [1.0]


def test_a_deletion_carries_its_request_id_to_the_worker(invoke, clock, capsys, monkeypatch):
    from account_worker.app import logger

    monkeypatch.setattr(logger.registered_handler, "stream", sys.stdout)  # bound at import: to capsys's
    practise(invoke, clock, days=1)
    event = delete_event()
    invoke(event)
    [message] = queued_erasures()
    assert json.loads(message["Body"])["request_id"] == event["requestContext"]["requestId"]

    capsys.readouterr()
    run_worker(worker_event([message]))
    erased = [json.loads(line) for line in capsys.readouterr().out.splitlines() if "learner erased" in line]
    assert erased[0]["api_request_id"] == event["requestContext"]["requestId"]


def test_the_sweep_stops_short_of_time_and_the_next_run_goes_on(invoke, dynamodb, clock, monkeypatch):
    from practice.dynamodb import account

    # Given more tombstones than one page of the index holds (pages of 2 here)
    monkeypatch.setattr(account, "ITEMS_PER_QUERY", 2)
    for sub in ("a1", "a2", "a3", "a4", "a5"):
        invoke(daily_event(sub=sub))
        invoke(delete_event(sub))
    for message in queued_erasures():
        sqs_client().delete_message(QueueUrl=ERASURE_QUEUE_URL, ReceiptHandle=message["ReceiptHandle"])
    clock.advance(hours=1)

    # When a run has time for one page only, it queues that page; a run with time queues all
    assert run_sweep(dynamodb, clock, seconds_left=10).requeued == 2
    assert run_sweep(dynamodb, clock).requeued == 5
