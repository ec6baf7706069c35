"""Routes of the learner's devices: registering the app's push token for practice reminders, and
removing a device (the reminders themselves go from the scheduled sender, functions/reminders)."""

from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from practice_api.dependencies import Learner, Services
from practice_api.http.methods import refuse_other_methods
from practice_api.http.openapi import ERROR_RESPONSES
from practice_api.reminders.models import DeviceRequest, DeviceResponse
from practice_api.reminders.presenters import device_response

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]
DEVICES = "/api/v2/practice/devices"
DEVICE = f"{DEVICES}/<device_id>"
DeviceId = Annotated[str, Path(pattern=r"^[a-z2-7]{24}$", description="The device's id.")]
_DEVICE_BODY: Any = {"application/json": {"model": DeviceResponse}}


@router.post(
    DEVICES,
    responses={
        201: {"description": "The device is registered", "content": _DEVICE_BODY},
        200: {"description": "The token was registered already: the same device", "content": _DEVICE_BODY},
        **ERROR_RESPONSES,
    },
)
def register_device(user_id: Learner, services: Services, body: DeviceRequest) -> Response[DeviceResponse]:
    """Register the app's push token for practice reminders (201; the same token again: 200, the
    same device, its app version and locale updated). A learner keeps up to 5 devices: a sixth
    replaces the one least recently seen. A token another learner registered moves to the caller."""
    registration = services.devices.register(
        user_id, body.platform, body.token, body.app_version, body.locale
    )
    return Response(
        status_code=HTTPStatus.CREATED if registration.created else HTTPStatus.OK,
        content_type="application/json",
        body=device_response(registration.device),
    )


@router.delete(
    DEVICE,
    status_code=HTTPStatus.NO_CONTENT,
    responses={204: {"description": "The device is removed (no body)"}, **ERROR_RESPONSES},
)
def remove_device(user_id: Learner, services: Services, device_id: DeviceId) -> Response[None]:
    """Remove a device: no more reminders to it (call it when the learner signs out). Another
    learner's device, or one removed already, is 404."""
    services.devices.remove(user_id, device_id)
    return Response(status_code=HTTPStatus.NO_CONTENT, body=None)


refuse_other_methods(router, DEVICES, "POST")
refuse_other_methods(router, DEVICE, "DELETE")
