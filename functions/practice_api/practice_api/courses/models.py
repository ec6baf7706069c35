"""Response bodies of the courses routes."""

from pydantic import BaseModel, ConfigDict, Field

# The catalog's bodies are built on the route's first call, not at every cold start
_ON_FIRST_USE = ConfigDict(defer_build=True)


class CourseItem(BaseModel):
    """A course of the catalog, and where the caller stands in it."""

    model_config = _ON_FIRST_USE

    course_id: str = Field(description="What PATCH /profile takes as `course_id` to switch to it.")
    title: str
    description: str
    source_language: str = Field(description="The language the course teaches from (ISO 639-1).")
    target_language: str = Field(description="The language the course teaches (ISO 639-1).")
    phrases: int = Field(description="Phrases in the course.")
    dialogs: int
    drills: int = Field(description="Pronunciation drills.")
    topics: list[str] = Field(description="The course's topics, in teaching order.")
    attribution: list[str] = Field(description="The sources the content was built from, to credit.")
    active: bool = Field(description="The caller's course: their next pack comes from it.")
    phrases_introduced: int = Field(description="How far into this course the caller has come.")


class CoursesResponse(BaseModel):
    """Every course loaded, by id."""

    model_config = _ON_FIRST_USE

    courses: list[CourseItem]
