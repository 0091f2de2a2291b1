"""KG-S06 kms-stack-requires-consumer-key-access: a key of the stack admits the service principal that
encrypts a consumer or delivers into it; exact findings per consumer kind, and inputs meant to fool it."""

from typing import Any

import pytest

from kmsguard.policies.rule import UNKNOWN, Outcome, Resource
from kmsguard.policies.rules.s06_stack_requires_consumer_key_access import RULE
from tests.policies.consumer_fixtures import (
    LOGS,
    SERVICE_STATEMENTS,
    TOPIC_ARN,
    consumer_stack,
    context,
    key_policy,
    service_statement,
    urn_of,
)
from tests.policies.golden import ACCOUNT, KEY_ARN, REGION, TAGS, stack_fired, stack_replace, stack_resource

SIDS = {s["Sid"]: s for s in SERVICE_STATEMENTS}


def _without(*sids: str) -> list[dict[str, Any]]:
    return [s for s in SERVICE_STATEMENTS if s["Sid"] not in sids]


def _messages(stack: list[Resource]) -> tuple[str, ...]:
    return RULE.check(stack, context(RULE.meta.config_defaults())).messages


LOG_LEAD = f"storage of 'orders-logs' is encrypted with key 'orders', but {LOGS} (encrypts it)"
LOG_MISSING = f"{LOG_LEAD} may not kms:Decrypt, kms:Encrypt, kms:GenerateDataKey under its key policy; allow {LOGS} kms:Decrypt, kms:Encrypt, kms:GenerateDataKey"
TRAIL_MISSING = (
    "log files of 'orders-trail' is encrypted with key 'orders', but cloudtrail.amazonaws.com (encrypts it) may "
    "not kms:DescribeKey, kms:GenerateDataKey under its key policy; allow cloudtrail.amazonaws.com "
    "kms:DescribeKey, kms:GenerateDataKey"
)
TOPIC_MISSING = (
    "messages of 'orders-alerts' is encrypted with key 'orders', but events.amazonaws.com (delivers to it for "
    "'orders-alerts-target') may not kms:Decrypt, kms:GenerateDataKey under its key policy; allow "
    "events.amazonaws.com kms:Decrypt, kms:GenerateDataKey"
)
QUEUE_MISSING = (
    "messages of 'orders-queue' is encrypted with key 'orders', but sns.amazonaws.com (delivers to it for "
    "'orders-queue-sub') may not kms:Decrypt, kms:GenerateDataKey under its key policy; allow sns.amazonaws.com "
    "kms:Decrypt, kms:GenerateDataKey"
)


def test_pass_when_every_service_is_admitted() -> None:
    assert stack_fired(consumer_stack()) == {}
    assert RULE.check(consumer_stack(), context({})).outcome is Outcome.COMPLIANT


@pytest.mark.parametrize(
    ("missing", "blamed", "message"),
    [
        pytest.param(
            "CloudWatchLogs", "orders-logs", LOG_MISSING, id="fail_log_group_without_logs_statement"
        ),
        pytest.param(
            "CloudTrail", "orders-trail", TRAIL_MISSING, id="fail_trail_without_cloudtrail_statement"
        ),
        pytest.param("EventBridge", "orders-alerts", TOPIC_MISSING, id="fail_topic_published_by_eventbridge"),
        pytest.param("Sns", "orders-queue", QUEUE_MISSING, id="fail_queue_subscribed_to_sns"),
    ],
)
def test_fail_when_the_key_does_not_admit_the_service(missing: str, blamed: str, message: str) -> None:
    stack = stack_replace(consumer_stack(), "orders", policy=key_policy(_without(missing)))
    assert _messages(stack) == (message,)
    assert stack_fired(stack) == {"KG-S06": {urn_of(stack, blamed)}}


def test_fail_a_cloudwatch_alarm_publishing_to_the_topic() -> None:
    alarm = stack_resource(
        "aws:cloudwatch/metricAlarm:MetricAlarm", "orders-alarm", {"alarmActions": [TOPIC_ARN]}, parent=None
    )
    assert _messages([*consumer_stack(), alarm]) == (
        "messages of 'orders-alerts' is encrypted with key 'orders', but cloudwatch.amazonaws.com (delivers to it "
        "for 'orders-alarm') may not kms:Decrypt, kms:GenerateDataKey under its key policy; allow "
        "cloudwatch.amazonaws.com kms:Decrypt, kms:GenerateDataKey",
    )


@pytest.mark.parametrize(
    "statement",
    [
        pytest.param(service_statement("logs.amazonaws.com", ["kms:*"], "x"), id="fail_logs_without_region"),
        pytest.param(service_statement("logs.us-east-1.amazonaws.com", ["kms:*"], "x"), id="fail_logs_other_region"),
        pytest.param({**service_statement(LOGS, ["kms:*"], "x"), "Principal": {"AWS": LOGS}}, id="fail_aws_not_service"),
        pytest.param({**service_statement(LOGS, ["kms:*"], "x"), "Effect": "Deny"}, id="fail_deny_not_allow"),
        pytest.param({**service_statement(LOGS, ["kms:*"], "x"), "NotPrincipal": {"Service": LOGS},
                      "Principal": ...}, id="fail_not_principal"),
        pytest.param(service_statement(LOGS, ["kms:Encrypt", "kms:Decrypt"], "x"), id="fail_too_few_actions"),
        pytest.param(service_statement(LOGS, ["s3:GenerateDataKey", "kms:Decrypt", "kms:Encrypt", "kms:DescribeKey"],
                                       "x"), id="fail_other_service_action"),
    ],
)  # fmt: skip
def test_look_alike_statements_do_not_admit_logs(statement: dict[str, Any]) -> None:
    statement = {k: v for k, v in statement.items() if v is not ...}
    stack = stack_replace(
        consumer_stack(), "orders", policy=key_policy([*_without("CloudWatchLogs"), statement])
    )
    assert stack_fired(stack) == {"KG-S06": {urn_of(stack, "orders-logs")}}


@pytest.mark.parametrize(
    "statement",
    [
        pytest.param(service_statement(LOGS, ["kms:*"], "x"), id="pass_wildcard_action"),
        pytest.param({**service_statement(LOGS, ["kms:*"], "x"), "Principal": "*"}, id="pass_public_principal"),
        pytest.param({**service_statement(LOGS.upper(), ["KMS:ENCRYPT*", "kms:decrypt*", "kms:Describe*",
                                                          "kms:GenerateDataKey*"], "x")}, id="pass_any_case"),
        pytest.param({**service_statement(LOGS, ["kms:Encrypt*", "kms:Decrypt*", "kms:Describe*", "kms:GenerateDataKey*"],
                      "x"), "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn":
                      f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:*"}}}, id="pass_aws_documented_statement"),
    ],
)  # fmt: skip
def test_statements_that_admit_logs(statement: dict[str, Any]) -> None:
    stack = stack_replace(
        consumer_stack(), "orders", policy=key_policy([*_without("CloudWatchLogs"), statement])
    )
    assert stack_fired(stack) == {}


@pytest.mark.parametrize(
    "who",
    [
        pytest.param({"Principal": {"Service": LOGS}}, id="fail_deny_names_the_service"),
        pytest.param({"Principal": {"Service": LOGS.upper()}}, id="fail_deny_names_the_service_in_upper_case"),
        pytest.param({"Principal": "*"}, id="fail_deny_everyone"),
        pytest.param({"Principal": {"Service": "*"}}, id="fail_deny_every_service"),
        # Denies everyone but the admin role, so the service too (evaluation.deny_applies_to).
        pytest.param({"NotPrincipal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/KeyAdministrators"}},
                     id="fail_deny_all_but_a_role"),
    ],
)  # fmt: skip
def test_fail_an_unconditional_deny_wins(who: dict[str, Any]) -> None:
    deny = {"Sid": "NoLogs", "Effect": "Deny", **who, "Action": "kms:Encrypt", "Resource": "*"}
    stack = stack_replace(consumer_stack(), "orders", policy=key_policy([*SERVICE_STATEMENTS, deny]))
    # Only the logs group needs kms:Encrypt; the other consumers' services are not affected.
    assert _messages(stack) == (
        f"{LOG_LEAD} may not kms:Encrypt under its key policy; allow {LOGS} kms:Decrypt, kms:Encrypt, "
        "kms:GenerateDataKey",
    )


@pytest.mark.parametrize(
    "who",
    [
        pytest.param({"Principal": {"Service": "cloudtrail.amazonaws.com"}}, id="pass_deny_another_service"),
        pytest.param({"NotPrincipal": {"Service": LOGS}}, id="pass_deny_all_but_the_service"),
        pytest.param({"Principal": {"Service": LOGS}, "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
                     id="pass_conditional_deny"),
    ],
)  # fmt: skip
def test_denies_that_do_not_provably_apply_to_logs_take_nothing(who: dict[str, Any]) -> None:
    deny = {"Sid": "NoLogs", "Effect": "Deny", **who, "Action": "kms:Encrypt", "Resource": "*"}
    stack = stack_replace(consumer_stack(), "orders", policy=key_policy([*SERVICE_STATEMENTS, deny]))
    assert _messages(stack) == ()


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        pytest.param(..., f"{LOG_LEAD} is not in its key policy (none is set: AWS's default admits only the account); "
                     f"allow {LOGS} kms:Decrypt, kms:Encrypt, kms:GenerateDataKey", id="fail_no_policy"),
        pytest.param(UNKNOWN, f"{LOG_LEAD}: cannot judge, the policy is unknown during preview; it is checked once its "
                     "value is known", id="fail_policy_unknown"),
        pytest.param("{not json", f"{LOG_LEAD}: cannot judge, policy does not parse; see KG-R20", id="fail_unparseable"),
    ],
)  # fmt: skip
def test_policies_that_cannot_admit_or_be_judged(policy: Any, message: str) -> None:
    stack = stack_replace(consumer_stack(), "orders", policy=policy)
    messages = _messages(stack)
    assert messages[0] == message
    assert {m.split(" of ")[1].split("'")[1] for m in messages} == {
        "orders-logs", "orders-trail", "orders-alerts", "orders-queue"
    }  # fmt: skip


def test_a_separate_key_policy_wins_over_the_key_s_own() -> None:
    stack = consumer_stack()
    key = next(r for r in stack if r.urn == urn_of(stack, "orders"))
    separate = stack_resource(
        "aws:kms/keyPolicy:KeyPolicy", "orders-policy", {"keyId": key.props["keyId"], "policy": key_policy([])},
        dependencies=(key.urn,),
    )  # fmt: skip
    assert len(_messages([*stack, separate])) == 4
    fixed = stack_replace([*stack, separate], "orders-policy", policy=key_policy())
    fixed = stack_replace(fixed, "orders", policy=key_policy([]))
    assert _messages(fixed) == ()


def test_unknown_key_reference_is_linked_through_property_dependencies() -> None:
    stack = stack_replace(consumer_stack(), "orders", policy=key_policy(_without("CloudWatchLogs")))
    key_urn = urn_of(stack, "orders")
    stack = [
        Resource(r.type, r.name, r.urn, {**r.props, "kmsKeyId": UNKNOWN}, r.parent, (), {"kmsKeyId": (key_urn,)})
        if r.name == "orders-logs" else r
        for r in stack
    ]  # fmt: skip
    assert _messages(stack) == (LOG_MISSING,)


@pytest.mark.parametrize(
    ("name", "changes"),
    [
        pytest.param(
            "orders-logs", {"kmsKeyId": KEY_ARN.replace("1234abcd", "9999abcd")}, id="na_key_outside_stack"
        ),
        pytest.param("orders-logs", {"kmsKeyId": ...}, id="na_no_key_left_to_r23"),
        pytest.param("orders-queue-sub", {"protocol": "https"}, id="na_subscription_not_to_sqs"),
        pytest.param("orders-alerts-target", {"arn": TOPIC_ARN + "-other"}, id="na_target_is_another_topic"),
    ],
)
def test_not_judged(name: str, changes: dict[str, Any]) -> None:
    bare = stack_replace(consumer_stack(), "orders", policy=key_policy([]))
    stack = stack_replace(bare, name, **changes)
    blamed = {m.split(" of ")[1].split("'")[1] for m in _messages(stack)}
    assert name not in blamed
    assert (
        "orders-db" not in blamed
    )  # storage through RDS is used on a caller's behalf, not by a service principal
    assert TAGS  # the consumers carry the golden tags, so KG-S07 stays quiet
    assert stack_fired(stack).keys() == {"KG-S06"}
