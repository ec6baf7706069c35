"""Errors only the HTTP layer raises (the domain's are in practice.errors). Each carries its
code and status as the domain's do, so the error map and the OpenAPI docs read them alike."""

from http import HTTPStatus

from practice.errors import PracticeError


class InvalidJson(PracticeError):
    """The request body is not valid JSON."""

    code = "invalid_json"
    status = HTTPStatus.BAD_REQUEST


class PayloadTooLarge(PracticeError):
    """The request body is larger than any request needs (512 KB; the largest completion, 400
    reviews, is 70 KB): refused before it is parsed."""

    code = "payload_too_large"
    status = HTTPStatus.REQUEST_ENTITY_TOO_LARGE


class UnsupportedMediaType(PracticeError):
    """The request body is not sent as application/json."""

    code = "unsupported_media_type"
    status = HTTPStatus.UNSUPPORTED_MEDIA_TYPE


class InvalidAppVersion(PracticeError):
    """The X-App-Version header is not a version of dotted numbers, such as 3.2.0."""

    code = "invalid_app_version"
    status = HTTPStatus.BAD_REQUEST


class AppUpgradeRequired(PracticeError):
    """The app (X-App-Version) is older than the oldest version served: the learner must update it."""

    code = "app_upgrade_required"
    status = HTTPStatus.UPGRADE_REQUIRED

    def __init__(self, minimum: str) -> None:
        super().__init__(f"this version of the app is no longer supported; update it to {minimum} or later")
        self.minimum = minimum


class MethodNotAllowed(PracticeError):
    """The path exists, but not with this method (the Allow header lists those it has)."""

    code = "method_not_allowed"
    status = HTTPStatus.METHOD_NOT_ALLOWED

    def __init__(self, method: str, path: str, allowed: tuple[str, ...]) -> None:
        super().__init__(f"{path} does not take {method}; it takes {', '.join(allowed)}")
        self.allowed = allowed

    @property
    def headers(self) -> dict[str, str]:
        return {"Allow": ", ".join(self.allowed)}


class ValidationFailed(PracticeError):
    """A field, header or path parameter failed validation (details list each problem)."""

    code = "validation_error"
    status = HTTPStatus.UNPROCESSABLE_ENTITY


class RouteNotFound(PracticeError):
    """No such route."""

    code = "route_not_found"
    status = HTTPStatus.NOT_FOUND


def error_classes(base: type[PracticeError] = PracticeError) -> list[type[PracticeError]]:
    """Every error class, the domain's and these (all subclasses of PracticeError)."""
    found: list[type[PracticeError]] = []
    for subclass in base.__subclasses__():
        found += [subclass, *error_classes(subclass)]
    return found


ERROR_BY_CODE = {error.code: error for error in error_classes()}
