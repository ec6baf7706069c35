"""What the account feature needs of persistence: the export's pages and the tombstone (the API),
and the erasure's pages (the account worker)."""

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from practice.domain.learner import LearnerRecord
from practice.profile.store import ProfileReader


class AccountStore(ProfileReader, Protocol):
    def export_records(
        self, user_id: str, after: str | None, max_bytes: int
    ) -> tuple[list[LearnerRecord], str | None]:
        """The learner's records but the profile, in a stable order, from the one after position
        `after` on, about `max_bytes` of them; and the position to go on after (None: done)."""
        ...

    def mark_deleting(self, user_id: str, at: datetime) -> None:
        """Make the profile the learner's tombstone: from now on their reads raise
        AccountDeleting and every write conditioned on what was read fails."""
        ...


class ErasureStore(Protocol):
    def is_deleting(self, user_id: str) -> bool: ...

    def erasable_keys(self, user_id: str) -> list[str]:
        """Positions of a page of the learner's items left to erase (the tombstone aside)."""
        ...

    def push_endpoints(self, user_id: str) -> list[str]:
        """The push endpoints of the learner's devices, which the erasure deletes first."""
        ...

    def delete_items(self, user_id: str, positions: Sequence[str]) -> None: ...

    def remove_tombstone(self, user_id: str) -> None:
        """Delete the tombstone (the erasure's last step); nothing if it is gone already."""
        ...
