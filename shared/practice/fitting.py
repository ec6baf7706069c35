"""When a learner's FSRS parameters are fitted to their own reviews, and how the API asks for it.

Completions count the reviews they log (Profile.reviews_logged). Once enough new ones have come
in since the last fit (`FitPolicy`), the completion marks the profile due (`fit_due_since`, which
also puts it in the sparse fit-due index) and queues a FitRequest for the optimizer function
(functions/optimizer). A request that is lost is no harm: the optimizer's daily sweep finds the
learners due for longer than a grace period in that index and queues them again."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple, Protocol

from pydantic import AwareDatetime, BaseModel, ConfigDict

from practice.models.learner import Profile, UserId
from practice.queues import SqsQueue

if TYPE_CHECKING:
    from mypy_boto3_sqs.client import SQSClient


@dataclass(frozen=True, slots=True)
class FitPolicy:
    """A first fit once `first_at` reviews are logged, then one each `every` reviews more."""

    first_at: int = 400
    every: int = 500

    def next_fit_at(self, profile: Profile) -> int:
        return self.first_at if profile.fit_checked_at == 0 else profile.fit_checked_at + self.every

    def is_due(self, profile: Profile) -> bool:
        return profile.reviews_logged >= self.next_fit_at(profile)

    def mark(self, profile: Profile, now: datetime) -> Profile:
        """`profile` marked due from `now` when it has become due (a mark already set stays)."""
        if profile.fit_due_since is None and self.is_due(profile):
            return profile.model_copy(update={"fit_due_since": now})
        return profile


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


class LoggedReview(NamedTuple):
    """One review of the learner's log, as much as a fit needs (rating 1-4: again to easy)."""

    phrase_id: str
    reviewed_at: datetime
    rating: int
