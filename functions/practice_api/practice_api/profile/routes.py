"""Routes of the learner's profile: settings, streak and XP totals (deleting the account, the
profile's DELETE, is the account feature's)."""

from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from practice_api.dependencies import Learner, Services
from practice_api.http.conditional import conditional
from practice_api.http.openapi import conditional_responses, route_responses
from practice_api.profile.models import ProfileResponse, ProfileUpdate
from practice_api.profile.presenters import profile_response

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]
PROFILE = "/api/v2/practice/profile"


@router.get(
    PROFILE,
    responses=conditional_responses(ProfileResponse, "The learner's profile"),
    middlewares=[conditional(PROFILE)],
)
def get_profile(user_id: Learner, services: Services) -> ProfileResponse:
    """The caller's settings, live streak and XP totals."""
    return profile_response(services.profile.get_profile(user_id))


@router.patch(PROFILE, responses=route_responses(ProfileResponse, "The profile as changed"))
def update_profile(changes: ProfileUpdate, user_id: Learner, services: Services) -> ProfileResponse:
    """Change the caller's time zone, day-start hour or daily limit of new phrases."""
    return profile_response(services.profile.update_profile(user_id, changes.changes()))
