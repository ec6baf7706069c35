"""What the profile feature needs of persistence. Every feature reads the profile, so its read
is a Protocol of its own that the other features' stores include."""

from typing import Protocol

from practice.domain.learner import Profile


class ProfileReader(Protocol):
    def get_profile(self, user_id: str) -> Profile | None:
        """The stored profile (None: never stored); AccountDeleting for a learner being erased."""
        ...


class ProfileStore(ProfileReader, Protocol):
    def save_profile(self, profile: Profile) -> None:
        """Store `profile`, conditioned on its version being the one read. Raises ConcurrentUpdate."""
        ...
