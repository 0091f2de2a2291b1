"""Key-policy statements for AWS services that use the key themselves (`spec.integrations`).

Each preset is the least-privilege statement AWS documents for the service; its source is the
`Source` beside it (`SOURCES`, by Sid), and `tests/components/builders/test_integrations.py`
holds AWS's printed example for each and checks ours against it. Where we differ from AWS's
example, the difference is deliberate and written next to the preset:

- AWS's action wildcards (`kms:GenerateDataKey*`, `kms:Encrypt*`) are written out, and only the
  actions the service calls are kept (never the data-key-pair actions): the pack forbids wildcards
  and a list reviewers can read is the point of this library.
- Every statement for a service principal is tied to this stack's account and to the key's regions
  (replicas included): `aws:SourceAccount`/`aws:SourceArn`, or the encryption-context key the
  service sets, as the KMS guide recommends ("Permissions for AWS services in key policies").
- Where AWS lists `kms:DescribeKey` as required (CloudTrail, EventBridge buses) it gets a statement
  without the encryption-context condition: DescribeKey requests carry no context, so such a
  condition would deny it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Final

from kmsguard.facts import (
    AUTOSCALING_SERVICE_ROLE_NAME,
    AUTOSCALING_SERVICE_ROLE_PATH,
    DNSSEC_PRINCIPAL,
    RETIRED_KEY_ACTIONS,
)
from kmsguard.policies.facts import (
    CALLER_ACCOUNT_KEY,
    CLOUDTRAIL_CONTEXT_KEY,
    CLOUDTRAIL_PRINCIPAL,
    CLOUDWATCH_PRINCIPAL,
    EVENT_BUS_CONTEXT_KEY,
    EVENTS_PRINCIPAL,
    GRANT_IS_FOR_AWS_RESOURCE_KEY,
    LOGS_CONTEXT_KEY,
    S3_PRINCIPAL,
    SNS_PRINCIPAL,
    SOURCE_ACCOUNT_KEY,
    SOURCE_ARN_KEY,
    logs_principal,
)
from kmsguard.spec import KmsKeySpec, ServiceIntegrations, sids

Statement = dict[str, Any]


@dataclass(frozen=True)
class Source:
    """Where AWS documents the statement a preset follows."""

    title: str
    url: str


CLOUDTRAIL_SOURCE: Final = Source(
    "CloudTrail User Guide: Configure AWS KMS key policies for CloudTrail",
    "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html",
)
CLOUDTRAIL_READERS_SOURCE: Final = Source(
    "CloudTrail User Guide: Default KMS key policy created in CloudTrail console",
    "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/default-kms-key-policy.html",
)
LOGS_SOURCE: Final = Source(
    "CloudWatch Logs User Guide: Encrypt log data in CloudWatch Logs using AWS KMS",
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html",
)
SNS_PUBLISHERS_SOURCE: Final = Source(
    "SNS Developer Guide: Key management, compatibility between event sources from AWS services and encrypted topics",
    "https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services",
)
SQS_FROM_SNS_SOURCE: Final = Source(
    "SNS Developer Guide: Enabling SSE for an Amazon SNS topic with an encrypted Amazon SQS queue subscribed",
    "https://docs.aws.amazon.com/sns/latest/dg/sns-enable-encryption-for-topic-sqs-queue-subscriptions.html",
)
SQS_PUBLISHERS_SOURCE: Final = Source(
    "SQS Developer Guide: Key management, configure KMS permissions for AWS services (event sources)",
    "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html",
)
EVENT_BUS_SOURCE: Final = Source(
    "EventBridge User Guide: Authorizing EventBridge to use a customer managed key",
    "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-key-policy.html",
)
DNSSEC_SOURCE: Final = Source(
    "Route 53 Developer Guide: Customer managed key permissions required for DNSSEC signing",
    "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/access-control-managing-permissions.html#KMS-key-policy-for-DNSSEC",
)
AUTOSCALING_SOURCE: Final = Source(
    "EC2 Auto Scaling User Guide: Required AWS KMS key policy for use with encrypted volumes",
    "https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html",
)

VIA_SERVICE_SOURCE: Final = Source(
    "KMS Developer Guide: AWS KMS condition keys, kms:ViaService",
    "https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service",
)
SERVICE_GRANTS_SOURCE: Final = Source(
    "KMS Developer Guide: Default key policy, allows key users to use the KMS key with AWS services",
    "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-service-integration",
)

#: Sid → the AWS document its statement follows (CloudWatch Logs' per-region Sids share LOGS_SOURCE).
SOURCES: Final[dict[str, Source]] = {
    sids.CLOUDTRAIL_ENCRYPT: CLOUDTRAIL_SOURCE,
    sids.CLOUDTRAIL_DESCRIBE: CLOUDTRAIL_SOURCE,
    sids.CLOUDTRAIL_READERS: CLOUDTRAIL_READERS_SOURCE,
    sids.SNS_FROM_EVENTBRIDGE: SNS_PUBLISHERS_SOURCE,
    sids.SNS_FROM_CLOUDWATCH: SNS_PUBLISHERS_SOURCE,
    sids.SNS_FROM_S3: SNS_PUBLISHERS_SOURCE,
    sids.SQS_FROM_SNS: SQS_FROM_SNS_SOURCE,
    sids.SQS_FROM_EVENTBRIDGE: SQS_PUBLISHERS_SOURCE,
    sids.SQS_FROM_S3: SQS_PUBLISHERS_SOURCE,
    sids.EVENT_BUS: EVENT_BUS_SOURCE,
    sids.EVENT_BUS_DESCRIBE: EVENT_BUS_SOURCE,
    sids.DNSSEC_SIGNING: DNSSEC_SOURCE,
    sids.DNSSEC_GRANTS: DNSSEC_SOURCE,
    sids.AUTOSCALING_EBS: AUTOSCALING_SOURCE,
    sids.AUTOSCALING_EBS_GRANTS: AUTOSCALING_SOURCE,
}


def source_of(sid: str) -> Source | None:
    """The AWS document a builder statement follows, or None for statements that are not presets."""
    families = {
        sids.LOGS_PREFIX: LOGS_SOURCE,
        # Service users (principals.service_users): kmsguard.builders.key_policy._services.
        sids.SERVICE_USAGE_PREFIX: VIA_SERVICE_SOURCE,
        sids.SERVICE_GRANTS_PREFIX: SERVICE_GRANTS_SOURCE,
    }
    for prefix, source in families.items():
        if sid.startswith(prefix):
            return source
    return SOURCES.get(sid)


@dataclass(frozen=True)
class _Scope:
    """What every preset is scoped to: the stack's account, the partition, the key's regions."""

    account: str
    partition: str
    regions: tuple[str, ...]

    def arns(self, service: str, resource: str, *, regional: bool = True) -> list[str]:
        """`arn:<partition>:<service>:<region>:<account>:<resource>` for each key region, sorted."""
        if not regional:
            return [f"arn:{self.partition}:{service}:::{resource}"]
        return sorted(f"arn:{self.partition}:{service}:{r}:{self.account}:{resource}" for r in self.regions)


def _service_statement(
    sid: str, principal: dict[str, Any], actions: Iterable[str], condition: dict[str, Any] | None
) -> Statement:
    statement: Statement = {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": principal,
        "Action": [f"kms:{a}" for a in sorted(set(actions))],
        "Resource": "*",
    }
    if condition:
        statement["Condition"] = {op: dict(sorted(block.items())) for op, block in sorted(condition.items())}
    return statement


def _service(name: str) -> dict[str, str]:
    return {"Service": name}


def _one_or_list(values: list[str]) -> str | list[str]:
    return values[0] if len(values) == 1 else values


def build_integration_statements(
    spec: KmsKeySpec, *, account_id: str, partition: str, regions: tuple[str, ...], retired: bool = False
) -> list[Statement]:
    """Every integration's statements, in `ServiceIntegrations` field order.

    `regions` are the key's regions, primary first (`key_regions`). A retired generation keeps only
    the actions that open existing data; statements left with none are dropped.
    """
    scope = _Scope(account_id, partition, regions)
    out: list[Statement] = []
    for name in spec.integrations.in_use():
        out += _PRESETS[name](spec.integrations, scope)
    return [s for s in (_retire(s) for s in out) if s] if retired else out


def _retire(statement: Statement) -> Statement | None:
    kept = [a for a in statement["Action"] if a.removeprefix("kms:") in RETIRED_KEY_ACTIONS]
    return {**statement, "Action": kept} if kept else None


def _cloudtrail(integrations: ServiceIntegrations, scope: _Scope) -> list[Statement]:
    """CLOUDTRAIL_SOURCE: "Allow CloudTrail to encrypt logs" and "Allow CloudTrail access".

    AWS's `kms:GenerateDataKey*` is narrowed to `kms:GenerateDataKey`, the action the KMS guide's
    version of the same statement names; the encryption-context pattern's `*` region becomes the
    key's regions. Readers follow CLOUDTRAIL_READERS_SOURCE ("Allow principals in the account to
    decrypt log files") with named principals instead of `"*"`, and without ReEncryptFrom, which
    reading log files does not need.
    """
    trail = integrations.cloudtrail
    assert trail is not None
    trail_arns = sorted(a for name in trail.trail_names for a in scope.arns("cloudtrail", f"trail/{name}"))
    own_trails = scope.arns("cloudtrail", "trail/*")
    source_arn = {"StringEquals": {SOURCE_ARN_KEY: _one_or_list(trail_arns)}}
    out = [
        _service_statement(
            sids.CLOUDTRAIL_ENCRYPT,
            _service(CLOUDTRAIL_PRINCIPAL),
            ["GenerateDataKey"],
            {**source_arn, "StringLike": {CLOUDTRAIL_CONTEXT_KEY: own_trails}},
        ),
        _service_statement(
            sids.CLOUDTRAIL_DESCRIBE, _service(CLOUDTRAIL_PRINCIPAL), ["DescribeKey"], source_arn
        ),
    ]
    if trail.log_readers:
        out.append(
            _service_statement(
                sids.CLOUDTRAIL_READERS,
                {"AWS": sorted(trail.log_readers)},
                ["Decrypt"],
                {
                    "StringEquals": {CALLER_ACCOUNT_KEY: scope.account},
                    "StringLike": {CLOUDTRAIL_CONTEXT_KEY: _one_or_list(trail_arns)},
                },
            )
        )
    return out


def _cloudwatch_logs(integrations: ServiceIntegrations, scope: _Scope) -> list[Statement]:
    """LOGS_SOURCE, once per key region (the principal is `logs.<region>.amazonaws.com`).

    AWS's `Encrypt* Decrypt* ReEncrypt* GenerateDataKey* Describe*` is written out without the
    data-key-pair actions, DescribeCustomKeyStores (not an action on a key) and DescribeKey: a
    DescribeKey request carries no encryption context, so under AWS's own condition it is never
    allowed, and AWS's statement works without it. Named log groups use AWS's one-log-group form
    (`ArnEquals`).
    """
    logs = integrations.cloudwatch_logs
    assert logs is not None
    out = []
    for region in scope.regions:
        base = f"arn:{scope.partition}:logs:{region}:{scope.account}:log-group:"
        if logs.log_group_names:
            condition = {
                "ArnEquals": {LOGS_CONTEXT_KEY: _one_or_list(sorted(base + n for n in logs.log_group_names))}
            }
        else:
            condition = {"ArnLike": {LOGS_CONTEXT_KEY: base + "*"}}
        out.append(
            _service_statement(
                sids.logs_region(region),
                _service(logs_principal(region, scope.partition)),
                [
                    "Decrypt",
                    "Encrypt",
                    "GenerateDataKey",
                    "GenerateDataKeyWithoutPlaintext",
                    "ReEncryptFrom",
                    "ReEncryptTo",
                ],
                condition,
            )
        )
    return out


def _publish(sid: str, principal: str, source_arns: list[str], scope: _Scope) -> Statement:
    """SNS_PUBLISHERS_SOURCE step 3: `kms:GenerateDataKey*` (narrowed, as EventBridge's and S3's
    guides print it) and `kms:Decrypt`, with `aws:SourceAccount` and `aws:SourceArn`."""
    return _service_statement(
        sid,
        _service(principal),
        ["Decrypt", "GenerateDataKey"],
        {
            "StringEquals": {SOURCE_ACCOUNT_KEY: scope.account},
            "ArnLike": {SOURCE_ARN_KEY: _one_or_list(source_arns)},
        },
    )


def _publishers(
    sids_by_publisher: dict[str, str], publishers: tuple[str, ...], buckets: tuple[str, ...], scope: _Scope
) -> list[Statement]:
    """One `_publish` statement per publishing service, in a fixed order (EventBridge, CloudWatch,
    S3) whatever order the spec lists them in."""
    sources = {
        "eventbridge": (EVENTS_PRINCIPAL, scope.arns("events", "rule/*")),
        "cloudwatch_alarms": (CLOUDWATCH_PRINCIPAL, scope.arns("cloudwatch", "alarm:*")),
        "s3": (S3_PRINCIPAL, sorted(a for b in buckets for a in scope.arns("s3", b, regional=False))),
    }
    return [
        _publish(sids_by_publisher[p], principal, arns, scope)
        for p, (principal, arns) in sources.items()
        if p in publishers
    ]


def _sns_publishers(integrations: ServiceIntegrations, scope: _Scope) -> list[Statement]:
    sns = integrations.sns_publishers
    assert sns is not None
    by_publisher = {
        "eventbridge": sids.SNS_FROM_EVENTBRIDGE,
        "cloudwatch_alarms": sids.SNS_FROM_CLOUDWATCH,
        "s3": sids.SNS_FROM_S3,
    }
    return _publishers(by_publisher, sns.publishers, sns.source_buckets, scope)


def _sqs_publishers(integrations: ServiceIntegrations, scope: _Scope) -> list[Statement]:
    """SQS_PUBLISHERS_SOURCE: event sources get `kms:GenerateDataKey` and `kms:Decrypt` (EventBridge's
    and S3's guides print the same statement for SQS targets), with SNS_PUBLISHERS_SOURCE's step-3
    confused-deputy conditions."""
    sqs = integrations.sqs_publishers
    assert sqs is not None
    by_publisher = {"eventbridge": sids.SQS_FROM_EVENTBRIDGE, "s3": sids.SQS_FROM_S3}
    return _publishers(by_publisher, sqs.publishers, sqs.source_buckets, scope)


def _sqs_from_sns(integrations: ServiceIntegrations, scope: _Scope) -> list[Statement]:
    """SQS_FROM_SNS_SOURCE ("Allow Amazon SNS to use this key"), with the SNS guide's step-3
    confused-deputy conditions: the delivering topic's account and ARN."""
    sqs = integrations.sqs_from_sns
    assert sqs is not None
    topics = sqs.topic_names or ("*",)
    arns = sorted(a for t in topics for a in scope.arns("sns", t))
    return [_publish(sids.SQS_FROM_SNS, SNS_PRINCIPAL, arns, scope)]


def _eventbridge_bus(integrations: ServiceIntegrations, scope: _Scope) -> list[Statement]:
    """EVENT_BUS_SOURCE ("Allow the use of key"), `aws:SourceAccount` given the account id (AWS's
    example prints an ARN there, which never matches). DescribeKey, which the guide lists as
    required, gets its own statement without the encryption-context condition."""
    bus = integrations.eventbridge_bus
    assert bus is not None
    arns = sorted(a for b in bus.event_bus_names for a in scope.arns("events", f"event-bus/{b}"))
    source = {SOURCE_ACCOUNT_KEY: scope.account, SOURCE_ARN_KEY: _one_or_list(arns)}
    return [
        _service_statement(
            sids.EVENT_BUS,
            _service(EVENTS_PRINCIPAL),
            ["Decrypt", "GenerateDataKey"],
            {"StringEquals": {**source, EVENT_BUS_CONTEXT_KEY: _one_or_list(arns)}},
        ),
        _service_statement(
            sids.EVENT_BUS_DESCRIBE, _service(EVENTS_PRINCIPAL), ["DescribeKey"], {"StringEquals": source}
        ),
    ]


def _route53_dnssec(integrations: ServiceIntegrations, scope: _Scope) -> list[Statement]:
    """DNSSEC_SOURCE: "Allow Route 53 DNSSEC Service" with both optional confused-deputy conditions
    (hosted-zone ARNs name no region or account), and "Allow Route 53 DNSSEC to CreateGrant" as
    printed: AWS shows no source condition on it, and the grant is for an AWS resource only."""
    dnssec = integrations.route53_dnssec
    assert dnssec is not None
    zones = dnssec.hosted_zone_ids or ("*",)
    arns = [f"arn:{scope.partition}:route53:::hostedzone/{z}" for z in sorted(zones)]
    # AWS's two variants: ArnEquals for named zones, ArnLike for every zone of the account.
    operator = "ArnEquals" if dnssec.hosted_zone_ids else "ArnLike"
    return [
        _service_statement(
            sids.DNSSEC_SIGNING,
            _service(DNSSEC_PRINCIPAL),
            ["DescribeKey", "GetPublicKey", "Sign"],
            {
                "StringEquals": {SOURCE_ACCOUNT_KEY: scope.account},
                operator: {SOURCE_ARN_KEY: _one_or_list(arns)},
            },
        ),
        _service_statement(
            sids.DNSSEC_GRANTS,
            _service(DNSSEC_PRINCIPAL),
            ["CreateGrant"],
            {"Bool": {GRANT_IS_FOR_AWS_RESOURCE_KEY: "true"}},
        ),
    ]


def autoscaling_role_arn(partition: str, account: str, suffix: str | None) -> str:
    name = AUTOSCALING_SERVICE_ROLE_NAME + (f"_{suffix}" if suffix else "")
    return f"arn:{partition}:iam::{account}:{AUTOSCALING_SERVICE_ROLE_PATH}{name}"


def _autoscaling_ebs(integrations: ServiceIntegrations, scope: _Scope) -> list[Statement]:
    """AUTOSCALING_SOURCE, as printed (`ReEncrypt*`, `GenerateDataKey*` written out without the
    key-pair actions). The principal is this account's own service-linked role, which only Auto
    Scaling can assume and only for this account, so there is no confused deputy to guard against;
    AWS documents no kms:ViaService condition for it, and adding one could break launches."""
    asg = integrations.autoscaling_ebs
    assert asg is not None
    role = {"AWS": [autoscaling_role_arn(scope.partition, scope.account, asg.role_suffix)]}
    return [
        _service_statement(
            sids.AUTOSCALING_EBS,
            role,
            [
                "Decrypt",
                "DescribeKey",
                "Encrypt",
                "GenerateDataKey",
                "GenerateDataKeyWithoutPlaintext",
                "ReEncryptFrom",
                "ReEncryptTo",
            ],
            None,
        ),
        _service_statement(
            sids.AUTOSCALING_EBS_GRANTS,
            role,
            ["CreateGrant"],
            {"Bool": {GRANT_IS_FOR_AWS_RESOURCE_KEY: "true"}},
        ),
    ]


_PRESETS: Final[dict[str, Callable[[ServiceIntegrations, _Scope], list[Statement]]]] = {
    "cloudtrail": _cloudtrail,
    "cloudwatch_logs": _cloudwatch_logs,
    "sns_publishers": _sns_publishers,
    "sqs_from_sns": _sqs_from_sns,
    "sqs_publishers": _sqs_publishers,
    "eventbridge_bus": _eventbridge_bus,
    "route53_dnssec": _route53_dnssec,
    "autoscaling_ebs": _autoscaling_ebs,
}
# Every integration the spec offers has a preset (fails at import when one is added without it).
if set(_PRESETS) != set(ServiceIntegrations.model_fields):  # pragma: no cover
    raise RuntimeError("kmsguard.builders.integrations lacks a preset for a ServiceIntegrations field")
