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
    erasures = TEMPLATE["Resources"]["AccountWorkerFunction"]["Properties"]["Events"]["Erasures"][
        "Properties"
    ]
    table = TEMPLATE["Resources"]["PracticeTable"]["Properties"]
    return {
        "rate": resolve(api["ThrottlingRateLimit"], parameters),
        "burst": resolve(api["ThrottlingBurstLimit"], parameters),
        "reserved": resolve(function["ReservedConcurrentExecutions"], parameters),
        "fits": resolve(fits["ScalingConfig"]["MaximumConcurrency"], parameters),
        "erasures": resolve(erasures["ScalingConfig"]["MaximumConcurrency"], parameters),
        "reads": resolve(table["OnDemandThroughput"]["MaxReadRequestUnits"], parameters),
        "writes": resolve(table["OnDemandThroughput"]["MaxWriteRequestUnits"], parameters),
        "deploy": resolve(function["DeploymentPreference"]["Type"], parameters),
        "deletion_protection": resolve(table["DeletionProtectionEnabled"], parameters),
    }


@pytest.mark.parametrize(
    ("stage", "expected"),
    [
        (
            "dev",
            {
                "rate": 100,
                "burst": 200,
                "reserved": NO_VALUE,
                "fits": 2,
                "erasures": 2,
                "reads": 1000,
                "writes": 2000,
                "deploy": "AllAtOnce",
                "deletion_protection": False,
            },
        ),
        (
            "prod",
            {
                "rate": 2000,
                "burst": 4000,
                "reserved": 300,
                "fits": 20,
                "erasures": 10,
                "reads": 12000,
                "writes": 40000,
                "deploy": "Canary10Percent5Minutes",
                "deletion_protection": True,
            },
        ),
    ],
)
def test_each_stage_gets_the_limits_of_the_load_model(stage, expected):
    assert limits(Stage=stage) == expected


def test_a_parameter_given_overrides_the_stages_default():
    given = limits(
        Stage="prod",
        ApiRateLimit=500,
        ApiBurstLimit=800,
        OptimizerMaxConcurrency=5,
        AccountWorkerMaxConcurrency=3,
        TableMaxReadRequestUnits=100,
        TableMaxWriteRequestUnits=200,
    )
    assert given == limits(Stage="prod") | {
        "rate": 500, "burst": 800, "fits": 5, "erasures": 3, "reads": 100, "writes": 200,
    }  # fmt: skip
    assert limits(Stage="prod", ApiReservedConcurrency=0)["reserved"] is NO_VALUE  # 0: none reserved
    assert limits(Stage="dev", ApiReservedConcurrency=50)["reserved"] == 50


@pytest.mark.parametrize(
    ("parameters", "holds"),
    [
        ({"Stage": "prod"}, False),
        ({"Stage": "prod", "AlarmTopicArn": "arn:aws:sns:eu-west-1:123456789012:on-call"}, True),
        ({"Stage": "dev"}, True),  # a dev stack's alarms may only record their state
    ],
)
def test_a_prod_stack_must_have_an_alarm_topic(parameters, holds):
    # The template's rule, as CloudFormation checks it before creating anything
    rule = TEMPLATE["Rules"]["ProdAlarmsReachSomeone"]
    applies = resolve(rule["RuleCondition"], parameters)
    assert (not applies or all(resolve(a["Assert"], parameters) for a in rule["Assertions"])) is holds
