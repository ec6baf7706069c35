"""Erasing a learner (DELETE /profile): the request the API queues, the queue it goes to, and
the account worker's loop that deletes the learner's items page by page, the tombstone last.

The API sets the tombstone before it queues the request, so the learner is gone for the API at
once; the worker may run late, twice or in pieces, and each run only deletes what is left."""

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from pydantic import AwareDatetime, BaseModel, ConfigDict

from practice.models.learner import UserId
from practice.queues import SqsQueue
from practice.repository import PracticeRepository

if TYPE_CHECKING:
    from mypy_boto3_sqs.client import SQSClient


class ErasureRequest(BaseModel):
    """The message body on the erasure queue."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    user_id: UserId
    requested_at: AwareDatetime


class ErasureQueue(Protocol):
    def request(self, erasure: ErasureRequest) -> None:
        """Queue the erasure; StoreUnavailable when the queue cannot take it."""
        ...


class SqsErasureQueue(SqsQueue):
    """The account worker's SQS queue."""

    def __init__(self, queue_url: str, make_client: Callable[[], "SQSClient"]) -> None:
        unavailable = "the deletion could not be queued; send the request again"
        super().__init__(queue_url, make_client, unavailable=unavailable)

    def request(self, erasure: ErasureRequest) -> None:
        self.send(erasure)


class ErasureIncomplete(Exception):
    """The invocation ran short of time: the message goes back to the queue, and its next
    attempt goes on with what is left."""

    def __init__(self, deleted: int) -> None:
        super().__init__(f"{deleted} items deleted; the next attempt goes on with the rest")
        self.deleted = deleted


def erase_learner(
    repository: PracticeRepository, user_id: str, *, time_left: Callable[[], float], stop_seconds: float
) -> int:
    """Delete every item under the learner's key, a page at a time, then the tombstone; the
    number of items deleted. Only while the tombstone is there: a request queued twice, or
    retried after the learner was erased and came back as a new learner, deletes nothing.
    Raises ErasureIncomplete when fewer than `stop_seconds` are left after a page."""
    deleted = 0
    while repository.is_deleting(user_id):
        positions = repository.erasable_keys(user_id)
        if not positions:
            repository.remove_tombstone(user_id)
            break
        repository.delete_items(user_id, positions)
        deleted += len(positions)
        if time_left() < stop_seconds:
            raise ErasureIncomplete(deleted)
    return deleted
