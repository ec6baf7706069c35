"""Fitting a learner's FSRS-6 parameters with fsrs-rs, and the adoption rule.

A training item is one card's reviews up to a review on a later day than the one before (what
FSRS predicts: the chance of recall after `delta_t` days); reviews on the same learner day are
history, not targets, as in srs-benchmark. Items are ordered by the time of their last review and
split by time: a candidate fitted on the earlier ones is judged against the parameters in use on
the later ones (held out), each review counted once (plain log loss), and adopted only when it
predicts them better: the parameters adopted are the ones judged (docs/scheduling.md: the numbers
behind each choice, on a real learner's log)."""

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import pairwise

from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS
from fsrs_rs_python import DEFAULT_PARAMETERS, FSRS, FSRSItem, FSRSReview

from practice.fitting.store import LoggedReview

DEFAULTS: tuple[float, ...] = tuple(DEFAULT_PARAMETERS)
# srs-benchmark's bounds on a prediction: a certain and wrong one costs log(1e4), not infinity
P_MIN, P_MAX = 1e-4, 1 - 1e-4


Step = tuple[int, int]  # (rating 1-4, days since the card's previous review; 0 for its first)


@dataclass(frozen=True, slots=True)
class TimedItem:
    """A card's reviews up to one on a later learner day: the last one is what is predicted."""

    at: datetime  # when the last review happened
    steps: tuple[Step, ...]

    def fsrs_item(self) -> FSRSItem:
        return FSRSItem([FSRSReview(rating, delta) for rating, delta in self.steps])

    def history(self) -> FSRSItem:
        """The reviews before the predicted one."""
        return FSRSItem([FSRSReview(rating, delta) for rating, delta in self.steps[:-1]])

    @property
    def recalled(self) -> int:
        return int(self.steps[-1][0] > 1)


@dataclass(frozen=True, slots=True)
class FitRules:
    held_out_share: float = 0.2  # the latest items, by time, that judge the fit
    # Fewer reviews in the log, or fewer held-out items to judge by: keep the parameters in use.
    # Reviews, not items: a learner whose reviews fall mostly on a card's first day has few items.
    min_reviews: int = 400
    min_held_out_items: int = 8


@dataclass(frozen=True, slots=True)
class Judgement:
    candidate: tuple[float, ...]  # fitted on the earlier items
    log_loss_before: float  # on the held-out items, with the parameters in use
    log_loss_after: float  # with the candidate
    train_items: int
    held_out_items: int
    in_use: tuple[float, ...]

    @property
    def adopted(self) -> bool:
        """The adoption rule: a fit must predict the learner's held-out reviews better."""
        return self.log_loss_after < self.log_loss_before

    @property
    def parameters(self) -> tuple[float, ...]:
        """What the learner schedules with from now on."""
        return self.candidate if self.adopted else self.in_use


def training_items(reviews: Iterable[LoggedReview], day_of: Callable[[datetime], date]) -> list[TimedItem]:
    """The learner's training items in time order. A review's learner day is the one it was
    counted in when it happened (`LoggedReview.day`); `day_of` gives it for reviews logged
    without one."""
    by_card: dict[tuple[str, str], list[LoggedReview]] = defaultdict(list)
    for review in reviews:
        by_card[review.card].append(review)
    items: list[TimedItem] = []
    for history in by_card.values():
        history.sort(key=lambda review: review.reviewed_at)
        days = [review.day or day_of(review.reviewed_at) for review in history]
        deltas = [0, *((later - earlier).days for earlier, later in pairwise(days))]
        steps = [(review.rating, delta) for review, delta in zip(history, deltas, strict=True)]
        items += [
            TimedItem(history[i].reviewed_at, tuple(steps[: i + 1]))
            for i in range(1, len(history))
            if deltas[i] > 0
        ]
    items.sort(key=lambda timed: timed.at)
    return items


def fit_reviews(
    reviews: Sequence[LoggedReview],
    day_of: Callable[[datetime], date],
    in_use: Sequence[float],
    rules: FitRules,
) -> Judgement | None:
    """What the optimizer makes of a learner's review log, against the parameters `in_use`: None
    when it is too small to judge."""
    if len(reviews) < rules.min_reviews:
        return None
    return judge(training_items(reviews, day_of), in_use, rules)


def judge(items: Sequence[TimedItem], in_use: Sequence[float], rules: FitRules) -> Judgement | None:
    """Fit on the earlier items and judge against `in_use` on the later ones; None when too few
    are held out to judge by. (`in_use` was fitted before these held-out items were reviewed, so
    both sides are judged out of sample.)"""
    cut = int(len(items) * (1 - rules.held_out_share))
    train, held_out = items[:cut], items[cut:]
    if not train or len(held_out) < rules.min_held_out_items:
        return None
    candidate = fit(train, tuple(in_use))
    return Judgement(
        candidate=candidate,
        log_loss_before=log_loss(in_use, held_out),
        log_loss_after=log_loss(candidate, held_out),
        train_items=len(train),
        held_out_items=len(held_out),
        in_use=tuple(in_use),
    )


def fit(items: Sequence[TimedItem], fallback: tuple[float, ...]) -> tuple[float, ...]:
    """fsrs-rs's fit on `items` (in time order: its recency weighting favours the later ones);
    `fallback` where fsrs-rs refuses the data (InvalidInput)."""
    try:
        return clip(FSRS(DEFAULT_PARAMETERS).compute_parameters([item.fsrs_item() for item in items]))
    except ValueError:
        return fallback


def recall_probabilities(parameters: Sequence[float], items: Sequence[TimedItem]) -> list[float]:
    """The chance of recalling each item's last review that `parameters` predict: FSRS-6's
    forgetting curve at the item's interval, from the memory state after its history."""
    if not items:
        return []
    states = FSRS(list(parameters)).memory_state_batch([item.history() for item in items])
    decay = parameters[20]
    factor = 0.9 ** (-1 / decay) - 1
    return [
        min(max((1 + factor * item.steps[-1][1] / state.stability) ** -decay, P_MIN), P_MAX)
        for item, state in zip(items, states, strict=True)
    ]


def log_loss(parameters: Sequence[float], items: Sequence[TimedItem]) -> float:
    """Mean log loss of `parameters` on `items`, each review counted once (srs-benchmark's)."""
    if not items:
        return math.nan
    predictions = recall_probabilities(parameters, items)
    return -sum(
        math.log(p) if item.recalled else math.log(1 - p) for p, item in zip(predictions, items, strict=True)
    ) / len(items)


def clip(parameters: Sequence[float]) -> tuple[float, ...]:
    """Into the bounds the `fsrs` package's Scheduler accepts (fsrs-rs's are near the same)."""
    return tuple(
        round(min(max(value, low), high), 6)
        for value, low, high in zip(parameters, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True)
    )
