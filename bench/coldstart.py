"""Cold starts: fresh interpreters importing the built function, interleaved with the floor."""

import json
import os
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.stats import summary

COLD_CHILD = Path(__file__).with_name("cold_child.py")


@dataclass(frozen=True)
class ColdVariant:
    """One kind of fresh process: `mode` is cold_child.py's (handler / floor / empty)."""

    name: str
    mode: str
    paths: list[str]


class ColdStartFailed(RuntimeError):
    pass


def run_child(
    variant: ColdVariant, env: dict[str, str], *, audit: bool = False, importtime: bool = False
) -> dict[str, Any]:
    """One fresh interpreter: -I -S (only the given paths, as in Lambda, no site-packages) and -B
    (Lambda's code directories are read-only: nothing compiled is ever written back)."""
    command = [sys.executable, *(["-X", "importtime"] if importtime else []), "-I", "-S", "-B"]
    command += [str(COLD_CHILD), variant.mode, os.pathsep.join(variant.paths)]
    command += ["--audit"] if audit else []
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False, timeout=120)  # noqa: S603
    wall_ms = (time.perf_counter() - started) * 1000
    if done.returncode != 0:
        raise ColdStartFailed(f"{variant.name}: exit {done.returncode}\n{done.stderr[-3000:]}")
    outcome: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return outcome | {"wall_ms": wall_ms, "stderr": done.stderr}


def measure_cold_starts(variants: list[ColdVariant], env: dict[str, str], runs: int) -> dict[str, Any]:
    """`runs` rounds; each round starts every variant once, in an order rotated round by round, so
    drift and bursts of load on the machine hit every variant alike. An untimed first round (with
    a socket audit) fills the page cache and proves init makes no network call."""
    results: dict[str, Any] = {}
    for variant in variants:
        audited = run_child(variant, env, audit=True)
        results[variant.name] = {"network_calls_at_init": audited["network"], "modules": audited["modules"]}
    init_ms: dict[str, list[float]] = defaultdict(list)
    wall_ms: dict[str, list[float]] = defaultdict(list)
    for round_number in range(runs):
        shift = round_number % len(variants)
        for variant in variants[shift:] + variants[:shift]:
            outcome = run_child(variant, env)
            init_ms[variant.name].append(outcome["ms"])
            wall_ms[variant.name].append(outcome["wall_ms"])
    for variant in variants:
        results[variant.name] |= {
            "init_ms": summary(init_ms[variant.name]),
            "process_ms": summary(wall_ms[variant.name]),
        }
    return results


def import_profile(
    variant: ColdVariant, env: dict[str, str], runs: int = 5, top: int = 15
) -> list[dict[str, Any]]:
    """`python -X importtime` of the variant: the `top` imports by cumulative time, medians of
    `runs` processes (a module's cumulative time includes whatever it imports first)."""
    self_us: dict[str, list[int]] = defaultdict(list)
    cumulative_us: dict[str, list[int]] = defaultdict(list)
    depth: dict[str, int] = {}
    for _ in range(runs):
        for line in run_child(variant, env, importtime=True)["stderr"].splitlines():
            if not line.startswith("import time:") or "cumulative" in line:
                continue
            own, cumulative, name = line.removeprefix("import time:").split("|")
            module = name.strip()
            depth[module] = (len(name) - len(name.lstrip()) - 1) // 2
            self_us[module].append(int(own))
            cumulative_us[module].append(int(cumulative))
    rows: list[dict[str, Any]] = [
        {
            "module": module,
            "depth": depth[module],
            "cumulative_ms": statistics.median(cumulative_us[module]) / 1000,
            "self_ms": statistics.median(self_us[module]) / 1000,
        }
        for module in cumulative_us
    ]
    rows.sort(key=lambda row: -row["cumulative_ms"])
    return rows[:top]
