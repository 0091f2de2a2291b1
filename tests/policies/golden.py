"""Golden compliant resources, one per resource type in scope, and helpers to mutate them.

Every golden resource passes every rule of the pack under `golden_context`; each failing fixture
in a rule's test changes exactly one thing and asserts the exact set of rule ids that fire.
The account ids are the documentation examples AWS reserves; no real account appears.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any

from kmsguard.policies.facts import (
    ALIAS_TYPE,
    EVENT_RULE_TYPE,
    EVENT_TARGET_TYPE,
    EXTERNAL_KEY_TYPE,
    GRANT_TYPE,
    IAM_GROUP_POLICY_TYPE,
    IAM_POLICY_TYPE,
    IAM_ROLE_POLICY_TYPE,
    IAM_ROLE_TYPE,
    IAM_USER_POLICY_TYPE,
    KEY_POLICY_TYPE,
    KEY_TYPE,
    LOG_METRIC_FILTER_TYPE,
    METRIC_ALARM_TYPE,
    REPLICA_EXTERNAL_KEY_TYPE,
    REPLICA_KEY_TYPE,
)
from kmsguard.policies.registry import all_rules
from kmsguard.policies.rule import Context, Outcome, Resource, ResourceRule, Result, StackRule

ACCOUNT = "111122223333"
OTHER_ACCOUNT = "444455556666"
REGION = "eu-west-1"
KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ADMIN_ROLE = f"arn:aws:iam::{ACCOUNT}:role/KeyAdministrators"
DEPLOYER_ROLE = f"arn:aws:iam::{ACCOUNT}:role/PulumiDeployer"
USER_ROLE = f"arn:aws:iam::{ACCOUNT}:role/OrdersService"
SERVICE_ROLE = f"arn:aws:iam::{ACCOUNT}:role/OrdersBucketWriter"

MFA_CONDITION = {
    "Bool": {"aws:MultiFactorAuthPresent": "true"},
    "NumericLessThan": {"aws:MultiFactorAuthAge": "300"},
}
ADMIN_NON_CRITICAL = [
    "kms:CancelKeyDeletion", "kms:CreateAlias", "kms:DescribeKey", "kms:DisableKey",
    "kms:DisableKeyRotation", "kms:EnableKey", "kms:EnableKeyRotation", "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus", "kms:ListGrants", "kms:ListKeyPolicies", "kms:ListKeyRotations",
    "kms:ListResourceTags", "kms:RevokeGrant", "kms:RotateKeyOnDemand", "kms:TagResource",
    "kms:UntagResource", "kms:UpdateAlias", "kms:UpdateKeyDescription",
]  # fmt: skip
CRITICAL = ["kms:DeleteAlias", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion"]
USER_ACTIONS = [
    "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo",
]  # fmt: skip


def golden_key_policy() -> dict[str, Any]:
    """A least-privilege key policy: admins (critical actions under MFA), a user, an S3 service user."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "KeyAdministration", "Effect": "Allow", "Principal": {"AWS": [ADMIN_ROLE]},
             "Action": ADMIN_NON_CRITICAL, "Resource": "*"},
            {"Sid": "KeyAdministrationCriticalWithMfa", "Effect": "Allow", "Principal": {"AWS": [ADMIN_ROLE]},
             "Action": CRITICAL, "Resource": "*", "Condition": MFA_CONDITION},
            {"Sid": "KeyUsage", "Effect": "Allow", "Principal": {"AWS": [USER_ROLE]},
             "Action": USER_ACTIONS, "Resource": "*"},
            {"Sid": "KeyUsageThroughAwsServices", "Effect": "Allow", "Principal": {"AWS": [SERVICE_ROLE]},
             "Action": USER_ACTIONS, "Resource": "*",
             "Condition": {"StringEquals": {"kms:ViaService": [f"s3.{REGION}.amazonaws.com"],
                                            "kms:CallerAccount": ACCOUNT}}},
            {"Sid": "ServiceGrants", "Effect": "Allow", "Principal": {"AWS": [SERVICE_ROLE]},
             "Action": ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"], "Resource": "*",
             "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"},
                           "StringEquals": {"kms:ViaService": [f"s3.{REGION}.amazonaws.com"]}}},
        ],
    }  # fmt: skip


def golden_identity_policy() -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "UseOrdersKey", "Effect": "Allow", "Action": ["kms:Decrypt", "kms:Encrypt"],
                       "Resource": [KEY_ARN]}],
    }  # fmt: skip


TAGS = {"Environment": "prod", "Owner": "payments-team", "CostCenter": "cc-1234", "DataClass": "confidential"}
DESCRIPTION = "Encrypts order records for the payments team"


def _key_common() -> dict[str, Any]:
    return {
        "description": DESCRIPTION,
        "deletionWindowInDays": 30.0,
        "policy": json.dumps(golden_key_policy()),
        "tags": dict(TAGS),
    }


GOLDEN: dict[str, Resource] = {}


def _golden(type_: str, name: str, props: dict[str, Any]) -> None:
    GOLDEN[type_] = Resource(type_, name, f"urn:pulumi:prod::kmsguard::{type_}::{name}", props)


_golden(KEY_TYPE, "orders", {
    **_key_common(), "enableKeyRotation": True, "rotationPeriodInDays": 365.0, "isEnabled": True,
    "customerMasterKeySpec": "SYMMETRIC_DEFAULT", "keyUsage": "ENCRYPT_DECRYPT", "multiRegion": False,
    "bypassPolicyLockoutSafetyCheck": False,
})  # fmt: skip
_golden(EXTERNAL_KEY_TYPE, "imported", {
    **_key_common(), "enabled": True, "keyUsage": "ENCRYPT_DECRYPT", "keySpec": "SYMMETRIC_DEFAULT",
    "multiRegion": False, "validTo": "2027-06-30T00:00:00Z",
})  # fmt: skip
_golden(REPLICA_KEY_TYPE, "orders-replica-us-east-1", {
    **_key_common(), "primaryKeyArn": KEY_ARN, "region": "us-east-1", "enabled": True,
})  # fmt: skip
_golden(REPLICA_EXTERNAL_KEY_TYPE, "imported-replica-us-east-1", {
    **_key_common(), "primaryKeyArn": KEY_ARN, "region": "us-east-1", "enabled": True,
    "validTo": "2027-06-30T00:00:00Z",
})  # fmt: skip
_golden(
    KEY_POLICY_TYPE,
    "orders-policy",
    {"keyId": KEY_ARN, "policy": json.dumps(golden_key_policy())},
)
_golden(ALIAS_TYPE, "orders-alias", {"name": "alias/prod-orders-payments", "targetKeyId": KEY_ARN})
_golden(GRANT_TYPE, "orders-grant", {
    "keyId": KEY_ARN, "granteePrincipal": USER_ROLE, "operations": ["Decrypt", "Encrypt", "GenerateDataKey"],
    "constraints": [{"encryptionContextSubset": {"tenant": "acme"}}],
})  # fmt: skip
_golden(IAM_POLICY_TYPE, "orders-use", {"policy": json.dumps(golden_identity_policy())})
_golden(IAM_ROLE_POLICY_TYPE, "orders-use-role", {"role": "OrdersService", "policy": json.dumps(golden_identity_policy())})  # fmt: skip
_golden(IAM_USER_POLICY_TYPE, "orders-use-user", {"user": "ci", "policy": json.dumps(golden_identity_policy())})  # fmt: skip
_golden(IAM_GROUP_POLICY_TYPE, "orders-use-group", {"group": "ops", "policy": json.dumps(golden_identity_policy())})  # fmt: skip
_golden(IAM_ROLE_TYPE, "orders-role", {
    "assumeRolePolicy": json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}),
    "inlinePolicies": [{"name": "use-orders-key", "policy": json.dumps(golden_identity_policy())}],
})  # fmt: skip

_golden("aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy", "orders-use-sso", {
    "inlinePolicy": json.dumps(golden_identity_policy()),
    "instanceArn": "arn:aws:sso:::instance/ssoins-1234567890abcdef",
    "permissionSetArn": "arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-1234567890abcdef",
})  # fmt: skip


def golden(type_: str) -> Resource:
    """A deep copy of the golden resource of that type, safe to mutate."""
    return copy.deepcopy(GOLDEN[type_])


def with_props(resource: Resource, **changes: Any) -> Resource:
    """The resource with some properties replaced; a value of `...` removes the property."""
    props = {k: v for k, v in resource.props.items() if changes.get(k) is not ...}
    props.update({k: v for k, v in changes.items() if v is not ...})
    return Resource(resource.type, resource.name, resource.urn, props, resource.parent)


def with_policy(resource: Resource, policy: Mapping[str, Any] | str) -> Resource:
    text = policy if isinstance(policy, str) else json.dumps(policy)
    if resource.type == IAM_ROLE_TYPE:
        return with_props(resource, inlinePolicies=[{"name": "p", "policy": text}])
    if resource.type == "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy":
        return with_props(resource, inlinePolicy=text)
    return with_props(resource, policy=text)


STACK_CONFIG = {"aws:allowedAccountIds": json.dumps([ACCOUNT])}


def golden_context(rule_meta_defaults: Mapping[str, Any], stack: str = "prod", **config: Any) -> Context:
    return Context(stack=stack, project="kmsguard", config={**rule_meta_defaults, **config},
                   stack_config=STACK_CONFIG)  # fmt: skip


def evaluate(rule: ResourceRule, resource: Resource, stack: str = "prod", **config: Any) -> Result:
    return rule.check(resource, golden_context(rule.meta.config_defaults(), stack, **config))


def fired(
    resource: Resource, stack: str = "prod", config: Mapping[str, Mapping[str, Any]] | None = None
) -> set[str]:
    """The ids of every resource rule that reports a violation for this resource."""
    config = config or {}
    ids = set()
    for rule in all_rules():
        if isinstance(rule, ResourceRule) and rule.applies_to(resource.type):
            result = evaluate(rule, resource, stack, **config.get(rule.meta.id, {}))
            if result.outcome is Outcome.VIOLATION:
                ids.add(rule.meta.id)
    return ids


def stack_fired(
    resources: list[Resource], stack: str = "prod", config: Mapping[str, Mapping[str, Any]] | None = None
) -> dict[str, set[str]]:
    """rule id → URNs blamed, for every stack rule that reports a violation."""
    config = config or {}
    out: dict[str, set[str]] = {}
    for rule in all_rules():
        if isinstance(rule, StackRule):
            ctx = golden_context(rule.meta.config_defaults(), stack, **config.get(rule.meta.id, {}))
            result = rule.check(resources, ctx)
            if result.outcome is Outcome.VIOLATION:
                out[rule.meta.id] = {f.urn or "" for f in result.findings}
    return out


# ---------------------------------------------------------------------------------------------
# Stack fixtures (KG-S01…S03): what AnalyzeStack sends — OUTPUTS, parents and dependencies.
# A multi-region key with one replica, each with the conventional alias in its region, all children
# of one component, as the components build them.
# ---------------------------------------------------------------------------------------------

MRK_ID = "mrk-1234abcd12ab34cd56ef1234567890ab"
REPLICA_REGION = "us-east-1"
MRK_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{MRK_ID}"
MRK_REPLICA_ARN = f"arn:aws:kms:{REPLICA_REGION}:{ACCOUNT}:key/{MRK_ID}"
COMPONENT_TYPE = "kmsguard:index:Key"
COMPONENT_URN = f"urn:pulumi:prod::kmsguard::{COMPONENT_TYPE}::orders"


def stack_resource(
    type_: str,
    name: str,
    props: Mapping[str, Any],
    parent: str | None = COMPONENT_URN,
    dependencies: tuple[str, ...] = (),
) -> Resource:
    """A resource as AnalyzeStack sends it; a child's URN qualifies its type with the parent's."""
    qualified = f"{COMPONENT_TYPE}${type_}" if parent == COMPONENT_URN else type_
    urn = f"urn:pulumi:prod::kmsguard::{qualified}::{name}"
    return Resource(type_, name, urn, dict(props), parent=parent, dependencies=dependencies)


def golden_stack() -> list[Resource]:
    """Component, multi-region key, replica, and one conventional alias per region; every stack rule passes."""
    key_props = {
        **copy.deepcopy(GOLDEN[KEY_TYPE].props),
        "multiRegion": True,
        "tags": {**TAGS, "MultiRegionReason": "dr-failover"},
        "arn": MRK_ARN, "keyId": MRK_ID, "id": MRK_ID,
    }  # fmt: skip
    key = stack_resource(KEY_TYPE, "orders", key_props)
    replica = stack_resource(REPLICA_KEY_TYPE, "orders-replica-us-east-1", {
        **copy.deepcopy(GOLDEN[REPLICA_KEY_TYPE].props),
        "primaryKeyArn": MRK_ARN, "arn": MRK_REPLICA_ARN, "keyId": MRK_ID, "id": MRK_ID,
    }, dependencies=(key.urn,))  # fmt: skip
    alias = stack_resource(ALIAS_TYPE, "orders-alias", {
        "name": "alias/prod-orders-payments", "region": REGION, "targetKeyId": MRK_ID,
        "targetKeyArn": MRK_ARN, "arn": f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/prod-orders-payments",
    }, dependencies=(key.urn,))  # fmt: skip
    replica_alias = stack_resource(ALIAS_TYPE, "orders-alias-us-east-1", {
        "name": "alias/prod-orders-payments", "region": REPLICA_REGION, "targetKeyId": MRK_REPLICA_ARN,
        "targetKeyArn": MRK_REPLICA_ARN,
        "arn": f"arn:aws:kms:{REPLICA_REGION}:{ACCOUNT}:alias/prod-orders-payments",
    }, dependencies=(replica.urn,))  # fmt: skip
    component = Resource(COMPONENT_TYPE, "orders", COMPONENT_URN, {})
    return [component, key, replica, alias, replica_alias, *golden_monitoring()]


BY_KEY_ACTIONS = [
    "DeleteImportedKeyMaterial", "DisableKey", "DisableKeyRotation", "PutKeyPolicy", "ReplicateKey",
    "ScheduleKeyDeletion", "UpdatePrimaryRegion",
]  # fmt: skip
PENDING_DELETION_PATTERN = '{ $.eventSource = kms* && $.errorMessage = "* is pending deletion."}'


def api_pattern(event_names: list[str], request: dict[str, Any]) -> dict[str, Any]:
    return {"source": ["aws.kms"], "detail-type": ["AWS API Call via CloudTrail"],
            "detail": {"eventSource": ["kms.amazonaws.com"], "eventName": event_names,
                       "requestParameters": request}}  # fmt: skip


def golden_monitoring() -> list[Resource]:
    """KG-S04's evidence for the orders key, written by hand: per region, EventBridge rules (with a
    target each) for every watched call, and the KMS guide's pending-deletion filter with its alarm."""
    out: list[Resource] = []
    for region, arn in ((REGION, MRK_ARN), (REPLICA_REGION, MRK_REPLICA_ARN)):
        named = [MRK_ID, arn]
        patterns = {
            "keys": api_pattern(BY_KEY_ACTIONS, {"keyId": named}),
            "grants": api_pattern(["CreateGrant"], {"keyId": named, "granteePrincipal": [
                {"anything-but": {"prefix": f"arn:aws:iam::{ACCOUNT}:"}}]}),
            "aliases": api_pattern(["DeleteAlias"], {"aliasName": ["alias/prod-orders-payments"]}),
        }  # fmt: skip
        for purpose, pattern in patterns.items():
            name = f"watch-{purpose}-{region}"
            rule = stack_resource(EVENT_RULE_TYPE, name, {
                "name": name, "eventPattern": json.dumps(pattern), "state": "ENABLED", "region": region,
                "arn": f"arn:aws:events:{region}:{ACCOUNT}:rule/{name}",
            }, parent=None)  # fmt: skip
            target = stack_resource(EVENT_TARGET_TYPE, f"{name}-target", {
                "rule": name, "arn": f"arn:aws:sns:{region}:{ACCOUNT}:kms-alerts", "region": region,
            }, parent=None, dependencies=(rule.urn,))  # fmt: skip
            out += [rule, target]
    metric = {"name": "KMSKeyPendingDeletionErrorCount", "namespace": "CloudTrailLogMetrics", "value": "1"}
    metric_filter = stack_resource(LOG_METRIC_FILTER_TYPE, "pending-deletion", {
        "name": "pending-deletion", "pattern": PENDING_DELETION_PATTERN, "logGroupName": "CloudTrail/logs",
        "metricTransformation": metric, "region": REGION,
    }, parent=None)  # fmt: skip
    alarm = stack_resource(METRIC_ALARM_TYPE, "pending-deletion-alarm", {
        "metricName": metric["name"], "namespace": metric["namespace"], "statistic": "Sum",
        "comparisonOperator": "GreaterThanOrEqualToThreshold", "threshold": 1.0, "evaluationPeriods": 1.0,
        "period": 300.0, "alarmActions": [f"arn:aws:sns:{REGION}:{ACCOUNT}:kms-alerts"], "region": REGION,
    }, parent=None)  # fmt: skip
    return [*out, metric_filter, alarm]


def stack_replace(resources: list[Resource], resource_name: str, /, **changes: Any) -> list[Resource]:
    """The stack with one resource's properties changed (`...` removes one); dependencies are kept."""
    return [Resource(r.type, r.name, r.urn, with_props(r, **changes).props, r.parent, r.dependencies)
            if r.name == resource_name else r for r in resources]  # fmt: skip
