"""The API's throttling, the API function's reserved concurrency and the optimizer's concurrency
are template parameters whose -1 means the stage's default (docs/scale.md). The template's
conditions are evaluated here as CloudFormation would, for each stage and for overrides."""

from typing import Any

import pytest

from practice_local.cloud.template import load_template

TEMPLATE = load_template()
NO_VALUE = object()


def resolve(node: Any, parameters: dict[str, Any]) -> Any:
    """CloudFormation's Ref, Fn::FindInMap, Fn::If, Fn::Equals, Fn::Not/And/Or and Condition."""
    if not isinstance(node, dict) or len(node) != 1:
        return node
    [(name, value)] = node.items()
    match name:
        case "Ref":
            if value == "AWS::NoValue":
                return NO_VALUE
            default = TEMPLATE["Parameters"][value].get("Default")
            return parameters.get(value, default)
        case "Fn::FindInMap":
            mapping, key, field = (resolve(part, parameters) for part in value)
            return TEMPLATE["Mappings"][mapping][key][field]
        case "Fn::If":
            condition, when_true, when_false = value
            chosen = when_true if holds(condition, parameters) else when_false
            return resolve(chosen, parameters)
        case "Fn::Equals":
            left, right = (resolve(part, parameters) for part in value)
            return str(left) == str(right)
        case "Fn::Not":
            return not resolve(value[0], parameters)
        case "Fn::And":
            return all(resolve(part, parameters) for part in value)
        case "Fn::Or":
            return any(resolve(part, parameters) for part in value)
        case "Condition":
            return holds(value, parameters)
    return node


def holds(condition: str, parameters: dict[str, Any]) -> bool:
    return bool(resolve(TEMPLATE["Conditions"][condition], parameters))


def limits(**parameters: Any) -> dict[str, Any]:
    api = TEMPLATE["Resources"]["PracticeHttpApi"]["Properties"]["DefaultRouteSettings"]
    function = TEMPLATE["Resources"]["PracticeApiFunction"]["Properties"]
    fits = TEMPLATE["Resources"]["OptimizerFunction"]["Properties"]["Events"]["Fits"]["Properties"]
    return {
        "rate": resolve(api["ThrottlingRateLimit"], parameters),
        "burst": resolve(api["ThrottlingBurstLimit"], parameters),
        "reserved": resolve(function["ReservedConcurrentExecutions"], parameters),
        "fits": resolve(fits["ScalingConfig"]["MaximumConcurrency"], parameters),
    }


@pytest.mark.parametrize(
    ("stage", "expected"),
    [
        ("dev", {"rate": 100, "burst": 200, "reserved": NO_VALUE, "fits": 2}),
        ("prod", {"rate": 2000, "burst": 4000, "reserved": 300, "fits": 20}),
    ],
)
def test_each_stage_gets_the_limits_of_the_load_model(stage, expected):
    assert limits(Stage=stage) == expected


def test_a_parameter_given_overrides_the_stages_default():
    assert limits(Stage="prod", ApiRateLimit=500, ApiBurstLimit=800, OptimizerMaxConcurrency=5) == {
        "rate": 500, "burst": 800, "reserved": 300, "fits": 5,
    }  # fmt: skip
    assert limits(Stage="prod", ApiReservedConcurrency=0)["reserved"] is NO_VALUE  # 0: none reserved
    assert limits(Stage="dev", ApiReservedConcurrency=50)["reserved"] == 50
