"""The optimizer's queue: one message asks for one learner's fit."""

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from pydantic import AwareDatetime, BaseModel, ConfigDict

from practice.domain.learner import UserId
from practice.runtime.sqs import SqsQueue

if TYPE_CHECKING:
    from mypy_boto3_sqs.client import SQSClient


class FitRequest(BaseModel):
    """The message body on the optimizer's queue: fit this learner."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    user_id: UserId
    requested_at: AwareDatetime


class FitQueue(Protocol):
    def request(self, fit: FitRequest) -> None:
        """Queue the fit; StoreUnavailable when the queue cannot take it."""
        ...


class SqsFitQueue(SqsQueue):
    """The optimizer function's SQS queue."""

    def __init__(self, queue_url: str, make_client: Callable[[], "SQSClient"]) -> None:
        super().__init__(queue_url, make_client, unavailable="the fit could not be queued")

    def request(self, fit: FitRequest) -> None:
        self.send(fit)
