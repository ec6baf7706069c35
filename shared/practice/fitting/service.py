"""What a completion does about fitting: mark the profile due when it has become due, and once
the completion is stored, ask the optimizer. A request that is lost is no harm: the optimizer's
daily sweep finds the learners due for longer than a grace period and queues them again."""

import logging
from datetime import datetime

from practice.domain.fit_policy import FitPolicy
from practice.domain.learner import Profile
from practice.errors import StoreUnavailable
from practice.fitting.queue import FitQueue, FitRequest

logger = logging.getLogger(__name__)


class FitRequests:
    def __init__(self, policy: FitPolicy, queue: FitQueue | None) -> None:
        self._policy = policy
        self._queue = queue  # None: fits due are left to the optimizer's daily sweep

    def mark(self, profile: Profile, now: datetime) -> Profile:
        return self._policy.mark(profile, now)

    def request_if_newly_due(self, before: Profile, after: Profile, now: datetime) -> None:
        """Ask for a fit when the completion from `before` to `after` marked the learner due. The
        completion is stored by now, and a request that cannot be sent is not its failure."""
        if self._queue is None or before.fit_due_since is not None or after.fit_due_since is None:
            return
        try:
            self._queue.request(FitRequest(user_id=after.user_id, requested_at=now))
        except StoreUnavailable:
            logger.warning("fit request not queued; the daily sweep will", extra={"user_id": after.user_id})
