"""The account worker's queue: one message asks to erase one learner."""

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from pydantic import AwareDatetime, BaseModel, ConfigDict

from practice.domain.learner import UserId
from practice.runtime.sqs import SqsQueue

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
