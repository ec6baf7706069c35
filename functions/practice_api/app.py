"""The Lambda entry point of the Practice API: the resolver, its routes and its error map.
The work happens in the `practice` library; routes live in *_routes.py."""

import gc

gc.disable()  # no collection passes while the imports build objects: ~25 ms less cold start

from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

import profile_routes
import session_routes
from dependencies import client, logger, metrics, service, settings
from error_handlers import register_error_handlers

# A response that fails its own model is our bug: 500, never Powertools' default 422.
app = APIGatewayHttpResolver(
    enable_validation=True, response_validation_error_http_code=HTTPStatus.INTERNAL_SERVER_ERROR
)
app.include_router(session_routes.router)
app.include_router(profile_routes.router)
register_error_handlers(app, logger)
gc.freeze()  # what init built lives as long as the container: keep it out of later collections
gc.enable()

__all__ = ["app", "client", "lambda_handler", "logger", "metrics", "service", "settings"]


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
