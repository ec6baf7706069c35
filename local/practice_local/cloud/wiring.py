"""The API function's handler served from a client and a clock of the caller's choosing: its
services and session starter, built by the composition root on them, put in place of those it
builds from its environment (Powertools' dependency overrides, nothing patched). For what runs
the real handler at another time than now: `make invoke`'s completion, the chaos run, tests."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from practice.compose import api_services
from practice.runtime.clock import Clock, utc_now
from practice.runtime.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient


def serve_api_on(client: "DynamoDBClient", clock: Clock = utc_now, settings: Settings | None = None) -> None:
    """Point the handler's routes at `client`, on `clock` (and `settings` instead of the
    environment's, when given), until `clear_api_overrides()`."""
    # the handler's modules read their environment at import: imported once it is set
    from practice_api import dependencies  # noqa: PLC0415
    from practice_api.app import app  # noqa: PLC0415
    from practice_api.observability import logger  # noqa: PLC0415
    from practice_api.sessions.start import SessionStarter  # noqa: PLC0415

    settings = settings or dependencies.app_settings()
    services = api_services(settings, client, clock, request_id=logger.get_correlation_id)
    starter = SessionStarter(services.sessions, services.audio, settings, client)
    app.dependency_overrides[dependencies.services] = lambda: services
    app.dependency_overrides[dependencies.session_starter] = lambda: starter


def clear_api_overrides() -> None:
    from practice_api.app import app  # noqa: PLC0415 - as above

    app.dependency_overrides.clear()


@contextmanager
def api_served_on(
    client: "DynamoDBClient", clock: Clock = utc_now, settings: Settings | None = None
) -> Iterator[None]:
    """`serve_api_on` for the block."""
    serve_api_on(client, clock, settings)
    try:
        yield
    finally:
        clear_api_overrides()
