"""Pure builders for watching keys (no pulumi import): EventBridge patterns, the pending-deletion
metric filter and alarm settings, and the alert topic's policy.

A `WatchedKey` is one key in one region (a primary, a replica or a retired generation): its key id
and ARN, and the aliases that point at it there. EventBridge rules are regional, so every pattern is
built for the keys of one region. A caller may name a key by id or by ARN (`requestParameters.keyId`
is whatever it sent), so every key-scoped pattern lists both.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from kmsguard.facts import (
    KMS_SERVICE_DETAIL_TYPES,
    PENDING_DELETION_ALARM_NAME,
    PENDING_DELETION_METRIC_NAME,
    PENDING_DELETION_METRIC_NAMESPACE,
)
from kmsguard.policies.facts import CLOUDWATCH_PRINCIPAL, EVENTS_PRINCIPAL
from kmsguard.policies.monitoring_facts import (
    ALIAS_ACTION,
    CLOUDTRAIL_DETAIL_TYPE,
    GRANT_ACTION,
    KMS_API_EVENT_SOURCE,
    KMS_EVENT_SOURCE,
    PENDING_DELETION_FILTER_PATTERN,
)

Pattern = dict[str, Any]


@dataclass(frozen=True)
class WatchedKey:
    """One key as EventBridge sees it in one region."""

    region: str
    key_id: str
    arn: str
    aliases: tuple[str, ...] = ()


def _in_region(keys: Iterable[WatchedKey], region: str) -> list[WatchedKey]:
    found = [k for k in keys if k.region == region]
    if not found:
        raise ValueError(f"no watched key lives in {region}; build patterns only for regions with keys")
    return found


def _key_names(keys: Sequence[WatchedKey]) -> list[str]:
    return sorted({name for k in keys for name in (k.key_id, k.arn)})


def _api_call(event_names: Sequence[str], request: Pattern) -> Pattern:
    return {
        "source": [KMS_EVENT_SOURCE],
        "detail-type": [CLOUDTRAIL_DETAIL_TYPE],
        "detail": {
            "eventSource": [KMS_API_EVENT_SOURCE],
            "eventName": sorted(event_names),
            "requestParameters": request,
        },
    }


def api_call_patterns(
    keys: Iterable[WatchedKey], *, region: str, actions: Sequence[str], account_id: str, partition: str
) -> dict[str, Pattern]:
    """The patterns for the watched API calls on the keys of `region`, by purpose.

    - `keys`: every action that names the key (`requestParameters.keyId`, id or ARN);
    - `grants`: CreateGrant on those keys whose grantee is not an IAM principal of the account;
    - `aliases`: DeleteAlias of the aliases that point at those keys in the region (its request
      names only the alias).
    A purpose none of `actions` needs is left out.
    """
    watched = _in_region(keys, region)
    names = _key_names(watched)
    patterns: dict[str, Pattern] = {}
    by_key = sorted(set(actions) - {GRANT_ACTION, ALIAS_ACTION})
    if by_key:
        patterns["keys"] = _api_call(by_key, {"keyId": names})
    if GRANT_ACTION in actions:
        own_account = f"arn:{partition}:iam::{account_id}:"
        patterns["grants"] = _api_call(
            [GRANT_ACTION],
            {"keyId": names, "granteePrincipal": [{"anything-but": {"prefix": own_account}}]},
        )
    aliases = sorted({a for k in watched for a in k.aliases})
    if ALIAS_ACTION in actions and aliases:
        patterns["aliases"] = _api_call([ALIAS_ACTION], {"aliasName": aliases})
    return patterns


def service_event_pattern(keys: Iterable[WatchedKey], *, region: str) -> Pattern:
    """KMS's own events (deletion, rotation, imported material expiry) for the keys of `region`."""
    watched = _in_region(keys, region)
    return {
        "source": [KMS_EVENT_SOURCE],
        "detail-type": sorted(KMS_SERVICE_DETAIL_TYPES),
        "resources": sorted({k.arn for k in watched}),
    }


@dataclass(frozen=True)
class PendingDeletionAlarm:
    """The KMS developer guide's metric filter and alarm, value for value."""

    filter_pattern: str = PENDING_DELETION_FILTER_PATTERN
    namespace: str = PENDING_DELETION_METRIC_NAMESPACE
    metric_name: str = PENDING_DELETION_METRIC_NAME
    metric_value: str = "1"
    alarm_name: str = PENDING_DELETION_ALARM_NAME
    comparison_operator: str = "GreaterThanOrEqualToThreshold"
    threshold: float = 1.0
    evaluation_periods: int = 1
    datapoints_to_alarm: int = 1
    statistic: str = "Sum"
    # One use of a key pending deletion is already an incident; five minutes is the shortest period
    # that a CloudTrail → CloudWatch Logs delivery (minutes late) reliably fills.
    period_seconds: int = 300
    treat_missing_data: str = "notBreaching"


def topic_policy(*, topic_arn: str, account_id: str, partition: str, region: str) -> dict[str, Any]:
    """The alert topic's access policy: EventBridge rules and CloudWatch alarms of this account publish."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "EventBridgePublishes",
                "Effect": "Allow",
                "Principal": {"Service": EVENTS_PRINCIPAL},
                "Action": "sns:Publish",
                "Resource": topic_arn,
                "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
            },
            {
                "Sid": "CloudWatchAlarmsPublish",
                "Effect": "Allow",
                "Principal": {"Service": CLOUDWATCH_PRINCIPAL},
                "Action": "sns:Publish",
                "Resource": topic_arn,
                "Condition": {
                    "ArnLike": {"aws:SourceArn": f"arn:{partition}:cloudwatch:{region}:{account_id}:alarm:*"},
                    "StringEquals": {"aws:SourceAccount": account_id},
                },
            },
        ],
    }


#: What the responder may do to a catalog key: read its tags and cancel its deletion. CancelKeyDeletion
#: leaves the key Disabled, so the responder needs no DisableKey (a critical action behind MFA).
RESPONDER_KEY_ACTIONS = ("kms:CancelKeyDeletion", "kms:DescribeKey", "kms:ListResourceTags")
RESPONDER_SID = "IncidentResponder"
RESPONDER_PUBLISH_SID = "IncidentResponderPublishes"
RESPONDER_PATH = "/kmsguard/"


def responder_role_name(environment: str) -> str:
    return f"{environment}-kms-responder"


def responder_role_arn(environment: str, *, account_id: str, partition: str) -> str:
    return f"arn:{partition}:iam::{account_id}:role{RESPONDER_PATH}{responder_role_name(environment)}"


def responder_statements(role_arn: str) -> list[dict[str, Any]]:
    """The catalog keys' statement for the responder: administration it needs, no use."""
    return [
        {
            "Sid": RESPONDER_SID,
            "Effect": "Allow",
            "Principal": {"AWS": [role_arn]},
            "Action": list(RESPONDER_KEY_ACTIONS),
            "Resource": "*",
        }
    ]


def responder_publish_statements(role_arn: str) -> list[dict[str, Any]]:
    """The alert key's statement for the responder: publish to the encrypted topic, nothing else.

    The responder does not act on the alert key itself: use and administration of one key by one
    principal is what separation of duties forbids."""
    return [
        {
            "Sid": RESPONDER_PUBLISH_SID,
            "Effect": "Allow",
            "Principal": {"AWS": [role_arn]},
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            "Resource": "*",
        }
    ]


def responder_policy(
    *, key_arns: Sequence[str], topic_arns: Sequence[str], alert_key_arns: Sequence[str]
) -> dict[str, Any]:
    """The responder role's IAM policy: exactly the calls the handler makes, on exactly these resources."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "CancelDeletion",
                "Effect": "Allow",
                "Action": list(RESPONDER_KEY_ACTIONS),
                "Resource": sorted(key_arns),
            },
            {"Sid": "Notify", "Effect": "Allow", "Action": "sns:Publish", "Resource": sorted(topic_arns)},
            {
                "Sid": "EncryptNotifications",
                "Effect": "Allow",
                "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                "Resource": sorted(alert_key_arns),
            },
        ],
    }


def lambda_trust_policy() -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
