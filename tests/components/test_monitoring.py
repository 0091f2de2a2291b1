"""KeyMonitoring: exact children, exact event patterns per region, the alarm, the alert topics and key."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from kmsguard.catalog import KeyCatalog, plan_catalog
from kmsguard.catalog_spec import CatalogSpec
from kmsguard.config import ConfigError, parse_stack_config
from kmsguard.errors import KmsGuardError
from kmsguard.monitoring import KeyMonitoring, plan_monitoring, register_responder_role
from kmsguard.monitoring_spec import MonitoringSpec
from kmsguard.policies.facts import (
    ALIAS_TYPE,
    EVENT_RULE_TYPE,
    EVENT_TARGET_TYPE,
    IAM_ROLE_POLICY_ATTACHMENT_TYPE,
    IAM_ROLE_POLICY_TYPE,
    KEY_TYPE,
    LOG_METRIC_FILTER_TYPE,
    METRIC_ALARM_TYPE,
    REPLICA_KEY_TYPE,
    SNS_TOPIC_TYPE,
    TOPIC_SUBSCRIPTION_TYPE,
)
from tests.components.factories import ACCOUNT, ADMIN, DEPLOYER, REGION, USER
from tests.components.mocks import Capture, key_id, run
from tests.stacks.pack import violations

REPLICA = "eu-central-1"
CATALOG: dict[str, Any] = {
    "environment": "prod",
    "defaults": {"deployer": DEPLOYER, "administrators": [ADMIN]},
    "data_classes": [
        {
            "name": "orders",
            "team": "payments",
            "owner": "payments-team",
            "cost_center": "cc-1001",
            "description": "Order records of the payments team",
            "principals": {"users": [USER]},
            "replication": {"replica_regions": [REPLICA], "reason": "Disaster recovery in eu-central-1"},
        },
        {
            "name": "ledger",
            "team": "finance",
            "owner": "finance-team",
            "cost_center": "cc-5005",
            "description": "Ledger records under imported material",
            "kind": {"type": "imported", "valid_to": "2027-06-30T00:00:00Z"},
            "rotation": {"manual": {"generations": ["g1", "g2"]}},
            "principals": {"users": [USER]},
        },
    ],
}
TOPIC_KEY: dict[str, Any] = {
    "name": "alerts",
    "team": "security",
    "owner": "security-team",
    "cost_center": "cc-9009",
    "description": "Encrypts the KMS alert topics",
    "principals": {"users": [USER]},
}
MONITORING: dict[str, Any] = {
    "log_group_name": "org-trail/CloudTrail",
    "subscriptions": [{"protocol": "email", "endpoint": "kms-alerts@example.com"}],
    "topic_key": TOPIC_KEY,
}


def monitoring_spec(**changes: Any) -> MonitoringSpec:
    return MonitoringSpec.model_validate({**copy.deepcopy(MONITORING), **changes})


def build(spec: MonitoringSpec | None = None) -> Capture:
    catalog_spec = CatalogSpec.model_validate(CATALOG)

    def program() -> None:
        catalog = KeyCatalog("prod", catalog_spec, region=REGION, account_id=ACCOUNT, partition="aws")
        KeyMonitoring(
            "prod-monitoring",
            spec or monitoring_spec(),
            catalog,
            catalog_spec,
            region=REGION,
            account_id=ACCOUNT,
            partition="aws",
        )

    return run(program, stack="prod")


def arn(region: str, name: str) -> str:
    return f"arn:aws:kms:{region}:{ACCOUNT}:key/{key_id(name)}"


def keys_in(region: str, *, without: str | None = None) -> list[str]:
    """The mock provider's ids and ARNs of every watched key in the region, as the pattern lists them."""
    names = {
        REGION: ["prod-orders-key", "prod-ledger-key-g1", "prod-ledger-key-g2", "prod-monitoring-alerts-key"],
        REPLICA: ["prod-orders-key-replica-eu-central-1", "prod-monitoring-alerts-key-replica-eu-central-1"],
    }[region]
    names = [n for n in names if without is None or without not in n]
    return sorted([key_id(n) for n in names] + [arn(region, n) for n in names])


def api(event_names: list[str], request: dict[str, Any]) -> dict[str, Any]:
    return {
        "source": ["aws.kms"],
        "detail-type": ["AWS API Call via CloudTrail"],
        "detail": {
            "eventSource": ["kms.amazonaws.com"],
            "eventName": event_names,
            "requestParameters": request,
        },
    }


BY_KEY = [
    "DeleteImportedKeyMaterial", "DisableKey", "DisableKeyRotation", "PutKeyPolicy", "ReplicateKey",
    "ScheduleKeyDeletion", "UpdatePrimaryRegion",
]  # fmt: skip


def expected_patterns(region: str) -> dict[str, dict[str, Any]]:
    aliases = {REGION: ["alias/prod-alerts-security", "alias/prod-ledger-finance", "alias/prod-orders-payments"],
               REPLICA: ["alias/prod-alerts-security", "alias/prod-orders-payments"]}[region]  # fmt: skip
    return {
        f"prod-monitoring-api-keys-{region}": api(BY_KEY, {"keyId": keys_in(region)}),
        f"prod-monitoring-api-grants-{region}": api(
            ["CreateGrant"],
            {
                "keyId": keys_in(region),
                "granteePrincipal": [{"anything-but": {"prefix": f"arn:aws:iam::{ACCOUNT}:"}}],
            },
        ),
        f"prod-monitoring-api-aliases-{region}": api(["DeleteAlias"], {"aliasName": aliases}),
        f"prod-monitoring-kms-events-{region}": {
            "source": ["aws.kms"],
            "detail-type": ["KMS CMK Deletion", "KMS CMK Rotation", "KMS Imported Key Material Expiration"],
            "resources": sorted(k for k in keys_in(region) if k.startswith("arn:")),
        },
    }


def test_children_are_exactly_these() -> None:
    captured = build()
    monitoring = captured.named("prod-monitoring")
    per_region = {
        (t, f"prod-monitoring-{n}-{r}")
        for r in (REGION, REPLICA)
        for t, n in (
            (SNS_TOPIC_TYPE, "topic"),
            ("aws:sns/topicPolicy:TopicPolicy", "topic-policy"),
            (TOPIC_SUBSCRIPTION_TYPE, "subscription-0"),
        )
    }
    rules = {
        (t, f"prod-monitoring-{purpose}-{r}{suffix}")
        for r in (REGION, REPLICA)
        for purpose in ("api-keys", "api-grants", "api-aliases", "kms-events")
        for t, suffix in (
            (EVENT_RULE_TYPE, ""),
            (EVENT_TARGET_TYPE, "-target"),
        )
    }
    assert {(c.type, c.name) for c in captured.children_of(monitoring)} == {
        ("kmsguard:kms:Key", "prod-monitoring-alerts"),
        (LOG_METRIC_FILTER_TYPE, "prod-monitoring-pending-deletion"),
        (METRIC_ALARM_TYPE, "prod-monitoring-pending-deletion-alarm"),
        *per_region,
        *rules,
    }
    alert_key = captured.named("prod-monitoring-alerts")
    assert {(c.type, c.name) for c in captured.children_of(alert_key)} == {
        (KEY_TYPE, "prod-monitoring-alerts-key"),
        (REPLICA_KEY_TYPE, "prod-monitoring-alerts-key-replica-eu-central-1"),
        (ALIAS_TYPE, "prod-monitoring-alerts-alias-prod-alerts-security"),
        (ALIAS_TYPE, "prod-monitoring-alerts-alias-prod-alerts-security-eu-central-1"),
    }


@pytest.mark.parametrize("region", [REGION, REPLICA])
def test_event_patterns_watch_every_key_of_the_region(region: str) -> None:
    captured = build()
    for name, pattern in expected_patterns(region).items():
        rule = captured.named(name)
        assert json.loads(rule.inputs["eventPattern"]) == pattern, name
        assert (rule.inputs["state"], rule.inputs["region"]) == ("ENABLED", region)
        target = captured.named(f"{name}-target")
        assert dict(target.inputs) == {
            "rule": name,
            "arn": f"arn:aws:sns:{region}:{ACCOUNT}:prod-monitoring-topic-{region}",
            "region": region,
        }


def test_configured_actions_decide_the_rules() -> None:
    captured = build(monitoring_spec(actions=["ScheduleKeyDeletion", "DisableKey"]))
    rules = {r.name for r in captured.of_type(EVENT_RULE_TYPE)}
    assert rules == {
        f"prod-monitoring-{p}-{r}" for p in ("api-keys", "kms-events") for r in (REGION, REPLICA)
    }
    pattern = json.loads(captured.named(f"prod-monitoring-api-keys-{REGION}").inputs["eventPattern"])
    assert pattern["detail"]["eventName"] == ["DisableKey", "ScheduleKeyDeletion"]


def test_pending_deletion_alarm_is_the_kms_guides() -> None:
    captured = build()
    assert dict(captured.named("prod-monitoring-pending-deletion").inputs) == {
        "logGroupName": "org-trail/CloudTrail",
        "pattern": '{ $.eventSource = kms* && $.errorMessage = "* is pending deletion."}',
        "metricTransformation": {"name": "KMSKeyPendingDeletionErrorCount", "namespace": "CloudTrailLogMetrics", "value": "1"},
        "region": REGION,
    }  # fmt: skip
    alarm = dict(captured.named("prod-monitoring-pending-deletion-alarm").inputs)
    alarm.pop("alarmDescription")
    assert alarm == {
        "metricName": "KMSKeyPendingDeletionErrorCount",
        "namespace": "CloudTrailLogMetrics",
        "comparisonOperator": "GreaterThanOrEqualToThreshold",
        "threshold": 1.0,
        "evaluationPeriods": 1.0,
        "datapointsToAlarm": 1.0,
        "statistic": "Sum",
        "period": 300.0,
        "treatMissingData": "notBreaching",
        "alarmActions": [f"arn:aws:sns:{REGION}:{ACCOUNT}:prod-monitoring-topic-{REGION}"],
        "region": REGION,
    }


@pytest.mark.parametrize("region", [REGION, REPLICA])
def test_topics_are_encrypted_and_only_this_accounts_rules_and_alarms_publish(region: str) -> None:
    captured = build()
    key = (
        "prod-monitoring-alerts-key"
        if region == REGION
        else "prod-monitoring-alerts-key-replica-eu-central-1"
    )
    assert captured.named(f"prod-monitoring-topic-{region}").inputs["kmsMasterKeyId"] == arn(region, key)
    topic_arn = f"arn:aws:sns:{region}:{ACCOUNT}:prod-monitoring-topic-{region}"
    policy = json.loads(captured.named(f"prod-monitoring-topic-policy-{region}").inputs["policy"])
    assert policy["Statement"] == [
        {"Sid": "EventBridgePublishes", "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
         "Action": "sns:Publish", "Resource": topic_arn, "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}},
        {"Sid": "CloudWatchAlarmsPublish", "Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"},
         "Action": "sns:Publish", "Resource": topic_arn,
         "Condition": {"ArnLike": {"aws:SourceArn": f"arn:aws:cloudwatch:{region}:{ACCOUNT}:alarm:*"},
                       "StringEquals": {"aws:SourceAccount": ACCOUNT}}},
    ]  # fmt: skip
    subscription = captured.named(f"prod-monitoring-subscription-0-{region}")
    assert (subscription.inputs["protocol"], subscription.inputs["endpoint"]) == (
        "email",
        "kms-alerts@example.com",
    )


def test_alert_key_lets_eventbridge_and_cloudwatch_publish() -> None:
    captured = build()
    rules = [f"arn:aws:events:{r}:{ACCOUNT}:rule/*" for r in (REPLICA, REGION)]
    alarms = [f"arn:aws:cloudwatch:{r}:{ACCOUNT}:alarm:*" for r in (REPLICA, REGION)]
    for name in ("prod-monitoring-alerts-key", "prod-monitoring-alerts-key-replica-eu-central-1"):
        statements = json.loads(captured.named(name).inputs["policy"])["Statement"]
        # The service presets' sns_publishers statements, scoped to this account and the key's regions.
        assert statements[-2:] == [
            {"Sid": "SnsPublishFromEventBridge", "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
             "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*",
             "Condition": {"ArnLike": {"aws:SourceArn": rules}, "StringEquals": {"aws:SourceAccount": ACCOUNT}}},
            {"Sid": "SnsPublishFromCloudWatchAlarms", "Effect": "Allow",
             "Principal": {"Service": "cloudwatch.amazonaws.com"}, "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
             "Resource": "*",
             "Condition": {"ArnLike": {"aws:SourceArn": alarms}, "StringEquals": {"aws:SourceAccount": ACCOUNT}}},
        ]  # fmt: skip
    key = captured.named("prod-monitoring-alerts-key")
    assert key.inputs["multiRegion"] is True
    assert (
        key.inputs["tags"]["MultiRegionReason"]
        == "Encrypts the KMS alert topic of every region the catalog's keys live in"
    )
    # A production key: protected and retained like the catalog's.
    assert (key.protect, key.retain_on_delete) == (True, True)


def _plan(spec: MonitoringSpec) -> None:
    catalog_spec = CatalogSpec.model_validate(CATALOG)
    specs = plan_catalog(catalog_spec, region=REGION, account_id=ACCOUNT, partition="aws")
    plan_monitoring(
        spec,
        catalog_spec,
        specs,
        region=REGION,
        account_id=ACCOUNT,
        partition="aws",
        path="kmsguard:monitoring",
    )


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        pytest.param(
            {"replication": {"replica_regions": ["us-east-1"], "reason": "Somewhere else entirely"}},
            "kmsguard:monitoring.topic_key.replication: the alert key is replicated to the catalog's regions by the "
            "component; remove it",
            id="replication_is_the_components",
        ),
        pytest.param(
            {"name": "orders"},
            "kmsguard:monitoring.topic_key.name: 'orders' is already a data class of the catalog; choose another",
            id="name_clash",
        ),
        pytest.param(
            {"kind": {"type": "hmac", "key_spec": "HMAC_256"}, "principals": {"mac_users": [USER]}},
            # The service presets' own check: the publishers' integration needs a symmetric key.
            "kmsguard:monitoring.topic_key.integrations.sns_publishers: AWS services encrypt only with "
            "symmetric encryption keys, not hmac (HMAC_256, GENERATE_VERIFY_MAC); use a symmetric key for "
            "sns_publishers or remove integrations.sns_publishers",
            id="not_symmetric",
        ),
    ],
)
def test_a_bad_alert_key_is_refused_before_anything_is_registered(
    changes: dict[str, Any], error: str
) -> None:
    with pytest.raises(KmsGuardError) as caught:
        _plan(monitoring_spec(topic_key={**TOPIC_KEY, **changes}))
    assert str(caught.value) == error


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        pytest.param(
            {"actions": ["DisableKey", "DisableKey"]},
            "lists DisableKey more than once",
            id="duplicate_action",
        ),
        pytest.param({"actions": ["DeleteKey"]}, "'DeleteKey' is not a KMS API action", id="unknown_action"),
        pytest.param({"actions": []}, "at least 1 item", id="no_action"),
        pytest.param(
            {"log_group_name": "has space"},
            "'has space' is not a CloudWatch Logs log group name",
            id="bad_log_group",
        ),
    ],
)
def test_the_spec_refuses_bad_values(changes: dict[str, Any], error: str) -> None:
    with pytest.raises(ValueError, match=error):
        monitoring_spec(**changes)


def build_with_responder() -> Capture:
    catalog_spec = CatalogSpec.model_validate(CATALOG)

    def program() -> None:
        role = register_responder_role("prod-monitoring-responder-role", "prod")
        catalog = KeyCatalog("prod", catalog_spec, region=REGION, account_id=ACCOUNT, partition="aws")
        KeyMonitoring(
            "prod-monitoring",
            monitoring_spec(responder={"approval_tag": "ApprovedForDeletion"}),
            catalog,
            catalog_spec,
            region=REGION,
            account_id=ACCOUNT,
            partition="aws",
            responder_role=role,
        )

    return run(program, stack="prod")


def test_the_responder_is_a_function_per_region_behind_its_own_rule() -> None:
    captured = build_with_responder()
    monitoring = captured.named("prod-monitoring")
    responder = {(c.type, c.name) for c in captured.children_of(monitoring) if "responder" in c.name}
    assert responder == {
        (IAM_ROLE_POLICY_TYPE, "prod-monitoring-responder-policy"),
        (IAM_ROLE_POLICY_ATTACHMENT_TYPE, "prod-monitoring-responder-logs"),
        *(
            (t, f"prod-monitoring-responder{infix}-{r}{suffix}")
            for r in (REGION, REPLICA)
            for t, infix, suffix in (
                ("aws:lambda/function:Function", "-function", ""),
                (EVENT_RULE_TYPE, "", ""),
                (EVENT_TARGET_TYPE, "", "-target"),
                ("aws:lambda/permission:Permission", "", "-permission"),
            )
        ),
    }
    function = captured.named(f"prod-monitoring-responder-function-{REGION}")
    assert (function.inputs["runtime"], function.inputs["handler"], function.inputs["region"]) == (
        "python3.12",
        "handler.handler",
        REGION,
    )
    assert function.inputs["environment"] == {
        "variables": {
            "TOPIC_ARN": f"arn:aws:sns:{REGION}:{ACCOUNT}:prod-monitoring-topic-{REGION}",
            "APPROVAL_TAG": "ApprovedForDeletion",
        }
    }
    assert set(function.inputs["code"].assets) == {"handler.py"}
    permission = captured.named(f"prod-monitoring-responder-{REGION}-permission")
    assert dict(permission.inputs) == {
        "action": "lambda:InvokeFunction",
        "function": f"prod-monitoring-responder-function-{REGION}",
        "principal": "events.amazonaws.com",
        "sourceArn": f"arn:aws:events:{REGION}:{ACCOUNT}:rule/prod-monitoring-responder-{REGION}",
        "region": REGION,
    }


@pytest.mark.parametrize("region", [REGION, REPLICA])
def test_the_responder_acts_on_catalog_keys_not_on_the_alert_key(region: str) -> None:
    captured = build_with_responder()
    pattern = json.loads(captured.named(f"prod-monitoring-responder-{region}").inputs["eventPattern"])
    catalog_keys = keys_in(region, without="alerts")
    assert pattern == api(["ScheduleKeyDeletion"], {"keyId": catalog_keys})
    policy = json.loads(captured.named("prod-monitoring-responder-policy").inputs["policy"])
    assert policy["Statement"][0] == {
        "Sid": "CancelDeletion",
        "Effect": "Allow",
        "Action": ["kms:CancelKeyDeletion", "kms:DescribeKey", "kms:ListResourceTags"],
        "Resource": sorted(
            k for r in (REGION, REPLICA) for k in keys_in(r, without="alerts") if k.startswith("arn:")
        ),
    }
    alert_statements = json.loads(captured.named("prod-monitoring-alerts-key").inputs["policy"])["Statement"]
    assert alert_statements[-1] == {
        "Sid": "IncidentResponderPublishes",
        "Effect": "Allow",
        "Principal": {"AWS": [f"arn:aws:iam::{ACCOUNT}:role/kmsguard/prod-kms-responder"]},
        "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
        "Resource": "*",
    }


def test_a_responder_without_its_role_is_refused() -> None:
    catalog_spec = CatalogSpec.model_validate(CATALOG)

    def program() -> None:
        catalog = KeyCatalog("prod", catalog_spec, region=REGION, account_id=ACCOUNT, partition="aws")
        KeyMonitoring(
            "prod-monitoring",
            monitoring_spec(responder={}),
            catalog,
            catalog_spec,
            region=REGION,
            account_id=ACCOUNT,
            partition="aws",
        )

    with pytest.raises(KmsGuardError, match=r"^responder: pass the role from register_responder_role"):
        run(program, stack="prod")


def test_monitoring_needs_the_account_and_partition_in_config() -> None:
    config = {
        "aws:region": REGION,
        "aws:allowedAccountIds": json.dumps([ACCOUNT]),
        "kmsguard:catalog": json.dumps(CATALOG),
        "kmsguard:monitoring": json.dumps(MONITORING),
    }
    with pytest.raises(ConfigError) as caught:
        parse_stack_config(config)
    assert (
        str(caught.value) == "kmsguard:monitoring: needs kmsguard:accountId and kmsguard:partition; set both"
    )


def many_classes(count: int) -> dict[str, Any]:
    data_class = copy.deepcopy(CATALOG["data_classes"][0])
    data_class.pop("replication")
    classes = [{**copy.deepcopy(data_class), "name": f"c{i:02d}"} for i in range(count)]
    return {**CATALOG, "data_classes": classes}


def test_keys_beyond_one_patterns_quota_get_another_rule() -> None:
    # Fourteen keys fit one api-keys pattern (2,048 characters) in this region and account; the alert
    # key is the fifteenth. The other kinds' patterns are smaller per key and still fit one rule.
    catalog_spec = CatalogSpec.model_validate(many_classes(14))

    def program() -> None:
        catalog = KeyCatalog("prod", catalog_spec, region=REGION, account_id=ACCOUNT, partition="aws")
        KeyMonitoring("prod-monitoring", monitoring_spec(), catalog, catalog_spec, region=REGION,
                      account_id=ACCOUNT, partition="aws")  # fmt: skip

    captured = run(program, stack="prod")
    rules = {
        r.name: json.loads(r.inputs["eventPattern"])
        for r in captured.of_type("aws:cloudwatch/eventRule:EventRule")
    }
    assert set(rules) == {f"prod-monitoring-{p}-{REGION}" for p in ("api-keys", "api-keys-2", "api-grants", "api-aliases", "kms-events")}  # fmt: skip
    names = [f"prod-c{i:02d}-key" for i in range(14)] + ["prod-monitoring-alerts-key"]
    first, second = (rules[f"prod-monitoring-{p}-{REGION}"]["detail"]["requestParameters"]["keyId"] for p in ("api-keys", "api-keys-2"))  # fmt: skip
    assert first == sorted([key_id(n) for n in names[:14]] + [arn(REGION, n) for n in names[:14]])
    assert second == sorted([key_id(names[14]), arn(REGION, names[14])])
    for rule in captured.of_type("aws:cloudwatch/eventRule:EventRule"):
        assert len(rule.inputs["eventPattern"]) <= 2048
    assert (
        captured.named(f"prod-monitoring-api-keys-2-{REGION}-target").inputs["rule"]
        == f"prod-monitoring-api-keys-2-{REGION}"
    )


def test_the_pack_counts_every_rule_of_a_kind_and_misses_the_key_of_a_dropped_one() -> None:
    catalog_spec = CatalogSpec.model_validate(many_classes(14))

    def program() -> None:
        catalog = KeyCatalog("prod", catalog_spec, region=REGION, account_id=ACCOUNT, partition="aws")
        KeyMonitoring("prod-monitoring", monitoring_spec(), catalog, catalog_spec, region=REGION,
                      account_id=ACCOUNT, partition="aws")  # fmt: skip

    captured = run(program, stack="prod")
    config = {"aws:region": REGION, "aws:allowedAccountIds": json.dumps([ACCOUNT])}
    # KG-R08 wants the mock account's deployer listed in the pack config; monitoring is complete.
    assert set(violations(captured.resources, stack="prod", stack_config=config, states=captured.states)) == {
        "KG-R08"
    }
    dropped = [r for r in captured.resources if "api-keys-2" not in r.name]
    found = violations(dropped, stack="prod", stack_config=config, states=captured.states)
    assert found["KG-S04"] == [
        "None: 1 key(s) are not watched: 'prod-monitoring-alerts-key' in eu-west-1 misses DeleteImportedKeyMaterial, "
        "DisableKey, DisableKeyRotation, PutKeyPolicy, ReplicateKey, ScheduleKeyDeletion, UpdatePrimaryRegion. Add "
        "EventBridge rules for these CloudTrail calls in each key's region and the pending-deletion metric filter with "
        "an alarm (kmsguard's KeyMonitoring builds both)"
    ]


def test_a_key_whose_aliases_cannot_fit_one_pattern_is_refused_before_anything_is_registered() -> None:
    data = many_classes(1)
    data["data_classes"][0]["extra_aliases"] = [f"alias/prod-c00-team{i:03d}" for i in range(80)]
    catalog_spec = CatalogSpec.model_validate(data)
    specs = plan_catalog(catalog_spec, region=REGION, account_id=ACCOUNT, partition="aws")
    with pytest.raises(KmsGuardError) as caught:
        plan_monitoring(monitoring_spec(), catalog_spec, specs, region=REGION, account_id=ACCOUNT,
                        partition="aws", path="kmsguard:monitoring")  # fmt: skip
    assert str(caught.value) == (
        "kmsguard:monitoring: alias/prod-c00-payments in eu-west-1: the api-aliases event pattern of one key "
        "with 81 aliases is 2205 characters, over EventBridge's limit of 2048; give the key fewer aliases"
    )
