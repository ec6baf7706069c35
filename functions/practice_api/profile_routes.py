"""Routes of the learner's profile: settings, streak and XP totals."""

from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from dependencies import service, settings
from error_handlers import ERROR_RESPONSES
from identity import caller_id
from practice.models.api import ProfileResponse, ProfileUpdate

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]


@router.get("/api/v2/practice/profile", responses=ERROR_RESPONSES)
def get_profile() -> ProfileResponse:
    """The caller's settings, live streak and XP totals."""
    return service.get_profile(caller_id(router.current_event, local_mode=settings.local_mode))


@router.patch("/api/v2/practice/profile", responses=ERROR_RESPONSES)
def update_profile(changes: ProfileUpdate) -> ProfileResponse:
    """Change the caller's time zone, day-start hour or daily limit of new phrases."""
    return service.update_profile(caller_id(router.current_event, local_mode=settings.local_mode), changes)
