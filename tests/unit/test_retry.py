"""The one optimistic-concurrency retry helper."""

import pytest

from practice.errors import ConcurrentUpdate, SessionNotFound
from practice.retry import retry_on_conflict


def attempts_that_conflict(times: int) -> tuple[list[int], object]:
    calls: list[int] = []

    def attempt() -> str:
        calls.append(len(calls) + 1)
        if len(calls) <= times:
            raise ConcurrentUpdate("moved")
        return "written"

    return calls, attempt


def test_a_conflict_is_retried_until_the_write_goes_through():
    calls, attempt = attempts_that_conflict(2)
    assert retry_on_conflict(attempt, attempts=3) == "written"
    assert calls == [1, 2, 3]


def test_the_last_conflict_is_raised_after_the_attempts_run_out():
    calls, attempt = attempts_that_conflict(3)
    with pytest.raises(ConcurrentUpdate):
        retry_on_conflict(attempt, attempts=3)
    assert calls == [1, 2, 3]


def test_any_other_error_is_not_retried():
    calls: list[int] = []

    def attempt() -> None:
        calls.append(1)
        raise SessionNotFound("no such session")

    with pytest.raises(SessionNotFound):
        retry_on_conflict(attempt)
    assert calls == [1]
