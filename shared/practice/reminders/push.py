"""The push channel: SNS mobile push. Each device's token becomes an endpoint of the platform
application of its platform (APNs for iOS, FCM for Android; the template's parameters, empty:
push is off for that platform). The client is made on first use, as the queues' are."""

import json
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, NamedTuple, Protocol

from botocore.exceptions import BotoCoreError, ClientError

from practice.domain.reminders import Message, Platform
from practice.errors import StoreUnavailable

if TYPE_CHECKING:
    from mypy_boto3_sns.client import SNSClient

# SNS answers a token it already has, with other attributes, with the endpoint's ARN in the message
_EXISTING_ENDPOINT = re.compile(r"Endpoint (arn:\S+) already exists")


class Endpoint(NamedTuple):
    arn: str | None  # None: push is off for the device's platform
    previous_owner: str | None  # the learner the token belonged to before, if another


class PushChannel(Protocol):
    def endpoint(self, platform: Platform, token: str, user_id: str) -> Endpoint:
        """The endpoint of `token`, enabled and marked as `user_id`'s. StoreUnavailable when the
        push service cannot be reached."""
        ...

    def send(self, endpoint_arn: str, message: Message) -> bool:
        """Push `message`; False when the push service says the endpoint is disabled (the app was
        uninstalled, or the token expired). StoreUnavailable when it cannot be reached."""
        ...

    def delete(self, endpoint_arn: str) -> None:
        """Delete the endpoint (gone already: no error)."""
        ...


def payload(message: Message) -> str:
    """The SNS message: the notification for each push service, and the kind for the app."""
    alert = {"title": message.title, "body": message.body}
    data = {"kind": message.kind.value}
    return json.dumps(
        {
            "default": message.body,
            "APNS": json.dumps({"aps": {"alert": alert, "sound": "default"}, **data}),
            "APNS_SANDBOX": json.dumps({"aps": {"alert": alert, "sound": "default"}, **data}),
            "GCM": json.dumps({"notification": alert, "data": data}),
        },
        ensure_ascii=False,
    )


class SnsPush:
    def __init__(self, applications: Mapping[Platform, str], make_client: Callable[[], "SNSClient"]) -> None:
        self._applications = {platform: arn for platform, arn in applications.items() if arn}
        self._make_client = make_client
        self._client: SNSClient | None = None

    @property
    def client(self) -> "SNSClient":
        if self._client is None:
            self._client = self._make_client()
        return self._client

    def endpoint(self, platform: Platform, token: str, user_id: str) -> Endpoint:
        application = self._applications.get(platform)
        if application is None:
            return Endpoint(None, None)
        with _sns_errors():
            arn = self._create(application, token)
            attributes = self.client.get_endpoint_attributes(EndpointArn=arn)["Attributes"]
            owner = attributes.get("CustomUserData") or None
            wanted = {"Token": token, "Enabled": "true", "CustomUserData": user_id}
            if (
                attributes.get("Enabled", "").lower() != "true"
                or owner != user_id
                or attributes.get("Token") != token
            ):
                self.client.set_endpoint_attributes(EndpointArn=arn, Attributes=wanted)
        return Endpoint(arn, owner if owner != user_id else None)

    def _create(self, application: str, token: str) -> str:
        try:
            return self.client.create_platform_endpoint(PlatformApplicationArn=application, Token=token)[
                "EndpointArn"
            ]
        except ClientError as error:
            found = _EXISTING_ENDPOINT.search(str(error.response.get("Error", {}).get("Message", "")))
            if found is None:
                raise
            return found.group(1)

    def send(self, endpoint_arn: str, message: Message) -> bool:
        try:
            with _sns_errors():
                self.client.publish(TargetArn=endpoint_arn, Message=payload(message), MessageStructure="json")
        except ClientError as error:
            if _code(error) in {"EndpointDisabled", "EndpointDisabledException"}:
                return False
            raise
        return True

    def delete(self, endpoint_arn: str) -> None:
        with _sns_errors():
            self.client.delete_endpoint(EndpointArn=endpoint_arn)


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


@contextmanager
def _sns_errors() -> Iterator[None]:
    """Throttling and outages (after botocore's retries) become StoreUnavailable; other client
    errors pass through."""
    try:
        yield
    except ClientError as error:
        if _code(error) in {"Throttling", "ThrottlingException", "InternalError", "KMSThrottling"}:
            raise StoreUnavailable("the push service is throttling; retry shortly") from error
        raise
    except BotoCoreError as error:
        raise StoreUnavailable("the push service could not be reached; retry shortly") from error


class NoPush:
    """No push service (none configured, or a test's): devices are kept, nothing is pushed."""

    def endpoint(self, platform: Platform, token: str, user_id: str) -> Endpoint:
        return Endpoint(None, None)

    def send(self, endpoint_arn: str, message: Message) -> bool:
        raise AssertionError("no device has an endpoint without a push service")

    def delete(self, endpoint_arn: str) -> None:
        return None
