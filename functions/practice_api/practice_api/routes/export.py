"""The learner's data export (GDPR Art. 20): everything kept about them, page by page."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from practice_api.dependencies import Learner, Service
from practice_api.error_map import route_responses
from practice_api.models import CursorText, ExportResponse, Omittable
from practice_api.presenters import export_response
from practice_api.routes import method_not_allowed, methods_other_than

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]
EXPORT = "/api/v2/practice/export"
Cursor = Annotated[CursorText | Omittable, Query(description="`next_cursor` of the page before (opaque).")]


@router.get(EXPORT, responses=route_responses(ExportResponse, "A page of the caller's data"))
def export_data(user_id: Learner, service: Service, cursor: Cursor = None) -> ExportResponse:
    """Everything kept about the caller: the profile, then their sessions (with every review),
    cards (FSRS state) and ledger days, about 1 MiB a page. A cursor is good only for the
    learner it was issued to."""
    return export_response(service.export(user_id, cursor))


@router.route(EXPORT, method=methods_other_than("GET"), include_in_schema=False)
def export_other_methods() -> None:
    raise method_not_allowed(router, "GET")
