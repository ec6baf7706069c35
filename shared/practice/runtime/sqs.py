"""Sending a message to one of the stack's SQS queues (the erasure queue, the optimizer's)."""

from collections.abc import Callable
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel

from practice.errors import StoreUnavailable

if TYPE_CHECKING:
    from mypy_boto3_sqs.client import SQSClient


class SqsQueue:
    """A queue whose client is made on the first message, not at cold start: messages are rare
    (a deletion, a fit every few hundred reviews), and every other request would pay for SQS's
    service model (61 ms measured)."""

    def __init__(self, queue_url: str, make_client: Callable[[], "SQSClient"], *, unavailable: str) -> None:
        self._queue_url = queue_url
        self._make_client = make_client
        self._unavailable = unavailable  # the StoreUnavailable message when a send fails
        self._client: SQSClient | None = None

    def send(self, message: BaseModel) -> None:
        if self._client is None:
            self._client = self._make_client()
        try:
            self._client.send_message(QueueUrl=self._queue_url, MessageBody=message.model_dump_json())
        except (BotoCoreError, ClientError) as error:
            raise StoreUnavailable(self._unavailable) from error
