"""Typed domain errors. Each carries a stable machine-readable code; the HTTP mapping lives in
one place in the API function (functions/practice_api/error_handlers.py)."""


class PracticeError(Exception):
    """Base of every error the domain raises on purpose."""

    code = "practice_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Unauthenticated(PracticeError):
    code = "unauthenticated"


class InvalidRequest(PracticeError):
    """The request is well-formed JSON but a value in it cannot be used (e.g. a time zone)."""

    code = "invalid_request"

    def __init__(self, message: str, *, code: str = "invalid_request") -> None:
        super().__init__(message)
        self.code = code


class InvalidResults(PracticeError):
    """Completion results that do not fit the session they complete."""

    code = "invalid_results"


class SessionNotFound(PracticeError):
    code = "session_not_found"


class SessionConflict(PracticeError):
    """The session cannot take this completion (already completed differently, or expired)."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


class ConcurrentUpdate(PracticeError):
    """Another request changed the learner's state while this one ran; the client may retry."""

    code = "concurrent_update"


class CourseNotFound(PracticeError):
    """The learner's course has no content in the table (the course was never loaded)."""

    code = "course_not_loaded"


class StoreUnavailable(PracticeError):
    """DynamoDB throttled us after the SDK's own retries; the client should retry later."""

    code = "service_unavailable"


class RequestInProgress(PracticeError):
    """A request with the same Idempotency-Key is still running; retry in a moment."""

    code = "request_in_progress"


class IdempotencyKeyReused(PracticeError):
    """The Idempotency-Key was first used for a different request."""

    code = "idempotency_key_reused"
