"""The account worker's queue: one message asks to erase one learner."""

from typing import Protocol

from practice.runtime.sqs import LearnerMessage, SqsQueue


class ErasureRequest(LearnerMessage):
    """The message body on the erasure queue: erase this learner."""


class ErasureQueue(Protocol):
    def request(self, erasure: ErasureRequest) -> None:
        """Queue the erasure; StoreUnavailable when the queue cannot take it."""
        ...


class SqsErasureQueue(SqsQueue):
    """The account worker's SQS queue."""

    unavailable = "the deletion could not be queued; send the request again"
