"""The clients the functions make (practice/runtime/clients.py): botocore's, with a data loader that knows
which services we use instead of listing every one botocore ships."""

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import botocore
import pytest
from botocore.exceptions import UnknownServiceError
from moto import mock_aws

from practice.runtime.clients import SERVICES, _session, dynamodb_client, sqs_client

BOTOCORE_DATA = str(Path(botocore.__file__).parent / "data")


@pytest.fixture
def listings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Directories under botocore's data that anything lists while the test runs."""
    listed: list[str] = []
    listdir: Callable[..., Any] = os.listdir

    def counting(path: Any = ".") -> list[str]:
        if str(path).startswith(BOTOCORE_DATA):
            listed.append(str(path))
        return listdir(path)

    monkeypatch.setattr(os, "listdir", counting)
    return listed


def test_the_clients_are_made_listing_only_their_own_services_data(listings):
    with mock_aws():
        dynamodb, sqs = dynamodb_client(), sqs_client()

        # (each service's own directory: which API version is the latest)
        assert {Path(path).relative_to(BOTOCORE_DATA).parts[0] for path in listings} == {"dynamodb", "sqs"}
        assert len(listings) <= 8
        assert dynamodb.list_tables()["TableNames"] == []
        assert sqs.list_queues().get("QueueUrls", []) == []


def test_a_stock_botocore_session_lists_hundreds_of_directories_for_the_same_client(listings):
    botocore.session.get_session().create_client("dynamodb", region_name="eu-west-1")

    assert len(listings) > 400


def test_a_service_we_do_not_use_is_unknown_to_our_sessions():
    assert set(SERVICES) == {"dynamodb", "sqs", "sns"}
    with pytest.raises(UnknownServiceError):
        _session().create_client("s3", region_name="eu-west-1")


def test_audio_links_sign_with_the_credentials_the_dynamodb_client_resolved(monkeypatch):
    from practice.runtime import clients

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAFROMINIT")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    dynamodb_client()

    def no_second_lookup() -> Any:
        raise AssertionError("the credential chain was looked up again")

    monkeypatch.setattr(clients, "_session", no_second_lookup)
    credentials = clients.aws_credentials()
    assert credentials is not None and credentials.access_key == "AKIAFROMINIT"
