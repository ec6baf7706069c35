"""Spaced repetition with FSRS-6 (the `fsrs` package).

Fuzzing is off: a retried completion must write the same due times, and fsrs draws its fuzz
from the process-wide `random`, which cannot be seeded per review without global state.
"""

from datetime import UTC, datetime
from functools import lru_cache

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
) -> CardState:
    """The card after one review, scheduled for `desired_retention` with the learner's FSRS
    `parameters` (None: the defaults); `card` None means the phrase is seen for the first time."""
    at = reviewed_at.astimezone(UTC)
    before = _to_fsrs(card) if card else Card(card_id=0, due=at)
    fsrs = scheduler(desired_retention, parameters)
    after, _ = fsrs.review_card(before, _FSRS_RATING[rating], review_datetime=at)
    lapsed = before.state == State.Review and rating == ApiRating.AGAIN
    return CardState(
        course_id=course_id,
        phrase_id=phrase_id,
        state=after.state.value,
        step=after.step,
        stability=after.stability,
        difficulty=after.difficulty,
        due=after.due,
        last_review=after.last_review,
        reps=(card.reps if card else 0) + 1,
        lapses=(card.lapses if card else 0) + int(lapsed),
        version=card.version if card else 0,
    )


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
