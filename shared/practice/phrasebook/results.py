"""What the phrasebook feature answers with."""

from dataclasses import dataclass

from practice.domain.phrasebook import PhraseEntry


@dataclass(frozen=True, slots=True)
class PhrasebookPage:
    """A page of the learner's phrasebook in one course: a page of a full listing (`next_cursor`
    goes on), or what changed since a sync token (`has_more`: ask again with the new token).
    `reset`: the token's listing is out of date as a whole (the course's phrases were edited);
    this is the first page of a full listing, which replaces the app's copy."""

    course_id: str
    entries: tuple[PhraseEntry, ...]
    removed: tuple[str, ...]
    sync_token: str
    next_cursor: str | None = None
    has_more: bool = False
    reset: bool = False
