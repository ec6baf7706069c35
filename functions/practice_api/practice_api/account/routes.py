"""Routes of the learner's account as a whole: deleting it (DELETE /profile) and the data export
(GDPR Art. 20), page by page."""

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from aws_lambda_powertools.metrics import MetricUnit

from practice_api.account.models import DeletionResponse, ExportResponse
from practice_api.account.presenters import export_response
from practice_api.dependencies import Learner, Services
from practice_api.http.fields import CursorText, Omittable
from practice_api.http.methods import refuse_other_methods
from practice_api.http.openapi import route_responses
from practice_api.observability import logger, metrics
from practice_api.profile.routes import PROFILE

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]
EXPORT = "/api/v2/practice/export"
Cursor = Annotated[CursorText | Omittable, Query(description="`next_cursor` of the page before (opaque).")]


@router.delete(
    PROFILE,
    status_code=HTTPStatus.ACCEPTED,
    responses=route_responses(DeletionResponse, "The deletion has begun", HTTPStatus.ACCEPTED),
)
def delete_account(user_id: Learner, services: Services) -> DeletionResponse:
    """Delete the caller's account and every item of their data. From this answer on the learner
    is gone for the API (GET /profile shows the defaults, old sessions are 404); the items are
    erased in the background within minutes (within the hour when the queue was unavailable:
    the erasure sweep queues it again). Sending it again is harmless (202 again), up to 5
    times per deletion (then 429)."""
    if not services.account.delete_account(user_id):
        logger.warning("erasure not queued; the sweep will queue it", extra={"user_id": user_id})
        metrics.add_metric(name="ErasureQueuedLater", unit=MetricUnit.Count, value=1)
    return DeletionResponse(status="deleting")


@router.get(EXPORT, responses=route_responses(ExportResponse, "A page of the caller's data"))
def export_data(user_id: Learner, services: Services, cursor: Cursor = None) -> ExportResponse:
    """Everything kept about the caller: the profile, then their sessions (with every review),
    cards (FSRS state) and ledger days, about 1 MiB a page. A cursor is good only for the
    learner it was issued to."""
    return export_response(services.account.export(user_id, cursor))


refuse_other_methods(router, PROFILE, "GET", "PATCH", "DELETE")
refuse_other_methods(router, EXPORT, "GET")
