"""Typed domain errors. Each class is one error code and carries the HTTP status the API answers
it with; the API's error map (functions/practice_api/practice_api/error_map.py) reads both, so a
new error needs no change there. The docstring's first line documents the code in the OpenAPI spec."""

from http import HTTPStatus
from typing import ClassVar

RETRY_AFTER_SECONDS = "1"  # what a 503 tells the client to wait


class PracticeError(Exception):
    """Something went wrong on our side.

    As a base: every error raised on purpose, a stable machine-readable code and an HTTP status."""

    code: ClassVar[str] = "internal_error"
    status: ClassVar[HTTPStatus] = HTTPStatus.INTERNAL_SERVER_ERROR

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    @property
    def headers(self) -> dict[str, str]:
        """HTTP headers the answer carries besides the body."""
        if self.status == HTTPStatus.SERVICE_UNAVAILABLE:
            return {"Retry-After": RETRY_AFTER_SECONDS}
        return {}


class Unauthenticated(PracticeError):
    """The request carries no usable identity."""

    code = "unauthenticated"
    status = HTTPStatus.UNAUTHORIZED


class InvalidTimeZone(PracticeError):
    """The time zone is not an IANA name such as Europe/Madrid."""

    code = "invalid_time_zone"
    status = HTTPStatus.BAD_REQUEST


class InvalidResults(PracticeError):
    """The completion names phrases that the session did not serve, or one phrase twice."""

    code = "invalid_results"
    status = HTTPStatus.UNPROCESSABLE_ENTITY


class InvalidCursor(PracticeError):
    """The page cursor was not issued to the caller for this listing (forged, altered or another's)."""

    code = "invalid_cursor"
    status = HTTPStatus.BAD_REQUEST


class InvalidSyncToken(PracticeError):
    """The phrasebook's sync token was not issued to the caller (forged, altered or another's)."""

    code = "invalid_sync_token"
    status = HTTPStatus.BAD_REQUEST


class SyncTokenExpired(PracticeError):
    """What changed since the sync token is no longer kept: list the phrasebook again, without `since`."""

    code = "sync_token_expired"
    status = HTTPStatus.GONE


class SyncQueryConflict(PracticeError):
    """`since` asks for what changed in the token's own listing: it takes no cursor, course or filter."""

    code = "sync_query_conflict"
    status = HTTPStatus.UNPROCESSABLE_ENTITY


class InvalidDateRange(PracticeError):
    """The date range is reversed or longer than the most one request may cover."""

    code = "invalid_date_range"
    status = HTTPStatus.UNPROCESSABLE_ENTITY


class SessionNotFound(PracticeError):
    """The caller has no session with this id."""

    code = "session_not_found"
    status = HTTPStatus.NOT_FOUND


class DeviceNotFound(PracticeError):
    """The caller has no device with this id."""

    code = "device_not_found"
    status = HTTPStatus.NOT_FOUND


class SessionAlreadyCompleted(PracticeError):
    """The session was already completed with other results."""

    code = "session_already_completed"
    status = HTTPStatus.CONFLICT


class SessionExpired(PracticeError):
    """The session's completion window has passed."""

    code = "session_expired"
    status = HTTPStatus.CONFLICT


class ConcurrentUpdate(PracticeError):
    """The learner's data changed during the request; retry it."""

    code = "concurrent_update"
    status = HTTPStatus.CONFLICT


class AccountDeleting(PracticeError):
    """The account is being deleted; the learner can start afresh once that is done (a minute or so)."""

    code = "account_deleting"
    status = HTTPStatus.CONFLICT


class RequestInProgress(PracticeError):
    """A request with the same Idempotency-Key is still running; retry shortly."""

    code = "request_in_progress"
    status = HTTPStatus.CONFLICT


class IdempotencyKeyReused(PracticeError):
    """The Idempotency-Key was first used for a different request."""

    code = "idempotency_key_reused"
    status = HTTPStatus.UNPROCESSABLE_ENTITY


class UnknownCourse(PracticeError):
    """A course id that no loaded course has (GET /courses lists them): the course named is not
    found. Not 422: the id is well-formed, and which courses exist is data, not the schema."""

    code = "unknown_course"
    status = HTTPStatus.NOT_FOUND


class CourseNotLoaded(PracticeError):
    """The learner's course has no content in the table; it was never loaded."""

    code = "course_not_loaded"
    status = HTTPStatus.SERVICE_UNAVAILABLE


class QuotaExceeded(PracticeError):
    """The learner made more of these requests than one learner may in a window (a client in a
    loop); retry after Retry-After seconds, when the window ends (docs/quotas.md)."""

    code = "quota_exceeded"
    status = HTTPStatus.TOO_MANY_REQUESTS

    def __init__(self, message: str, retry_after: int = 1) -> None:
        super().__init__(message)
        self.retry_after = retry_after

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class StoreUnavailable(PracticeError):
    """DynamoDB or the push service is throttling or unreachable; retry after Retry-After seconds."""

    code = "service_unavailable"
    status = HTTPStatus.SERVICE_UNAVAILABLE


# -- internal signals: never answered to a client as such ---------------------------------------


class SessionNotOpen(Exception):
    """The session was completed by someone else meanwhile. The session service answers it as a
    retry would; no client ever sees it."""


class ErasureIncomplete(Exception):
    """The invocation ran short of time: the message goes back to the queue, and its next
    attempt goes on with what is left."""

    def __init__(self, deleted: int) -> None:
        super().__init__(f"{deleted} items deleted; the next attempt goes on with the rest")
        self.deleted = deleted
