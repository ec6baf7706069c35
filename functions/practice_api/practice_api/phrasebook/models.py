"""Response bodies of the phrasebook route."""

from datetime import datetime

from pydantic import BaseModel, Field

from practice.domain.phrasebook import PhraseState
from practice_api.sessions.models import PhraseItem


class PhrasebookItem(PhraseItem):
    """A phrase the learner has met, and how well they know it."""

    state: PhraseState = Field(description="FSRS's state of the phrase's card.")
    strength: float = Field(
        ge=0, le=1, description="The chance of recalling it now (FSRS retrievability at the response's time)."
    )
    stability_days: float | None = Field(
        description="FSRS stability: days until strength falls to 90 %; with `last_reviewed` an app can"
        " draw strength at any time."
    )
    due: datetime = Field(description="When it is due for review.")
    reps: int = Field(description="Reviews so far.")
    lapses: int = Field(description="Times it was forgotten after being learned.")
    last_reviewed: datetime | None
    leech: bool = Field(description="Forgotten 8 times or more (Anki's leech threshold).")


class PhrasebookPageResponse(BaseModel):
    """A page of the caller's phrasebook in one course. A full listing pages on with
    `next_cursor`; each of its pages carries the same `sync_token`. `?since=<sync_token>` later
    answers what changed after it: `phrases` to add or replace in the app's copy, `removed` to
    drop; while `has_more`, ask again with the new `sync_token`. `reset`: the course's phrases
    were edited, so this is the first page of a full listing that replaces the app's copy."""

    course_id: str
    phrases: list[PhrasebookItem]
    removed: list[str] = Field(description="Phrase ids that left the phrasebook (deltas only).")
    sync_token: str = Field(description="Opaque: `since` of the next sync.")
    next_cursor: str | None = Field(description="The full listing's next page (opaque); null on its last.")
    has_more: bool = Field(description="More follows: the next page, or more changes.")
    reset: bool = Field(description="The app drops its copy: this page starts a full listing.")
