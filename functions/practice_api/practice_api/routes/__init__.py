"""The API's routers, one module per resource. Each path also answers the methods it does not
take, with 405 and an Allow header: the template routes them to the function with `ANY` (API
Gateway alone would answer 404, as if the path did not exist)."""

from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from practice_api.error_map import MethodNotAllowed

HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "QUERY")


def methods_other_than(*allowed: str) -> list[str]:
    return [method for method in HTTP_METHODS if method not in allowed]


def method_not_allowed(router: APIGatewayHttpRouter, *allowed: str) -> MethodNotAllowed:
    event = router.current_event
    return MethodNotAllowed(event.http_method, event.path, allowed)
