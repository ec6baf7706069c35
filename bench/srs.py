"""`make bench-srs`: does fitting each learner's FSRS parameters pay? A measurement on simulated
learners, whose memory follows known FSRS-6 parameters (their ground truth).

Each learner (local/practice_local/simulation/learner.py) practises once a day for `--days` days
through the project's own code: the session service builds the daily pack and completes the
session (on the in-memory stores, local/practice_local/simulation/memory/, which keep DynamoDB's
conditions), and the
optimizer fits as in production, on the requests completions queue.

The ground truths are real: FSRS-6 parameters that srs-benchmark fitted to real Anki users
(bench/srs/real_parameters.json says which), clipped into the `fsrs` package's bounds. A control
group's ground truth is FSRS's defaults. At 75 % of the days the learner's parameters are fitted
once more (`make optimize` does the same), and both the defaults and the parameters then in use
predict every review after that: log loss and RMSE(bins) as srs-benchmark defines them (bins of
interval, review count and lapses; unweighted).
"""

import argparse
import contextlib
import json
import math
import os
import random
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from statistics import mean, median
from typing import Any

from bench import real_logs
from bench.scoring import NO_METRICS, Metrics, metrics
from bench.scoring import calibration_plot as plot_calibration
from optimizer.learner import optimize_learner, read_review_log
from optimizer.model import DEFAULTS, FitRules, TimedItem, clip, recall_probabilities, training_items
from practice.compose import build_api
from practice.courses.service import read_course_file
from practice.domain.fit_policy import FitPolicy
from practice.domain.learner_day import learner_day
from practice.domain.limits import MAX_PHRASES_PER_PACK
from practice.domain.workload import SpreadMode
from practice.dynamodb.codec import serialize_item, stored_size
from practice.dynamodb.items import session_item
from practice.runtime.settings import Settings
from practice_local.simulation.learner import START, Requests, SimClock, SimulatedLearner
from practice_local.simulation.memory import MemoryFitStore, MemoryTable, memory_stores
from practice_local.simulation.seed import BENCH_COURSE_ID, bench_course

ROOT = Path(__file__).resolve().parent.parent
# The workload's comparison (docs/workload.md): the same learners with review intervals spread
# three ways; days before WARM_UP_DAYS (while the first reviews pile up) are left out.
WORKLOAD_MODES = (
    ("fuzz and balancing off", SpreadMode.OFF, {}),
    ("fuzz and balancing on", SpreadMode.BALANCE, {}),
    ("on, with easy days", SpreadMode.BALANCE, {"saturday": "reduced", "sunday": "minimum"}),
)
WARM_UP_DAYS = 30
CLEARING_SESSIONS = 25  # packs a day at most: over 1,000 reviews, more than any learner here has
WORKLOAD_FIT_EVERY = 2000  # reviews between fits (production: 500): the fits are most of the time
GOAL_VOLATILITY_DROP, GOAL_TOTAL_CHANGE, GOAL_RETENTION_PP, GOAL_REDUCED_SHARE = 0.30, 0.05, 0.5, 0.60
REAL_PARAMETERS = Path(__file__).parent / "srs" / "real_parameters.json"
RESULTS = Path(__file__).parent / "results"
GOAL_SHARE, GOAL_RMSE_DROP, GOAL_MIN_REVIEWS = 0.90, 0.25, 1000


@dataclass
class LearnerResult:
    name: str
    control: bool
    reviews: int = 0
    held_out: int = 0
    adopted: bool = False
    fit_seconds: float = 0.0
    fit_peak_mib: float = 0.0
    log_bytes: int = 0  # the learner's session items, as stored: what a fit reads
    process_mib: float = 0.0  # resident before the fit
    default: Metrics = NO_METRICS
    fitted: Metrics = NO_METRICS
    # (predicted, recalled) pairs, for the calibration plot
    default_predictions: list[tuple[float, int]] = field(default_factory=list)
    fitted_predictions: list[tuple[float, int]] = field(default_factory=list)

    @property
    def improved(self) -> bool:
        return self.fitted.log_loss < self.default.log_loss


def in_memory_settings(**choices: Any) -> Settings:
    """The API's settings for a simulation on the in-memory stores, with `choices`: nothing
    below names a table or a queue."""
    return Settings(
        table_name="in-memory",
        idempotency_table_name="in-memory",
        erasure_queue_url="https://in-memory/erasures",
        cursor_key="bench-srs-" + "0" * 32,
        **choices,
    )


def simulate(
    name: str,
    truth: Sequence[float],
    *,
    control: bool,
    days: int,
    seed: int,
    sessions_per_day: int = 1,
    new_per_day: int | None = None,
) -> LearnerResult:
    table = MemoryTable()
    stores, fits = memory_stores(table), MemoryFitStore(table)
    base = read_course_file(ROOT / "content" / "courses" / "es-en.json")
    course = bench_course(base, (new_per_day or 12) * days + 100)
    stores.courses.put_course(course)
    settings = in_memory_settings(default_course_id=course.course_id)
    clock, queue = SimClock(), Requests()
    services = build_api(settings, stores, erasures=Requests(), fits=queue, clock=clock, pause=lambda _: None)
    if new_per_day is not None:  # a heavy learner: more new phrases, room for all their reviews
        services.profile.update_profile(name, {"daily_new_limit": new_per_day, "daily_review_limit": 1000})
    learner = SimulatedLearner(services.sessions, clock, name, truth, seed)
    rules, policy = FitRules(), settings.fit_policy
    result = LearnerResult(name, control)
    cut_day = int(days * 0.75)
    cut_at = START
    for day in range(days):
        if day == cut_day:
            cut_at = START + timedelta(days=day)
            _fit_at_cut(fits, name, cut_at, policy, result)
        learner.practise(day, sessions_per_day)
        if day < cut_day:  # the optimizer, as its queue feeds it (after the cut: the fit judged)
            for _ in queue.pending:
                optimize_learner(fits, name, now=clock.now, policy=policy, rules=rules)
        queue.pending.clear()
    _evaluate(fits, table, name, cut_at, result)
    return result


@dataclass(frozen=True)
class Workload:
    """One learner's days under one way of spreading: reviews of learned phrases per day (and
    of those, forgotten), and every review, learning steps included."""

    learned: list[int]
    forgotten: list[int]
    reviews: list[int]
    weekdays: list[int]

    @property
    def volatility(self) -> float:
        """Mean absolute change from one day to the next, over the mean (Anki's measure)."""
        changes = [abs(b - a) for a, b in zip(self.learned, self.learned[1:], strict=False)]
        return mean(changes) / mean(self.learned) if changes and mean(self.learned) else math.nan

    @property
    def retention(self) -> float:
        return 1 - sum(self.forgotten) / sum(self.learned) if sum(self.learned) else math.nan

    def share_on(self, weekday: int) -> float:
        """That weekday's average reviews of learned phrases, over an average day's."""
        on = [n for n, day in zip(self.learned, self.weekdays, strict=True) if day == weekday]
        return mean(on) / mean(self.learned) if on and mean(self.learned) else math.nan


def simulate_workload(
    name: str,
    truth: Sequence[float],
    *,
    spread: SpreadMode,
    easy_days: dict[str, str],
    days: int,
    seed: int,
    new_per_day: int = 10,
) -> Workload:
    """A learner who clears what is due each day (more packs while one serves reviews), with
    their parameters fitted as in production (the optimizer, on the requests completions queue)."""
    table = MemoryTable()
    stores, fits = memory_stores(table), MemoryFitStore(table)
    stores.courses.put_course(
        bench_course(read_course_file(ROOT / "content" / "courses" / "es-en.json"), (new_per_day + 2) * days)
    )
    settings = in_memory_settings(
        default_course_id=BENCH_COURSE_ID,
        review_spread=spread,
        fit_every_reviews=WORKLOAD_FIT_EVERY,
        max_learning_per_pack=MAX_PHRASES_PER_PACK // 2,  # the largest packs: fewer to clear a day
        max_reviews_per_pack=MAX_PHRASES_PER_PACK // 2,
    )
    clock, queue = SimClock(), Requests()
    services = build_api(settings, stores, erasures=Requests(), fits=queue, clock=clock, pause=lambda _: None)
    services.profile.update_profile(
        name, {"daily_new_limit": new_per_day, "daily_review_limit": 1000, "easy_days": easy_days}
    )
    learner = SimulatedLearner(services.sessions, clock, name, truth, seed)
    for day in range(days):
        learner.practise(day, until_done=CLEARING_SESSIONS)
        for _ in queue.pending:
            optimize_learner(fits, name, now=clock.now, policy=settings.fit_policy, rules=FitRules())
        queue.pending.clear()
    ledger = [
        table.days.get((name, (START + timedelta(days=day)).date())) for day in range(WARM_UP_DAYS, days)
    ]
    return Workload(
        learned=[d.learned_reviews if d else 0 for d in ledger],
        forgotten=[d.learned_again if d else 0 for d in ledger],
        reviews=[d.reviews if d else 0 for d in ledger],
        weekdays=[(START + timedelta(days=day)).weekday() for day in range(WARM_UP_DAYS, days)],
    )


def workload_report(runs: dict[str, dict[str, list[Workload]]], args: argparse.Namespace) -> list[str]:
    """`runs`: by group (real users' parameters, the control), by spreading mode, one Workload per
    learner. Goals over every learner of the comparison, rows per group."""
    every = {label: [w for group in runs.values() for w in group[label]] for label, _, _ in WORKLOAD_MODES}
    off, on, easy = (every[label] for label, _, _ in WORKLOAD_MODES)
    lines = [
        "",
        f"## Workload: {len(off)} learners, {args.days} days each, spread three ways",
        "",
        "The same learners as above (ground truths, answers), their parameters fitted as in production"
        f" (a fit each {WORKLOAD_FIT_EVERY:,} reviews), each clearing what is due every day (10 new"
        f" phrases a day); days {WARM_UP_DAYS}-{args.days - 1}. Reviews: of learned phrases (Review"
        " state); volatility: the mean absolute change from one day to the next over the mean; peak:"
        " the busiest day; retention: of learned phrases; share: that weekday's mean over all days'.",
        "",
        "| learners | spreading | volatility | peak day (median) | reviews of learned phrases"
        " | all reviews | retention | Saturday / Sunday share |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for group, by_mode in runs.items():
        for label, _, _ in WORKLOAD_MODES:
            rows = by_mode[label]
            if not rows:
                continue
            lines.append(
                f"| {group} ({len(rows)}) | {label} | {mean(w.volatility for w in rows):.3f} "
                f"| {median(max(w.learned) for w in rows):.0f} | {mean(sum(w.learned) for w in rows):,.0f} "
                f"| {mean(sum(w.reviews) for w in rows):,.0f} | {mean(w.retention for w in rows):.4f} "
                f"| {mean(w.share_on(5) for w in rows):.2f} / {mean(w.share_on(6) for w in rows):.2f} |"
            )
    volatility_drop = 1 - mean(w.volatility for w in on) / mean(w.volatility for w in off)
    total_change = mean(sum(w.reviews) for w in on) / mean(sum(w.reviews) for w in off) - 1
    retention_pp = 100 * (mean(w.retention for w in on) - mean(w.retention for w in off))
    reduced = mean(w.share_on(5) for w in easy)

    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    lines += [
        "",
        f"- Goal: volatility at least {GOAL_VOLATILITY_DROP:.0%} lower with balancing on: "
        f"{volatility_drop:.1%} lower: {verdict(volatility_drop >= GOAL_VOLATILITY_DROP)}.",
        f"- Goal: total reviews within {GOAL_TOTAL_CHANGE:.0%}: {total_change:+.1%}: "
        f"{verdict(abs(total_change) <= GOAL_TOTAL_CHANGE)}.",
        f"- Goal: retention within {GOAL_RETENTION_PP} percentage points: {retention_pp:+.2f} pp: "
        f"{verdict(abs(retention_pp) <= GOAL_RETENTION_PP)}.",
        f"- Goal: a reduced weekday (Saturday) carries at most {GOAL_REDUCED_SHARE:.0%} of an average day's "
        f"reviews: {reduced:.0%}: {verdict(reduced <= GOAL_REDUCED_SHARE)}.",
    ]
    return lines


def workload_runs(
    cohort: list[tuple[str, tuple[float, ...], bool]], args: argparse.Namespace
) -> dict[str, dict[str, list[Workload]]]:
    """Each learner of `cohort` three times (WORKLOAD_MODES), in parallel processes."""
    tasks = [
        (name, truth, control, label, spread, easy_days, args.seed + n)
        for n, (name, truth, control) in enumerate(cohort, start=1)
        for label, spread, easy_days in WORKLOAD_MODES
    ]
    groups = ("real users' parameters", "control")
    runs: dict[str, dict[str, list[Workload]]] = {
        g: {label: [] for label, _, _ in WORKLOAD_MODES} for g in groups
    }
    with ProcessPoolExecutor(max_workers=os.cpu_count()) as pool:
        futures = [
            pool.submit(
                simulate_workload, name, truth, spread=spread, easy_days=easy, days=args.days, seed=seed
            )
            for name, truth, _, _, spread, easy, seed in tasks
        ]
        for (name, _, control, label, *_), future in zip(tasks, futures, strict=True):
            workload = future.result()
            runs[groups[1] if control else groups[0]][label].append(workload)
            print(
                f"[workload] {name}, {label}: volatility {workload.volatility:.3f}",
                file=sys.stderr,
                flush=True,
            )
    return runs


def _fit_at_cut(
    fits: MemoryFitStore, name: str, now: datetime, policy: FitPolicy, result: LearnerResult
) -> None:
    """One more fit on everything so far, timed, with the peak memory it took (VmHWM counts what
    fsrs-rs allocates, which tracemalloc cannot see)."""
    baseline = _reset_peak_rss()
    started = time.perf_counter()
    outcome = optimize_learner(fits, name, now=now, policy=policy, rules=FitRules(), force=True)
    result.fit_seconds = time.perf_counter() - started
    result.fit_peak_mib = max(0.0, _peak_rss() - baseline) / 1024
    result.process_mib = baseline / 1024
    del outcome


def _evaluate(
    fits: MemoryFitStore, table: MemoryTable, name: str, cut_at: datetime, result: LearnerResult
) -> None:
    profile = fits.get_profile(name)
    assert profile is not None
    in_use = profile.fsrs_parameters or DEFAULTS
    result.adopted = profile.fsrs is not None
    reviews = read_review_log(fits, name)
    result.reviews = len(reviews)
    result.log_bytes = sum(
        stored_size(serialize_item(session_item(session)))
        for (uid, _), session in table.sessions.items()
        if uid == name
    )
    zone, hour = profile.zone, profile.day_start_hour
    items = training_items(reviews, lambda at: learner_day(at, zone, hour))
    later = [item for item in items if item.at >= cut_at]
    result.held_out = len(later)
    result.default, result.default_predictions = evaluate(DEFAULTS, later)
    result.fitted, result.fitted_predictions = evaluate(in_use, later)


def evaluate(
    parameters: Sequence[float], items: Sequence[TimedItem]
) -> tuple[Metrics, list[tuple[float, int]]]:
    """Log loss and RMSE(bins) of `parameters` predicting each item's last review, as srs-benchmark
    computes them, with the (predicted, recalled) pairs."""
    predictions = recall_probabilities(parameters, items)
    return metrics(items, predictions), [
        (p, item.recalled) for p, item in zip(predictions, items, strict=True)
    ]


def _peak_rss() -> int:
    """The process's peak resident memory since the last reset, in KiB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def _reset_peak_rss() -> int:
    """Reset the peak to the current resident memory (Linux: clear_refs 5); that, in KiB."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")
    return _peak_rss()


def ground_truths(count: int, seed: int) -> list[tuple[str, tuple[float, ...]]]:
    users = json.loads(REAL_PARAMETERS.read_text())["users"]
    chosen = random.Random(seed).sample(  # noqa: S311
        sorted(users, key=int), min(count, len(users))
    )
    return [(f"user-{user}", clip(users[user])) for user in chosen]


def report(
    results: list[LearnerResult], args: argparse.Namespace, seconds: float, heavy: LearnerResult | None
) -> str:
    lines = [
        f"# bench-srs: {len(results)} simulated learners, {args.days} days each, seed {args.seed}",
        "",
        "Per learner: log loss and RMSE(bins) on the reviews after the fit at 75 % of the days,",
        "with FSRS's default parameters and with the learner's parameters then in use (fitted and",
        "adopted, or the defaults when the adoption rule kept them).",
        "",
        "| group | learners | with >= 1,000 reviews | reviews (median) | held-out reviews (median) "
        "| log loss default -> fitted | RMSE(bins) default -> fitted | improved | adopted |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    verdicts: list[str] = []
    for label, group in (("real users' parameters", False), ("control: the defaults", True)):
        members = [r for r in results if r.control is group]
        if not members:
            continue
        big = [r for r in members if r.reviews >= GOAL_MIN_REVIEWS]
        scored = big or members
        ll_d, ll_f = mean(r.default.log_loss for r in scored), mean(r.fitted.log_loss for r in scored)
        rm_d, rm_f = mean(r.default.rmse_bins for r in scored), mean(r.fitted.rmse_bins for r in scored)
        improved = sum(r.improved for r in scored) / len(scored)
        lines.append(
            f"| {label} | {len(members)} | {len(big)} | {median(r.reviews for r in members):,.0f} "
            f"| {median(r.held_out for r in members):,.0f} | {ll_d:.4f} -> {ll_f:.4f} "
            f"| {rm_d:.4f} -> {rm_f:.4f} ({(rm_f - rm_d) / rm_d:+.0%}) | {improved:.0%} "
            f"| {sum(r.adopted for r in members)}/{len(members)} |"
        )
        if not group:
            drop = (rm_d - rm_f) / rm_d
            verdicts.append(
                f"- Goal, learners with >= 1,000 reviews: fitted beats default for {improved:.0%} "
                f"(goal >= {GOAL_SHARE:.0%}): {'met' if improved >= GOAL_SHARE else 'NOT met'}; "
                f"RMSE(bins) drops {drop:.0%} (goal >= {GOAL_RMSE_DROP:.0%}): "
                f"{'met' if drop >= GOAL_RMSE_DROP else 'NOT met'}."
            )
        else:
            worse = sum(r.fitted.log_loss > r.default.log_loss + 1e-9 for r in scored)
            verdicts.append(
                f"- Control: mean log loss {ll_d:.4f} with the defaults, {ll_f:.4f} with fitting "
                f"({'no worse: met' if ll_f <= ll_d + 1e-9 else 'WORSE: NOT met'}); "
                f"{worse} of {len(scored)} learners worse."
            )
    fits = [r for r in results if r.fit_seconds]
    lines += [
        "",
        *verdicts,
        f"- The fit at the cut (reading the log, building items, fitting, judging): median "
        f"{median(r.fit_seconds for r in fits):.2f} s, max {max(r.fit_seconds for r in fits):.2f} s; "
        f"peak memory above the process's, median {median(r.fit_peak_mib for r in fits):.0f} MiB, "
        f"max {max(r.fit_peak_mib for r in fits):.0f} MiB (reviews: median "
        f"{median(r.reviews for r in fits):,.0f}).",
        f"- Whole run: {seconds:.0f} s on this machine ({os.cpu_count()} cores).",
    ]
    if heavy is not None:
        pages = math.ceil(heavy.log_bytes / 2**20)
        lines.insert(
            -1,
            f"- A heavy learner ({heavy.reviews:,} reviews: 50 new phrases and 4 sessions a day for "
            f"{args.heavy_days} days), fitted at {int(args.heavy_days * 0.75)} days: "
            f"{heavy.fit_seconds:.2f} s, resident memory {heavy.process_mib:.0f} MiB before and at most "
            f"{heavy.fit_peak_mib:.0f} MiB more during the fit; their log is "
            f"{heavy.log_bytes / 2**20:.1f} MiB of session items at the end, {pages} query pages of 1 MB "
            f"(about {pages * 128} read units, eventually consistent).",
        )
    return "\n".join(lines) + "\n"


def calibration_plot(results: list[LearnerResult], path: Path) -> None:
    """Calibration on the held-out reviews of the main group's learners: default vs fitted."""
    main_group = [r for r in results if not r.control]
    series = {
        "default parameters": [pair for r in main_group for pair in r.default_predictions],
        "fitted": [pair for r in main_group for pair in r.fitted_predictions],
    }
    plot_calibration(series, "Calibration on held-out reviews (simulated learners)", path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make bench-srs", description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=50, help="learners with real users' parameters")
    parser.add_argument("--control", type=int, default=10, help="learners whose ground truth is the defaults")
    parser.add_argument("--days", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--heavy-days", type=int, default=250, help="days of the heavy learner (0: none)")
    parser.add_argument("--results-dir", type=Path, default=RESULTS)
    parser.add_argument(
        "--workload-learners", type=int, default=6, help="of those, in the workload's comparison"
    )
    parser.add_argument("--workload-control", type=int, default=4, help="of the control, in the comparison")
    real = parser.add_argument_group("real learners (bench/real_logs.py): instead of the simulation")
    real.add_argument(
        "--real-logs", type=Path, help="a review-log CSV, or a directory of them (one per learner)"
    )
    real.add_argument("--zone", default="UTC", help="the learners' time zone (the logs name none)")
    real.add_argument("--day-start-hour", type=int, default=4, help="when their learner day starts (Anki: 4)")
    real.add_argument("--splits", type=int, default=5, help="time-ordered parts predicted per learner")
    args = parser.parse_args(argv)
    if args.real_logs is not None:
        return real_logs.run(args)
    started = time.perf_counter()
    cohort = [(name, truth, False) for name, truth in ground_truths(args.learners, args.seed)]
    cohort += [(f"control-{n + 1}", DEFAULTS, True) for n in range(args.control)]
    results = []
    for n, (name, truth, control) in enumerate(cohort, start=1):
        result = simulate(name, truth, control=control, days=args.days, seed=args.seed + n)
        results.append(result)
        print(
            f"[{n}/{len(cohort)}] {name}: {result.reviews} reviews, log loss {result.default.log_loss:.4f} "
            f"-> {result.fitted.log_loss:.4f}, RMSE(bins) {result.default.rmse_bins:.4f} -> "
            f"{result.fitted.rmse_bins:.4f}, {'adopted' if result.adopted else 'kept the defaults'}, "
            f"fit {result.fit_seconds:.2f} s ({time.perf_counter() - started:.0f} s)",
            file=sys.stderr,
            flush=True,
        )
    heavy = None
    if args.heavy_days:
        heavy = simulate(
            "heavy",
            DEFAULTS,
            control=True,
            days=args.heavy_days,
            seed=args.seed,
            sessions_per_day=4,
            new_per_day=50,
        )
        print(f"heavy learner: {heavy.reviews} reviews, fit {heavy.fit_seconds:.2f} s", file=sys.stderr)
    comparison = [member for member in cohort if not member[2]][: args.workload_learners]
    comparison += [member for member in cohort if member[2]][: args.workload_control]
    runs = workload_runs(comparison, args) if comparison else {}
    text = report(results, args, time.perf_counter() - started, heavy)
    if comparison:
        text += "\n".join(workload_report(runs, args)) + "\n"
    args.results_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (args.results_dir / f"srs-{stamp}.md").write_text(text)
    (args.results_dir / "srs-latest.md").write_text(text)
    rows = [
        {k: v for k, v in vars(r).items() if not k.endswith("_predictions")}
        | {"default": vars(r.default), "fitted": vars(r.fitted)}
        for r in results
    ]
    (args.results_dir / f"srs-{stamp}.json").write_text(json.dumps(rows, indent=1, default=str))
    calibration_plot(results, args.results_dir / "srs-calibration.png")
    print(text)
    print(f"written to {args.results_dir}/srs-{stamp}.md, .json and srs-calibration.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
