"""Domain objects to the workload routes' response bodies."""

from practice.workload.results import Forecast
from practice_api.workload.models import ForecastDay, ForecastResponse


def forecast_response(forecast: Forecast) -> ForecastResponse:
    return ForecastResponse(
        course_id=forecast.course_id,
        today=forecast.today,
        overdue=forecast.overdue,
        total=sum(due for _, due in forecast.days),
        days=[ForecastDay(day=day, due=due) for day, due in forecast.days],
    )
