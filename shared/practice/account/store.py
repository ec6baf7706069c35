"""What the account feature needs of persistence: the export's pages and the tombstone (the API),
and the erasure's pages (the account worker)."""

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from practice.domain.learner import LearnerRecord
from practice.domain.quotas import QuotaWindow
from practice.profile.store import ProfileReader


class AccountStore(ProfileReader, Protocol):
    def export_records(
        self, user_id: str, after: str | None, max_bytes: int
    ) -> tuple[list[LearnerRecord], str | None]:
        """The learner's records but the profile, in a stable order, from the one after position
        `after` on, about `max_bytes` of them; and the position to go on after (None: done)."""
        ...

    def mark_deleting(self, user_id: str, at: datetime, *, max_requests: int) -> None:
        """Make the profile the learner's tombstone (kept from the first request on): from now on
        their reads raise AccountDeleting and every write conditioned on what was read fails; and
        count the request on it. QuotaExceeded (nothing written) when `max_requests` were made."""
        ...

    def count_export(self, user_id: str, quota: QuotaWindow, now: datetime) -> None:
        """Count an export begun; QuotaExceeded when `quota` is used up."""
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

    def tombstones_before(
        self, before: datetime, after: str | None
    ) -> tuple[list[tuple[str, datetime]], str | None]:
        """A page of the learners whose tombstone was set before `before` (oldest first), with
        when; and the position to go on after (None: done)."""
        ...

    def remove_tombstone(self, user_id: str) -> None:
        """Delete the tombstone (the erasure's last step); nothing if it is gone already."""
        ...
