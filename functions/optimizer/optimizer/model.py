"""Fitting a learner's FSRS-6 parameters with fsrs-rs, and the adoption rule.

A training item is one card's reviews up to a review on a later day than the one before (what
FSRS predicts: the chance of recall after `delta_t` days); reviews on the same learner day are
history, not targets, as in srs-benchmark. Items are ordered by the time of their last review and
split by time: the fit learns from the earlier ones, and the parameters in use and the fit are
judged on the later ones (held out). The fit is adopted only when it predicts those better."""

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


Step = tuple[int, int]  # (rating 1-4, days since the card's previous review; 0 for its first)


@dataclass(frozen=True, slots=True)
class TimedItem:
    """A card's reviews up to one on a later learner day: the last one is what is predicted."""

    at: datetime  # when the last review happened
    steps: tuple[Step, ...]

    def fsrs_item(self) -> FSRSItem:
        return FSRSItem([FSRSReview(rating, delta) for rating, delta in self.steps])


@dataclass(frozen=True, slots=True)
class FitRules:
    held_out_share: float = 0.2  # the latest items, by time, that judge the fit
    min_train_items: int = 200  # fewer: keep the parameters in use, no fit
    min_held_out_items: int = 50


@dataclass(frozen=True, slots=True)
class Judgement:
    candidate: tuple[float, ...]  # fitted on the earlier items
    log_loss_before: float  # on the held-out items, with the parameters in use
    log_loss_after: float  # with the candidate
    train_items: int
    held_out_items: int

    @property
    def adopted(self) -> bool:
        """The adoption rule: a fit must predict the learner's held-out reviews better."""
        return self.log_loss_after < self.log_loss_before


def training_items(reviews: Iterable[LoggedReview], day_of: Callable[[datetime], date]) -> list[TimedItem]:
    """The learner's training items in time order; `day_of` gives a review's learner day."""
    by_card: dict[tuple[str, str], list[LoggedReview]] = defaultdict(list)
    for review in reviews:
        by_card[review.card].append(review)
    items: list[TimedItem] = []
    for history in by_card.values():
        history.sort(key=lambda review: review.reviewed_at)
        days = [day_of(review.reviewed_at) for review in history]
        deltas = [0, *((later - earlier).days for earlier, later in pairwise(days))]
        steps = [(review.rating, delta) for review, delta in zip(history, deltas, strict=True)]
        items += [
            TimedItem(history[i].reviewed_at, tuple(steps[: i + 1]))
            for i in range(1, len(history))
            if deltas[i] > 0
        ]
    items.sort(key=lambda timed: timed.at)
    return items


def judge(items: Sequence[TimedItem], in_use: Sequence[float], rules: FitRules) -> Judgement | None:
    """Fit on the earlier items and judge against `in_use` on the later ones; None when there
    are too few items to do either."""
    cut = int(len(items) * (1 - rules.held_out_share))
    train, held_out = [t.fsrs_item() for t in items[:cut]], [t.fsrs_item() for t in items[cut:]]
    if len(train) < rules.min_train_items or len(held_out) < rules.min_held_out_items:
        return None
    try:
        candidate = clip(FSRS(DEFAULT_PARAMETERS).compute_parameters(train))
    except ValueError:  # fsrs-rs refuses data it cannot fit (InvalidInput): nothing to adopt
        candidate = tuple(in_use)
    return Judgement(
        candidate=candidate,
        log_loss_before=log_loss(in_use, held_out),
        log_loss_after=log_loss(candidate, held_out),
        train_items=len(train),
        held_out_items=len(held_out),
    )


def log_loss(parameters: Sequence[float], items: Sequence[FSRSItem]) -> float:
    """fsrs-rs's log loss of `parameters` on `items` (weighted toward the latest, as Anki's
    evaluation is); infinite where a prediction is certain and wrong."""
    try:
        return float(FSRS(list(parameters)).evaluate(list(items)).log_loss)
    except ValueError:
        return math.inf


def clip(parameters: Sequence[float]) -> tuple[float, ...]:
    """Into the bounds the `fsrs` package's Scheduler accepts (fsrs-rs's are near the same)."""
    return tuple(
        round(min(max(value, low), high), 6)
        for value, low, high in zip(parameters, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True)
    )
