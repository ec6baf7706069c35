"""Optimistic concurrency: recompute from fresh state when a conditional write lost a race.

Each lost race means another request's write went through in between, and each request writes
once, so with N requests of one learner at once, none loses more than N - 1 times: WRITE_ATTEMPTS
covers that many devices. The pauses are "full jitter" (random in [0, base * 2^n]), so the
racers spread out instead of colliding again in step."""

import random
import time
from collections.abc import Callable

from practice.domain.limits import WRITE_ATTEMPTS
from practice.errors import ConcurrentUpdate

Pause = Callable[[float], None]
RETRY_BASE_SECONDS = 0.01


def retry_on_conflict[T](
    attempt: Callable[[], T],
    *,
    attempts: int = WRITE_ATTEMPTS,
    pause: Pause = time.sleep,
    jitter: Callable[[], float] = random.random,
) -> T:
    """`attempt()` until it returns; a ConcurrentUpdate is retried after a jittered pause, and
    the last one raised."""
    for retry in range(attempts - 1):
        try:
            return attempt()
        except ConcurrentUpdate:
            pause(jitter() * RETRY_BASE_SECONDS * 2**retry)
    return attempt()
