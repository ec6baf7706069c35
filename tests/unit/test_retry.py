"""The one optimistic-concurrency retry helper: jittered pauses, a bounded number of attempts."""

import pytest

from practice.domain.limits import WRITE_ATTEMPTS
from practice.errors import ConcurrentUpdate, SessionNotFound
from practice.runtime.retry import RETRY_BASE_SECONDS, retry_on_conflict


def attempts_that_conflict(times: int) -> tuple[list[int], object]:
    calls: list[int] = []

    def attempt() -> str:
        calls.append(len(calls) + 1)
        if len(calls) <= times:
            raise ConcurrentUpdate("moved")
        return "written"

    return calls, attempt


def test_a_conflict_is_retried_after_a_jittered_pause_that_doubles():
    calls, attempt = attempts_that_conflict(3)
    pauses: list[float] = []
    assert retry_on_conflict(attempt, attempts=4, pause=pauses.append, jitter=lambda: 0.5) == "written"
    assert calls == [1, 2, 3, 4]
    assert pauses == [0.5 * RETRY_BASE_SECONDS * 2**n for n in range(3)]


def test_the_last_conflict_is_raised_after_the_attempts_run_out():
    calls, attempt = attempts_that_conflict(WRITE_ATTEMPTS)
    pauses: list[float] = []
    with pytest.raises(ConcurrentUpdate):
        retry_on_conflict(attempt, pause=pauses.append)
    assert len(calls) == WRITE_ATTEMPTS
    assert len(pauses) == WRITE_ATTEMPTS - 1  # no pause after the last attempt
    assert all(0 <= pause <= RETRY_BASE_SECONDS * 2**n for n, pause in enumerate(pauses))


def test_any_other_error_is_not_retried():
    calls: list[int] = []

    def attempt() -> None:
        calls.append(1)
        raise SessionNotFound("no such session")

    with pytest.raises(SessionNotFound):
        retry_on_conflict(attempt, pause=lambda _: pytest.fail("paused"))
    assert calls == [1]
