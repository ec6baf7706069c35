"""Each path also answers the methods it does not take, with 405 and an Allow header: the
template routes them to the function with `ANY` (API Gateway alone would answer 404, as if the
path did not exist)."""

from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from practice_api.http.errors import MethodNotAllowed

HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "QUERY")


def refuse_other_methods(router: APIGatewayHttpRouter, path: str, *allowed: str) -> None:
    """Answer every method of `path` but `allowed` with 405 (left out of the OpenAPI spec)."""

    def other_method() -> None:
        event = router.current_event
        raise MethodNotAllowed(event.http_method, event.path, allowed)

    others = [method for method in HTTP_METHODS if method not in allowed]
    router.route(path, method=others, include_in_schema=False)(other_method)
