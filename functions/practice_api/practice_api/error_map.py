"""The one place where errors become HTTP responses: `{"error": {"code", "message"}}`.

Every error class carries its code and status (practice.errors, and the few below that only the
HTTP layer can raise); the map reads them, and the OpenAPI error responses are generated from
the same classes, so adding an error touches neither."""

from collections.abc import Iterator
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

from practice.errors import PracticeError
from practice_api.models import ErrorDetail, ErrorResponse

RETRY_AFTER_SECONDS = "1"


class InvalidJson(PracticeError):
    """The request body is not valid JSON."""

    code = "invalid_json"
    status = HTTPStatus.BAD_REQUEST


class ValidationFailed(PracticeError):
    """A field, header or path parameter failed validation (details list each problem)."""

    code = "validation_error"
    status = HTTPStatus.UNPROCESSABLE_ENTITY


class RouteNotFound(PracticeError):
    """No such route."""

    code = "route_not_found"
    status = HTTPStatus.NOT_FOUND


def error_classes(base: type[PracticeError] = PracticeError) -> Iterator[type[PracticeError]]:
    for subclass in base.__subclasses__():
        yield subclass
        yield from error_classes(subclass)


def documented_errors() -> dict[int, Any]:
    """The error responses of every route's OpenAPI entry: per status, each code and what it means."""
    by_status: dict[int, list[str]] = {}
    for error in sorted(error_classes(), key=lambda cls: (cls.status, cls.code)):
        summary = (error.__doc__ or "").strip().splitlines()[0]
        by_status.setdefault(int(error.status), []).append(f"- `{error.code}`: {summary}")
    return {
        status: {"description": "\n".join(lines), "content": {"application/json": {"model": ErrorResponse}}}
        for status, lines in sorted(by_status.items())
    }


def error_response(error: PracticeError, details: list[dict[str, Any]] | None = None) -> Response[str]:
    body = ErrorResponse(error=ErrorDetail(code=error.code, message=error.message, details=details))
    headers = {"Retry-After": RETRY_AFTER_SECONDS} if error.status == HTTPStatus.SERVICE_UNAVAILABLE else None
    return Response(
        status_code=error.status,
        content_type=content_types.APPLICATION_JSON,
        body=body.model_dump_json(exclude_none=True),
        headers=headers,
    )


def register_error_handlers(app: APIGatewayHttpResolver, logger: Logger) -> None:
    @app.exception_handler(PracticeError)
    def domain_error(error: PracticeError) -> Response[str]:
        log = logger.warning if error.status >= HTTPStatus.INTERNAL_SERVER_ERROR else logger.info
        log("request refused", extra={"error_code": error.code, "status": int(error.status)})
        return error_response(error)

    @app.exception_handler(RequestValidationError)
    def invalid_request(error: RequestValidationError) -> Response[str]:
        problems = [
            {"location": list(e.get("loc", ())), "message": e.get("msg", ""), "type": e.get("type", "")}
            for e in error.errors()
        ]
        if any(problem["type"] == "json_invalid" for problem in problems):
            return error_response(InvalidJson("the request body is not valid JSON"))
        first = problems[0] if problems else {"location": [], "message": "invalid request"}
        where = ".".join(str(part) for part in first["location"])
        message = f"{where}: {first['message']}" if where else str(first["message"])
        return error_response(ValidationFailed(message), problems)

    @app.not_found
    def route_not_found(_: Exception) -> Response[str]:
        event = app.current_event
        return error_response(RouteNotFound(f"no route {event.http_method} {event.path}"))

    @app.exception_handler(Exception)
    def unexpected(error: Exception) -> Response[str]:
        logger.exception("unhandled error")
        return error_response(PracticeError("something went wrong on our side"))


ERROR_RESPONSES = documented_errors()
