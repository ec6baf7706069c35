"""Routes of the course catalog (switching course is PATCH /profile's `course_id`)."""

from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from practice_api.courses.models import CoursesResponse
from practice_api.courses.presenters import courses_response
from practice_api.dependencies import Learner, Services
from practice_api.http.methods import refuse_other_methods
from practice_api.http.openapi import route_responses

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]
COURSES = "/api/v2/practice/courses"


@router.get(
    COURSES, responses=route_responses(CoursesResponse, "Every course, and the caller's place in each")
)
def list_courses(user_id: Learner, services: Services) -> CoursesResponse:
    """Every course the app offers, its size and topics, which one is the caller's, and how far
    the caller has come in each. Switch with PATCH /profile `{"course_id": ...}`."""
    return courses_response(services.courses.list_courses(user_id))


refuse_other_methods(router, COURSES, "GET")
