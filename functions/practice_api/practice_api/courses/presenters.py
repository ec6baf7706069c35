"""Domain objects to the courses routes' response bodies."""

from practice.courses.results import CourseChoice
from practice_api.courses.models import CourseItem, CoursesResponse


def courses_response(choices: list[CourseChoice]) -> CoursesResponse:
    return CoursesResponse(
        courses=[
            CourseItem(
                **choice.course.model_dump(),
                active=choice.active,
                phrases_introduced=choice.phrases_introduced,
            )
            for choice in choices
        ]
    )
