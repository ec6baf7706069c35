"""Building the daily pack: due (re)learning cards, then reviews, then new phrases in course
order, one dialog and one pronunciation drill. Pure functions: no I/O; the time is a parameter."""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import islice

from practice.domain.content import Course, Dialog, Drill, Phrase
from practice.domain.learner import DueCards, Profile
from practice.domain.limits import MAX_PHRASES_PER_PACK, MAX_RETIRED_PER_START
from practice.domain.scheduling import retrievability


@dataclass(frozen=True, slots=True)
class DailyPack:
    pack_id: str
    review: tuple[Phrase, ...]
    new: tuple[Phrase, ...]
    dialog: Dialog | None
    drill: Drill | None
    retired: tuple[str, ...] = ()  # phrase ids of due cards whose phrase left the course


def pack_id_for(day: date) -> str:
    return f"daily_{day.isoformat()}"


@dataclass(frozen=True, slots=True)
class PackLimits:
    max_learning: int  # (re)learning cards in one pack, outside the review limit
    max_reviews: int  # Review cards in one pack; the learner's daily review limit bounds it too


def build_daily_pack(
    *, course: Course, profile: Profile, day: date, due: DueCards, now: datetime, limits: PackLimits
) -> DailyPack:
    """Today's pack: due (re)learning cards first, then the reviews that fit (highest recall
    chance first), then new phrases up to what is left of today's new limit, in course order.

    Cards whose phrase left the course take no place; they come back as `retired`, so that the
    session start takes them out of the due index (a bounded number each time).
    """
    known = course.phrase_by_id
    _, introduced_today, reviewed_today = profile.counts_on(day)
    learning = [card for card in due.learning if card.phrase_id in known][: limits.max_learning]
    review_room = min(limits.max_reviews, max(0, profile.daily_review_limit - reviewed_today))
    # Of the most recently due reviews, those the learner is likeliest to recall: a review spent
    # on a card still held keeps it, one spent on a card long forgotten mostly relearns it.
    # sorted() is stable, so equal chances keep the index's order (most recently due first).
    candidates = [card for card in due.reviews if card.phrase_id in known]
    reviews = sorted(candidates, key=lambda card: -retrievability(card, now))[:review_room]
    review = tuple(known[card.phrase_id] for card in (*learning, *reviews))

    allowance = min(max(0, profile.daily_new_limit - introduced_today), MAX_PHRASES_PER_PACK - len(review))
    taken = {phrase.phrase_id for phrase in review}
    new = tuple(islice(_unseen(course, profile, taken), allowance))

    in_pack = taken | {phrase.phrase_id for phrase in new}
    dialog = _most_related(course.dialogs, lambda d: len(d.phrase_ids & in_pack), day)
    drill = _most_related(course.drills, lambda d: len(in_pack.intersection(d.phrase_ids)), day)
    stale = [card.phrase_id for card in (*due.learning, *due.reviews) if card.phrase_id not in known]
    return DailyPack(pack_id_for(day), review, new, dialog, drill, tuple(stale[:MAX_RETIRED_PER_START]))


def _unseen(course: Course, profile: Profile, taken: set[str]) -> Iterator[Phrase]:
    """New phrases in the order they are offered: those served before and skipped, then the
    course from the learner's position on. None of them has a card yet."""
    progress = profile.progress_in(course.course_id)
    for phrase_id in progress.skipped_new_phrase_ids:
        if phrase_id in course.phrase_by_id and phrase_id not in taken:
            yield course.phrase_by_id[phrase_id]
    phrases = course.phrases
    for position in range(progress.next_new_position, len(phrases)):  # no copy of the course's tail
        if phrases[position].phrase_id not in taken:
            yield phrases[position]


def _most_related[T](items: Sequence[T], overlap: Callable[[T], int], day: date) -> T | None:
    """The item sharing most phrases with the pack; ties rotate by day, so content varies."""
    if not items:
        return None
    rotation = day.toordinal()
    ranked = sorted(range(len(items)), key=lambda i: (-overlap(items[i]), (i - rotation) % len(items)))
    return items[ranked[0]]
