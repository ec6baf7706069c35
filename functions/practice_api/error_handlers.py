"""The one place where errors become HTTP responses: `{"error": {"code", "message"}}`."""

from http import HTTPStatus
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

from practice.errors import (
    ConcurrentUpdate,
    CourseNotFound,
    IdempotencyKeyReused,
    InvalidRequest,
    InvalidResults,
    PracticeError,
    RequestInProgress,
    SessionConflict,
    SessionNotFound,
    StoreUnavailable,
    Unauthenticated,
)
from practice.models.api import ErrorDetail, ErrorResponse

STATUS_BY_ERROR: dict[type[PracticeError], HTTPStatus] = {
    Unauthenticated: HTTPStatus.UNAUTHORIZED,
    InvalidRequest: HTTPStatus.BAD_REQUEST,
    InvalidResults: HTTPStatus.UNPROCESSABLE_ENTITY,
    SessionNotFound: HTTPStatus.NOT_FOUND,
    SessionConflict: HTTPStatus.CONFLICT,
    ConcurrentUpdate: HTTPStatus.CONFLICT,
    RequestInProgress: HTTPStatus.CONFLICT,
    IdempotencyKeyReused: HTTPStatus.UNPROCESSABLE_ENTITY,
    CourseNotFound: HTTPStatus.SERVICE_UNAVAILABLE,
    StoreUnavailable: HTTPStatus.SERVICE_UNAVAILABLE,
}
RETRY_AFTER_SECONDS = "1"

# Documents the error body on every route of the OpenAPI spec.
_ERROR_BODY = {"application/json": {"model": ErrorResponse}}
ERROR_RESPONSES: dict[int, Any] = {
    status: {"description": description, "content": _ERROR_BODY}
    for status, description in {
        400: "A header value that cannot be used, or a body that is not JSON",
        401: "No usable identity",
        404: "No such route, or no such session of the caller",
        409: "The session was completed with other results, expired, or changed meanwhile",
        422: "A field, header or path parameter failed validation",
        503: "DynamoDB is throttling or unreachable; retry after Retry-After seconds",
    }.items()
}


def error_response(
    status: HTTPStatus, code: str, message: str, details: list[dict[str, Any]] | None = None
) -> Response[str]:
    body = ErrorResponse(error=ErrorDetail(code=code, message=message, details=details))
    headers = {"Retry-After": RETRY_AFTER_SECONDS} if status == HTTPStatus.SERVICE_UNAVAILABLE else None
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=body.model_dump_json(exclude_none=True),
        headers=headers,
    )


def register_error_handlers(app: APIGatewayHttpResolver, logger: Logger) -> None:
    @app.exception_handler(PracticeError)
    def domain_error(error: PracticeError) -> Response[str]:
        status = next(s for cls, s in STATUS_BY_ERROR.items() if isinstance(error, cls))
        log = logger.warning if status >= HTTPStatus.INTERNAL_SERVER_ERROR else logger.info
        log("request refused", extra={"error_code": error.code, "status": int(status)})
        return error_response(status, error.code, error.message)

    @app.exception_handler(RequestValidationError)
    def invalid_request(error: RequestValidationError) -> Response[str]:
        problems = [
            {"location": list(e.get("loc", ())), "message": e.get("msg", ""), "type": e.get("type", "")}
            for e in error.errors()
        ]
        if any(problem["type"] == "json_invalid" for problem in problems):
            return error_response(
                HTTPStatus.BAD_REQUEST, "invalid_json", "the request body is not valid JSON"
            )
        first = problems[0] if problems else {"location": [], "message": "invalid request"}
        where = ".".join(str(part) for part in first["location"])
        message = f"{where}: {first['message']}" if where else str(first["message"])
        return error_response(HTTPStatus.UNPROCESSABLE_ENTITY, "validation_error", message, problems)

    @app.not_found
    def route_not_found(_: Exception) -> Response[str]:
        event = app.current_event
        return error_response(
            HTTPStatus.NOT_FOUND, "route_not_found", f"no route {event.http_method} {event.path}"
        )

    @app.exception_handler(Exception)
    def unexpected(error: Exception) -> Response[str]:
        logger.exception("unhandled error")
        return error_response(
            HTTPStatus.INTERNAL_SERVER_ERROR, "internal_error", "something went wrong on our side"
        )
