"""Reading template.yaml: the tables and queues it defines, so local runs and tests share them."""

import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[3]
TEMPLATE_PATH = REPO_ROOT / "template.yaml"


class _CloudFormationLoader(yaml.SafeLoader):
    """SafeLoader that keeps intrinsic functions (!Ref, !Sub, ...) as {"Fn": value} mappings."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    # as CloudFormation's JSON spells them: Ref and Condition bare, the functions as Fn::
    name = suffix if suffix in {"Ref", "Condition"} else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        return {name: loader.construct_scalar(node)}
    if isinstance(node, yaml.SequenceNode):
        return {name: loader.construct_sequence(node, deep=True)}
    return {name: loader.construct_mapping(node, deep=True)}  # type: ignore[arg-type]


_CloudFormationLoader.add_multi_constructor("!", _intrinsic)  # type: ignore[no-untyped-call]


def load_template(path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        template: dict[str, Any] = yaml.load(handle, Loader=_CloudFormationLoader)  # noqa: S506 - safe subclass
    return template


def table_definitions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """`CreateTable` arguments (without TableName) of each AWS::DynamoDB::Table, by logical id."""
    tables = {}
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] != "AWS::DynamoDB::Table":
            continue
        props = resource["Properties"]
        definition: dict[str, Any] = {
            "AttributeDefinitions": props["AttributeDefinitions"],
            "KeySchema": props["KeySchema"],
            "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
        }
        if "GlobalSecondaryIndexes" in props:
            definition["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
        if "SSESpecification" in props:
            definition["SSESpecification"] = {"Enabled": props["SSESpecification"]["SSEEnabled"]}
        if "TimeToLiveSpecification" in props:
            definition["TimeToLiveSpecification"] = props["TimeToLiveSpecification"]
        tables[logical_id] = definition
    return tables


def create_tables(client: Any, names: dict[str, str], template: dict[str, Any] | None = None) -> None:
    """Create the template's tables under the given physical `names` (logical id -> name)."""
    for logical_id, definition in table_definitions(template or load_template()).items():
        ttl = definition.pop("TimeToLiveSpecification", None)
        client.create_table(TableName=names[logical_id], **definition)
        client.get_waiter("table_exists").wait(TableName=names[logical_id])
        if ttl:
            client.update_time_to_live(TableName=names[logical_id], TimeToLiveSpecification=ttl)


def create_queues(
    client: Any, names: dict[str, str], template: dict[str, Any] | None = None
) -> dict[str, str]:
    """Create the template's SQS queues under the given `names` (logical id -> name), with their
    visibility timeout, retention and redrive policy; their URLs by logical id."""
    queues = {
        logical_id: resource.get("Properties") or {}
        for logical_id, resource in (template or load_template())["Resources"].items()
        if resource["Type"] == "AWS::SQS::Queue"
    }
    urls = {logical_id: client.create_queue(QueueName=names[logical_id])["QueueUrl"] for logical_id in queues}
    for logical_id, props in queues.items():
        attributes = {
            name: str(props[name])
            for name in ("VisibilityTimeout", "MessageRetentionPeriod")
            if name in props
        }
        if redrive := props.get("RedrivePolicy"):
            target = redrive["deadLetterTargetArn"]["Fn::GetAtt"]  # [logical id, "Arn"] or "Id.Arn"
            target_id = target[0] if isinstance(target, list) else target.split(".")[0]
            arn = client.get_queue_attributes(QueueUrl=urls[target_id], AttributeNames=["QueueArn"])
            policy = {
                "deadLetterTargetArn": arn["Attributes"]["QueueArn"],
                "maxReceiveCount": redrive["maxReceiveCount"],
            }
            attributes["RedrivePolicy"] = json.dumps(policy)
        if attributes:
            client.set_queue_attributes(QueueUrl=urls[logical_id], Attributes=attributes)
    return urls


def function_environment(template: dict[str, Any], logical_id: str, names: dict[str, str]) -> dict[str, str]:
    """The environment the template gives a function, with table references resolved to `names`
    and each secret it resolves from Secrets Manager at deploy time made up afresh: a local run
    has its own, which no deployed stack shares."""
    globals_env = template.get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {})
    own_env = template["Resources"][logical_id]["Properties"].get("Environment", {}).get("Variables", {})
    environment = {}
    for key, value in {**globals_env, **own_env}.items():
        resolved = value
        if isinstance(value, dict) and "Ref" in value:
            ref = value["Ref"]
            resolved = names.get(ref) or template.get("Parameters", {}).get(ref, {}).get("Default", "")
        elif isinstance(value, dict) and "{{resolve:secretsmanager:" in str(value.get("Fn::Sub", "")):
            resolved = secrets.token_urlsafe(48)
        if resolved != "":  # declared only so `sam local --env-vars` can set it: leave it unset
            environment[key] = str(resolved)
    return environment


@dataclass(frozen=True)
class HttpApiRoute:
    """One `Type: HttpApi` event of a function: `Method Path`, e.g. `GET /sessions/{session_id}`."""

    method: str
    path: str

    @property
    def route_key(self) -> str:
        return "$default" if self.path == "$default" else f"{self.method} {self.path}"


def http_api_routes(template: dict[str, Any], logical_id: str) -> list[HttpApiRoute]:
    """The routes a function's HttpApi events declare; no Method means ANY, no Path the `$default`
    route (as SAM does)."""
    events = template["Resources"][logical_id]["Properties"].get("Events", {})
    routes = []
    for event in events.values():
        if event.get("Type") != "HttpApi":
            continue
        props = event.get("Properties") or {}
        method = str(props.get("Method", "ANY")).upper()
        if method == "X-AMAZON-APIGATEWAY-ANY-METHOD":
            method = "ANY"
        routes.append(HttpApiRoute(method, str(props.get("Path", "$default"))))
    return routes


def function_property(template: dict[str, Any], logical_id: str, name: str) -> Any:
    """A function's own property, else the template's Globals.Function one (None if neither)."""
    own = template["Resources"][logical_id]["Properties"]
    if name in own:
        return own[name]
    return template.get("Globals", {}).get("Function", {}).get(name)
