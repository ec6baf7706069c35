"""The short chaos run of `make test`: three learners, eight days, 10 % of the functions' requests
faulted, against the same lives without faults (docs/chaos.md). `make chaos` runs the long one."""

import os
import re
import subprocess

import pytest

from tests.e2e.conftest import REPO_ROOT, SERVER_ENV, run_module

pytestmark = pytest.mark.e2e
FUNCTIONS = (
    "shared",
    "functions/practice_api",
    "functions/account_worker",
    "functions/optimizer",
    "functions/reminders",
    "local",
)


def chaos(*args: str) -> subprocess.CompletedProcess[str]:
    """`make chaos CHAOS_ARGS=...` as a process of its own (the functions read their environment)."""
    env = SERVER_ENV | {
        "PYTHONPATH": os.pathsep.join(str(REPO_ROOT / part) for part in FUNCTIONS),
        "POWERTOOLS_LOG_LEVEL": "ERROR",
    }
    return run_module("practice_local.chaos.run", *args, env=env, timeout=300)


def row(output: str, name: str) -> tuple[int, int]:
    """(without faults, with faults) of a row of the summary table."""
    found = re.search(rf"^{re.escape(name)}\s+(\d+)\s+(\d+)$", output, re.MULTILINE)
    assert found, f"no row {name!r} in:\n{output}"
    return int(found[1]), int(found[2])


def test_weeks_of_learners_under_faults_end_exactly_where_the_faultless_weeks_end():
    result = chaos("--rate", "0.1", "--days", "8", "--learners", "3", "--seed", "11")

    # The verdict: equal, item by item, nothing pushed twice, no server error
    assert result.stdout.strip().splitlines()[-1] == "chaos: end state equal", (
        result.stdout + result.stderr[-3000:]
    )
    assert result.returncode == 0

    # And the run was a real one: every fault injected, retried through, the loop whole
    for fault in ("throttle", "error", "reset", "stall", "lost"):
        assert row(result.stdout, f"injected: {fault}")[1] > 0, fault
    assert row(result.stdout, "requests to SNS")[1] > 0
    calm_sessions, stormy_sessions = row(result.stdout, "items: SESSION")
    assert calm_sessions == stormy_sessions > 5
    assert row(result.stdout, "pushes delivered")[0] > 0
    assert row(result.stdout, "server errors (5xx but 503)") == (0, 0)


def test_a_bad_rate_is_refused_with_a_usage_line():
    result = chaos("--rate", "0")
    assert result.returncode == 2
    assert "--rate in (0, 1]" in result.stderr


def test_a_seed_replays_its_life_and_its_faults():
    # Two runs of one seed (a small life, at 20 % so that every fault comes up)
    first, second = (
        chaos("--rate", "0.2", "--days", "3", "--learners", "2", "--seed", "5") for _ in range(2)
    )

    # The same requests, the same faults where they fell, the same outcome: all but the timings
    def table(result: subprocess.CompletedProcess[str]) -> list[str]:
        return [line for line in result.stdout.splitlines() if not line.startswith("seconds")]

    assert table(first) == table(second)
    assert sum(row(first.stdout, f"injected: {fault}")[1] for fault in ("throttle", "lost", "stall")) > 0
