"""The Lambda entry point of the Practice API (`practice_api.app.lambda_handler`): the resolver,
its routers and its error map. Each feature's routes live in its folder (sessions/, profile/,
progress/, account/, courses/, workload/, phrasebook/, reminders/), what they depend on in
dependencies.py, what they share in http/."""

import gc

gc.disable()  # no collection passes while the imports build objects: ~25 ms less cold start

from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from practice.errors import PracticeError
from practice_api.account import routes as account
from practice_api.courses import routes as courses
from practice_api.dependencies import app_settings, build_all, invocation_budget
from practice_api.http.error_map import refused_result, register_error_handlers
from practice_api.http.gate import admit, parse_json_body
from practice_api.observability import logger, metrics
from practice_api.phrasebook import routes as phrasebook
from practice_api.profile import routes as profile
from practice_api.progress import routes as progress
from practice_api.reminders import routes as reminders
from practice_api.sessions import routes as sessions
from practice_api.snapstart import register as register_snapstart_hooks
from practice_api.workload import routes as workload

# A response that fails its own model is our bug: 500, never Powertools' default 422.
app = APIGatewayHttpResolver(
    enable_validation=True,
    response_validation_error_http_code=HTTPStatus.INTERNAL_SERVER_ERROR,
    json_body_deserializer=parse_json_body,
)
app.include_router(sessions.router)
app.include_router(profile.router)
app.include_router(progress.router)
app.include_router(account.router)
app.include_router(courses.router)
app.include_router(workload.router)
app.include_router(phrasebook.router)
app.include_router(reminders.router)
register_error_handlers(app, logger, metrics)
build_all()  # settings, client and service now: bad settings fail the cold start
register_snapstart_hooks(app)  # deployed with SnapStart: prime before the snapshot, reseed after restore
gc.freeze()  # what init built lives as long as the container: keep it out of later collections
gc.enable()


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
@metrics.log_metrics(capture_cold_start_metric=True)  # the dashboard's cold starts
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    try:
        settings = app_settings()
        admit(event, local_mode=settings.local_mode, min_app_version=settings.min_app_version)
    except PracticeError as refused:  # no identity, or a body that is not JSON: before validation
        return refused_result(refused, logger)
    budget = invocation_budget()
    budget.start(context.get_remaining_time_in_millis)  # DynamoDB calls end before the timeout
    try:
        return app.resolve(event, context)
    finally:
        budget.start(None)
