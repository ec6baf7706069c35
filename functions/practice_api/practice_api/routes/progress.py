"""Routes of the learner's progress: the day ledger over a range, totals, retention, today."""

import re
from datetime import date
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import BeforeValidator, WithJsonSchema

from practice_api.dependencies import Learner, Service
from practice_api.error_map import route_responses
from practice_api.models import Omittable, StatsResponse
from practice_api.presenters import stats_response
from practice_api.routes import method_not_allowed, methods_other_than

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]
STATS = "/api/v2/practice/stats"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date_text(value: object) -> object:
    """Only YYYY-MM-DD: lax date parsing would also take "1700000000" as a timestamp."""
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ValueError("a date as YYYY-MM-DD, such as 2027-01-04")
    return value


IsoDate = Annotated[
    date, BeforeValidator(_iso_date_text), WithJsonSchema({"type": "string", "format": "date"})
]
FirstDay = Annotated[IsoDate | Omittable, Query(alias="from", description="First learner day.")]
LastDay = Annotated[IsoDate | Omittable, Query(alias="to", description="Last learner day (default: today).")]


@router.get(STATS, responses=route_responses(StatsResponse, "The caller's ledger and where they stand"))
def get_stats(
    user_id: Learner,
    service: Service,
    first: FirstDay = None,
    last: LastDay = None,
) -> StatsResponse:
    """The caller's learner days from `from` to `to` (default: the last 30, at most 366), one row
    per day with zeros where nothing happened; totals, retention, streak, freezes and today."""
    return stats_response(service.stats(user_id, first, last))


@router.route(STATS, method=methods_other_than("GET"), include_in_schema=False)
def stats_other_methods() -> None:
    raise method_not_allowed(router, "GET")
