"""SnapStart's hooks (practice_api/snapstart.py). A restore is simulated in-process: the state a
snapshot would freeze (`random`'s state and python-ulid's generator) is saved once and put back
before each "restored copy", which then runs the after-restore hooks the function registered with
Lambda's library. (Not fork: Python re-seeds `random` in a forked child by itself, which a
SnapStart restore does not do.)"""

import random
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
import snapshot_restore_py
import ulid
from ulid import ULID

AT = datetime(2026, 12, 2, 12, 0, 0, 123000, tzinfo=UTC)  # the same instant in every copy
Hook = tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]


@pytest.fixture(scope="module")
def hooks() -> tuple[list[Hook], list[Hook]]:
    """The hooks the API function registers at init (importing it is its init)."""
    from practice_api import app  # noqa: F401

    return snapshot_restore_py.get_before_snapshot(), snapshot_restore_py.get_after_restore()


def restored_copies(after_restore: list[Hook], count: int = 2) -> list[tuple[str, float]]:
    """Take a 'snapshot' (after seeding `random` and minting an id at AT, as init and a priming
    request might), restore it `count` times, run `after_restore` in each copy, and mint a
    session id at AT and draw a random number there, as a request in each copy would."""
    random.seed(42)
    ULID.from_datetime(AT)  # the snapshot's generator: last id at AT's millisecond
    generator = ulid.default_generator
    frozen = (random.getstate(), generator.policy.prev_timestamp, generator.policy.prev_randomness)  # type: ignore[attr-defined]
    copies = []
    try:
        for _ in range(count):  # each copy starts from the snapshot's memory
            random.setstate(frozen[0])
            generator.policy.prev_timestamp, generator.policy.prev_randomness = frozen[1:]  # type: ignore[attr-defined]
            ulid.default_generator = generator
            for func, args, kwargs in after_restore:
                func(*args, **kwargs)
            copies.append((str(ULID.from_datetime(AT)), random.random()))
    finally:
        random.seed()
        ulid.default_generator = ulid.ULIDGenerator()
    return copies


def test_without_the_restore_hook_two_copies_of_one_snapshot_mint_the_same_session_id():
    # The hazard the hook exists for: the same memory, the same millisecond, the same id
    first, second = restored_copies(after_restore=[])
    assert first == second


def test_with_the_functions_restore_hook_ids_and_random_draws_differ_between_copies(hooks):
    _, after_restore = hooks
    assert [func.__name__ for func, _, _ in after_restore] == ["reseed"]
    (first_id, first_draw), (second_id, second_draw) = restored_copies(after_restore)
    assert first_id != second_id
    assert first_draw != second_draw
    assert (
        ULID.from_str(first_id).datetime
        == ULID.from_str(second_id).datetime
        == AT.replace(microsecond=123000)
    )


def test_priming_runs_a_request_that_validation_refuses_and_opens_no_connection(hooks):
    before_snapshot, _ = hooks
    [(prime, args, kwargs)] = before_snapshot
    connections: list[Any] = []

    def audit(event: str, details: tuple[Any, ...]) -> None:
        if event == "socket.connect":
            connections.append(details)

    sys.addaudithook(audit)  # stays for the process; it only records
    assert prime(*args, **kwargs) == 422
    assert connections == []


def test_snapstart_is_a_deploy_option_off_by_default_on_the_published_alias():
    from practice_local.cloud.template import load_template

    template = load_template()
    assert template["Parameters"]["SnapStart"]["Default"] == "off"
    assert template["Conditions"]["UseSnapStart"] == {"Fn::Equals": [{"Ref": "SnapStart"}, "on"]}
    function = template["Resources"]["PracticeApiFunction"]["Properties"]
    assert function["SnapStart"] == {"ApplyOn": {"Fn::If": ["UseSnapStart", "PublishedVersions", "None"]}}
    assert function["AutoPublishAlias"] == "live"  # SnapStart applies to published versions only
