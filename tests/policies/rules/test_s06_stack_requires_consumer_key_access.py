"""KG-S06 kms-stack-requires-consumer-key-access: a key of the stack admits the service principal that
encrypts a consumer or delivers into it; exact findings per consumer kind, and inputs meant to fool it."""

from typing import Any

import pytest

from kmsguard.policies.facts import KEY_POLICY_TYPE, METRIC_ALARM_TYPE
from kmsguard.policies.rule import UNKNOWN, Context, Outcome, Resource
from kmsguard.policies.rules.s06_stack_requires_consumer_key_access import RULE
from tests.policies.consumer_fixtures import (
    LOGS,
    SERVICE_STATEMENTS,
    TOPIC_ARN,
    USE,
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
    alarm = stack_resource(METRIC_ALARM_TYPE, "orders-alarm", {"alarmActions": [TOPIC_ARN]}, parent=None)
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
        KEY_POLICY_TYPE, "orders-policy", {"keyId": key.props["keyId"], "policy": key_policy([])},
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


# -- conditions: an Allow counts only if its conditions can match this consumer's request --------

LOG_GROUP_ARN = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:orders/app"
CONTEXT = "kms:EncryptionContext:aws:logs:arn"
LOG_WANTED = f"allow {LOGS} kms:Decrypt, kms:Encrypt, kms:GenerateDataKey"
LOGS_ACTIONS = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]


def _logs_stack(condition: dict[str, Any], **log_group: Any) -> list[Resource]:
    statement = {**service_statement(LOGS, LOGS_ACTIONS, "Logs"), "Condition": condition}
    stack = stack_replace(
        consumer_stack(), "orders", policy=key_policy([*_without("CloudWatchLogs"), statement])
    )
    return stack_replace(stack, "orders-logs", **{"name": "orders/app", **log_group})


def _log_messages(stack: list[Resource], **config: Any) -> tuple[str, ...]:
    result = RULE.check(stack, context(RULE.meta.config_defaults(), **config))
    return tuple(f.message for f in result.findings if f.urn == urn_of(stack, "orders-logs"))


def _refused(condition: str, value: str) -> str:
    return f"{LOG_LEAD} may not kms:Decrypt, kms:Encrypt, kms:GenerateDataKey under its key policy (statement 'Logs': {condition} against {value} cannot match); {LOG_WANTED}"


def _unjudged(condition: str) -> str:
    return (
        f"{LOG_LEAD}: cannot judge whether its key policy lets it kms:Decrypt, kms:Encrypt, kms:GenerateDataKey: "
        f"statement 'Logs': {condition}; write conditions the stack can decide (the consumer's ARN, region and "
        f"account), or {LOG_WANTED}"
    )


@pytest.mark.parametrize(
    ("condition", "log_group"),
    [
        pytest.param({"ArnEquals": {CONTEXT: LOG_GROUP_ARN}}, {}, id="pass_this_log_group"),
        pytest.param({"ArnLike": {CONTEXT: f"arn:aws:logs:{REGION}:{ACCOUNT}:*"}}, {}, id="pass_aws_documented_pattern"),
        pytest.param({"ArnLike": {CONTEXT: f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:*"}}, {"name": UNKNOWN},
                     id="pass_pattern_covers_an_unknown_name"),
        pytest.param({"StringLike": {CONTEXT: [f"arn:aws:logs:*:{ACCOUNT}:log-group:orders/*", "x"]}}, {},
                     id="pass_one_value_of_several"),
        pytest.param({"StringEqualsIgnoreCase": {CONTEXT: LOG_GROUP_ARN.upper()}}, {}, id="pass_ignore_case"),
        pytest.param({"ArnEquals": {CONTEXT: LOG_GROUP_ARN}}, {"name": "other", "arn": LOG_GROUP_ARN},
                     id="pass_known_arn_wins_over_name"),
        pytest.param({"StringNotLike": {CONTEXT: f"arn:aws:logs:*:{ACCOUNT.replace('1', '4')}:*"}}, {},
                     id="pass_negated_other_account"),
        pytest.param({"Null": {CONTEXT: "false"}}, {}, id="pass_null_false"),
    ],
)  # fmt: skip
def test_conditions_that_admit_this_log_group(condition: dict[str, Any], log_group: dict[str, Any]) -> None:
    assert _log_messages(_logs_stack(condition, **log_group)) == ()


@pytest.mark.parametrize(
    ("condition", "log_group", "shown"),
    [
        pytest.param({"ArnEquals": {CONTEXT: LOG_GROUP_ARN + "-other"}}, {},
                     f"ArnEquals {CONTEXT} '{LOG_GROUP_ARN}-other'", id="fail_another_log_group"),
        pytest.param({"ArnLike": {CONTEXT: f"arn:aws:logs:us-east-1:{ACCOUNT}:*"}}, {},
                     f"ArnLike {CONTEXT} 'arn:aws:logs:us-east-1:{ACCOUNT}:*'", id="fail_another_region"),
        pytest.param({"ArnLike": {CONTEXT: f"arn:aws:logs:us-east-1:{ACCOUNT}:*"}}, {"name": UNKNOWN},
                     f"ArnLike {CONTEXT} 'arn:aws:logs:us-east-1:{ACCOUNT}:*'", id="fail_another_region_name_unknown"),
        pytest.param({"ArnLike": {CONTEXT: f"arn:aws:logs:{REGION}:444455556666:*"}}, {},
                     f"ArnLike {CONTEXT} 'arn:aws:logs:{REGION}:444455556666:*'", id="fail_another_account"),
        pytest.param({"ArnEquals": {CONTEXT: LOG_GROUP_ARN.replace("orders", "ORDERS")}}, {},
                     f"ArnEquals {CONTEXT} '{LOG_GROUP_ARN.replace('orders', 'ORDERS')}'", id="fail_mixed_case"),
        pytest.param({"ArnEquals": {CONTEXT: f" {LOG_GROUP_ARN}"}}, {},
                     f"ArnEquals {CONTEXT} ' {LOG_GROUP_ARN}'", id="fail_whitespace"),
        pytest.param({"StringEquals": {CONTEXT: f"arn:aws:logs:{REGION}:{ACCOUNT}:*"}}, {},
                     f"StringEquals {CONTEXT} 'arn:aws:logs:{REGION}:{ACCOUNT}:*'", id="fail_wildcard_in_equals"),
        pytest.param({"ArnLike": {CONTEXT: "arn:aws:logs:*"}}, {}, f"ArnLike {CONTEXT} 'arn:aws:logs:*'",
                     id="fail_arn_pattern_of_four_parts"),
        pytest.param({"Null": {CONTEXT: "true"}}, {}, f"Null {CONTEXT} 'true'", id="fail_null_true"),
        pytest.param({"StringNotLike": {CONTEXT: "arn:aws:logs:*"}}, {}, f"StringNotLike {CONTEXT} 'arn:aws:logs:*'",
                     id="fail_negated_covers_it"),
    ],
)  # fmt: skip
def test_conditions_that_cannot_match_this_log_group(
    condition: dict[str, Any], log_group: dict[str, Any], shown: str
) -> None:
    stack = _logs_stack(condition, **log_group)
    value = (
        LOG_GROUP_ARN
        if log_group.get("name") is not UNKNOWN
        else f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:<unknown>"
    )
    assert _log_messages(stack) == (_refused(shown, value),)
    assert stack_fired(stack) == {"KG-S06": {urn_of(stack, "orders-logs")}}


@pytest.mark.parametrize(
    ("condition", "log_group", "config", "shown"),
    [
        pytest.param({"ArnEquals": {CONTEXT: LOG_GROUP_ARN}}, {"name": UNKNOWN}, {},
                     f"ArnEquals {CONTEXT} '{LOG_GROUP_ARN}' against arn:aws:logs:{REGION}:{ACCOUNT}:log-group:<unknown>",
                     id="unknown_name_exact_arn"),
        pytest.param({"ArnEquals": {CONTEXT: LOG_GROUP_ARN}}, {}, {"no_account": True},
                     f"ArnEquals {CONTEXT} '{LOG_GROUP_ARN}' against arn:aws:logs:{REGION}:<unknown>:log-group:orders/app",
                     id="unknown_account"),
        pytest.param({"StringEquals": {"aws:SourceOrgID": "o-123"}}, {}, {},
                     "StringEquals aws:SourceOrgID 'o-123' (a key the stack cannot know for this service)",
                     id="unmodelled_key"),
        pytest.param({"StringEquals": {"aws:SourceAccount": ACCOUNT}}, {}, {},
                     f"StringEquals aws:SourceAccount '{ACCOUNT}' (a key the stack cannot know for this service)",
                     id="source_account_logs_does_not_document"),
        pytest.param({"Bool": {CONTEXT: "true"}}, {}, {}, f"Bool {CONTEXT} 'true' against {LOG_GROUP_ARN}",
                     id="non_string_operator"),
        pytest.param({"ArnEquals": {CONTEXT: "arn:aws:logs:${aws:SourceRegion}:*"}}, {}, {},
                     f"ArnEquals {CONTEXT} 'arn:aws:logs:${{aws:SourceRegion}}:*' against {LOG_GROUP_ARN}",
                     id="policy_variable"),
        pytest.param({"Null": {CONTEXT: "maybe"}}, {}, {}, f"Null {CONTEXT} 'maybe' against {LOG_GROUP_ARN}",
                     id="null_not_a_boolean"),
    ],
)  # fmt: skip
def test_conditions_the_stack_cannot_decide_are_findings(
    condition: dict[str, Any], log_group: dict[str, Any], config: dict[str, Any], shown: str
) -> None:
    stack = _logs_stack(condition, **log_group)
    if config.get("no_account"):
        result = RULE.check(stack, Context(stack="prod", project="kmsguard", config={}, stack_config={}))
        messages = tuple(f.message for f in result.findings if f.urn == urn_of(stack, "orders-logs"))
        no_account = "account; the account is the stack's aws:allowedAccountIds, which is not set)"
        assert messages == (_unjudged(shown).replace("account)", no_account),)
        return
    assert _log_messages(stack) == (_unjudged(shown),)


def test_a_statement_that_admits_wins_over_one_that_cannot_be_judged() -> None:
    stack = _logs_stack({"StringEquals": {"aws:SourceOrgID": "o-123"}})
    plain = service_statement(LOGS, ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], "Plain")
    stack = stack_replace(stack, "orders", policy=key_policy([*_without("CloudWatchLogs"), plain]))
    assert _log_messages(stack) == ()


TRAIL_ARN = f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/management"
TRAIL_LEAD = (
    "log files of 'orders-trail' is encrypted with key 'orders', but cloudtrail.amazonaws.com (encrypts it)"
)


def _trail_messages(*statements: dict[str, Any]) -> tuple[str, ...]:
    stack = stack_replace(
        consumer_stack(), "orders", policy=key_policy([*_without("CloudTrail"), *statements])
    )
    stack = stack_replace(stack, "orders-trail", name="management")
    result = RULE.check(stack, context(RULE.meta.config_defaults()))
    return tuple(f.message for f in result.findings if f.urn == urn_of(stack, "orders-trail"))


def _trail(actions: list[str], condition: dict[str, Any], sid: str) -> dict[str, Any]:
    return {**service_statement("cloudtrail.amazonaws.com", actions, sid), "Condition": condition}


def test_trail_the_builder_s_statements_admit_it() -> None:
    source = {"StringEquals": {"aws:SourceArn": TRAIL_ARN}}
    encrypt = _trail(["kms:GenerateDataKey*"], {**source, "StringLike": {
        "kms:EncryptionContext:aws:cloudtrail:arn": f"arn:aws:cloudtrail:*:{ACCOUNT}:trail/*"}}, "Encrypt")  # fmt: skip
    assert _trail_messages(encrypt, _trail(["kms:DescribeKey"], source, "Describe")) == ()


@pytest.mark.parametrize(
    ("statements", "message"),
    [
        pytest.param(
            [_trail(["kms:GenerateDataKey", "kms:DescribeKey"], {"StringEquals": {"aws:SourceArn": TRAIL_ARN + "-2"}}, "T")],
            f"{TRAIL_LEAD} may not kms:DescribeKey, kms:GenerateDataKey under its key policy (statement 'T': "
            f"StringEquals aws:SourceArn '{TRAIL_ARN}-2' against {TRAIL_ARN} cannot match); allow "
            "cloudtrail.amazonaws.com kms:DescribeKey, kms:GenerateDataKey", id="fail_source_arn_of_another_trail"),
        pytest.param(
            [_trail(["kms:GenerateDataKey", "kms:DescribeKey"], {"StringEquals": {"aws:SourceAccount": "444455556666"}}, "T")],
            f"{TRAIL_LEAD} may not kms:DescribeKey, kms:GenerateDataKey under its key policy (statement 'T': "
            f"StringEquals aws:SourceAccount '444455556666' against {ACCOUNT} cannot match); allow "
            "cloudtrail.amazonaws.com kms:DescribeKey, kms:GenerateDataKey", id="fail_source_account_of_another_account"),
        pytest.param(
            [_trail(["kms:GenerateDataKey", "kms:DescribeKey"], {"StringLike": {
                "kms:EncryptionContext:aws:cloudtrail:arn": f"arn:aws:cloudtrail:*:{ACCOUNT}:trail/*"}}, "T")],
            f"{TRAIL_LEAD} may not kms:DescribeKey under its key policy (statement 'T': StringLike "
            f"kms:EncryptionContext:aws:cloudtrail:arn 'arn:aws:cloudtrail:*:{ACCOUNT}:trail/*' against no value "
            "cannot match); allow cloudtrail.amazonaws.com kms:DescribeKey, kms:GenerateDataKey",
            id="fail_describe_key_carries_no_encryption_context"),
    ],
)  # fmt: skip
def test_trail_conditions_that_cannot_match(statements: list[dict[str, Any]], message: str) -> None:
    assert _trail_messages(*statements) == (message,)


def _queue_messages(condition: dict[str, Any]) -> tuple[str, ...]:
    statement = {**service_statement("sns.amazonaws.com", USE, "Sns"), "Condition": condition}
    stack = stack_replace(consumer_stack(), "orders", policy=key_policy([*_without("Sns"), statement]))
    result = RULE.check(stack, context(RULE.meta.config_defaults()))
    return tuple(f.message for f in result.findings if f.urn == urn_of(stack, "orders-queue"))


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        pytest.param({"ArnEquals": {"aws:SourceArn": TOPIC_ARN}, "StringEquals": {"aws:SourceAccount": ACCOUNT}}, (),
                     id="pass_this_topic_and_account"),
        pytest.param({"ArnLike": {"aws:SourceArn": f"arn:aws:sns:{REGION}:{ACCOUNT}:*"}}, (), id="pass_topics_of_account"),
        pytest.param({"ArnEquals": {"aws:SourceArn": TOPIC_ARN + "-other"}},
                     (f"{QUEUE_MISSING.split(' under', maxsplit=1)[0]} under its key policy (statement 'Sns': ArnEquals aws:SourceArn "
                      f"'{TOPIC_ARN}-other' against {TOPIC_ARN} cannot match); allow sns.amazonaws.com kms:Decrypt, "
                      "kms:GenerateDataKey",), id="fail_another_topic"),
    ],
)  # fmt: skip
def test_queue_fed_by_a_topic_conditions(condition: dict[str, Any], expected: tuple[str, ...]) -> None:
    assert _queue_messages(condition) == expected


def test_topic_published_by_a_rule_of_another_account() -> None:
    condition = {"ArnLike": {"aws:SourceArn": "arn:aws:events:*:444455556666:rule/*"}}
    statement = {**service_statement("events.amazonaws.com", USE, "Events"), "Condition": condition}
    stack = stack_replace(
        consumer_stack(), "orders", policy=key_policy([*_without("EventBridge"), statement])
    )
    assert _messages(stack) == (
        f"{TOPIC_MISSING.split(' under', maxsplit=1)[0]} under its key policy (statement 'Events': ArnLike aws:SourceArn "
        f"'arn:aws:events:*:444455556666:rule/*' against arn:aws:events:{REGION}:{ACCOUNT}:rule/r cannot match); "
        "allow events.amazonaws.com kms:Decrypt, kms:GenerateDataKey",
    )
