"""Routes of the learner's profile: settings, streak and XP totals; and deleting the account."""

from http import HTTPStatus

from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from practice_api.dependencies import Learner, Service
from practice_api.error_map import route_responses
from practice_api.models import DeletionResponse, ProfileResponse, ProfileUpdate
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


@router.delete(
    "/api/v2/practice/profile",
    status_code=HTTPStatus.ACCEPTED,
    responses=route_responses(DeletionResponse, "The deletion has begun", HTTPStatus.ACCEPTED),
)
def delete_account(user_id: Learner, service: Service) -> DeletionResponse:
    """Delete the caller's account and every item of their data. From this answer on the learner
    is gone for the API (GET /profile shows the defaults, old sessions are 404); the items are
    erased in the background within minutes. Sending it again is harmless (202 again)."""
    service.delete_account(user_id)
    return DeletionResponse(status="deleting")


@router.route(
    "/api/v2/practice/profile", method=methods_other_than("GET", "PATCH", "DELETE"), include_in_schema=False
)
def profile_other_methods() -> None:
    raise method_not_allowed(router, "GET", "PATCH", "DELETE")
