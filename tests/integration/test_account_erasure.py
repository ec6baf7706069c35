"""Deleting a learner's account and exporting their data, through the service and the account
worker's loop, on moto's DynamoDB and in memory: the learner is gone for the API from the
tombstone on, writes racing with the deletion leave nothing, the erasure leaves no item of
theirs and touches no one else's, and may run cut short, twice or late."""

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from practice.account.service import erase_learner
from practice.compose import ApiServices
from practice.domain.learner import CardState, LedgerDay, PracticeReport, Rating, Review, Session
from practice.dynamodb.keys import PROFILE_SK
from practice.errors import (
    AccountDeleting,
    ErasureIncomplete,
    InvalidCursor,
    QuotaExceeded,
    SessionNotFound,
    StoreUnavailable,
)
from practice.runtime.settings import Settings
from practice.sessions.results import StartedSession
from tests.conftest import TABLE_NAMES, FakeClock
from tests.fakes import Interleaved, RecordingQueue, on_dynamodb, services_on

Keys = Callable[[str], set[str]]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))


@pytest.fixture
def queue() -> RecordingQueue:
    return RecordingQueue()


@pytest.fixture
def service(repository: Any, clock: FakeClock, queue: RecordingQueue) -> ApiServices:
    return services_on(repository, clock, erasures=queue)


@pytest.fixture
def stored_keys(repository: Any, request: pytest.FixtureRequest) -> Keys:
    """The sort keys of every item kept under a learner's key, the profile (or tombstone) too,
    and of their cards' entries in the due index: read from the store itself."""

    def in_memory(user_id: str) -> set[str]:
        keys = set(repository.item_keys(user_id))
        if user_id in repository.profiles or user_id in repository.tombstones:
            keys.add(PROFILE_SK)
        return keys

    def in_dynamodb(user_id: str) -> set[str]:
        client = request.getfixturevalue("dynamodb")
        table = TABLE_NAMES["PracticeTable"]
        pages = client.get_paginator("scan").paginate(
            TableName=table,
            FilterExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": f"USER#{user_id}"}},
        )
        keys = {item["sk"]["S"] for page in pages for item in page["Items"]}
        due = client.get_paginator("scan").paginate(  # every queue of every course
            TableName=table,
            IndexName="due-index",
            FilterExpression="begins_with(due_pk, :learner)",
            ExpressionAttributeValues={":learner": {"S": f"USER#{user_id}#"}},
        )
        keys |= {f"due-index:{item['sk']['S']}" for page in due for item in page["Items"]}
        return keys

    return in_memory if repository.in_memory else in_dynamodb


def all_good(started: StartedSession) -> PracticeReport:
    phrases = started.pack.review + started.pack.new
    return PracticeReport(reviews=tuple(Review(phrase_id=p.phrase_id, rating=Rating.GOOD) for p in phrases))


def practise(service: ApiServices, clock: FakeClock, user_id: str, days: int) -> list[Session]:
    """A session completed each day for `days` days, the second half of them in another course,
    then one left open: the sessions."""
    sessions = []
    for day in range(days):
        if day == days // 2:
            service.profile.update_profile(user_id, {"course_id": "fr-en"})
        started = service.sessions.start_daily_session(user_id, "Europe/Madrid")
        clock.advance(minutes=6)
        sessions.append(
            service.sessions.complete_session(user_id, started.session.session_id, all_good(started)).session
        )
        clock.advance(days=1, minutes=-6)
    sessions.append(service.sessions.start_daily_session(user_id).session)
    return sessions


def run_out_of_time_after(pages: int) -> Callable[[], float]:
    """A worker's time left: plenty for `pages` pages, then none."""
    checks = iter([60.0] * (pages - 1) + [0.0] * 1000)
    return lambda: next(checks)


def plenty() -> float:
    return 60.0


# -- deletion ---------------------------------------------------------------------------------


def test_a_deleted_learner_is_gone_for_the_api_at_once_and_their_erasure_is_queued(
    service, clock, queue, stored_keys
):
    # Given a learner with three days of practice and an open session
    sessions = practise(service, clock, "ana", 3)
    assert service.profile.get_profile("ana").profile.total_xp > 0

    # When they delete their account (the worker has not run yet)
    service.account.delete_account("ana")

    # Then their erasure is queued, and the API shows nothing of theirs, though the items remain
    assert [(r.user_id, r.requested_at) for r in queue.requests] == [("ana", clock.now)]
    assert len(stored_keys("ana")) > len(sessions)
    profile = service.profile.get_profile("ana").profile
    assert (profile.total_xp, profile.streak, profile.version) == (0, 0, 0)
    for session in sessions:
        with pytest.raises(SessionNotFound):
            service.sessions.get_session("ana", session.session_id)
    assert service.sessions.list_sessions("ana", 100).sessions == ()
    assert service.progress.stats("ana").ledger.totals.xp == 0
    export = service.account.export("ana")
    assert (export.profile, export.records, export.next_cursor) == (None, (), None)
    # and nothing can be written for them until the erasure is done
    with pytest.raises(AccountDeleting):
        service.sessions.start_daily_session("ana")
    with pytest.raises(AccountDeleting):
        service.profile.update_profile("ana", {"daily_goal_xp": 50})
    with pytest.raises(SessionNotFound):
        service.sessions.complete_session("ana", sessions[-1].session_id, PracticeReport(reviews=()))


def test_the_erasure_leaves_no_item_of_the_learner_and_touches_no_other(
    service, repository, clock, stored_keys
):
    # Given two learners who practised, and one of them deleted
    practise(service, clock, "ana", 4)
    practise(service, clock, "bea", 2)
    bea_before = stored_keys("bea")
    service.account.delete_account("ana")

    # When the worker erases her
    deleted = erase_learner(repository, "ana", time_left=plenty, stop_seconds=5)

    # Then no item of hers is left (her due-index entries included, of both courses), and the
    # other is untouched
    assert stored_keys("ana") == set()
    assert {key.split("#")[1] for key in bea_before if key.startswith("CARD#")} == {"es-en", "fr-en"}
    if not repository.in_memory:
        assert any(key.startswith("due-index:CARD#fr-en#") for key in bea_before)
    assert deleted > 4
    assert stored_keys("bea") == bea_before
    assert service.profile.get_profile("bea").profile.total_xp > 0
    # and she can start afresh, as a new learner
    assert service.sessions.start_daily_session("ana").pack.review == ()
    assert service.profile.get_profile("ana").profile.streak == 0


def test_an_erasure_cut_short_goes_on_at_its_next_attempt_and_a_third_run_does_nothing(
    service, repository, clock, stored_keys, monkeypatch
):
    # Given a deleted learner, and pages of two items (so that the erasure takes several)
    monkeypatch.setattr("practice.domain.limits.ITEMS_PER_QUERY", 2)
    monkeypatch.setattr("practice.dynamodb.account.ITEMS_PER_QUERY", 2)
    monkeypatch.setattr("practice_local.simulation.memory.account.ITEMS_PER_QUERY", 2)
    practise(service, clock, "ana", 2)
    total = len(stored_keys("ana")) - 1 - sum(key.startswith("due-index:") for key in stored_keys("ana"))
    service.account.delete_account("ana")

    # When the first attempt runs out of time after one page
    with pytest.raises(ErasureIncomplete):
        erase_learner(repository, "ana", time_left=run_out_of_time_after(1), stop_seconds=5)

    # Then the learner is still gone for the API, with items left to erase
    left = {key for key in stored_keys("ana") if not key.startswith("due-index:")}
    assert PROFILE_SK in left
    assert len(left) == total + 1 - 2
    assert service.profile.get_profile("ana").profile.version == 0
    # and the next attempt erases the rest; a third (a duplicate message) finds nothing to do
    assert erase_learner(repository, "ana", time_left=plenty, stop_seconds=5) == total - 2
    assert stored_keys("ana") == set()
    assert erase_learner(repository, "ana", time_left=plenty, stop_seconds=5) == 0


def test_a_late_erasure_of_a_learner_who_came_back_deletes_nothing(service, repository, clock, stored_keys):
    # Given a learner erased, who then came back and practised as a new learner
    practise(service, clock, "ana", 1)
    service.account.delete_account("ana")
    erase_learner(repository, "ana", time_left=plenty, stop_seconds=5)
    practise(service, clock, "ana", 1)
    comeback = stored_keys("ana")

    # When the old erasure request is delivered again (SQS delivers at least once)
    deleted = erase_learner(repository, "ana", time_left=plenty, stop_seconds=5)

    # Then it finds no tombstone and deletes nothing
    assert deleted == 0
    assert stored_keys("ana") == comeback


def test_a_completion_racing_with_the_deletion_writes_nothing(repository, clock, queue, stored_keys):
    # Given a learner with a pack open
    service = services_on(repository, clock, erasures=queue)
    practise(service, clock, "ana", 1)
    started = service.sessions.start_daily_session("ana")
    clock.advance(minutes=5)

    # When the deletion lands between the completion's read and its write
    racing = services_on(
        Interleaved(repository).before("complete_session", lambda: service.account.delete_account("ana")),
        clock,
        erasures=queue,
    )
    with pytest.raises(SessionNotFound):
        racing.sessions.complete_session("ana", started.session.session_id, all_good(started))

    # Then the completion wrote nothing, and the erasure leaves nothing
    assert service.account.export("ana").records == ()
    erase_learner(repository, "ana", time_left=plenty, stop_seconds=5)
    assert stored_keys("ana") == set()


def test_a_completion_racing_with_the_whole_erasure_writes_nothing(repository, clock, queue, stored_keys):
    # Given a learner with a pack open
    service = services_on(repository, clock, erasures=queue)
    practise(service, clock, "ana", 1)
    started = service.sessions.start_daily_session("ana")
    clock.advance(minutes=5)

    def delete_and_erase() -> None:
        service.account.delete_account("ana")
        erase_learner(repository, "ana", time_left=plenty, stop_seconds=5)

    # When the deletion and the whole erasure happen between the completion's read and write
    racing = services_on(Interleaved(repository).before("complete_session", delete_and_erase), clock)
    with pytest.raises(SessionNotFound):
        racing.sessions.complete_session("ana", started.session.session_id, all_good(started))

    # Then not one item came back: no session, card, ledger day or profile
    assert stored_keys("ana") == set()


@pytest.mark.parametrize("returning", [True, False])
def test_a_pack_racing_with_the_deletion_writes_nothing(repository, clock, queue, stored_keys, returning):
    # Given a learner who practised before (or a first visit)
    service = services_on(repository, clock, erasures=queue)
    if returning:
        practise(service, clock, "ana", 1)

    # When the deletion lands between the pack's reads and its write
    racing = services_on(
        Interleaved(repository).before("start_session", lambda: service.account.delete_account("ana")),
        clock,
        erasures=queue,
    )

    # Then the pack is refused (the account is being deleted), and the erasure leaves nothing
    with pytest.raises(AccountDeleting):
        racing.sessions.start_daily_session("ana")
    erase_learner(repository, "ana", time_left=plenty, stop_seconds=5)
    assert stored_keys("ana") == set()


def test_a_deletion_whose_queue_failed_stands_and_waits_for_the_sweep(repository, clock):
    class DownQueue:
        def request(self, erasure: Any) -> None:
            raise StoreUnavailable("the deletion could not be queued; send the request again")

    # Given a learner whose DELETE met a queue that was down
    practise(services_on(repository, clock), clock, "ana", 1)
    deleted_at = clock()
    assert services_on(repository, clock, erasures=DownQueue()).account.delete_account("ana") is False

    # Then the deletion stands: gone for the API, and the tombstone is where the sweep looks
    assert services_on(repository, clock).profile.get_profile("ana").profile.total_xp == 0
    clock.advance(minutes=20)
    assert repository.tombstones_before(clock() - timedelta(minutes=15), None) == (
        [("ana", deleted_at)],
        None,
    )
    assert repository.tombstones_before(deleted_at, None) == ([], None)  # (strictly before)

    # When the app sends the DELETE again, the erasure is queued, and the tombstone keeps its time
    queue = RecordingQueue()
    service = services_on(repository, clock, erasures=queue)
    assert service.account.delete_account("ana") is True
    assert [request.user_id for request in queue.requests] == ["ana"]
    assert repository.tombstones_before(clock(), None) == ([("ana", deleted_at)], None)


def test_deletions_past_the_limit_of_a_tombstone_are_refused_and_queue_nothing(repository, clock):
    practise(services_on(repository, clock), clock, "ana", 1)
    queue = RecordingQueue()
    service = services_on(repository, clock, erasures=queue)
    for _ in range(5):  # the default: Settings.erasure_requests_per_tombstone
        service.account.delete_account("ana")
    with pytest.raises(QuotaExceeded) as refused:
        service.account.delete_account("ana")
    assert refused.value.retry_after == 3600
    assert len(queue.requests) == 5

    # Once erased, the learner may come back, and delete their new account again
    erase_learner(repository, "ana", time_left=lambda: 60.0, stop_seconds=1)
    practise(service, clock, "ana", 1)
    assert service.account.delete_account("ana") is True


# -- export -----------------------------------------------------------------------------------


def exported_key(item: Session | CardState | LedgerDay) -> str:
    match item:
        case Session():
            return f"SESSION#{item.session_id}"
        case CardState():
            return f"CARD#{item.course_id}#{item.phrase_id}"
        case LedgerDay():
            return f"DAY#{item.day.isoformat()}"


def test_export_pages_concatenate_to_exactly_the_learners_items(repository, clock, stored_keys):
    # Given a learner with sessions, cards and ledger days, and another learner beside them;
    # and pages of 4 KB (1 MiB deployed), so that the export takes many
    settings = Settings(export_page_bytes=4096)
    service = services_on(repository, clock, settings)
    practise(service, clock, "ana", 5)
    practise(service, clock, "bea", 1)

    # When she exports her data page by page
    pages, cursor = [], None
    while True:
        page = service.account.export("ana", cursor)
        pages.append(page)
        cursor = page.next_cursor
        if cursor is None:
            break

    # Then the pages hold every item of hers exactly once (the profile aside), and no one else's
    exported = [exported_key(item) for page in pages for item in page.records]
    assert len(exported) == len(set(exported))
    assert set(exported) == {
        key for key in stored_keys("ana") if key.startswith(("SESSION#", "CARD#", "DAY#"))
    }
    assert {type(item) for page in pages for item in page.records} == {Session, CardState, LedgerDay}
    # and each page stops near its size: at most one item past 4 KB
    assert len(pages) > 3
    for page in pages[:-1]:
        sizes = [len(json.dumps(item.model_dump(mode="json"))) for item in page.records]
        assert sum(sizes[:-1]) < 4096 * 1.2
    assert all(page.profile is not None and page.profile.profile.user_id == "ana" for page in pages)


def test_an_export_cursor_is_good_only_for_its_learner_and_its_listing(repository, clock):
    service = services_on(repository, clock, Settings(export_page_bytes=1024))
    practise(service, clock, "ana", 3)
    practise(service, clock, "bea", 3)
    export_cursor = service.account.export("ana").next_cursor
    history_cursor = service.sessions.list_sessions("ana", 1).next_cursor
    assert export_cursor is not None
    assert history_cursor is not None

    with pytest.raises(InvalidCursor):
        service.account.export("bea", export_cursor)  # another learner's
    with pytest.raises(InvalidCursor):
        service.account.export("ana", history_cursor)  # another listing's
    with pytest.raises(InvalidCursor):
        service.account.export("ana", export_cursor[:-2] + "AA")  # altered
    assert service.account.export("ana", export_cursor).records  # her own goes on


# -- a large learner, on DynamoDB -------------------------------------------------------------


def test_a_learner_with_10000_cards_and_3000_sessions_is_fully_deleted(dynamodb, clock):
    """(~15 s on moto, whose every query reads the whole partition.)"""
    from practice.courses.service import read_course_file
    from practice_local.simulation.seed import bench_course, seed_learner
    from tests.conftest import COURSES_DIR

    # Given a learner with 10,000 cards and 3,000 sessions (and 1,001 ledger days), beside another
    table = TABLE_NAMES["PracticeTable"]
    course = bench_course(read_course_file(COURSES_DIR / "es-en.json"), 10_000)
    seed_learner(
        dynamodb, table, "big", course, cards=10_000, sessions=3_000, now=clock.now, reviews_per_session=2
    )
    seed_learner(dynamodb, table, "other", course, cards=50, sessions=20, now=clock.now)
    repository = on_dynamodb(dynamodb, table)
    service = services_on(repository, clock)

    def items_of(user_id: str, limit: int = 1000) -> list[dict[str, Any]]:
        return dynamodb.query(
            TableName=table, KeyConditionExpression="pk = :pk", Limit=limit, ConsistentRead=True,
            ExpressionAttributeValues={":pk": {"S": f"USER#{user_id}"}},
        )["Items"]  # fmt: skip

    other_before = items_of("other")
    assert len(other_before) == 1 + 50 + 20 + 7 + 1  # profile, cards, sessions, days, cards due per day
    reviews_due = {"S": f"USER#big#{course.course_id}#review"}
    assert dynamodb.query(
        TableName=table, IndexName="due-index", KeyConditionExpression="due_pk = :q", Limit=1,
        ExpressionAttributeValues={":q": reviews_due},
    )["Items"]  # fmt: skip

    # When they delete their account and the worker erases it, in attempts cut short
    service.account.delete_account("big")
    deleted, attempts = 0, 1
    while True:
        try:
            deleted += erase_learner(repository, "big", time_left=run_out_of_time_after(5), stop_seconds=5)
            break
        except ErasureIncomplete as incomplete:
            deleted += incomplete.deleted
            attempts += 1

    # Then every item was deleted (cards, sessions, days, the cards due per day, then the
    # tombstone), not one is left, and the other learner's are exactly as they were
    assert deleted == 10_000 + 3_000 + 1_001 + 1
    assert attempts == 4  # 15 pages of 1,000 keys, 5 an attempt; the fourth removes the tombstone
    assert items_of("big", limit=1) == []
    assert items_of("other") == other_before
    assert dynamodb.query(
        TableName=table, IndexName="due-index", KeyConditionExpression="due_pk = :q",
        ExpressionAttributeValues={":q": reviews_due},
    )["Items"] == []  # fmt: skip
