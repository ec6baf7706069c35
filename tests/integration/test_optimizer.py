"""The optimizer against moto: the review log read back from session items, the sparse fit-due
index, the profile write conditioned on its version, the handler on SQS records, the daily sweep,
and a completion that asks for a fit through the real queue."""

import json
from datetime import timedelta
from typing import Any

import pytest

from optimizer import app as optimizer_app
from optimizer.learner import optimize_learner
from optimizer.model import FitRules
from optimizer.sweep import sweep
from practice.domain.fit_policy import FitPolicy
from practice.domain.learner import PersonalParameters, PracticeReport, Review
from practice.dynamodb.codec import serialize_item
from practice.dynamodb.items import profile_item, session_item
from practice.errors import ConcurrentUpdate
from practice.fitting.queue import FitRequest
from practice.fitting.store import fit_due_shard
from practice.runtime.clients import sqs_client
from practice_local.simulation.learner import START
from tests.conftest import FIT_QUEUE_URL, TABLE_NAMES, LambdaContext
from tests.fakes import AllStores, on_dynamodb, services_on
from tests.unit.test_fitting import practised

TABLE = TABLE_NAMES["PracticeTable"]


def copy_learner(source: AllStores, client: Any, user_id: str) -> None:
    """Store a learner practised in memory in moto's table, as the API would have."""
    profile = source.profiles[user_id]
    client.put_item(
        TableName=TABLE,
        Item=serialize_item(profile_item(profile.model_copy(update={"version": profile.version - 1}))),
    )
    for (uid, _), session in source.sessions.items():
        if uid == user_id:
            client.put_item(TableName=TABLE, Item=serialize_item(session_item(session)))


def sqs_event(*bodies: str) -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": f"m{n}",
                "receiptHandle": f"r{n}",
                "body": body,
                "attributes": {},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:eu-west-1:123456789012:practice-fits-test",
                "awsRegion": "eu-west-1",
            }
            for n, body in enumerate(bodies)
        ]
    }


@pytest.fixture
def fits_repository(dynamodb: Any) -> AllStores:
    return on_dynamodb(dynamodb, TABLE)


def test_the_review_log_reads_back_every_review_of_the_learners_sessions(dynamodb, fits_repository):
    memory, _ = practised(30)
    copy_learner(memory, dynamodb, "ana")
    expected = list(memory.review_log("ana", None)[0])
    reviews, position = fits_repository.review_log("ana", None)
    assert position is None
    assert sorted(reviews) == sorted(expected)
    # each in the learner day its session counted, as the streak did
    days = {
        (s.course_id, e.phrase_id, e.reviewed_at): s.practice_day
        for s in memory.sessions.values()
        for e in s.reviews
    }
    assert all(r.day is not None and r.day == days[(*r.card, r.reviewed_at)] for r in reviews)
    # from a position on: the sessions after it
    first = min(sid for (uid, sid) in memory.sessions if uid == "ana")
    rest, _ = fits_repository.review_log("ana", f"SESSION#{first}")
    assert len(rest) == len(expected) - len(memory.sessions[("ana", first)].reviews)


def test_a_profile_due_a_fit_is_in_the_sparse_index_until_the_fit_is_recorded(
    dynamodb, fits_repository, clock
):
    memory, _ = practised(40)  # crossed 400 reviews: marked due
    copy_learner(memory, dynamodb, "ana")
    profile = fits_repository.get_profile("ana")
    assert profile is not None and profile.fit_due_since is not None
    shard = fit_due_shard("ana")
    since = profile.fit_due_since
    assert fits_repository.fit_due_learners(shard, since + timedelta(seconds=1), None) == (["ana"], None)
    assert fits_repository.fit_due_learners(shard, since, None) == ([], None)  # marked later than asked
    fit = PersonalParameters(
        parameters=(0.3,) * 4 + (5.0,) + (0.5,) * 15 + (0.2,),
        fitted_at=clock(),
        reviews=profile.reviews_logged,
        log_loss_before=0.4,
        log_loss_after=0.3,
    )
    # a write conditioned on an older version is refused, and changes nothing
    with pytest.raises(ConcurrentUpdate):
        fits_repository.save_fit("ana", profile.version - 1, profile.reviews_logged, fit)
    fits_repository.save_fit("ana", profile.version, profile.reviews_logged, fit)
    after = fits_repository.get_profile("ana")
    assert after is not None
    assert after.fsrs == fit and after.fit_due_since is None and after.version == profile.version + 1
    assert after.fit_checked_at == profile.reviews_logged
    assert fits_repository.fit_due_learners(shard, clock() + timedelta(days=3650), None) == ([], None)
    # a later fit not adopted keeps the parameters: only the check is recorded
    fits_repository.save_fit("ana", after.version, after.reviews_logged + 500, None)
    kept = fits_repository.get_profile("ana")
    assert kept is not None and kept.fsrs == fit and kept.fit_checked_at == after.reviews_logged + 500


def test_no_fit_is_recorded_on_a_learner_being_erased(fits_repository, dynamodb, clock):
    memory, _ = practised(40)
    copy_learner(memory, dynamodb, "ana")
    profile = fits_repository.get_profile("ana")
    assert profile is not None
    fits_repository.mark_deleting("ana", clock(), max_requests=5)
    with pytest.raises(ConcurrentUpdate):
        fits_repository.save_fit("ana", profile.version + 1, 1, None)  # even at the tombstone's version


def test_the_handler_fits_the_learner_of_each_record_and_reports_only_bad_records(dynamodb):
    memory, _ = practised(90)
    copy_learner(memory, dynamodb, "ana")
    optimizer_app.store.cache_clear()
    try:
        optimizer_app.store()  # made inside moto
        request = FitRequest(
            user_id="ana", requested_at=memory.profiles["ana"].fit_due_since
        ).model_dump_json()
        response = optimizer_app.lambda_handler(sqs_event(request, "not json", request), LambdaContext())
        assert response == {"batchItemFailures": [{"itemIdentifier": "m1"}]}
        profile = on_dynamodb(dynamodb, TABLE).get_profile("ana")
        assert (
            profile is not None and profile.fsrs is not None
        )  # adopted: ana's memory is not FSRS's defaults
        assert profile.fsrs.log_loss_after < profile.fsrs.log_loss_before
        assert profile.fit_due_since is None
        # The duplicate record (the third) found no fit due and wrote nothing
        assert profile.version == memory.profiles["ana"].version + 1
    finally:
        optimizer_app.store.cache_clear()


def test_the_sweep_queues_learners_due_longer_than_the_grace_once_each(dynamodb, fits_repository, clock):
    for n in range(40):  # over several shards
        user = f"learner-{n}"
        due_since = clock() - timedelta(hours=1 if n % 4 == 0 else 30)
        memory_profile = practised(1, user=user)[0].profiles[user]
        marked = memory_profile.model_copy(update={"fit_due_since": due_since, "version": 0})
        dynamodb.put_item(TableName=TABLE, Item=serialize_item(profile_item(marked)))
    assert len({fit_due_shard(f"learner-{n}") for n in range(40)}) > 1
    queue = sqs_client()
    queued = sweep(
        fits_repository, queue, FIT_QUEUE_URL, now=clock(), grace=timedelta(hours=6),
        time_left=lambda: 900.0, stop_seconds=30,
    )  # fmt: skip
    assert queued == 30
    received: list[str] = []
    while messages := queue.receive_message(QueueUrl=FIT_QUEUE_URL, MaxNumberOfMessages=10).get("Messages"):
        received += [FitRequest.model_validate_json(m["Body"]).user_id for m in messages]
        queue.delete_message_batch(
            QueueUrl=FIT_QUEUE_URL,
            Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)],
        )
    assert sorted(received) == sorted(f"learner-{n}" for n in range(40) if n % 4)


def test_the_sweep_stops_short_of_time_and_the_next_one_goes_on(dynamodb, fits_repository, clock):
    for n in range(20):
        user = f"learner-{n}"
        profile = practised(1, user=user)[0].profiles[user]
        marked = profile.model_copy(update={"fit_due_since": clock() - timedelta(days=1), "version": 0})
        dynamodb.put_item(TableName=TABLE, Item=serialize_item(profile_item(marked)))
    queued = sweep(
        fits_repository, sqs_client(), FIT_QUEUE_URL, now=clock(), grace=timedelta(hours=6),
        time_left=lambda: 10.0, stop_seconds=30,
    )  # fmt: skip
    assert 0 < queued < 20  # one shard's page, then it stopped


def test_a_completion_that_makes_a_fit_due_queues_it_on_the_real_queue(dynamodb, clock):
    from practice.fitting.queue import SqsFitQueue
    from practice.runtime.settings import Settings

    repository = on_dynamodb(dynamodb, TABLE)
    settings = Settings(fit_first_reviews=3)
    service = services_on(repository, clock, settings, fits=SqsFitQueue(FIT_QUEUE_URL, sqs_client))
    for _ in range(2):
        started = service.sessions.start_daily_session("ana")
        reviews = tuple(Review(phrase_id=p.phrase_id, rating="good") for p in started.pack.new[:2])
        clock.advance(minutes=5)
        service.sessions.complete_session("ana", started.session.session_id, PracticeReport(reviews=reviews))
        clock.advance(hours=1)
    messages = (
        sqs_client().receive_message(QueueUrl=FIT_QUEUE_URL, MaxNumberOfMessages=10).get("Messages", [])
    )
    assert [json.loads(m["Body"])["user_id"] for m in messages] == ["ana"]  # once, at the crossing
    profile = repository.get_profile("ana")
    assert profile is not None and profile.reviews_logged == 4 and profile.fit_due_since is not None


def test_a_completion_succeeds_when_the_fit_queue_is_down_and_the_sweep_finds_the_learner(dynamodb, clock):
    from practice.fitting.queue import SqsFitQueue
    from practice.runtime.settings import Settings

    repository = on_dynamodb(dynamodb, TABLE)
    gone = SqsFitQueue("https://sqs.eu-west-1.amazonaws.com/123456789012/no-such-queue", sqs_client)
    service = services_on(repository, clock, Settings(fit_first_reviews=2), fits=gone)
    started = service.sessions.start_daily_session("ana")
    reviews = tuple(Review(phrase_id=p.phrase_id, rating="good") for p in started.pack.new[:2])
    clock.advance(minutes=5)
    outcome = service.sessions.complete_session(
        "ana", started.session.session_id, PracticeReport(reviews=reviews)
    )
    assert outcome.newly_completed
    queued = sweep(
        repository, sqs_client(), FIT_QUEUE_URL, now=clock() + timedelta(days=1), grace=timedelta(hours=6),
        time_left=lambda: 900.0, stop_seconds=30,
    )  # fmt: skip
    assert queued == 1


def test_a_fit_reads_the_profile_and_the_log_a_page_at_a_time_and_writes_once(dynamodb, fits_repository):
    memory, _ = practised(60)
    copy_learner(memory, dynamodb, "ana")
    calls: list[str] = []

    def record(model: Any, **_: Any) -> None:
        calls.append(model.name)

    dynamodb.meta.events.register("before-parameter-build.dynamodb", record)
    try:
        # A learner with no fit due: the profile only
        assert (
            optimize_learner(fits_repository, "nobody", now=START, policy=FitPolicy(), rules=FitRules())
            is None
        )
        assert calls == ["GetItem"]
        calls.clear()
        # A fit: the profile, one query per 1 MB of sessions (this log is far below), one write
        assert optimize_learner(fits_repository, "ana", now=START, policy=FitPolicy(), rules=FitRules())
        assert calls == ["GetItem", "Query", "UpdateItem"]
    finally:
        dynamodb.meta.events.unregister("before-parameter-build.dynamodb", record)


def test_the_sweep_handler_runs_on_the_scheduled_sample_event(dynamodb, clock):
    from optimizer import sweep as sweep_module
    from tests.conftest import load_event

    # Given one learner marked due two days ago (the handler runs on the real clock)
    profile = practised(1, user="bea")[0].profiles["bea"]
    marked = profile.model_copy(update={"fit_due_since": clock() - timedelta(days=2), "version": 0})
    dynamodb.put_item(TableName=TABLE, Item=serialize_item(profile_item(marked)))

    # When the daily schedule invokes the sweep
    assert sweep_module.lambda_handler(load_event("sweep_fits.json"), LambdaContext()) == {"queued": 1}

    # Then the learner's fit is queued
    [message] = sqs_client().receive_message(QueueUrl=FIT_QUEUE_URL).get("Messages", [])
    assert FitRequest.model_validate_json(message["Body"]).user_id == "bea"
