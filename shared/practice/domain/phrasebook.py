"""The phrasebook's rules: what a learner's phrase shows (state, strength now, leech), which of
their cards a listing holds, and the sync log an app's deltas are read from.

The sync log: every write that changes a learner's cards of a course (a completion, a session
start that retires cards) also writes one entry, numbered by the course's `card_changes` in the
profile, which that same write increments. The profile's version check makes the numbers follow
the order the writes commit in, with no gaps, so "every entry after N" is exactly what changed
since a listing that read N; a missing number means the log expired there (SYNC_LOG_DAYS)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from practice.domain.content import Course, Phrase, last_words
from practice.domain.learner import CardState, Profile
from practice.domain.limits import LEECH_LAPSES
from practice.domain.scheduling import strength


class PhraseState(StrEnum):
    """FSRS's card states, by name (fsrs.State: 1, 2, 3)."""

    LEARNING = "learning"
    REVIEW = "review"
    RELEARNING = "relearning"


_STATE_BY_NUMBER = {1: PhraseState.LEARNING, 2: PhraseState.REVIEW, 3: PhraseState.RELEARNING}


@dataclass(frozen=True, slots=True)
class PhraseEntry:
    """A phrase the learner has met, as the phrasebook shows it at `now`."""

    phrase: Phrase
    card: CardState
    state: PhraseState
    strength: float  # FSRS retrievability at the request time, 0..1
    leech: bool


@dataclass(frozen=True, slots=True)
class PhraseFilter:
    """What a phrasebook screen narrows a listing to (None: any)."""

    state: PhraseState | None = None
    leech: bool | None = None

    @property
    def is_empty(self) -> bool:
        return self.state is None and self.leech is None

    def keeps(self, entry: PhraseEntry) -> bool:
        return (self.state is None or entry.state == self.state) and (
            self.leech is None or entry.leech == self.leech
        )


@dataclass(frozen=True, slots=True)
class SyncEntry:
    """One write's change to a learner's cards of a course: the phrases whose cards it wrote,
    and those it retired (their phrase left the course)."""

    number: int
    changed: tuple[str, ...] = ()
    retired: tuple[str, ...] = ()


def is_leech(card: CardState) -> bool:
    return card.lapses >= LEECH_LAPSES


def phrase_entry(phrase: Phrase, card: CardState, profile: Profile, now: datetime) -> PhraseEntry:
    return PhraseEntry(
        phrase=phrase,
        card=card,
        state=_STATE_BY_NUMBER[card.state],
        strength=strength(card, now, profile.desired_retention, profile.fsrs_parameters),
        leech=is_leech(card),
    )


def phrase_entries(
    course: Course, cards: Iterable[CardState], profile: Profile, now: datetime
) -> list[PhraseEntry]:
    """The entries of `cards` whose phrase the course still holds (a card of a phrase that left
    the course, retired or not yet, is not in the learner's view)."""
    known = course.phrase_by_id
    return [
        phrase_entry(known[card.phrase_id], card, profile, now) for card in cards if card.phrase_id in known
    ]


def with_card_change(profile: Profile, course_id: str) -> Profile:
    """The profile with the course's sync log one entry longer (its number is the course's new
    `card_changes`)."""
    progress = profile.progress_in(course_id)
    moved = progress.model_copy(update={"card_changes": progress.card_changes + 1})
    return profile.model_copy(update={"courses": {**profile.courses, course_id: moved}})


def card_change(
    profile: Profile, course_id: str, *, changed: Iterable[str] = (), retired: Iterable[str] = ()
) -> tuple[Profile, SyncEntry]:
    """What a write that changes the course's cards stores besides them, in the same transaction:
    the profile with the log one entry longer, and that entry."""
    logged = with_card_change(profile, course_id)
    number = logged.progress_in(course_id).card_changes
    return logged, SyncEntry(number, changed=tuple(changed), retired=tuple(retired))


def whole_entries(entries: Iterable[SyncEntry], limit: int) -> tuple[list[SyncEntry], bool]:
    """The entries a delta page takes: whole ones, in order, while the page stays within `limit`
    phrases (always at least one); and whether it left any out."""
    taken: list[SyncEntry] = []
    phrases = 0
    for entry in entries:
        size = len(entry.changed) + len(entry.retired)
        if taken and phrases + size > limit:
            return taken, True
        taken.append(entry)
        phrases += size
    return taken, False


@dataclass(frozen=True, slots=True)
class SyncDelta:
    """What entries after a position add up to: phrases to show again (their cards as they are
    now), and phrases to remove from the app's copy, each once, in the order they last changed."""

    changed: tuple[str, ...]
    retired: tuple[str, ...]


def sync_delta(entries: Iterable[SyncEntry]) -> SyncDelta:
    changed, retired = last_words((entry.changed, entry.retired) for entry in entries)
    return SyncDelta(changed=changed, retired=retired)
