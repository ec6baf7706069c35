"""The one place where errors become HTTP responses: `{"error": {"code", "message"}}`.

Every error class carries its code and status (practice.errors, http/errors.py); the map reads
them, so adding an error never touches it."""

from http import HTTPStatus
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.metrics import MetricUnit

from practice.errors import PracticeError, QuotaExceeded
from practice_api.http.errors import ERROR_BY_CODE, InvalidJson, RouteNotFound, ValidationFailed
from practice_api.http.openapi import ErrorDetail, ErrorResponse


def error_response(error: PracticeError, details: list[dict[str, Any]] | None = None) -> Response[str]:
    body = ErrorResponse(error=ErrorDetail(code=error.code, message=error.message, details=details))
    return Response(
        status_code=error.status,
        content_type=content_types.APPLICATION_JSON,
        body=body.model_dump_json(exclude_none=True),
        headers=error.headers,
    )


def validation_refusal(error: RequestValidationError) -> tuple[PracticeError, list[dict[str, Any]] | None]:
    """What a failed validation is answered with: invalid_json for a body that does not parse; the
    error itself when a validator raised one of our codes (invalid_time_zone); else validation_error
    with every problem listed."""
    problems = [
        {"location": list(e.get("loc", ())), "message": e.get("msg", ""), "type": e.get("type", "")}
        for e in error.errors()
        if e.get("type") != "none_required"  # an omittable field's `| None`: never the reason
    ] or [{"location": [], "message": "invalid request", "type": "invalid"}]
    if any(problem["type"] == "json_invalid" for problem in problems):
        return InvalidJson("the request body is not valid JSON"), None
    types = {str(problem["type"]) for problem in problems}
    if len(types) == 1 and (ours := ERROR_BY_CODE.get(types.pop())):
        return ours(str(problems[0]["message"])), None
    first = problems[0]
    where = ".".join(str(part) for part in first["location"])
    return ValidationFailed(f"{where}: {first['message']}" if where else str(first["message"])), problems


def refused_result(error: PracticeError, logger: Logger) -> dict[str, Any]:
    """The Lambda result (payload 2.0) of a request refused before it reached the resolver."""
    log_refusal(error, logger)
    response = error_response(error)
    return {
        "statusCode": int(response.status_code),
        "headers": response.headers,
        "body": response.body,
        "isBase64Encoded": False,
    }


def log_refusal(error: PracticeError, logger: Logger) -> None:
    log = logger.warning if error.status >= HTTPStatus.INTERNAL_SERVER_ERROR else logger.info
    log("request refused", extra={"error_code": error.code, "status": int(error.status)})


def register_error_handlers(app: APIGatewayHttpResolver, logger: Logger, metrics: Metrics) -> None:
    @app.exception_handler(PracticeError)
    def domain_error(error: PracticeError) -> Response[str]:
        log_refusal(error, logger)
        if isinstance(error, QuotaExceeded):  # the dashboard's quota refusals
            metrics.add_metric(name="QuotaRefused", unit=MetricUnit.Count, value=1)
        return error_response(error)

    @app.exception_handler(RequestValidationError)
    def invalid_request(error: RequestValidationError) -> Response[str]:
        refusal, details = validation_refusal(error)
        log_refusal(refusal, logger)
        return error_response(refusal, details)

    @app.not_found
    def route_not_found(_: Exception) -> Response[str]:
        event = app.current_event
        refusal = RouteNotFound(f"no route {event.http_method} {event.path}")
        log_refusal(refusal, logger)
        return error_response(refusal)

    @app.exception_handler(Exception)
    def unexpected(error: Exception) -> Response[str]:
        logger.exception("unhandled error")
        return error_response(PracticeError("something went wrong on our side"))
