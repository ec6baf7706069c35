"""What the phrasebook feature needs of persistence."""

from collections.abc import Sequence
from typing import Protocol

from practice.domain.learner import CardState
from practice.domain.phrasebook import SyncEntry
from practice.profile.store import ProfileReader


class PhrasebookStore(ProfileReader, Protocol):
    def card_page(
        self, user_id: str, course_id: str, after: str | None, limit: int
    ) -> tuple[list[CardState], str | None]:
        """The learner's cards of the course among the next `limit` in phrase id order after the
        phrase `after`, retired ones left out (one bounded read); and the phrase id to go on
        after, None when no card follows."""
        ...

    def sync_entries(
        self, user_id: str, course_id: str, after: int, limit: int
    ) -> tuple[list[SyncEntry], bool]:
        """Up to `limit` entries of the course's sync log numbered above `after`, in order, and
        whether more follow. One read."""
        ...

    def phrase_cards(self, user_id: str, course_id: str, phrase_ids: Sequence[str]) -> list[CardState]:
        """The learner's cards of these phrases (at most 100) that exist and are not retired.
        One read."""
        ...
