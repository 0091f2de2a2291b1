"""Each stack runs under the mock runtime with no credentials, registers exactly what its catalog
describes, and passes every rule of the pack with no policy config: the deployer and the partner
accounts are stated once, in the stack file, and the pack reads them from the stack's config."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kmsguard.config import read_stack_file
from kmsguard.policies.facts import (
    ALIAS_TYPE,
    EVENT_RULE_TYPE,
    EVENT_TARGET_TYPE,
    EXTERNAL_KEY_TYPE,
    GRANT_TYPE,
    IAM_ROLE_POLICY_ATTACHMENT_TYPE,
    IAM_ROLE_POLICY_TYPE,
    IAM_ROLE_TYPE,
    KEY_TYPE,
    LOG_METRIC_FILTER_TYPE,
    METRIC_ALARM_TYPE,
    REPLICA_KEY_TYPE,
    SNS_TOPIC_TYPE,
    TOPIC_SUBSCRIPTION_TYPE,
)
from kmsguard.program import main
from tests.components.mocks import Capture, key_id, run
from tests.stacks.pack import STACKS, violations

CATALOG = "kmsguard:kms:KeyCatalog"
KEY = "kmsguard:kms:Key"
EXPECTED_COUNTS = {
    "dev": {CATALOG: 1, KEY: 2, KEY_TYPE: 2, ALIAS_TYPE: 2},
    "staging": {
        CATALOG: 1,
        KEY: 5,
        KEY_TYPE: 5,
        ALIAS_TYPE: 5,
        # KeyMonitoring with a trail of its own (the audit data class's key encrypts it): the alert key
        # (counted above), one region's topic, policy, subscription and four rules with targets, the
        # metric filter and alarm, and the trail with its bucket, log group and role.
        "kmsguard:kms:KeyMonitoring": 1,
        "aws:sns/topic:Topic": 1,
        "aws:sns/topicPolicy:TopicPolicy": 1,
        "aws:sns/topicSubscription:TopicSubscription": 1,
        "aws:cloudwatch/eventRule:EventRule": 4,
        "aws:cloudwatch/eventTarget:EventTarget": 4,
        "aws:cloudwatch/logMetricFilter:LogMetricFilter": 1,
        "aws:cloudwatch/metricAlarm:MetricAlarm": 1,
        "aws:cloudtrail/trail:Trail": 1,
        "aws:s3/bucket:Bucket": 1,
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": 1,
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": 1,
        "aws:s3/bucketPolicy:BucketPolicy": 1,
        "aws:cloudwatch/logGroup:LogGroup": 1,
        "aws:iam/role:Role": 1,
        "aws:iam/rolePolicy:RolePolicy": 1,
    },
    "prod": {
        CATALOG: 1,
        KEY: 6,
        KEY_TYPE: 5,
        EXTERNAL_KEY_TYPE: 2,
        REPLICA_KEY_TYPE: 2,
        ALIAS_TYPE: 8,
        GRANT_TYPE: 1,
        # KeyMonitoring: the alert key (counted above), per region (eu-west-1, eu-central-1) a topic,
        # its policy, one subscription and five rules with a target each (four alerting, one for the
        # responder); one metric filter and alarm.
        "kmsguard:kms:KeyMonitoring": 1,
        SNS_TOPIC_TYPE: 2,
        "aws:sns/topicPolicy:TopicPolicy": 2,
        TOPIC_SUBSCRIPTION_TYPE: 2,
        EVENT_RULE_TYPE: 10,
        EVENT_TARGET_TYPE: 10,
        LOG_METRIC_FILTER_TYPE: 1,
        METRIC_ALARM_TYPE: 1,
        # The responder: its role (before the catalog), policy, logs, and per region a function,
        # its rule and target (counted above) and the permission to invoke it.
        IAM_ROLE_TYPE: 1,
        IAM_ROLE_POLICY_TYPE: 1,
        IAM_ROLE_POLICY_ATTACHMENT_TYPE: 1,
        "aws:lambda/function:Function": 2,
        "aws:lambda/permission:Permission": 2,
    },
}


def stack_file(stack: str) -> Path:
    return STACKS / f"Pulumi.{stack}.yaml"


def preview(stack: str) -> Capture:
    config = read_stack_file(stack_file(stack))
    # The mock provider answers in the stack's own account, as the real one would.
    account = json.loads(config["aws:allowedAccountIds"])[0]
    return run(main, stack=stack, config=config, account=account)


@pytest.mark.parametrize("stack", sorted(EXPECTED_COUNTS))
def test_stack_registers_the_expected_resources(stack: str) -> None:
    captured = preview(stack)
    assert captured.counts() == EXPECTED_COUNTS[stack]
    assert captured.invokes == []


@pytest.mark.parametrize("stack", sorted(EXPECTED_COUNTS))
def test_stack_passes_every_rule_of_the_pack(stack: str) -> None:
    captured = preview(stack)
    assert (
        violations(
            captured.resources,
            stack=stack,
            stack_config=read_stack_file(stack_file(stack)),
            states=captured.states,
        )
        == {}
    )


def test_no_stack_has_a_policy_config_file() -> None:
    assert sorted(p.name for p in STACKS.iterdir() if "policy" in p.name) == []


def test_prod_keys_and_aliases_are_protected_and_retained() -> None:
    captured = preview("prod")
    lasting = [
        r for r in captured.resources if r.type in (KEY_TYPE, EXTERNAL_KEY_TYPE, REPLICA_KEY_TYPE, ALIAS_TYPE)
    ]
    assert len(lasting) == 17  # the catalog's 13 and the alert key, its replica and their aliases
    assert {(r.protect, r.retain_on_delete) for r in lasting} == {(True, True)}


def test_prod_replicates_pci_with_aliases_in_both_regions() -> None:
    captured = preview("prod")
    replica = captured.named("prod-pci-key-replica-eu-central-1")
    assert replica.inputs["region"] == "eu-central-1"
    assert {(a.inputs["name"], a.inputs["region"]) for a in captured.of_type(ALIAS_TYPE)} == {
        ("alias/prod-pci-payments", "eu-west-1"),
        ("alias/prod-pci-payments", "eu-central-1"),
        ("alias/prod-analytics-data", "eu-west-1"),
        ("alias/prod-signing-platform", "eu-west-1"),
        ("alias/prod-tokens-identity", "eu-west-1"),
        ("alias/prod-ledger-finance", "eu-west-1"),
        ("alias/prod-alerts-security", "eu-west-1"),
        ("alias/prod-alerts-security", "eu-central-1"),
    }
    assert captured.named("prod-ledger-alias-prod-ledger-finance").inputs["targetKeyId"] == key_id(
        "prod-ledger-key-g2026"
    )


def test_prod_exports_the_analytics_accounts_iam_policy() -> None:
    captured = preview("prod")
    assert set(captured.exports["consumerPolicies"]) == {"analytics"}
    assert set(captured.exports["consumerPolicies"]["analytics"]) == {"444455556666"}


def test_prod_keys_wait_for_the_responder_role_their_policies_name() -> None:
    captured = preview("prod")
    role = captured.named("prod-monitoring-responder-role")
    keys = [r for r in captured.resources if r.type in (KEY_TYPE, EXTERNAL_KEY_TYPE, REPLICA_KEY_TYPE)]
    assert len(keys) == 9
    assert all(role.urn in k.dependencies for k in keys)
    pci = json.loads(captured.named("prod-pci-key").inputs["policy"])["Statement"]
    assert pci[-1] == {
        "Sid": "IncidentResponder",
        "Effect": "Allow",
        "Principal": {"AWS": ["arn:aws:iam::111122223333:role/kmsguard/prod-kms-responder"]},
        "Action": ["kms:CancelKeyDeletion", "kms:DescribeKey", "kms:ListResourceTags"],
        "Resource": "*",
    }


def test_prod_without_monitoring_fails_only_the_monitoring_rule() -> None:
    config = read_stack_file(stack_file("prod"))
    del config["kmsguard:monitoring"]
    captured = run(main, stack="prod", config=config, account="111122223333")
    found = violations(captured.resources, stack="prod", stack_config=config, states=captured.states)
    assert list(found) == ["KG-S04"]
    (message,) = found["KG-S04"]
    keys = [
        "prod-pci-key",
        "prod-analytics-key",
        "prod-signing-key",
        "prod-ledger-key-g2025",
        "prod-ledger-key-g2026",
        "prod-tokens-key",
        "prod-pci-key-replica-eu-central-1",
    ]
    assert message.startswith(f"None: {len(keys)} key(s) are not watched: ")
    assert all(f"'{k}' in " in message for k in keys)
