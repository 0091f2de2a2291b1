"""Pure builders for watching keys (no pulumi import): EventBridge patterns, the pending-deletion
metric filter and alarm settings, and the alert topic's policy.

A `WatchedKey` is one key in one region (a primary, a replica or a retired generation): its key id
and ARN, and the aliases that point at it there. EventBridge rules are regional, so every pattern is
built for the keys of one region. A caller may name a key by id or by ARN (`requestParameters.keyId`
is whatever it sent), so every key-scoped pattern lists both.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from kmsguard.errors import KmsGuardError
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
    EVENT_PATTERN_MAX_CHARS,
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


PatternBuilder = Callable[[Sequence[WatchedKey]], Pattern]
#: Rule kinds, in the order their rules are planned.
API_KEYS, API_GRANTS, API_ALIASES, KMS_EVENTS = "api-keys", "api-grants", "api-aliases", "kms-events"


def _builders(
    actions: Sequence[str], *, account_id: str, partition: str, service_events: bool
) -> dict[str, PatternBuilder]:
    """Rule kind → the pattern for a set of keys. A kind none of `actions` needs is left out.

    - `api-keys`: every action that names the key (`requestParameters.keyId`, id or ARN);
    - `api-grants`: CreateGrant on those keys whose grantee is not an IAM principal of the account;
    - `api-aliases`: DeleteAlias of the aliases that point at those keys (its request names only the alias);
    - `kms-events`: KMS's own events (deletion, rotation, imported material expiry) about those keys.
    """
    builders: dict[str, PatternBuilder] = {}
    by_key = sorted(set(actions) - {GRANT_ACTION, ALIAS_ACTION})
    if by_key:
        builders[API_KEYS] = lambda ks: _api_call(by_key, {"keyId": _key_names(ks)})
    if GRANT_ACTION in actions:
        own_account = f"arn:{partition}:iam::{account_id}:"
        builders[API_GRANTS] = lambda ks: _api_call(
            [GRANT_ACTION],
            {"keyId": _key_names(ks), "granteePrincipal": [{"anything-but": {"prefix": own_account}}]},
        )
    if ALIAS_ACTION in actions:
        builders[API_ALIASES] = lambda ks: _api_call(
            [ALIAS_ACTION], {"aliasName": sorted({a for k in ks for a in k.aliases})}
        )
    if service_events:
        builders[KMS_EVENTS] = lambda ks: {
            "source": [KMS_EVENT_SOURCE],
            "detail-type": sorted(KMS_SERVICE_DETAIL_TYPES),
            "resources": sorted({k.arn for k in ks}),
        }
    return builders


def api_call_patterns(
    keys: Iterable[WatchedKey], *, region: str, actions: Sequence[str], account_id: str, partition: str
) -> dict[str, Pattern]:
    """One pattern per API-call kind for all the keys of `region`, by purpose (`keys`, `grants`,
    `aliases`); `aliases` only where some key has one. `plan_rules` splits them to fit EventBridge."""
    watched = _in_region(keys, region)
    builders = _builders(actions, account_id=account_id, partition=partition, service_events=False)
    return {
        kind.removeprefix("api-"): build(watched)
        for kind, build in builders.items()
        if kind != API_ALIASES or any(k.aliases for k in watched)
    }


def service_event_pattern(keys: Iterable[WatchedKey], *, region: str) -> Pattern:
    """KMS's own events (deletion, rotation, imported material expiry) for the keys of `region`."""
    build = _builders((), account_id="", partition="", service_events=True)[KMS_EVENTS]
    return build(_in_region(keys, region))


def pattern_json(pattern: Pattern) -> str:
    """The pattern as sent to EventBridge: compact JSON, since the size quota counts its characters."""
    return json.dumps(pattern, separators=(",", ":"))


@dataclass(frozen=True)
class RulePlan:
    """One EventBridge rule of a region: its kind and which of the region's keys (by position) it watches.

    The first rule of a kind is named after it (`api-keys`), the next ones `api-keys-2`, `api-keys-3`, …:
    a new key changes the patterns of existing rules in place and adds a rule only at the end, so
    no rule is replaced."""

    kind: str
    index: int
    members: tuple[int, ...]

    @property
    def purpose(self) -> str:
        return self.kind if self.index == 1 else f"{self.kind}-{self.index}"


def placeholder_keys(
    region: str, aliases: Sequence[tuple[str, ...]], *, account_id: str, partition: str
) -> list[WatchedKey]:
    """Stand-ins for the region's keys before KMS assigns their ids: a key id is 36 characters in
    either form (a UUID, or `mrk-` and 32 hex digits), so a pattern over these has the real size."""
    out = []
    for i, key_aliases in enumerate(aliases):
        key_id = str(uuid.UUID(int=i))
        arn = f"arn:{partition}:kms:{region}:{account_id}:key/{key_id}"
        out.append(WatchedKey(region, key_id, arn, key_aliases))
    return out


def plan_rules(
    keys: Sequence[WatchedKey],
    *,
    actions: Sequence[str],
    account_id: str,
    partition: str,
    service_events: bool = True,
    max_chars: int = EVENT_PATTERN_MAX_CHARS,
) -> list[RulePlan]:
    """The rules one region needs so that every pattern fits `max_chars`: keys are taken in order and
    each rule of a kind holds as many as fit. Raises `KmsGuardError` when one key alone does not fit."""
    plans: list[RulePlan] = []
    builders = _builders(actions, account_id=account_id, partition=partition, service_events=service_events)
    for kind, build in builders.items():
        candidates = [i for i, k in enumerate(keys) if kind != API_ALIASES or k.aliases]
        chunks: list[list[int]] = []
        for i in candidates:
            if chunks and _size(build, keys, [*chunks[-1], i]) <= max_chars:
                chunks[-1].append(i)
                continue
            size = _size(build, keys, [i])
            if size > max_chars:
                raise KmsGuardError(
                    f"the {kind} event pattern of one key with {len(keys[i].aliases)} aliases is {size} "
                    f"characters, over EventBridge's limit of {max_chars}; give the key fewer aliases"
                )
            chunks.append([i])
        plans += [RulePlan(kind, n, tuple(chunk)) for n, chunk in enumerate(chunks, start=1)]
    return plans


def _size(build: PatternBuilder, keys: Sequence[WatchedKey], members: Sequence[int]) -> int:
    return len(pattern_json(build([keys[i] for i in members])))


def rule_pattern(
    plan: RulePlan,
    keys: Sequence[WatchedKey],
    *,
    actions: Sequence[str],
    account_id: str,
    partition: str,
    max_chars: int = EVENT_PATTERN_MAX_CHARS,
) -> str:
    """The planned rule's pattern over the real keys, as sent; refuses one that outgrew its plan."""
    build = _builders(actions, account_id=account_id, partition=partition, service_events=True)[plan.kind]
    sent = pattern_json(build([keys[i] for i in plan.members]))
    if len(sent) > max_chars:
        raise KmsGuardError(
            f"the {plan.purpose} event pattern is {len(sent)} characters, over EventBridge's limit of "
            f"{max_chars}: a key id or ARN is longer than KMS writes them"
        )
    return sent


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
