"""The optimizer's queue: one message asks for one learner's fit."""

from typing import Protocol

from practice.runtime.sqs import LearnerMessage, SqsQueue


class FitRequest(LearnerMessage):
    """The message body on the optimizer's queue: fit this learner."""


class FitQueue(Protocol):
    def request(self, fit: FitRequest) -> None:
        """Queue the fit; StoreUnavailable when the queue cannot take it."""
        ...


class SqsFitQueue(SqsQueue):
    """The optimizer function's SQS queue."""

    unavailable = "the fit could not be queued"
