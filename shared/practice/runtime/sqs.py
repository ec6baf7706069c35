"""Sending a message to one of the stack's SQS queues (the erasure queue, the optimizer's)."""

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, ClassVar

from botocore.exceptions import BotoCoreError, ClientError
from pydantic import AwareDatetime, BaseModel, ConfigDict

from practice.domain.learner import UserId
from practice.errors import StoreUnavailable

if TYPE_CHECKING:
    from mypy_boto3_sqs.client import SQSClient


class LearnerMessage(BaseModel):
    """A message body that asks a function to do something for one learner."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    user_id: UserId
    requested_at: AwareDatetime
    # The API request that asked (API Gateway's request id): the worker logs it with its own
    request_id: str | None = None


SQS_BATCH = 10  # SendMessageBatch's most


def send_batches(client: "SQSClient", queue_url: str, messages: Sequence[LearnerMessage]) -> int:
    """Send `messages`, ten to a request (the sweeps'); how many the queue took."""
    sent = 0
    for start in range(0, len(messages), SQS_BATCH):
        entries = [
            {"Id": str(n), "MessageBody": message.model_dump_json()}
            for n, message in enumerate(messages[start : start + SQS_BATCH])
        ]
        failed = client.send_message_batch(QueueUrl=queue_url, Entries=entries).get("Failed", [])  # type: ignore[arg-type]
        sent += len(entries) - len(failed)
    return sent


class SqsQueue:
    """A queue whose client is made on the first message, not at cold start: messages are rare
    (a deletion, a fit every few hundred reviews), and every other request would pay for SQS's
    service model (61 ms measured)."""

    unavailable: ClassVar[str] = "the request could not be queued"  # StoreUnavailable's message

    def __init__(
        self,
        queue_url: str,
        make_client: Callable[[], "SQSClient"],
        request_id: Callable[[], str | None] = lambda: None,
    ) -> None:
        self._queue_url = queue_url
        self._make_client = make_client
        self._request_id = request_id  # the request being served, which each message carries
        self._client: SQSClient | None = None

    def request(self, message: LearnerMessage) -> None:
        """Queue `message`, stamped with the request id; StoreUnavailable when the queue cannot take it."""
        if self._client is None:
            self._client = self._make_client()
        if message.request_id is None:
            message = message.model_copy(update={"request_id": self._request_id()})
        try:
            self._client.send_message(QueueUrl=self._queue_url, MessageBody=message.model_dump_json())
        except (BotoCoreError, ClientError) as error:
            raise StoreUnavailable(self.unavailable) from error
