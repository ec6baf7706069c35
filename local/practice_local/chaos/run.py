"""`make chaos`: the learners' lives without faults, then again with faults injected at a rate,
and whether both end in the same state, item by item, with nothing pushed twice.

    python -m practice_local.chaos.run --rate 0.1 --days 30 --learners 5 --seed 7

Prints a summary table, the differences if any, and a last line `chaos: end state equal` (exit
0) or `chaos: end state DIFFERS` (exit 1). The same seed replays the same faults.
"""

import argparse
import sys
import time
from collections import Counter
from contextlib import redirect_stdout
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from practice_local.chaos.app import App, GaveUp, Network
from practice_local.chaos.life import Life, learners
from practice_local.chaos.state import Item, Key, differences, end_state, kinds
from practice_local.chaos.world import World, chaos_world
from practice_local.cloud.fault_proxy import Fault, FaultPlan
from practice_local.cloud.stack import LOCAL_TABLE_NAMES

EDGE_SHARE = 0.2  # of the rate: answers lost between API Gateway and the phone


@dataclass
class Outcome:
    """One life: its end state, what was pushed, and what the network did to it."""

    state: dict[Key, Item]
    pushes: list[tuple[str, str, str]]  # (device token, learner's day, message): one a day each
    seen: Counter[str]
    requests: Counter[str]
    faults: Counter[Fault]
    fit_messages: int
    dead_letters: int
    gave_up: str | None
    seconds: float

    @property
    def duplicate_pushes(self) -> int:
        """Pushes to a device beyond the first of a learner's day (the rules allow one reminder a
        day, pushed to each of the learner's devices)."""
        days = Counter((token, day) for token, day, _ in self.pushes)
        return sum(n - 1 for n in days.values() if n > 1)


def live(world: World, *, rate: float, days: int, count: int, seed: int) -> Outcome:
    """One life of `count` learners for `days` days, with faults at `rate` (0: none)."""
    started = time.perf_counter()
    world.reset(FaultPlan(rate, seed), seed)
    start = world.clock.now = first_day(days)
    network = Network(rate * EDGE_SHARE, seed)
    life = Life(world, App(world.api, world.routes, network), learners(count, seed), days, start)
    gave_up = None
    try:
        life.live()
    except GaveUp as error:
        gave_up = str(error)
    world.proxy.plan = FaultPlan(0.0, seed)  # the look at the end is not faulted
    return Outcome(
        end_state(world.direct["dynamodb"], LOCAL_TABLE_NAMES["PracticeTable"]),
        life.pushes,
        network.seen,
        Counter(world.proxy.log.requests),
        world.proxy.log.by_fault(),
        world.queues["FitQueue"].handled,
        sum(len(q.dead) for q in world.queues.values()),
        gave_up,
        time.perf_counter() - started,
    )


def first_day(days: int) -> datetime:
    """The lives end yesterday (UTC midnight): item expiry times stay in the future."""
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return today - timedelta(days=days + 1)


def verdict(calm: Outcome, stormy: Outcome) -> list[str]:
    """Why the stormy life does not end where the calm one did; empty when it does."""
    problems = differences(calm.state, stormy.state)
    if stormy.duplicate_pushes or calm.duplicate_pushes:
        problems.append(f"pushed twice: {stormy.duplicate_pushes} (without faults {calm.duplicate_pushes})")
    if extra := Counter(stormy.pushes) - Counter(calm.pushes):
        problems.append(f"pushed without cause: {sum(extra.values())}")
    for name, outcome in (("without faults", calm), ("with faults", stormy)):
        if outcome.gave_up:
            problems.append(f"the app gave up {name}: {outcome.gave_up}")
        if errors := outcome.seen["server_error"]:
            problems.append(
                f"{errors} server errors {name}: "
                + ", ".join(
                    f"{k.removeprefix('server_error ')} x{n}"
                    for k, n in outcome.seen.items()
                    if k.startswith("server_error ")
                )
            )
        if outcome.dead_letters:
            problems.append(f"{outcome.dead_letters} messages dead-lettered {name}")
    return problems


def summary(calm: Outcome, stormy: Outcome, rate: float) -> list[str]:
    rows: list[tuple[str, Any, Any]] = [
        ("requests to DynamoDB", calm.requests["dynamodb"], stormy.requests["dynamodb"]),
        ("requests to SQS", calm.requests["sqs"], stormy.requests["sqs"]),
        ("requests to SNS", calm.requests["sns"], stormy.requests["sns"]),
        *((f"injected: {fault.value}", 0, stormy.faults[fault]) for fault in Fault),
        ("answers lost to the app", calm.seen["answer_lost"], stormy.seen["answer_lost"]),
        (
            "app retries after a 503",
            sum(n for k, n in calm.seen.items() if k.startswith("503")),
            sum(n for k, n in stormy.seen.items() if k.startswith("503")),
        ),
        (
            "app waits: request in progress",
            calm.seen["409 request_in_progress"],
            stormy.seen["409 request_in_progress"],
        ),
        ("server errors (5xx but 503)", calm.seen["server_error"], stormy.seen["server_error"]),
        ("requests answered", calm.seen["answered"], stormy.seen["answered"]),
        ("pushes delivered", len(calm.pushes), len(stormy.pushes)),
        ("pushes twice", calm.duplicate_pushes, stormy.duplicate_pushes),
        ("fit requests handled", calm.fit_messages, stormy.fit_messages),
        *((f"items: {kind}", n, kinds(stormy.state).get(kind, 0)) for kind, n in kinds(calm.state).items()),
        ("seconds", f"{calm.seconds:.1f}", f"{stormy.seconds:.1f}"),
    ]
    width = max(len(name) for name, _, _ in rows)
    head = f"{'':<{width}}  {'no faults':>10}  {f'faults {rate:.0%}':>10}"
    return [head, *(f"{name:<{width}}  {a!s:>10}  {b!s:>10}" for name, a, b in rows)]


def chaos(*, rate: float, days: int, count: int, seed: int) -> tuple[Outcome, Outcome, list[str]]:
    """Both lives in one world; (calm, stormy, problems)."""
    with chaos_world(first_day(days)) as world:
        calm = live(world, rate=0.0, days=days, count=count, seed=seed)
        stormy = live(world, rate=rate, days=days, count=count, seed=seed)
    return calm, stormy, verdict(calm, stormy)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make chaos", description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=float, default=0.1, help="share of requests faulted (0.1)")
    parser.add_argument("--days", type=int, default=30, help="days each learner lives (30)")
    parser.add_argument("--learners", type=int, default=5, help="learners (5)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the lives and the faults (7)")
    args = parser.parse_args(argv)
    if not 0 < args.rate <= 1 or args.days < 1 or args.learners < 1:
        parser.error("--rate in (0, 1], --days and --learners at least 1")
    with redirect_stdout(sys.stderr):  # the functions' log lines: not the summary
        calm, stormy, problems = chaos(rate=args.rate, days=args.days, count=args.learners, seed=args.seed)
    print(f"chaos: {args.learners} learners, {args.days} days, fault rate {args.rate:.0%}, seed {args.seed}")
    print("\n".join(summary(calm, stormy, args.rate)))
    for line in problems:
        print(f"  {line}")
    print("chaos: end state DIFFERS" if problems else "chaos: end state equal")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
