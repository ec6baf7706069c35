"""The course content: phrases in teaching order, dialogs built from them, pronunciation drills."""

import hashlib
from collections import Counter
from collections.abc import Iterable
from functools import cached_property
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

COURSE_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{1,63}$"  # phrase, dialog and drill ids too
Slug = Annotated[str, StringConstraints(pattern=COURSE_ID_PATTERN)]
Text = Annotated[str, StringConstraints(pattern=r"\S")]  # never empty nor only spaces
# Content is validated when a course is read (the first pack of a container), not at every cold
# start: its models are built then
_CONTENT = ConfigDict(frozen=True, defer_build=True)
# Edits of a course's phrases a course keeps: a phrasebook sync token from before the oldest
# lists the phrasebook again (domain/phrasebook.py)
MAX_PHRASE_EDITS = 20


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


def last_words(
    steps: Iterable[tuple[Iterable[str], Iterable[str]]],
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Steps of (phrase ids changed, phrase ids removed), oldest first, added up: the phrases
    whose last word is a change, and those whose last word is a removal, each once, in the order
    of their last word."""
    last: dict[str, bool] = {}  # phrase id -> removed
    for changed, removed in steps:
        for phrase_id in changed:
            last.pop(phrase_id, None)
            last[phrase_id] = False
        for phrase_id in removed:
            last.pop(phrase_id, None)
            last[phrase_id] = True
    return (
        tuple(pid for pid, gone in last.items() if not gone),
        tuple(pid for pid, gone in last.items() if gone),
    )


class PhraseEdit(BaseModel):
    """What loading a course changed in its phrases, from one revision of them to the next:
    phrases edited (or back after a removal) and phrases removed."""

    model_config = _CONTENT

    before: str
    after: str
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


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
    # The latest edits of the phrases, oldest first: kept by the store with the course, never
    # part of a course file nor of the document stored (`exclude`)
    phrase_edits: tuple[PhraseEdit, ...] = Field((), exclude=True)

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
    def phrases_revision(self) -> str:
        """A digest of the phrases: a phrasebook sync token of another revision lists the
        phrasebook again, so that an edited or removed phrase is never left stale in an app."""
        return hashlib.blake2b(self.model_dump_json(include={"phrases"}).encode(), digest_size=8).hexdigest()

    def loaded_over(self, before: "Course | None") -> "Course":
        """This course as loaded in place of `before`: before's phrase edits, and this load's
        own when the phrases changed. A phrase added is an edit only if it is back after a
        removal: only then can a learner already hold its card."""
        kept = before.phrase_edits if before else ()
        if before is not None and before.phrases_revision != self.phrases_revision:
            old, new = before.phrase_by_id, self.phrase_by_id
            removed_before = {pid for edit in kept for pid in edit.removed}
            changed = tuple(
                pid
                for pid, phrase in new.items()
                if (pid in old and old[pid] != phrase) or pid in removed_before - set(old)
            )
            removed = tuple(pid for pid in old if pid not in new)
            edit = PhraseEdit(
                before=before.phrases_revision, after=self.phrases_revision, changed=changed, removed=removed
            )
            kept = (*kept, edit)[-MAX_PHRASE_EDITS:]
        return self.model_copy(update={"phrase_edits": kept})

    def edit_since(self, revision: str) -> PhraseEdit | None:
        """The kept edits from the phrases' `revision` to now, added up (each phrase's last
        word wins); None when `revision` is not among them."""
        chain, current = [], self.phrases_revision
        for edit in reversed(self.phrase_edits):
            if edit.after != current:
                return None
            chain.append(edit)
            current = edit.before
            if current == revision:
                break
        else:
            return None
        changed, removed = last_words((edit.changed, edit.removed) for edit in reversed(chain))
        return PhraseEdit(before=revision, after=self.phrases_revision, changed=changed, removed=removed)

    @cached_property
    def phrase_by_id(self) -> dict[str, Phrase]:
        return {phrase.phrase_id: phrase for phrase in self.phrases}

    @cached_property
    def position_of(self) -> dict[str, int]:
        return {phrase.phrase_id: index for index, phrase in enumerate(self.phrases)}
