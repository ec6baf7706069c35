"""The course content: phrases in teaching order, dialogs built from them, pronunciation drills."""

from functools import cached_property
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints, model_validator

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,63}$")]


class Phrase(BaseModel):
    model_config = ConfigDict(frozen=True)

    phrase_id: Slug
    text: str
    translation: str
    pronunciation: str
    audio_key: str
    topic: str
    tags: tuple[str, ...] = ()


class DialogLine(BaseModel):
    model_config = ConfigDict(frozen=True)

    speaker: str
    phrase_id: Slug


class Dialog(BaseModel):
    model_config = ConfigDict(frozen=True)

    dialog_id: Slug
    title: str
    topic: str
    lines: tuple[DialogLine, ...]

    @property
    def phrase_ids(self) -> frozenset[str]:
        return frozenset(line.phrase_id for line in self.lines)


class Drill(BaseModel):
    model_config = ConfigDict(frozen=True)

    drill_id: Slug
    title: str
    focus: str
    tip: str
    phrase_ids: tuple[Slug, ...]


class Course(BaseModel):
    """A whole course. `phrases` is in teaching order: new phrases are introduced in this order."""

    model_config = ConfigDict(frozen=True)

    course_id: Slug
    title: str
    source_language: str
    target_language: str
    phrases: tuple[Phrase, ...]
    dialogs: tuple[Dialog, ...] = ()
    drills: tuple[Drill, ...] = ()

    @model_validator(mode="after")
    def _references_resolve(self) -> "Course":
        known = {phrase.phrase_id for phrase in self.phrases}
        if len(known) != len(self.phrases):
            raise ValueError("phrase ids must be unique")
        referenced = {line.phrase_id for dialog in self.dialogs for line in dialog.lines}
        referenced.update(pid for drill in self.drills for pid in drill.phrase_ids)
        if unknown := referenced - known:
            raise ValueError(f"dialogs or drills name unknown phrases: {sorted(unknown)}")
        return self

    @cached_property
    def phrase_by_id(self) -> dict[str, Phrase]:
        return {phrase.phrase_id: phrase for phrase in self.phrases}

    @cached_property
    def position_of(self) -> dict[str, int]:
        return {phrase.phrase_id: index for index, phrase in enumerate(self.phrases)}
