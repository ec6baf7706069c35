"""Response bodies of the courses routes."""

from pydantic import BaseModel, Field


class CourseItem(BaseModel):
    """A course of the catalog, and where the caller stands in it."""

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

    courses: list[CourseItem]
