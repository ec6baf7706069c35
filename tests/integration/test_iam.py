"""The functions' roles in template.yaml allow what their code calls, and the account worker's
and the optimizer's nothing more: the DynamoDB actions are recorded from the code itself
(botocore's before-call hook, a transaction's items counted as the actions IAM checks them as)."""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from optimizer.learner import optimize_learner
from optimizer.model import FitRules
from optimizer.sweep import sweep
from practice.account.service import erase_learner
from practice.compose import reminder_sender
from practice.domain.fit_policy import FitPolicy
from practice.domain.reminders import Platform
from practice.reminders.push import SnsPush
from practice.runtime.clients import sns_client, sqs_client
from tests.conftest import FIT_QUEUE_URL, TABLE_NAMES, FakeClock
from tests.fakes import on_dynamodb, services_on
from tests.integration.test_account_api import delete_event, export_event, practise
from tests.integration.test_optimizer import copy_learner
from tests.integration.test_profile_api import profile_event
from tests.integration.test_progress_api import history_event, stats_event
from tests.unit.test_fitting import practised

# What IAM checks each item of a TransactWriteItems as
TRANSACTION_ITEM_ACTIONS = {
    "Put": "dynamodb:PutItem",
    "Update": "dynamodb:UpdateItem",
    "Delete": "dynamodb:DeleteItem",
    "ConditionCheck": "dynamodb:ConditionCheckItem",
}


def policy_statements(template: dict[str, Any], function: str) -> list[dict[str, Any]]:
    """The statements of a function's inline policies: SAM's (`Policies`), or its own role's."""
    properties = template["Resources"][function]["Properties"]
    if "Role" in properties:
        role = template["Resources"][properties["Role"]["Fn::GetAtt"].split(".")[0]]["Properties"]
        return [s for policy in role["Policies"] for s in policy["PolicyDocument"]["Statement"]]
    return [s for policy in properties["Policies"] for s in policy["Statement"]]


def allowed_actions(template: dict[str, Any], function: str, table: str = "PracticeTable") -> set[str]:
    """The DynamoDB actions a function's inline policy allows on the practice table or its indexes."""
    actions: set[str] = set()
    for statement in policy_statements(template, function):
        resources = (
            statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        )
        on_table = {"Fn::GetAtt": f"{table}.Arn"} in resources or any(
            str(r.get("Fn::Sub", "")).startswith(f"${{{table}.Arn}}/index/")
            for r in resources
            if isinstance(r, dict)
        )
        if on_table and statement["Effect"] == "Allow":
            listed = statement["Action"]
            actions |= set(listed if isinstance(listed, list) else [listed])
    return actions


@pytest.fixture
def actions(dynamodb: Any) -> Iterator[set[str]]:
    """The IAM actions of the DynamoDB calls made on the test's client from now on."""
    calls: set[str] = set()

    def record(model: Any, params: dict[str, Any], **_: Any) -> None:  # the call's parameters
        if model.name == "TransactWriteItems":
            calls.update(TRANSACTION_ITEM_ACTIONS[kind] for item in params["TransactItems"] for kind in item)
        else:
            calls.add(f"dynamodb:{model.name}")

    dynamodb.meta.events.register("before-parameter-build.dynamodb", record)
    yield calls
    dynamodb.meta.events.unregister("before-parameter-build.dynamodb", record)


def test_the_api_functions_role_allows_every_dynamodb_action_of_every_route(
    invoke, actions, template, clock: FakeClock
):
    # Given the API's calls recorded through a learner's life: packs, completions, reads, a
    # settings change, the export and the deletion
    practise(invoke, clock, days=2)
    for event in (profile_event(), profile_event("PATCH", {"daily_goal_xp": 30}), history_event(),
                  stats_event(), export_event(), delete_event()):  # fmt: skip
        assert invoke(event)[0] in {200, 202}

    # Then the role allows each of them
    assert "dynamodb:ConditionCheckItem" in actions
    assert actions <= allowed_actions(template, "PracticeApiFunction")


def test_the_account_workers_role_allows_exactly_what_the_erasure_calls(
    invoke, dynamodb, actions, template, clock: FakeClock
):
    # Given a learner who practised and deleted their account
    practise(invoke, clock, days=2)
    invoke(delete_event())
    actions.clear()

    # When the worker's loop erases them
    erase_learner(
        on_dynamodb(dynamodb, TABLE_NAMES["PracticeTable"]),
        "learner-0001",
        time_left=lambda: 60.0,
        stop_seconds=1,
    )

    # Then its role allows those actions and nothing else (least privilege)
    assert actions == allowed_actions(template, "AccountWorkerFunction")


def test_the_optimizers_role_allows_exactly_what_a_fit_calls(dynamodb, actions, template, clock: FakeClock):
    # Given a learner who practised enough for a fit, stored as the API stores them
    memory, _ = practised(60)
    copy_learner(memory, dynamodb, "ana")
    actions.clear()

    # When the optimizer fits them (read the profile, the review log, record the fit)
    repository = on_dynamodb(dynamodb, TABLE_NAMES["PracticeTable"])
    outcome = optimize_learner(repository, "ana", now=clock(), policy=FitPolicy(), rules=FitRules())
    assert outcome is not None

    # Then its role allows those actions and nothing else
    assert actions == allowed_actions(template, "OptimizerFunction")


def test_the_sweeps_role_allows_its_index_query_and_its_queue(dynamodb, actions, template, clock: FakeClock):
    repository = on_dynamodb(dynamodb, TABLE_NAMES["PracticeTable"])
    sweep(repository, sqs_client(), FIT_QUEUE_URL, now=clock(), grace=timedelta(hours=6),
          time_left=lambda: 900.0, stop_seconds=30)  # fmt: skip
    assert actions == {"dynamodb:Query"}
    statements = policy_statements(template, "OptimizerSweepFunction")
    assert {(s["Action"], str(s["Resource"])) for s in statements} == {
        ("dynamodb:Query", str({"Fn::Sub": "${PracticeTable.Arn}/index/fit-due-index"})),
        ("sqs:SendMessage", str({"Fn::GetAtt": "FitQueue.Arn"})),
    }


def allowed_sns_actions(template: dict[str, Any], function: str) -> set[str]:
    actions: set[str] = set()
    for statement in policy_statements(template, function):
        listed = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        actions |= {action for action in listed if action.startswith("sns:")}
    return actions


def recording_sns() -> tuple[Any, set[str]]:
    """An SNS client (on moto) that records the IAM action of each of its calls."""
    client, calls = sns_client(), set()
    client.meta.events.register(
        "before-parameter-build.sns", lambda model, **_: calls.add(f"sns:{model.name}")
    )
    return client, calls


def test_the_reminder_senders_role_allows_exactly_what_a_run_calls_and_the_api_what_devices_call(
    dynamodb, actions, template, clock: FakeClock
):
    # Given a learner who registered two devices through SNS, one of which is disabled since
    sns, sns_calls = recording_sns()
    app = sns.create_platform_application(
        Name="ios", Platform="APNS", Attributes={"PlatformCredential": "k", "PlatformPrincipal": "p"}
    )["PlatformApplicationArn"]
    sns_calls.clear()
    push = SnsPush({Platform.IOS: app}, lambda: sns)
    repository = on_dynamodb(dynamodb, TABLE_NAMES["PracticeTable"])
    services = services_on(repository, clock, push=push)
    for token in ("token-of-the-phone", "token-of-the-tablet"):
        services.devices.register("ana", Platform.IOS, token, "3.2.0", "en")
    services.devices.register("ana", Platform.IOS, "token-of-the-phone", "3.2.1", "en")
    services.devices.remove(
        "ana", services.devices.register("ana", Platform.IOS, "token-3", "3", "en").device.device_id
    )
    assert sns_calls <= allowed_sns_actions(template, "PracticeApiFunction")
    assert actions <= allowed_actions(template, "PracticeApiFunction")
    tablet = next(d for d in repository.devices_of("ana") if d.app_version == "3.2.0")
    sns.set_endpoint_attributes(EndpointArn=tablet.endpoint_arn, Attributes={"Enabled": "false"})
    actions.clear()
    sns_calls.clear()

    # When the sender runs in the window of their reminder
    clock.now = repository.get_profile("ana").reminder_state.next_at
    run = reminder_sender(repository, push, clock=clock, pause=lambda _: None).run(clock.now)
    assert (len(run.pushes), run.devices_removed) == (1, 1)

    # Then its role allows exactly those calls
    assert actions == allowed_actions(template, "ReminderSenderFunction")
    assert sns_calls == allowed_sns_actions(template, "ReminderSenderFunction")
    statements = policy_statements(template, "ReminderSenderFunction")
    index_query = {"Fn::Sub": "${PracticeTable.Arn}/index/reminder-index"}
    assert [s["Action"] for s in statements if s["Resource"] == index_query] == ["dynamodb:Query"]


WRITES = {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem",
          "dynamodb:ConditionCheckItem"}  # fmt: skip


def test_every_write_to_the_practice_table_is_confined_to_learner_partitions(template):
    # No function may write the shared COURSE#/CATALOG items (only `make load-course` does)
    writers = set()
    functions = [n for n, r in template["Resources"].items() if r["Type"] == "AWS::Serverless::Function"]
    for name in functions:
        for statement in policy_statements(template, name):
            listed = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            if WRITES.intersection(listed) and "PracticeTable" in str(statement["Resource"]):
                writers.add(name)
                assert statement["Condition"] == {
                    "ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["USER#*"]}
                }, name
    assert writers == {
        "PracticeApiFunction",
        "AccountWorkerFunction",
        "OptimizerFunction",
        "ReminderSenderFunction",
    }


def test_the_queue_consumers_may_consume_their_own_queue_and_no_other(template):
    # SAM's role for an SQS event source would carry AWSLambdaSQSQueueExecutionRole (every queue, "*")
    for function, queue in (("AccountWorkerFunction", "ErasureQueue"), ("OptimizerFunction", "FitQueue")):
        properties = template["Resources"][function]["Properties"]
        assert "Policies" not in properties and "Role" in properties
        role = template["Resources"][properties["Role"]["Fn::GetAtt"].split(".")[0]]["Properties"]
        assert not any("SQS" in str(arn) for arn in role["ManagedPolicyArns"])
        sqs = [s for s in policy_statements(template, function) if str(s["Action"]).startswith("['sqs:")]
        assert [s["Resource"] for s in sqs] == [{"Fn::GetAtt": f"{queue}.Arn"}]
        assert set(sqs[0]["Action"]) == {
            "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"
        }  # fmt: skip


def test_the_erasure_sweeps_role_allows_its_index_query_and_its_queue(dynamodb, actions, template, clock):
    from account_worker.sweep import sweep as sweep_erasures
    from practice.compose import erasure_store
    from tests.conftest import ERASURE_QUEUE_URL

    store = erasure_store(dynamodb, TABLE_NAMES["PracticeTable"])
    sweep_erasures(store, sqs_client(), ERASURE_QUEUE_URL, now=clock(), grace=timedelta(minutes=15),
                   time_left=lambda: 300.0, stop_seconds=30)  # fmt: skip
    assert actions == {"dynamodb:Query"}
    statements = policy_statements(template, "ErasureSweepFunction")
    assert {(s["Action"], str(s["Resource"])) for s in statements} == {
        ("dynamodb:Query", str({"Fn::Sub": "${PracticeTable.Arn}/index/erasure-index"})),
        ("sqs:SendMessage", str({"Fn::GetAtt": "ErasureQueue.Arn"})),
    }


def test_the_smoke_hook_may_invoke_only_the_new_version_and_report_to_codedeploy(template):
    hook = template["Resources"]["SmokeTestFunction"]["Properties"]
    statements = [s for p in hook["Policies"] for s in p["Statement"]]
    assert {(s["Action"], str(s["Resource"])) for s in statements} == {
        ("lambda:InvokeFunction", str({"Ref": "PracticeApiFunction.Version"})),
        ("codedeploy:PutLifecycleEventHookExecutionStatus", str({"Fn::Sub": (
            "arn:${AWS::Partition}:codedeploy:${AWS::Region}:${AWS::AccountId}:deploymentgroup:"
            "${ServerlessDeploymentApplication}/*")})),
    }  # fmt: skip
    # CodeDeploy's service role (AWSCodeDeployRoleForLambda) invokes only hooks named so
    assert hook["FunctionName"] == {"Fn::Sub": "CodeDeployHook_${AWS::StackName}-smoke"}
