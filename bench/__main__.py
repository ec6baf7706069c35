"""`make bench` (`.venv/bin/python -m bench` with the layer, handler and local tooling on PYTHONPATH):
build, measure, print one table, write it with every figure as JSON under bench/results/."""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.coldstart import ColdVariant, import_profile, measure_cold_starts
from bench.lambda_image import (
    PEERS,
    LambdaImage,
    build_image,
    bytecode_census,
    image_of,
    lambda_environment,
    peer_image,
)
from bench.reminders import measure_sender
from bench.reminders import render as render_reminders
from bench.report import (
    BUILT,
    FLOOR,
    NO_BYTECODE,
    ROUTES,
    render_import_profile,
    render_profile,
    render_table,
)
from bench.stats import summary
from bench.warm import measure_against_emulator, measure_first_calls, measure_replayed, run_child
from practice_local.cloud.template import REPO_ROOT
from practice_local.simulation.seed import BENCH_NEW_PHRASES

RESULTS_DIR = REPO_ROOT / "bench" / "results"


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--invokes", type=int, default=200, help="timed calls per warm figure (200)")
    parser.add_argument("--cold-runs", type=int, default=21, help="cold starts per variant (21)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed warm calls per route (20)")
    parser.add_argument("--cards", default="10,10000", help="card counts of the two learners (10,10000)")
    parser.add_argument("--build-dir", type=Path, help="reuse this host-platform `sam build` output")
    parser.add_argument("--imports", type=int, default=15, help="rows of the -X importtime profile (15)")
    parser.add_argument("--show-imports", action="store_true", help="print the import profile too")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="only profile each warm route of the largest learner (where its CPU goes), print that",
    )
    parser.add_argument(
        "--profile-stats",
        type=Path,
        help="with --profile: also write each route's cProfile stats here (python -m pstats FILE)",
    )
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument(
        "--reminders-due", type=int, default=1000, help="learners due in the sender's run (1000)"
    )
    parser.add_argument(
        "--reminders-not-due", type=int, default=100_000, help="learners in the index not due (100000)"
    )
    options = parser.parse_args()
    if options.cold_runs < 1 or options.invokes < 1 or options.warmup < 1:
        parser.error("--invokes, --cold-runs and --warmup must be positive")
    return options


def progress(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def commit() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, check=False)  # noqa: S603, S607
        return done.stdout.strip()

    dirty = git("status", "--porcelain", "--untracked-files=no")
    return git("rev-parse", "--short", "HEAD") + (" (+ uncommitted changes)" if dirty else "")


def cold_start(image: LambdaImage, work: Path, runs: int, top: int) -> tuple[dict[str, Any], list[Any]]:
    env = lambda_environment(work)
    bare = image.without_bytecode(work / "without-bytecode")
    variants = [
        ColdVariant(FLOOR, "floor", [str(image.runtime_dir)]),
        ColdVariant(BUILT, "handler", image.paths),
        ColdVariant(NO_BYTECODE, "handler", bare.paths),
        ColdVariant("empty_interpreter", "empty", []),
        *(
            ColdVariant(peer, f"module:{peer}", [str(peer_image(peer, work)), str(image.runtime_dir)])
            for peer in PEERS
        ),
    ]
    progress(f"cold starts: {runs} rounds of {', '.join(v.name for v in variants)}")
    results = measure_cold_starts(variants, env, runs)
    progress("import profile (-X importtime)")
    return results, import_profile(variants[1], env, top=top)


def warm(
    image: LambdaImage, work: Path, cards: list[int], *, invokes: int, warmup: int, cold_runs: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Per learner: requests, (a) and (b) timings of every route; and the first call of fresh processes."""
    recorded: dict[str, Any] = {}
    for count in cards:
        learner = f"learner with {count:,} cards and {count:,} sessions"
        progress(f"warm, DynamoDB = moto over HTTP: {learner}, {invokes} calls per route")
        recorded[str(count)] = measure_against_emulator(
            image, work, cards=count, most_cards=max(cards), invokes=invokes, warmup=warmup
        )
    progress(f"warm, DynamoDB replayed in-process: {invokes} calls per route and learner, interleaved")
    replayed = measure_replayed(image, work, recorded, invokes=invokes, warmup=warmup)
    progress(f"first call: {cold_runs} fresh processes, each making the first GET /daily (replayed)")
    first = measure_first_calls(image, work, recorded[str(cards[0])]["first_call"], runs=cold_runs)
    figures: dict[str, Any] = {}
    for learner, raw in recorded.items():
        figures[learner] = {
            "pack": raw["pack"],
            "pack_switched": raw["pack_switched"],
            "first_call_requests": raw["first_call"]["requests"],
            "rss_after_init_mib": raw["rss_after_init_mib"],
            "rss_after_daily_mib": raw["rss_after_daily_mib"],
            "peak_rss_mib": raw["peak_rss_mib"],
            "export_page": raw["export_page"],
            "deletion": {
                "requests": raw["deletion"]["requests"],
                "emulator_ms": summary(raw["deletion"]["emulator_ms"]),
            },
            "erasure": raw["erasure"],
        }
        for route in ROUTES:
            if "unavailable" in raw[route]:
                figures[learner][route] = raw[route]
                continue
            figures[learner][route] = {
                "requests": raw[route]["requests"],
                "emulator_ms": summary(raw[route]["emulator_ms"]),
                "in_process_ms": summary(replayed["in_process_ms"][f"{route}@{learner}"]),
            }
            if "phrases" in raw[route]:  # a phrasebook page's size
                figures[learner][route]["phrases"] = raw[route]["phrases"]
    course = {"cards": cards[0], "course_phrases": max(cards) + BENCH_NEW_PHRASES}
    return figures, course | {key: summary(values) for key, values in first.items()}


def profile_routes(
    image: LambdaImage, work: Path, cards: int, *, invokes: int, warmup: int, stats_dir: Path | None = None
) -> str:
    """Each route of a learner with `cards` cards, recorded against the emulator, then replayed
    under cProfile (warm_child.py's `profile` mode): a table of where its CPU goes."""
    progress(f"profile: recording every route of a learner with {cards:,} cards")
    recorded = measure_against_emulator(image, work, cards=cards, most_cards=cards, invokes=3, warmup=1)
    calls = {route: recorded[route] for route in ROUTES if "unavailable" not in recorded[route]}
    config = {"paths": image.paths, "warming": recorded["warming"], "calls": calls, "invokes": invokes,
              "warmup": warmup, "output": str(work / "profile.json"),
              "stats_dir": str(stats_dir.resolve()) if stats_dir else None}  # fmt: skip
    progress(f"profile: {invokes} replays per route under cProfile")
    profile = run_child("profile", config, work, lambda_environment(work))["profile"]
    return render_profile(profile, cards=cards, invokes=invokes)


def main() -> None:
    options = arguments()
    cards = [int(count) for count in options.cards.split(",")]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="practice-bench-") as scratch:
        work = Path(scratch)
        if options.build_dir:
            image = image_of(options.build_dir.resolve(), work)
        else:
            progress("sam build (host-platform layer) into a temporary directory")
            image = build_image(work)
        if options.profile:
            print(
                profile_routes(
                    image,
                    work,
                    max(cards),
                    invokes=options.invokes,
                    warmup=options.warmup,
                    stats_dir=options.profile_stats,
                )
            )
            return
        census = bytecode_census(image)
        cold, imports = cold_start(image, work, options.cold_runs, options.imports)
        figures, first_call = warm(
            image, work, cards, invokes=options.invokes, warmup=options.warmup, cold_runs=options.cold_runs
        )
    progress(
        f"reminder sender: {options.reminders_due:,} learners due, then with {options.reminders_not_due:,}"
        " more not due (moto in-process)"
    )
    reminders = measure_sender(options.reminders_due, options.reminders_not_due)
    results: dict[str, Any] = {
        "meta": {
            "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "commit": commit(),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "machine": platform.machine(),
            "invokes": options.invokes,
            "cold_runs": options.cold_runs,
            "warmup": options.warmup,
            "seconds": round(time.perf_counter() - started),
        },
        "bytecode": census.describe(),
        "cold_start": cold,
        "import_profile": imports,
        "warm": figures,
        "first_call": first_call,
        "reminders": reminders,
    }
    table = render_table(results) + "\n\n" + render_reminders(reminders)
    options.results_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    for name in (f"bench-{stamp}.json", "latest.json"):
        (options.results_dir / name).write_text(json.dumps(results | {"table": table}, indent=2) + "\n")
    (options.results_dir / "latest.md").write_text(table + "\n")
    print(table)
    if options.show_imports:
        print(f"\nTop {options.imports} imports by cumulative time (python -X importtime, built output):\n")
        print(render_import_profile(imports))
    progress(f"done in {results['meta']['seconds']} s; JSON: {options.results_dir / f'bench-{stamp}.json'}")


if __name__ == "__main__":
    main()
