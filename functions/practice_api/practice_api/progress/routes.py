"""Routes of the learner's progress: the day ledger over a range, totals, retention, today."""

import re
from datetime import date
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import BeforeValidator, WithJsonSchema

from practice_api.dependencies import Learner, Services
from practice_api.http.conditional import conditional
from practice_api.http.fields import Omittable
from practice_api.http.methods import refuse_other_methods
from practice_api.http.openapi import conditional_responses
from practice_api.progress.models import StatsResponse
from practice_api.progress.presenters import stats_response

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


@router.get(
    STATS,
    responses=conditional_responses(StatsResponse, "The caller's ledger and where they stand"),
    middlewares=[conditional(STATS)],
)
def get_stats(
    user_id: Learner,
    services: Services,
    first: FirstDay = None,
    last: LastDay = None,
) -> StatsResponse:
    """The caller's learner days from `from` to `to` (default: the last 30, at most 366), one row
    per day with zeros where nothing happened; totals, retention, streak, freezes and today."""
    return stats_response(services.progress.stats(user_id, first, last))


refuse_other_methods(router, STATS, "GET")
