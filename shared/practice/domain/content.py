"""The course content: phrases in teaching order, dialogs built from them, pronunciation drills."""

from collections import Counter
from functools import cached_property
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints, model_validator

COURSE_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{1,63}$"  # phrase, dialog and drill ids too
Slug = Annotated[str, StringConstraints(pattern=COURSE_ID_PATTERN)]
Text = Annotated[str, StringConstraints(pattern=r"\S")]  # never empty nor only spaces
# Content is validated when a course is read (the first pack of a container), not at every cold
# start: its models are built then
_CONTENT = ConfigDict(frozen=True, defer_build=True)


class Phrase(BaseModel):
    model_config = _CONTENT

    phrase_id: Slug
    text: Text
    translation: Text
    pronunciation: Text
    audio_key: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9/._-]+\.mp3$")]
    topic: Text
    tags: tuple[str, ...] = ()


class DialogLine(BaseModel):
    model_config = _CONTENT

    speaker: str
    phrase_id: Slug


class Dialog(BaseModel):
    model_config = _CONTENT

    dialog_id: Slug
    title: str
    topic: str
    lines: tuple[DialogLine, ...]

    @property
    def phrase_ids(self) -> frozenset[str]:
        return frozenset(line.phrase_id for line in self.lines)


class Drill(BaseModel):
    model_config = _CONTENT

    drill_id: Slug
    title: str
    focus: str
    tip: str
    phrase_ids: tuple[Slug, ...]


class CourseInfo(BaseModel):
    """What a course says of itself. `attribution` credits the sources its content was built
    from (their licences ask for it)."""

    model_config = _CONTENT

    course_id: Slug
    title: str
    description: str = ""
    source_language: str
    target_language: str
    attribution: tuple[str, ...] = ()


class CourseSummary(CourseInfo):
    """What the catalog tells of a course without its content: what a course screen shows."""

    phrases: int
    dialogs: int
    drills: int
    topics: tuple[str, ...]  # in teaching order


class Course(CourseInfo):
    """A whole course. `phrases` is in teaching order: new phrases are introduced in this order."""

    phrases: tuple[Phrase, ...]
    dialogs: tuple[Dialog, ...] = ()
    drills: tuple[Drill, ...] = ()

    @model_validator(mode="after")
    def _references_resolve(self) -> "Course":
        for kind, ids in (
            ("phrase", [phrase.phrase_id for phrase in self.phrases]),
            ("dialog", [dialog.dialog_id for dialog in self.dialogs]),
            ("drill", [drill.drill_id for drill in self.drills]),
        ):
            if len(set(ids)) != len(ids):
                repeated = sorted(i for i, n in Counter(ids).items() if n > 1)
                raise ValueError(f"{kind} ids must be unique; repeated: {', '.join(repeated)}")
        known = {phrase.phrase_id for phrase in self.phrases}
        for dialog in self.dialogs:
            if unknown := sorted(dialog.phrase_ids - known):
                raise ValueError(f"dialog '{dialog.dialog_id}' names unknown phrases: {', '.join(unknown)}")
        for drill in self.drills:
            if unknown := sorted(set(drill.phrase_ids) - known):
                raise ValueError(f"drill '{drill.drill_id}' names unknown phrases: {', '.join(unknown)}")
        return self

    def summary(self) -> CourseSummary:
        return CourseSummary(
            **self.model_dump(include=set(CourseInfo.model_fields)),
            phrases=len(self.phrases),
            dialogs=len(self.dialogs),
            drills=len(self.drills),
            topics=tuple(dict.fromkeys(phrase.topic for phrase in self.phrases)),
        )

    @cached_property
    def phrase_by_id(self) -> dict[str, Phrase]:
        return {phrase.phrase_id: phrase for phrase in self.phrases}

    @cached_property
    def position_of(self) -> dict[str, int]:
        return {phrase.phrase_id: index for index, phrase in enumerate(self.phrases)}
