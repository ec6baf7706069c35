"""Spaced repetition with FSRS-6 (the `fsrs` package).

The package's own fuzz is off: it draws from the process-wide `random`, and a retried completion
must write the same due times. A review card's interval is spread by domain/workload.py instead
(deterministic fuzz, load balancing, easy days), through the `Spread` a completion passes.
"""

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Protocol

from fsrs import Card, Rating, Scheduler, State

from practice.domain.learner import CardState, DueCard
from practice.domain.learner import Rating as ApiRating

SCHEDULER = Scheduler(enable_fuzzing=False)  # the default desired retention, 0.90
_FSRS_RATING = {
    ApiRating.AGAIN: Rating.Again,
    ApiRating.HARD: Rating.Hard,
    ApiRating.GOOD: Rating.Good,
    ApiRating.EASY: Rating.Easy,
}


DAY = timedelta(days=1)


class Spread(Protocol):
    """Where a review card's interval lands (domain/workload.py): FSRS's `interval` in whole
    days moved to a day at least `minimum` away."""

    def days(self, phrase_id: str, interval: int, minimum: int, reviewed_at: datetime) -> int: ...

    def day_of(self, instant: datetime) -> date:
        """The learner day `instant` falls in: the day a card due then is counted on."""
        ...


@lru_cache(maxsize=1024)  # a warm container serves many learners: bounded, not one per learner ever seen
def scheduler(desired_retention: float, parameters: tuple[float, ...] | None = None) -> Scheduler:
    """FSRS aiming at `desired_retention` with the learner's own `parameters` (None: the defaults)."""
    if parameters is None:
        return Scheduler(desired_retention=desired_retention, enable_fuzzing=False)
    return Scheduler(parameters=parameters, desired_retention=desired_retention, enable_fuzzing=False)


def review(
    phrase_id: str,
    card: CardState | None,
    rating: ApiRating,
    reviewed_at: datetime,
    *,
    course_id: str,
    desired_retention: float,
    parameters: tuple[float, ...] | None = None,
    spread: Spread | None = None,
) -> CardState:
    """The card after one review, scheduled for `desired_retention` with the learner's FSRS
    `parameters` (None: the defaults); `card` None means the phrase is seen for the first time.
    A card in (or entering) Review is due after FSRS's interval moved by `spread` (None: exactly
    FSRS's interval), and counted on the learner day it is then due (`due_day`)."""
    at = reviewed_at.astimezone(UTC)
    before = _to_fsrs(card) if card else Card(card_id=0, due=at)
    fsrs = scheduler(desired_retention, parameters)
    after, _ = fsrs.review_card(before, _FSRS_RATING[rating], review_datetime=at)
    lapsed = before.state == State.Review and rating == ApiRating.AGAIN
    due = after.due
    if spread is not None and after.state == State.Review:
        interval = round((after.due - at) / DAY)
        due = at + spread.days(phrase_id, interval, _minimum_interval(card, rating, interval), at) * DAY
    return CardState(
        course_id=course_id,
        phrase_id=phrase_id,
        state=after.state.value,
        step=after.step,
        stability=after.stability,
        difficulty=after.difficulty,
        due=due,
        due_day=spread.day_of(due) if spread is not None else None,
        last_review=after.last_review,
        reps=(card.reps if card else 0) + 1,
        lapses=(card.lapses if card else 0) + int(lapsed),
        version=card.version if card else 0,
    )


def _minimum_interval(card: CardState | None, rating: ApiRating, interval: int) -> int:
    """A passed review that FSRS lengthens is never spread to less than a day past the interval
    before (Anki's rule): fuzz must not undo the growth the learner earned."""
    if card is None or card.last_review is None or rating is ApiRating.AGAIN or not is_review(card.state):
        return 1
    previous = round((card.due - card.last_review) / DAY)
    return previous + 1 if interval > previous else 1


def is_learning(state: int) -> bool:
    """Learning and Relearning cards step through short intervals within a day or two."""
    return state in (State.Learning.value, State.Relearning.value)


def is_review(state: int) -> bool:
    return state == State.Review.value


def retrievability(card: DueCard, at: datetime) -> float:
    """The chance FSRS gives that the learner recalls `card` at `at`."""
    fsrs_card = Card(
        card_id=0, state=State.Review, stability=card.stability, due=card.due, last_review=card.last_review
    )
    return SCHEDULER.get_card_retrievability(fsrs_card, at)


def strength(
    card: CardState, at: datetime, desired_retention: float, parameters: tuple[float, ...] | None
) -> float:
    """The chance the learner recalls `card` at `at`, by their own FSRS `parameters` (their decay):
    what the phrasebook shows as a phrase's strength (0 for a card never reviewed)."""
    return scheduler(desired_retention, parameters).get_card_retrievability(
        _to_fsrs(card), at.astimezone(UTC)
    )


def _to_fsrs(card: CardState) -> Card:
    return Card(
        card_id=0,
        state=State(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due.astimezone(UTC),
        last_review=card.last_review.astimezone(UTC) if card.last_review else None,
    )
