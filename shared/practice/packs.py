"""Building the daily pack: due reviews first, then new phrases in course order, one dialog
and one pronunciation drill. Pure functions: no I/O, no clock."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from practice.models.content import Course, Dialog, Drill, Phrase
from practice.models.learner import Profile


@dataclass(frozen=True, slots=True)
class DailyPack:
    pack_id: str
    review: tuple[Phrase, ...]
    new: tuple[Phrase, ...]
    dialog: Dialog | None
    drill: Drill | None


def pack_id_for(day: date) -> str:
    return f"daily_{day.isoformat()}"


def new_phrase_allowance(profile: Profile, day: date, due_count: int, max_reviews: int) -> int:
    """New phrases for this pack: what is left of the daily limit, shrunk in proportion to the
    review backlog (a full backlog of `max_reviews` due cards leaves no room for new phrases)."""
    introduced_today = profile.new_on_last_day if profile.last_practice_day == day else 0
    remaining = max(0, profile.daily_new_limit - introduced_today)
    free_share = max(0, max_reviews - due_count)
    return remaining * free_share // max_reviews


def build_daily_pack(
    *, course: Course, profile: Profile, day: date, due_phrase_ids: Sequence[str], max_reviews: int
) -> DailyPack:
    """`due_phrase_ids` are the learner's due cards, oldest due first, at most `max_reviews`."""
    review = tuple(
        course.phrase_by_id[pid] for pid in due_phrase_ids[:max_reviews] if pid in course.phrase_by_id
    )
    allowance = new_phrase_allowance(profile, day, len(review), max_reviews)
    start = profile.next_new_position
    reviewing = {phrase.phrase_id for phrase in review}
    new = tuple(p for p in course.phrases[start : start + allowance] if p.phrase_id not in reviewing)

    in_pack = reviewing | {phrase.phrase_id for phrase in new}
    dialog = _most_related(course.dialogs, lambda d: len(d.phrase_ids & in_pack), day)
    drill = _most_related(course.drills, lambda d: len(in_pack.intersection(d.phrase_ids)), day)
    return DailyPack(pack_id_for(day), review, new, dialog, drill)


def _most_related[T](items: Sequence[T], overlap: Callable[[T], int], day: date) -> T | None:
    """The item sharing most phrases with the pack; ties rotate by day, so content varies."""
    if not items:
        return None
    rotation = day.toordinal()
    ranked = sorted(range(len(items)), key=lambda i: (-overlap(items[i]), (i - rotation) % len(items)))
    return items[ranked[0]]
