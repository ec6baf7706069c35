"""Every error class is one code with one status; the error map and the OpenAPI spec read both."""

import json
from http import HTTPStatus

from practice.errors import PracticeError, StoreUnavailable
from practice_api.http.error_map import error_response
from practice_api.http.errors import error_classes
from practice_api.http.openapi import ERROR_RESPONSES


def test_every_error_code_is_unique_and_a_client_or_service_error():
    classes = list(error_classes())
    codes = [cls.code for cls in classes]
    assert len(codes) == len(set(codes))
    assert all(400 <= cls.status < 500 or cls.status == HTTPStatus.SERVICE_UNAVAILABLE for cls in classes)
    assert all(cls.__doc__ for cls in classes)


def test_the_spec_documents_every_code_under_its_status():
    for cls in [PracticeError, *error_classes()]:
        assert f"`{cls.code}`" in ERROR_RESPONSES[int(cls.status)]["description"]


def test_a_new_error_class_is_answered_with_its_own_status_and_code():
    class PhraseRetired(PracticeError):
        """The phrase left the course."""

        code = "phrase_retired"
        status = HTTPStatus.GONE

    response = error_response(PhraseRetired("gone for good"))
    assert response.status_code == HTTPStatus.GONE
    assert json.loads(str(response.body)) == {"error": {"code": "phrase_retired", "message": "gone for good"}}


def test_a_503_tells_the_client_when_to_retry():
    response = error_response(StoreUnavailable("throttled"))
    assert (response.status_code, response.headers["Retry-After"]) == (503, "1")
