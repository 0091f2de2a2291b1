"""Each service preset against the AWS-documented statement it follows.

For every preset the test fills AWS's placeholders with the spec's values (one region, so ours and
AWS's name the same resources) and computes how our statement differs from AWS's: actions left
out or added, condition (operator, key) pairs added or dropped, principal changed. That difference
must be exactly the one written beside the preset in `kmsguard.builders.integrations`; every value
of a condition both share must be at least as narrow as AWS's (matched by AWS's own wildcards).
"""

from __future__ import annotations

import fnmatch
import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from kmsguard.builders import build_key_policy
from kmsguard.builders.integrations import source_of
from kmsguard.errors import PolicyBuildError
from kmsguard.policies.policydoc import expand_kms_actions
from kmsguard.spec import parse_key_spec
from tests.components.builders import aws_examples as aws
from tests.components.spec.baseline import ACCOUNT, ADMIN, BASELINE, OTHER_ACCOUNT, mutate

REGION = "eu-west-1"
AUDITOR = f"arn:aws:iam::{ACCOUNT}:role/TrailAuditor"
PAIRS = frozenset({"GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext"})


@dataclass(frozen=True)
class Deviation:
    """How our statement differs from AWS's; each field is written down beside the preset."""

    actions_dropped: frozenset[str] = frozenset()
    actions_added: frozenset[str] = frozenset()
    conditions_added: frozenset[tuple[str, str]] = frozenset()
    conditions_dropped: frozenset[tuple[str, str]] = frozenset()
    principal_changed: bool = False
    #: Shared (operator, key) pairs whose AWS value is a doc bug we correct.
    values_corrected: frozenset[tuple[str, str]] = field(default=frozenset())


def _fill(example: aws.AwsExample, replacements: list[tuple[str, str]]) -> dict[str, Any]:
    text = example.statement
    for old, new in replacements:
        text = text.replace(old, new)
    parsed: dict[str, Any] = json.loads(text)
    return parsed


def _list(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return ["true" if v is True else "false" if v is False else str(v) for v in items]


def _conditions(statement: dict[str, Any]) -> dict[tuple[str, str], list[str]]:
    return {
        (op, key.lower()): _list(v)
        for op, block in statement.get("Condition", {}).items()
        for key, v in block.items()
    }


def deviation(ours: dict[str, Any], theirs: dict[str, Any]) -> Deviation:
    assert ours["Effect"] == theirs["Effect"] == "Allow"
    # In a key policy "*" is the key itself; AWS sometimes prints the key's ARN instead.
    assert ours["Resource"] == "*"
    assert theirs["Resource"] == "*" or theirs["Resource"].startswith("arn:aws:kms:")
    our_actions = expand_kms_actions(ours["Action"])
    assert set(ours["Action"]) == {f"kms:{a}" for a in our_actions}, "ours uses no wildcard"
    aws_actions = expand_kms_actions(_list(theirs["Action"]))
    our_conditions, aws_conditions = _conditions(ours), _conditions(theirs)
    corrected = set()
    for pair in our_conditions.keys() & aws_conditions.keys():
        for value in our_conditions[pair]:
            if not any(fnmatch.fnmatchcase(value, pattern) for pattern in aws_conditions[pair]):
                corrected.add(pair)
    principal = {k: sorted(_list(v)) for k, v in ours["Principal"].items()}
    aws_principal = {k: sorted(_list(v)) for k, v in theirs["Principal"].items()}
    return Deviation(
        actions_dropped=frozenset(aws_actions - our_actions),
        actions_added=frozenset(our_actions - aws_actions),
        conditions_added=frozenset((op, k) for op, k in our_conditions.keys() - aws_conditions.keys()),
        conditions_dropped=frozenset((op, k) for op, k in aws_conditions.keys() - our_conditions.keys()),
        principal_changed=principal != aws_principal,
        values_corrected=frozenset(corrected),
    )


def _policy(
    integrations: dict[str, Any], base: dict[str, Any] = BASELINE, region: str = REGION
) -> dict[str, dict[str, Any]]:
    spec = parse_key_spec(mutate("integrations", integrations, base))
    document = build_key_policy(spec, account_id=ACCOUNT, partition="aws", region=region)
    return {s["Sid"]: s for s in document["Statement"]}


_ACCOUNT = [("customer-account-id", ACCOUNT), ("account-id", ACCOUNT), ("account_ID", ACCOUNT)]
_REGION = [("Region", REGION), ("region", REGION)]
_SOURCE_ACCOUNT = frozenset({("StringEquals", "aws:sourceaccount")})
_SOURCE_ARN_LIKE = frozenset({("ArnLike", "aws:sourcearn")})
_DNSSEC_BASE = mutate(
    "principals",
    {"administrators": [ADMIN]},
    mutate("region", "us-east-1", mutate("kind", {"type": "signing", "key_spec": "ECC_NIST_P256"})),
)

CASES = [
    pytest.param(
        {"cloudtrail": {"trail_names": ["management-events"]}}, BASELINE, "CloudTrailEncryptLogs", aws.CLOUDTRAIL_ENCRYPT,
        [("trailName", "management-events"), *_ACCOUNT, *_REGION],
        Deviation(actions_dropped=frozenset({"GenerateDataKeyWithoutPlaintext"}) | PAIRS),
        id="cloudtrail-encrypt",
    ),
    pytest.param(
        {"cloudtrail": {"trail_names": ["management-events"]}}, BASELINE, "CloudTrailDescribeKey", aws.CLOUDTRAIL_ACCESS,
        [("trailName", "management-events"), *_ACCOUNT, *_REGION],
        Deviation(),
        id="cloudtrail-describe",
    ),
    pytest.param(
        {"cloudtrail": {"trail_names": ["management-events"], "log_readers": [AUDITOR]}}, BASELINE, "CloudTrailLogDecrypt",
        aws.CLOUDTRAIL_DECRYPT, [*_ACCOUNT, *_REGION],
        Deviation(actions_dropped=frozenset({"ReEncryptFrom"}), principal_changed=True),
        id="cloudtrail-readers",
    ),
    pytest.param(
        {"cloudwatch_logs": {}}, BASELINE, "CloudWatchLogsEuWest1", aws.LOGS_ACCOUNT, [*_ACCOUNT, *_REGION],
        Deviation(actions_dropped=frozenset({"DescribeKey", "DescribeCustomKeyStores"}) | PAIRS),
        id="logs-account",
    ),
    pytest.param(
        {"cloudwatch_logs": {"log_group_names": ["/orders/audit"]}}, BASELINE, "CloudWatchLogsEuWest1", aws.LOGS_ONE_GROUP,
        [("log-group-name", "/orders/audit"), *_ACCOUNT, *_REGION],
        Deviation(actions_dropped=frozenset({"DescribeKey", "DescribeCustomKeyStores"}) | PAIRS),
        id="logs-one-group",
    ),
    pytest.param(
        {"sns_publishers": {"publishers": ["eventbridge"]}}, BASELINE, "SnsPublishFromEventBridge", aws.SNS_CONFUSED_DEPUTY,
        [("service.amazonaws.com", "events.amazonaws.com"), ("aws:service", "aws:events"),
         ("resource-type:customer-resource-id", "rule/*"), *_ACCOUNT, *_REGION],
        Deviation(actions_dropped=frozenset({"GenerateDataKeyWithoutPlaintext"}) | PAIRS),
        id="sns-eventbridge",
    ),
    pytest.param(
        {"sns_publishers": {"publishers": ["eventbridge"]}}, BASELINE, "SnsPublishFromEventBridge", aws.EVENTBRIDGE_TARGET,
        [], Deviation(conditions_added=_SOURCE_ACCOUNT | _SOURCE_ARN_LIKE),
        id="sns-eventbridge-target-guide",
    ),
    pytest.param(
        {"sns_publishers": {"publishers": ["cloudwatch_alarms"]}}, BASELINE, "SnsPublishFromCloudWatchAlarms",
        aws.SNS_CONFUSED_DEPUTY,
        [("service.amazonaws.com", "cloudwatch.amazonaws.com"), ("aws:service", "aws:cloudwatch"),
         ("resource-type:customer-resource-id", "alarm:*"), *_ACCOUNT, *_REGION],
        Deviation(actions_dropped=frozenset({"GenerateDataKeyWithoutPlaintext"}) | PAIRS),
        id="sns-cloudwatch-alarms",
    ),
    pytest.param(
        {"sns_publishers": {"publishers": ["s3"], "source_buckets": ["orders-uploads"]}}, BASELINE, "SnsPublishFromS3",
        aws.SNS_CONFUSED_DEPUTY,
        [("service.amazonaws.com", "s3.amazonaws.com"),
         ("arn:aws:service:region:customer-account-id:resource-type:customer-resource-id", "arn:aws:s3:::orders-uploads"),
         *_ACCOUNT],
        Deviation(actions_dropped=frozenset({"GenerateDataKeyWithoutPlaintext"}) | PAIRS),
        id="sns-s3",
    ),
    pytest.param(
        {"sns_publishers": {"publishers": ["s3"], "source_buckets": ["orders-uploads"]}}, BASELINE, "SnsPublishFromS3",
        aws.S3_NOTIFICATIONS, [], Deviation(conditions_added=_SOURCE_ACCOUNT | _SOURCE_ARN_LIKE),
        id="sns-s3-notifications-guide",
    ),
    pytest.param(
        {"sqs_publishers": {"publishers": ["eventbridge"]}}, BASELINE, "SqsSendFromEventBridge", aws.EVENTBRIDGE_TARGET,
        [], Deviation(conditions_added=_SOURCE_ACCOUNT | _SOURCE_ARN_LIKE),
        id="sqs-eventbridge-target-guide",
    ),
    pytest.param(
        {"sqs_publishers": {"publishers": ["s3"], "source_buckets": ["orders-uploads"]}}, BASELINE, "SqsSendFromS3",
        aws.S3_NOTIFICATIONS, [], Deviation(conditions_added=_SOURCE_ACCOUNT | _SOURCE_ARN_LIKE),
        id="sqs-s3-notifications-guide",
    ),
    pytest.param(
        {"sqs_from_sns": {"topic_names": ["orders-events"]}}, BASELINE, "SqsDeliveryFromSns", aws.SQS_SNS, [],
        Deviation(
            actions_dropped=frozenset({"GenerateDataKeyWithoutPlaintext"}) | PAIRS,
            conditions_added=_SOURCE_ACCOUNT | _SOURCE_ARN_LIKE,
        ),
        id="sqs-from-sns",
    ),
    pytest.param(
        {"eventbridge_bus": {"event_bus_names": ["orders"]}}, BASELINE, "EventBridgeBusEncryption", aws.EVENT_BUS_KEY,
        [("event-bus-name", "orders"), ("event-bus-arn", "orders"), *_ACCOUNT, *_REGION],
        # AWS prints an ARN for aws:SourceAccount, which never matches; ours is the account id.
        Deviation(values_corrected=_SOURCE_ACCOUNT),
        id="event-bus",
    ),
    pytest.param(
        {"eventbridge_bus": {"event_bus_names": ["orders"]}}, BASELINE, "EventBridgeBusDescribeKey", aws.EVENT_BUS_KEY,
        [("event-bus-name", "orders"), ("event-bus-arn", "orders"), *_ACCOUNT, *_REGION],
        Deviation(
            actions_dropped=frozenset({"Decrypt", "GenerateDataKey"}),
            actions_added=frozenset({"DescribeKey"}),
            conditions_dropped=frozenset({("StringEquals", "kms:encryptioncontext:aws:events:event-bus:arn")}),
            values_corrected=_SOURCE_ACCOUNT,
        ),
        id="event-bus-describe-key",
    ),
    pytest.param(
        {"route53_dnssec": {"hosted_zone_ids": ["Z0123456789ABCDEFGHIJ"]}}, _DNSSEC_BASE, "Route53DnssecSigning",
        aws.DNSSEC_SERVICE, [("HOSTED_ZONE_ID", "Z0123456789ABCDEFGHIJ")], Deviation(),
        id="dnssec-signing",
    ),
    pytest.param(
        {"route53_dnssec": {}}, _DNSSEC_BASE, "Route53DnssecGrants", aws.DNSSEC_GRANT, [], Deviation(),
        id="dnssec-grants",
    ),
    pytest.param(
        {}, mutate("principals.service_users", [{"principal": "arn:aws:iam::111122223333:user/ExampleUser", "services": ["ec2", "rds"]}]),
        "KeyUsageThroughEbs", aws.VIA_SERVICE, [("us-west-2", REGION)],
        # The service user's role also creates data keys and re-encrypts; kms:CallerAccount pins the account.
        Deviation(
            actions_added=frozenset({"DescribeKey", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo"}),
            conditions_added=frozenset({("StringEquals", "kms:calleraccount")}),
        ),
        id="via-service-usage",
    ),
    pytest.param(
        {}, mutate("principals.service_users", [{"principal": "arn:aws:iam::111122223333:role/ExampleRole", "services": ["s3"]}]),
        "ServiceGrantsThroughS3", aws.SERVICE_GRANTS, [],
        Deviation(conditions_added=frozenset({("StringEquals", "kms:viaservice"), ("StringEquals", "kms:calleraccount")})),
        id="via-service-grants",
    ),
    pytest.param(
        {"autoscaling_ebs": {}}, BASELINE, "AutoScalingEbsUsage", aws.AUTOSCALING_USE, [("123456789012", ACCOUNT)],
        Deviation(actions_dropped=PAIRS),
        id="autoscaling-ebs",
    ),
    pytest.param(
        {"autoscaling_ebs": {}}, BASELINE, "AutoScalingEbsGrants", aws.AUTOSCALING_GRANT, [("123456789012", ACCOUNT)],
        Deviation(),
        id="autoscaling-ebs-grants",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("integrations", "base", "sid", "example", "replacements", "expected"), CASES)
def test_preset_follows_the_aws_documented_statement(
    integrations: dict[str, Any],
    base: dict[str, Any],
    sid: str,
    example: aws.AwsExample,
    replacements: list[tuple[str, str]],
    expected: Deviation,
) -> None:
    region = "us-east-1" if base is _DNSSEC_BASE else REGION
    ours = _policy(integrations, base, region)[sid]
    assert deviation(ours, _fill(example, replacements)) == expected, json.dumps(ours, indent=1)


PRIMARY_SOURCES = {
    "CloudTrailEncryptLogs": aws.CLOUDTRAIL,
    "CloudTrailDescribeKey": aws.CLOUDTRAIL,
    "CloudTrailLogDecrypt": aws.CLOUDTRAIL_DEFAULT,
    "CloudWatchLogsEuWest1": aws.LOGS,
    "SnsPublishFromEventBridge": aws.SNS,
    "SnsPublishFromCloudWatchAlarms": aws.SNS,
    "SnsPublishFromS3": aws.SNS,
    "SqsDeliveryFromSns": aws.SQS_FROM_SNS,
    "SqsSendFromEventBridge": aws.SQS_PUBLISHERS,
    "SqsSendFromS3": aws.SQS_PUBLISHERS,
    "EventBridgeBusEncryption": aws.EVENT_BUS,
    "EventBridgeBusDescribeKey": aws.EVENT_BUS,
    "Route53DnssecSigning": aws.DNSSEC,
    "Route53DnssecGrants": aws.DNSSEC,
    "AutoScalingEbsUsage": aws.AUTOSCALING,
    "AutoScalingEbsGrants": aws.AUTOSCALING,
    "KeyUsageThroughEbs": aws.VIA_SERVICE.url,
    "ServiceGrantsThroughS3": aws.SERVICE_GRANTS.url,
}


def test_every_preset_records_the_source_its_test_compares_against() -> None:
    """Every Sid is compared with an AWS example; the SQS event-source Sids are compared with the
    EventBridge and S3 guides' statements, which print the SQS guide's action list."""
    tested = {p.values[2] for p in CASES}
    assert tested == set(PRIMARY_SOURCES)
    recorded = {sid: source.url for sid in PRIMARY_SOURCES if (source := source_of(sid)) is not None}
    assert recorded == PRIMARY_SOURCES
    assert source_of("KeyUsage") is None


def test_regional_statements_cover_every_key_region_replicas_included() -> None:
    multi = mutate(
        "multi_region", {"replica_regions": ["us-east-1", "ap-southeast-2"], "reason": "disaster recovery"}
    )
    policy = _policy(
        {"cloudwatch_logs": {}, "sqs_from_sns": {}, "cloudtrail": {"trail_names": ["audit"]}},
        multi,
        "us-east-1",
    )
    assert {
        sid: s["Principal"]["Service"] for sid, s in policy.items() if sid.startswith("CloudWatchLogs")
    } == {
        "CloudWatchLogsEuWest1": "logs.eu-west-1.amazonaws.com",
        "CloudWatchLogsUsEast1": "logs.us-east-1.amazonaws.com",
        "CloudWatchLogsApSoutheast2": "logs.ap-southeast-2.amazonaws.com",
    }
    assert policy["SqsDeliveryFromSns"]["Condition"]["ArnLike"]["aws:SourceArn"] == [
        f"arn:aws:sns:ap-southeast-2:{ACCOUNT}:*",
        f"arn:aws:sns:eu-west-1:{ACCOUNT}:*",
        f"arn:aws:sns:us-east-1:{ACCOUNT}:*",
    ]
    assert policy["CloudTrailEncryptLogs"]["Condition"]["StringEquals"]["aws:SourceArn"] == [
        f"arn:aws:cloudtrail:ap-southeast-2:{ACCOUNT}:trail/audit",
        f"arn:aws:cloudtrail:eu-west-1:{ACCOUNT}:trail/audit",
        f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/audit",
    ]


def test_logs_principal_and_arns_follow_the_partition() -> None:
    cn = mutate(
        "principals",
        {"administrators": ["arn:aws-cn:iam::111122223333:role/KeyAdministrators"]},
        mutate(
            "deployer", "arn:aws-cn:iam::111122223333:role/PulumiDeployer", mutate("region", "cn-north-1")
        ),
    )
    spec = parse_key_spec(mutate("integrations", {"cloudwatch_logs": {}}, cn))
    document = build_key_policy(spec, account_id=ACCOUNT, partition="aws-cn", region="cn-north-1")
    (logs,) = [s for s in document["Statement"] if s["Sid"] == "CloudWatchLogsCnNorth1"]
    assert logs["Principal"] == {"Service": "logs.cn-north-1.amazonaws.com.cn"}
    assert logs["Condition"] == {
        "ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws-cn:logs:cn-north-1:{ACCOUNT}:log-group:*"}
    }


def test_sns_publishers_keep_a_fixed_order_whatever_the_spec_order() -> None:
    one = _policy({"sns_publishers": {"publishers": ["cloudwatch_alarms", "eventbridge"]}})
    two = _policy({"sns_publishers": {"publishers": ["eventbridge", "cloudwatch_alarms"]}})
    assert list(one) == list(two)
    assert [sid for sid in one if sid.startswith("SnsPublish")] == [
        "SnsPublishFromEventBridge",
        "SnsPublishFromCloudWatchAlarms",
    ]


def test_retired_generation_keeps_only_what_opens_existing_data() -> None:
    manual = {"manual": {"generations": ["g1", "g2"]}}
    symmetric = parse_key_spec(
        mutate(
            "integrations",
            {"sns_publishers": {"publishers": ["eventbridge"]}, "autoscaling_ebs": {}},
            mutate("rotation", manual),
        )
    )
    document = build_key_policy(symmetric, account_id=ACCOUNT, partition="aws", region=REGION, retired=True)
    assert [(s["Sid"], s["Action"]) for s in document["Statement"][4:]] == [
        ("SnsPublishFromEventBridge", ["kms:Decrypt"]),
        ("AutoScalingEbsUsage", ["kms:Decrypt", "kms:DescribeKey", "kms:ReEncryptFrom"]),
    ]
    dnssec = parse_key_spec(
        mutate("integrations", {"route53_dnssec": {}}, mutate("rotation", manual, _DNSSEC_BASE))
    )
    document = build_key_policy(dnssec, account_id=ACCOUNT, partition="aws", region="us-east-1", retired=True)
    assert [(s["Sid"], s["Action"]) for s in document["Statement"] if s["Sid"].startswith("Route53")] == [
        ("Route53DnssecSigning", ["kms:DescribeKey", "kms:GetPublicKey"])
    ]


def _extra(conditions: dict[str, Any]) -> dict[str, Any]:
    return mutate(
        "extra_statements",
        [
            {
                "sid": "VendedLogsDelivery",
                "effect": "Allow",
                "service_principals": ["delivery.logs.amazonaws.com"],
                "actions": ["kms:GenerateDataKey"],
                "conditions": conditions,
            }
        ],
    )


REFUSED = [
    pytest.param(
        _extra({"StringEquals": {"aws:SourceAccount": OTHER_ACCOUNT}}), REGION,
        "extra_statements[0].conditions: aws:SourceAccount names 444455556666, not this stack's account 111122223333; name this account only",
        id="extra-other-source-account",
    ),
    pytest.param(
        _extra({"ArnLike": {"aws:SourceArn": f"arn:aws:logs:us-west-2:{ACCOUNT}:*"}}), REGION,
        f"extra_statements[0].conditions: aws:SourceArn value 'arn:aws:logs:us-west-2:{ACCOUNT}:*' is outside the key's regions (eu-west-1); name a region the key lives in",
        id="extra-source-arn-other-region",
    ),
    pytest.param(
        _extra({"ArnLike": {"aws:SourceArn": f"arn:aws:logs:*:{ACCOUNT}:*"}}), REGION,
        f"extra_statements[0].conditions: aws:SourceArn value 'arn:aws:logs:*:{ACCOUNT}:*' is outside the key's regions (eu-west-1); name a region the key lives in",
        id="extra-source-arn-any-region",
    ),
    pytest.param(
        _extra({"ArnLike": {"aws:SourceArn": "arn:aws:logs:eu-west-1:*:*"}}), REGION,
        "extra_statements[0].conditions: aws:SourceArn value 'arn:aws:logs:eu-west-1:*:*' is not in this stack's account 111122223333; name this account's resources",
        id="extra-source-arn-any-account",
    ),
    pytest.param(
        _extra({"ArnLike": {"aws:SourceArn": "arn:aws:s3:::orders-uploads"}}), REGION,
        "extra_statements[0].conditions: no condition names this stack's account 111122223333; add aws:SourceAccount = 111122223333 or an aws:SourceArn of this account",
        id="extra-source-arn-without-account",
    ),
    pytest.param(
        _extra({"StringEquals": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws-cn:logs:eu-west-1:{ACCOUNT}:log-group:x"}}), REGION,
        f"extra_statements[0].conditions: kms:EncryptionContext:aws:logs:arn value 'arn:aws-cn:logs:eu-west-1:{ACCOUNT}:log-group:x' is not in partition aws; use aws ARNs",
        id="extra-context-other-partition",
    ),
    pytest.param(
        mutate("integrations", {"route53_dnssec": {}}, mutate("region", ..., _DNSSEC_BASE)), "us-west-2",
        "region: Route 53 DNSSEC uses keys in us-east-1 only, not us-west-2; set region to us-east-1 or remove integrations.route53_dnssec",
        id="dnssec-stack-region-not-us-east-1",
    ),
    pytest.param(
        mutate("integrations", {"cloudtrail": {"trail_names": ["audit"], "log_readers": [f"arn:aws:iam::{OTHER_ACCOUNT}:role/Auditor"]}}), REGION,
        "integrations.cloudtrail.log_readers[0]: arn:aws:iam::444455556666:role/Auditor is in account 444455556666, not 111122223333; give other accounts access through cross_account",
        id="cloudtrail-reader-other-account",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("data", "region", "message"), REFUSED)
def test_builder_refuses_what_reaches_beyond_the_stack(
    data: dict[str, Any], region: str, message: str
) -> None:
    with pytest.raises(PolicyBuildError) as caught:
        build_key_policy(parse_key_spec(data), account_id=ACCOUNT, partition="aws", region=region)
    assert str(caught.value) == message


def test_extra_service_statement_with_source_account_renders_a_service_principal() -> None:
    spec = parse_key_spec(_extra({"StringEquals": {"aws:SourceAccount": ACCOUNT}}))
    document = build_key_policy(spec, account_id=ACCOUNT, partition="aws", region=REGION)
    assert document["Statement"][-1] == {
        "Sid": "VendedLogsDelivery",
        "Effect": "Allow",
        "Principal": {"Service": ["delivery.logs.amazonaws.com"]},
        "Action": ["kms:GenerateDataKey"],
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
    }
