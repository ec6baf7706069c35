"""Routes of the learner's coming workload: the reviews due on each of the next days."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from practice.domain.limits import FORECAST_DEFAULT_DAYS, FORECAST_MAX_DAYS
from practice_api.dependencies import Learner, Services
from practice_api.http.methods import refuse_other_methods
from practice_api.http.openapi import route_responses
from practice_api.workload.models import ForecastResponse
from practice_api.workload.presenters import forecast_response

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]
FORECAST = "/api/v2/practice/forecast"

Days = Annotated[int, Query(ge=1, le=FORECAST_MAX_DAYS, description="Learner days from today on.")]


@router.get(FORECAST, responses=route_responses(ForecastResponse, "The caller's coming reviews"))
def get_forecast(
    user_id: Learner, services: Services, days: Days = FORECAST_DEFAULT_DAYS
) -> ForecastResponse:
    """Cards of the caller's active course due on each of the next `days` learner days (default
    30, at most 90), and those overdue."""
    return forecast_response(services.workload.forecast(user_id, days))


refuse_other_methods(router, FORECAST, "GET")
