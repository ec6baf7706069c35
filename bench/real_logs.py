"""`make bench-srs SRS_ARGS="--real-logs DIR"`: FSRS on real learners' review logs, three ways side
by side, scored as srs-benchmark scores them (docs/scheduling.md).

Each learner is one CSV file (`card_id`, `review_rating` 1-4, `review_time` ISO 8601 or epoch
milliseconds, `review_duration` ms); its reviews become this project's review events
(`LoggedReview`), each counted in its learner day (`--zone`, `--day-start-hour`: the log has none;
UTC and Anki's 04:00 unless told).

The learner's scored reviews (a card's reviews after its first, on a later learner day than the
one before: what FSRS predicts) are cut in time order into `--splits` + 1 equal parts, as
srs-benchmark's time-series split does. For each part after the first, every model learns from
the reviews before it and predicts it; the metrics are over every part predicted:
- **defaults**: FSRS-6's default parameters, never fitted;
- **ours**: the optimizer's `fit_reviews`, the code the deployed function runs (item building,
  fit, adoption rule), judged against the parameters it chose at the part before (as deployed:
  the parameters in use);
- **reference**: fsrs-rs fitted on the same reviews with its own recommended item building
  (fsrs-rs-python's train_csv example: card by card, in the log's order).
"""

import argparse
import csv
import json
import os
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from statistics import mean
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fsrs_rs_python import DEFAULT_PARAMETERS, FSRS, FSRSItem, FSRSReview

from bench.scoring import Metrics, metrics
from bench.scoring import calibration_plot as plot_calibration
from optimizer.model import DEFAULTS, FitRules, TimedItem, fit_reviews, recall_probabilities, training_items
from practice.domain.learner_day import learner_day
from practice.fitting.store import LoggedReview

MODELS = ("defaults", "ours", "reference")
COLUMNS = ("card_id", "review_rating", "review_time")
MANUAL = 0  # Anki logs a manual reschedule with rating 0: not a review
GOAL_MIN_REVIEWS = 1000
GOAL_WEIGHTED_MARGIN, GOAL_WORST_LOSS, GOAL_SHARE_BETTER = 0.003, 0.005, 0.85
LOGS_IN_REPO = Path(__file__).parent / "srs" / "real_logs"


class LogError(ValueError):
    """A review log this bench cannot read: which file, which line, why."""


@dataclass
class LearnerRun:
    name: str
    reviews: int
    scored: int = 0
    parts_adopted: int = 0  # of the parts predicted, those where ours used parameters of its own
    judged: bool = False  # ours judged a fit on everything before the last part
    metrics: dict[str, Metrics] = field(default_factory=dict)
    predictions: dict[str, list[tuple[float, int]]] = field(default_factory=dict)

    @property
    def counts(self) -> bool:
        return self.reviews >= GOAL_MIN_REVIEWS


def read_log(path: Path, zone: ZoneInfo, day_start_hour: int) -> list[LoggedReview]:
    """A learner's review log as review events in time order, each in its learner day."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if missing := [column for column in COLUMNS if column not in (reader.fieldnames or ())]:
            raise LogError(f"{path.name}: no column {', '.join(missing)} (needs {', '.join(COLUMNS)})")
        reviews = []
        for line, row in enumerate(reader, start=2):
            try:
                rating = int(row["review_rating"])
                at = review_time(row["review_time"])
            except (TypeError, ValueError) as error:
                raise LogError(f"{path.name}, line {line}: {error}") from None
            if rating == MANUAL:
                continue
            if not 1 <= rating <= 4:
                raise LogError(f"{path.name}, line {line}: review_rating {rating} is not 1-4")
            day = learner_day(at, zone, day_start_hour)
            reviews.append(LoggedReview(("log", row["card_id"]), at, rating, day))
    reviews.sort(key=lambda review: review.reviewed_at)
    return reviews


def review_time(text: str) -> datetime:
    """ISO 8601 (UTC when it names no offset) or epoch milliseconds."""
    text = text.strip()
    if text.isdigit():
        return datetime.fromtimestamp(int(text) / 1000, UTC)
    at = datetime.fromisoformat(text)
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def time_series_parts(items: Sequence[TimedItem], splits: int) -> list[Sequence[TimedItem]]:
    """`items` (in time order) cut as sklearn's TimeSeriesSplit cuts them: `splits` parts of
    equal size at the end, the first part (never predicted) taking the rest."""
    size = len(items) // (splits + 1)
    if size == 0:
        return [items]
    first = len(items) - splits * size
    return [items[:first], *(items[start : start + size] for start in range(first, len(items), size))]


def reference_parameters(reviews: Sequence[LoggedReview]) -> Sequence[float]:
    """fsrs-rs fitted as its Python binding's example fits a CSV log: items built card by card in
    the log's order, each review on a later day than the one before ending an item."""
    by_card: dict[tuple[str, str], list[LoggedReview]] = {}
    for review in reviews:
        by_card.setdefault(review.card, []).append(review)
    items = []
    for history in by_card.values():
        steps = []
        for earlier, review in zip([history[0], *history], history, strict=False):
            delta = ((review.day or date.min) - (earlier.day or date.min)).days
            steps.append(FSRSReview(review.rating, delta))
            if delta > 0:
                items.append(FSRSItem(steps[:]))
    items = [item for item in items if item.long_term_review_cnt() > 0]
    try:
        return FSRS([]).compute_parameters(items)
    except ValueError:  # too little to fit: fsrs-rs's own answer would be its defaults
        return DEFAULT_PARAMETERS


def run_learner(name: str, reviews: list[LoggedReview], splits: int, rules: FitRules) -> LearnerRun:
    run = LearnerRun(name, len(reviews))
    items = training_items(reviews, _no_day)
    parts = time_series_parts(items, splits)
    in_use = DEFAULTS
    predicted: dict[str, list[float]] = {model: [] for model in MODELS}
    scored: list[TimedItem] = []
    for part in parts[1:]:
        before = [review for review in reviews if review.reviewed_at < part[0].at]
        judgement = fit_reviews(before, _no_day, in_use, rules)
        if judgement is not None:
            in_use = judgement.parameters
        run.judged = judgement is not None
        run.parts_adopted += in_use != DEFAULTS
        chosen = {"defaults": DEFAULTS, "ours": in_use, "reference": reference_parameters(before)}
        for model, parameters in chosen.items():
            predicted[model] += recall_probabilities(parameters, part)
        scored += part
    run.scored = len(scored)
    for model in MODELS:
        run.metrics[model] = metrics(scored, predicted[model])
        run.predictions[model] = [
            (p, item.recalled) for p, item in zip(predicted[model], scored, strict=True)
        ]
    return run


def _no_day(at: datetime) -> date:
    raise AssertionError(f"a review read from a log has its learner day ({at})")


def _read_and_run(path: Path, zone: str, day_start_hour: int, splits: int) -> LearnerRun:
    reviews = read_log(path, ZoneInfo(zone), day_start_hour)
    return run_learner(path.stem, reviews, splits, FitRules())


def log_files(source: Path) -> list[Path]:
    if source.is_file():
        return [source]
    if not source.is_dir():
        raise LogError(f"{source}: no such file or directory")
    files = sorted(source.glob("*.csv"))
    if not files:
        raise LogError(f"{source}: no .csv review logs in it")
    return files


def report(runs: list[LearnerRun], args: argparse.Namespace, seconds: float) -> str:
    judged_runs = [run for run in runs if run.counts]
    lines = [
        f"# bench-srs on real review logs: {len(runs)} learners ({len(judged_runs)} with >= "
        f"{GOAL_MIN_REVIEWS:,} reviews), {args.splits} time-ordered parts predicted each",
        "",
        f"Days: {args.zone}, day start {args.day_start_hour:02d}:00. Log loss / RMSE(bins) on every "
        "review predicted (a card's reviews after its first, on a later learner day); ours adopted: "
        "the parts ours predicted with parameters of its own.",
        "",
        "| learner | reviews | predicted | defaults | ours | reference | ours adopted |",
        "|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        cells = " | ".join(f"{run.metrics[m].log_loss:.4f} / {run.metrics[m].rmse_bins:.4f}" for m in MODELS)
        lines.append(
            f"| {run.name} | {run.reviews:,} | {run.scored:,} | {cells} | {run.parts_adopted}/{args.splits}"
            f"{'' if run.judged else ' (not judged)'} |"
        )
    if not judged_runs:
        return (
            "\n".join([*lines, "", f"- No learner has {GOAL_MIN_REVIEWS:,} reviews: no goal judged."]) + "\n"
        )
    unweighted = {m: mean(run.metrics[m].log_loss for run in judged_runs) for m in MODELS}
    total = sum(run.scored for run in judged_runs)
    weighted = {m: sum(run.metrics[m].log_loss * run.scored for run in judged_runs) / total for m in MODELS}
    rmse = {m: mean(run.metrics[m].rmse_bins for run in judged_runs) for m in MODELS}
    for label, values in (
        ("mean, unweighted", unweighted),
        ("mean, weighted by reviews predicted", weighted),
    ):
        lines.append(
            f"| **{label}** | | {total:,} | " + " | ".join(f"{values[m]:.4f}" for m in MODELS) + " | |"
        )
    lines.append(
        "| **RMSE(bins), unweighted mean** | | | " + " | ".join(f"{rmse[m]:.4f}" for m in MODELS) + " | |"
    )
    worst = max(run.metrics["ours"].log_loss - run.metrics["defaults"].log_loss for run in judged_runs)
    better = sum(run.metrics["ours"].log_loss < run.metrics["defaults"].log_loss for run in judged_runs)
    unjudged = [run.name for run in judged_runs if not run.judged]

    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    margin = weighted["reference"] - weighted["ours"]
    lines += [
        "",
        f"Goals, over the {len(judged_runs)} learners with >= {GOAL_MIN_REVIEWS:,} reviews:",
        f"- Goal 1, weighted by reviews predicted, ours at least {GOAL_WEIGHTED_MARGIN} below the reference: "
        f"{weighted['ours']:.4f} vs {weighted['reference']:.4f} ({margin:+.4f}): "
        f"{verdict(margin >= GOAL_WEIGHTED_MARGIN)}",
        f"- Goal 2, unweighted, ours below the defaults and the reference: {unweighted['ours']:.4f} vs "
        f"{unweighted['defaults']:.4f} and {unweighted['reference']:.4f}: "
        f"{verdict(unweighted['ours'] < min(unweighted['defaults'], unweighted['reference']))}",
        f"- Goal 3, no learner worse than the defaults by more than {GOAL_WORST_LOSS}: the worst "
        f"{worst:+.4f}: {verdict(worst <= GOAL_WORST_LOSS)}",
        f"- Goal 4, better than the defaults for at least {GOAL_SHARE_BETTER:.0%} of learners, every one "
        f"judged: {better} of {len(judged_runs)} ({better / len(judged_runs):.0%}), "
        f"{'all judged' if not unjudged else 'not judged: ' + ', '.join(unjudged)}: "
        f"{verdict(better / len(judged_runs) >= GOAL_SHARE_BETTER and not unjudged)}",
        f"- Whole run: {seconds:.1f} s on this machine ({os.cpu_count()} cores).",
    ]
    return "\n".join(lines) + "\n"


def calibration_plot(runs: list[LearnerRun], path: Path) -> None:
    """Calibration on every review predicted, pooled over the learners: ours vs the defaults."""
    series = {
        model: [pair for run in runs for pair in run.predictions[model]] for model in ("defaults", "ours")
    }
    plot_calibration(series, "Calibration on real learners' later reviews", path)


def run(args: argparse.Namespace) -> int:
    """The real-log evaluation from `make bench-srs`'s arguments; 2 on a log it cannot read."""
    try:
        ZoneInfo(args.zone)
        files = log_files(args.real_logs)
    except (LogError, ZoneInfoNotFoundError, ValueError) as error:
        print(f"bench-srs: {error}", file=sys.stderr)
        return 2
    if not 0 <= args.day_start_hour <= 23 or args.splits < 1:
        print("bench-srs: --day-start-hour is 0-23 and --splits at least 1", file=sys.stderr)
        return 2
    started = time.perf_counter()
    workers = min(len(files), os.cpu_count() or 1)
    try:
        if workers == 1:
            runs = [_read_and_run(path, args.zone, args.day_start_hour, args.splits) for path in files]
        else:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                futures = [
                    pool.submit(_read_and_run, path, args.zone, args.day_start_hour, args.splits)
                    for path in files
                ]
                runs = [future.result() for future in futures]
    except LogError as error:
        print(f"bench-srs: {error}", file=sys.stderr)
        return 2
    text = report(runs, args, time.perf_counter() - started)
    args.results_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    for name in (f"srs-real-{stamp}.md", "srs-real-latest.md"):
        (args.results_dir / name).write_text(text)
    rows = [{k: v for k, v in vars(r).items() if k != "predictions"} for r in runs]
    (args.results_dir / f"srs-real-{stamp}.json").write_text(json.dumps(rows, indent=1, default=vars))
    calibration_plot(runs, args.results_dir / "srs-real-calibration.png")
    print(text)
    print(f"written to {args.results_dir}/srs-real-{stamp}.md, .json and srs-real-calibration.png")
    return 0
