"""Response bodies of the account routes: the deletion and the export."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from practice_api.profile.models import ProfileResponse
from practice_api.progress.models import DayItem
from practice_api.reminders.models import DeviceResponse
from practice_api.sessions.models import SessionResponse


class DeletionResponse(BaseModel):
    """The deletion has begun: the learner is gone for the API now; their items are erased
    within minutes."""

    status: Literal["deleting"]


class ExportSession(SessionResponse):
    """A session, as GET /sessions/{session_id} shows it, with its review log."""

    type: Literal["session"]


class ExportCard(BaseModel):
    """A phrase's spaced-repetition card in one course: its FSRS state."""

    type: Literal["card"]
    course_id: str
    phrase_id: str
    state: int = Field(description="FSRS state: 1 learning, 2 review, 3 relearning.")
    step: int | None = Field(description="Learning step (learning and relearning cards).")
    stability: float | None = Field(description="FSRS stability, in days.")
    difficulty: float | None = Field(description="FSRS difficulty, 1 to 10.")
    due: datetime
    last_review: datetime | None
    reps: int
    lapses: int


class ExportDay(DayItem):
    """A learner day of the ledger, as stored."""

    type: Literal["day"]
    goal_xp: int | None = Field(description="The daily goal when the day was last practised.")
    learned_reviews: int = Field(description="Reviews of learned phrases (Review-state cards).")
    learned_again: int = Field(description="Of those, rated again.")


class ExportDevice(DeviceResponse):
    """A device registered for practice reminders (its push token is the push service's, not shown)."""

    type: Literal["device"]


ExportItem = Annotated[ExportSession | ExportCard | ExportDay | ExportDevice, Field(discriminator="type")]


class ExportResponse(BaseModel):
    """A page of everything kept about the caller. Concatenate `items` over the pages."""

    profile: ProfileResponse | None = Field(description="null: no profile (never practised, or deleted).")
    items: list[ExportItem] = Field(
        description="Sessions, cards, ledger days and devices, in a stable order."
    )
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last one.")
