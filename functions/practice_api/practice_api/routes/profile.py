"""Routes of the learner's profile: settings, streak and XP totals."""

from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from practice_api.dependencies import Learner, Service
from practice_api.error_map import route_responses
from practice_api.models import ProfileResponse, ProfileUpdate
from practice_api.presenters import profile_response
from practice_api.routes import method_not_allowed, methods_other_than

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]


@router.get("/api/v2/practice/profile", responses=route_responses(ProfileResponse, "The learner's profile"))
def get_profile(user_id: Learner, service: Service) -> ProfileResponse:
    """The caller's settings, live streak and XP totals."""
    return profile_response(service.get_profile(user_id))


@router.patch(
    "/api/v2/practice/profile", responses=route_responses(ProfileResponse, "The profile as changed")
)
def update_profile(changes: ProfileUpdate, user_id: Learner, service: Service) -> ProfileResponse:
    """Change the caller's time zone, day-start hour or daily limit of new phrases."""
    return profile_response(service.update_profile(user_id, changes.changes()))


@router.route("/api/v2/practice/profile", method=methods_other_than("GET", "PATCH"), include_in_schema=False)
def profile_other_methods() -> None:
    raise method_not_allowed(router, "GET", "PATCH")
