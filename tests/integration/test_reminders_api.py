"""POST and DELETE /api/v2/practice/devices and the profile's reminder settings, through the real
handler on moto: registration idempotent on the token, every way to call it wrong, another
learner's device a 404, a push service that cannot be reached a 503 with nothing written; and the
SNS push channel itself against moto's SNS: endpoints per token, a token moving between learners,
pushes, a disabled endpoint, deletion."""

import json
from typing import Any

import pytest
from moto import mock_aws

from practice.compose import reminder_sender
from practice.domain.reminders import Message, Platform, ReminderKind
from practice.errors import StoreUnavailable
from practice.reminders.push import SnsPush, payload
from practice.runtime.clients import sns_client
from practice_local.simulation.memory import RecordingPush
from tests.conftest import TABLE_NAMES, LambdaContext, load_event
from tests.fakes import in_memory, on_dynamodb, services_on
from tests.integration.test_profile_api import profile_event, sample_event

USER = "learner-0001"
TOKEN = "740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad"


def device_event(body: Any = None, sub: str | None = USER) -> dict[str, Any]:
    return sample_event("register_device.json", body, sub)


def remove_event(device_id: str, sub: str = USER) -> dict[str, Any]:
    event = load_event("remove_device.json")
    old = event["pathParameters"]["device_id"]
    event["rawPath"] = event["rawPath"].replace(old, device_id)
    event["requestContext"]["http"]["path"] = event["rawPath"]
    event["pathParameters"] = {"device_id": device_id}
    event["requestContext"]["authorizer"]["jwt"]["claims"]["sub"] = sub
    return event


def test_a_device_is_registered_once_per_token_and_the_profile_shows_it(invoke, clock):
    # Given the app registers its token, then again with a new version
    status, first = invoke(device_event())
    clock.advance(hours=1)
    body = json.loads(load_event("register_device.json")["body"]) | {"app_version": "3.3.0"}
    again_status, again = invoke(device_event(body))

    # Then the first is 201, the second 200 with the same device
    assert (status, again_status) == (201, 200)
    assert again["device_id"] == first["device_id"]
    assert (first["language"], first["push_enabled"], again["app_version"]) == ("es", False, "3.3.0")
    assert again["registered_at"] == first["registered_at"] != again["last_seen_at"]

    # And the profile counts one device and plans a reminder at 19:00 (auto, no session yet)
    _, profile = invoke(profile_event())
    assert profile["reminders"] == {
        "enabled": True,
        "time": "auto",
        "usual_time": None,
        "next_reminder_at": f"{clock.now.date()}T19:00:00Z",
        "devices": 1,
    }


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"platform": "windows"}, "platform"),
        ({"platform": 1}, "platform"),
        ({"token": "short"}, "token"),
        ({"token": "has a space in it"}, "token"),
        ({"app_version": "3.2.0-beta"}, "app_version"),
        ({"locale": "not a locale"}, "locale"),
        ({"locale": None}, "locale"),
        ({"extra": True}, "extra"),
    ],
)
def test_a_registration_that_is_not_valid_is_422_and_writes_nothing(invoke, change, field):
    body = json.loads(load_event("register_device.json")["body"]) | change
    status, error = invoke(device_event(body))
    assert status == 422
    assert error["error"]["code"] == "validation_error"
    assert field in json.dumps(error["error"]["details"])
    assert invoke(profile_event())[1]["reminders"]["devices"] == 0


def test_registrations_without_identity_without_a_body_or_by_another_method_are_refused(invoke):
    assert invoke(device_event(sub=None))[0] == 401
    assert invoke(device_event("not json"))[0] == 400
    assert invoke(device_event({}))[0] == 422
    event = device_event()
    event["requestContext"]["http"]["method"] = "GET"
    event["routeKey"] = "ANY /api/v2/practice/devices"
    assert invoke(event)[0] == 405


def test_a_device_is_removed_by_its_learner_only_and_once(api, invoke):
    from practice_api.app import lambda_handler

    _, device = invoke(device_event())
    assert invoke(remove_event(device["device_id"], sub="someone-else"))[0] == 404

    response = lambda_handler(remove_event(device["device_id"]), LambdaContext())
    assert (response["statusCode"], response.get("body") or "") == (204, "")

    status, error = invoke(remove_event(device["device_id"]))
    assert (status, error["error"]["code"]) == (404, "device_not_found")
    assert invoke(remove_event("not-a-device-id"))[0] == 422
    assert invoke(profile_event())[1]["reminders"] == {
        "enabled": True, "time": "auto", "usual_time": None, "next_reminder_at": None, "devices": 0,
    }  # fmt: skip


def test_the_reminder_settings_change_with_patch_and_an_impossible_time_is_422(invoke):
    invoke(device_event())
    status, profile = invoke(profile_event("PATCH", {"reminders": {"time": "08:15"}}))
    assert status == 200
    assert profile["reminders"]["time"] == "08:15"
    assert profile["reminders"]["next_reminder_at"].endswith("T08:15:00Z")

    status, profile = invoke(profile_event("PATCH", {"reminders": {"enabled": False}}))
    assert (profile["reminders"]["enabled"], profile["reminders"]["time"]) == (False, "08:15")
    assert profile["reminders"]["next_reminder_at"] is None

    for wrong in ({"time": "25:00"}, {"time": "7:30"}, {"time": "22:30"}, {"time": "06:00"},
                  {"enabled": "yes"}, {}, {"time": None}, {"when": "auto"}):  # fmt: skip
        status, error = invoke(profile_event("PATCH", {"reminders": wrong}))
        assert status == 422, wrong
        assert error["error"]["code"] == "validation_error"
    assert invoke(profile_event())[1]["reminders"]["time"] == "08:15"


class Unreachable(RecordingPush):
    def endpoint(self, platform: Platform, token: str, user_id: str) -> Any:
        raise StoreUnavailable("the push service could not be reached; retry shortly")


def test_a_push_service_that_cannot_be_reached_is_a_503_and_nothing_is_written(clock):
    repository = in_memory()
    service = services_on(repository, clock, push=Unreachable())
    with pytest.raises(StoreUnavailable):
        service.devices.register(USER, Platform.IOS, TOKEN, "3.2.0", "en")
    assert repository.devices_of(USER) == []
    assert repository.writes == 0


MESSAGE = Message(ReminderKind.STREAK_AT_RISK, "es", "Tu racha de 4 días termina esta noche", "Unos minutos.")


def test_the_sns_push_channel_on_moto():
    with mock_aws():
        sns = sns_client()
        ios = sns.create_platform_application(
            Name="ios", Platform="APNS", Attributes={"PlatformCredential": "k", "PlatformPrincipal": "p"}
        )["PlatformApplicationArn"]
        push = SnsPush({Platform.IOS: ios, Platform.ANDROID: ""}, sns_client)

        # An endpoint per token, the same for the same token; none for a platform with no app
        first = push.endpoint(Platform.IOS, TOKEN, "ana")
        assert first.arn is not None and first.previous_owner is None
        assert push.endpoint(Platform.IOS, TOKEN, "ana") == first
        assert push.endpoint(Platform.ANDROID, TOKEN, "ana") == (None, None)

        # The same token registered by another learner: the same endpoint, theirs now
        moved = push.endpoint(Platform.IOS, TOKEN, "ben")
        assert (moved.arn, moved.previous_owner) == (first.arn, "ana")
        assert sns.get_endpoint_attributes(EndpointArn=first.arn)["Attributes"]["CustomUserData"] == "ben"

        # A push goes; to a disabled endpoint it is refused; a deleted endpoint is gone
        assert push.send(first.arn, MESSAGE)
        sns.set_endpoint_attributes(EndpointArn=first.arn, Attributes={"Enabled": "false"})
        assert not push.send(first.arn, MESSAGE)
        assert push.endpoint(Platform.IOS, TOKEN, "ben").arn == first.arn  # registering re-enables it
        assert push.send(first.arn, MESSAGE)
        push.delete(first.arn)
        assert sns.list_endpoints_by_platform_application(PlatformApplicationArn=ios)["Endpoints"] == []


def test_a_push_carries_the_notification_for_each_service_and_the_kind_for_the_app():
    sent = json.loads(payload(MESSAGE))
    apns, fcm = json.loads(sent["APNS"]), json.loads(sent["GCM"])
    assert apns["aps"]["alert"] == {"title": MESSAGE.title, "body": MESSAGE.body}
    assert fcm["notification"] == {"title": MESSAGE.title, "body": MESSAGE.body}
    assert apns["kind"] == fcm["data"]["kind"] == "streak_at_risk"
    assert sent["default"] == MESSAGE.body


class SenderContext(LambdaContext):
    function_name: str = "ReminderSenderFunction"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 600_000  # the function's timeout


def test_the_sender_handler_runs_on_the_scheduled_sample_event_and_sums_up_its_run(
    dynamodb, clock, monkeypatch
):
    from reminders import app as sender_app

    # Given a learner with a device on SNS (moto) and a reminder at 19:00 UTC today
    sns = sns_client()
    application = sns.create_platform_application(
        Name="ios", Platform="APNS", Attributes={"PlatformCredential": "k", "PlatformPrincipal": "p"}
    )["PlatformApplicationArn"]
    push = SnsPush({Platform.IOS: application}, sns_client)
    repository = on_dynamodb(dynamodb, TABLE_NAMES["PracticeTable"])
    services = services_on(repository, clock, push=push)
    services.profile.update_profile(USER, {"reminders": {"time": "19:00"}})
    services.devices.register(USER, Platform.IOS, TOKEN, "3.2.0", "de-AT")

    # When the schedule's event of 19:00 comes (the sender on the test's clock, at 19:00)
    clock.now = clock.now.replace(hour=19, minute=0)
    sender = reminder_sender(repository, push, clock=clock, pause=lambda _: None)
    monkeypatch.setattr(sender_app, "sender", lambda: sender)
    event = load_event("send_reminders.json") | {"time": clock.now.strftime("%Y-%m-%dT%H:%M:%SZ")}
    answer = sender_app.lambda_handler(event, SenderContext())

    # Then it pushed the learner's reminder, in German, and says so
    assert answer | {"pushed": None} == {
        "window": clock.now.isoformat(), "due": 1, "reminded": 1, "replanned": 0, "pushes": 1,
        "failed": 0, "devices_removed": 0, "stopped_short": False, "pushed": None,
    }  # fmt: skip
    assert answer["pushed"] == [
        {"user_id": USER, "kind": "practice", "language": "de", "title": "Zeit zum Üben",
         "body": "Deine Sätze warten: ein paar Minuten reichen."},
    ]  # fmt: skip

    # And a second run of the same window pushes nothing
    assert sender_app.lambda_handler(event, SenderContext())["pushes"] == 0

    # And a run with less time left than it keeps in reserve starts nothing and says so
    assert sender_app.lambda_handler(event, LambdaContext())["stopped_short"] is True
