"""Who is calling: the JWT authorizer's `sub` claim; in explicit local mode, `?user_id=`."""

from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2
from pydantic import TypeAdapter, ValidationError

from practice.domain.learner import UserId
from practice.errors import Unauthenticated

_user_id = TypeAdapter(UserId)


def caller_id(event: APIGatewayProxyEventV2, *, local_mode: bool) -> str:
    authorizer = event.request_context.authorizer
    claims = authorizer.jwt_claim if authorizer else None
    candidate = (claims or {}).get("sub")
    if candidate is None and local_mode:
        candidate = event.get_query_string_value("user_id")
    if not candidate:
        raise Unauthenticated("sign in first: the request carries no identity")
    try:
        return _user_id.validate_python(candidate)
    except ValidationError as error:
        raise Unauthenticated("the caller's identity is not a valid user id") from error
