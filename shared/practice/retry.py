"""Optimistic concurrency: recompute from fresh state when a conditional write lost a race."""

from collections.abc import Callable

from practice.errors import ConcurrentUpdate
from practice.limits import WRITE_ATTEMPTS


def retry_on_conflict[T](attempt: Callable[[], T], attempts: int = WRITE_ATTEMPTS) -> T:
    """`attempt()` until it returns; a ConcurrentUpdate is retried, and the last one raised."""
    for _ in range(attempts - 1):
        try:
            return attempt()
        except ConcurrentUpdate:
            continue
    return attempt()
