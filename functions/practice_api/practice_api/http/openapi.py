"""The OpenAPI side of errors: the error body, and every route's documented error responses,
generated from the error classes themselves (their code, status and docstring)."""

from http import HTTPStatus
from typing import Any

from pydantic import BaseModel

from practice.errors import PracticeError
from practice_api.http.errors import error_classes


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: list[dict[str, object]] | None = None


class ErrorResponse(BaseModel):
    error: ErrorDetail


def documented_errors() -> dict[int, Any]:
    """The error responses of every route's OpenAPI entry: per status, each code and what it means."""
    by_status: dict[int, list[str]] = {}
    documented: list[type[PracticeError]] = [PracticeError, *error_classes()]
    for error in sorted(documented, key=lambda cls: (cls.status, cls.code)):
        summary = (error.__doc__ or "").strip().splitlines()[0]
        by_status.setdefault(int(error.status), []).append(f"- `{error.code}`: {summary}")
    return {
        status: {"description": "\n".join(lines), "content": {"application/json": {"model": ErrorResponse}}}
        for status, lines in sorted(by_status.items())
    }


ERROR_RESPONSES = documented_errors()


def route_responses(
    model: type[BaseModel], description: str, status: HTTPStatus = HTTPStatus.OK
) -> dict[int, Any]:
    """A route's OpenAPI responses: its success body (200 unless said), and every error body."""
    return {
        int(status): {"description": description, "content": {"application/json": {"model": model}}},
        **ERROR_RESPONSES,
    }


def conditional_responses(model: type[BaseModel], description: str) -> dict[int, Any]:
    """A conditional GET's responses (http/conditional.py): its 200 (with an ETag), 304 when
    If-None-Match names the current ETag, and every error body."""
    not_modified = {"description": "Not modified: the copy of If-None-Match's ETag is current (no body)."}
    responses = route_responses(model, description)
    return {200: responses.pop(200), 304: not_modified, **responses}
