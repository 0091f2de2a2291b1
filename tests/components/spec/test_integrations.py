"""Service integrations and service principals in extra statements: one mutation → the exact errors."""

from __future__ import annotations

from typing import Any

import pytest

from kmsguard.errors import SpecError
from kmsguard.spec import parse_key_spec
from tests.components.spec.baseline import ACCOUNT, ADMIN, BASELINE, mutate

AUDITOR = f"arn:aws:iam::{ACCOUNT}:role/TrailAuditor"
DNSSEC_KIND = {"type": "signing", "key_spec": "ECC_NIST_P256"}
SIGNING_BASE = mutate("principals", {"administrators": [ADMIN]}, mutate("kind", DNSSEC_KIND))
DNSSEC_OK = mutate("integrations", {"route53_dnssec": {}}, mutate("region", "us-east-1", SIGNING_BASE))
SERVICE_ALLOW = {
    "sid": "VendedLogsDelivery",
    "effect": "Allow",
    "service_principals": ["delivery.logs.amazonaws.com"],
    "actions": ["kms:GenerateDataKey"],
    "conditions": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
}


def _integrations(value: dict[str, Any], base: dict[str, Any] | None = None) -> dict[str, Any]:
    return mutate("integrations", value, base)


VALID = [
    pytest.param(_integrations({"cloudtrail": {"trail_names": ["management-events"], "log_readers": [AUDITOR]}}), id="cloudtrail"),
    pytest.param(_integrations({"cloudwatch_logs": {"log_group_names": ["/aws/lambda/orders"]}}), id="logs-named"),
    pytest.param(_integrations({"sns_publishers": {"publishers": ["eventbridge", "cloudwatch_alarms"]}}), id="sns-eventbridge-cloudwatch"),
    pytest.param(_integrations({"sns_publishers": {"publishers": ["s3"], "source_buckets": ["orders-uploads"]}}), id="sns-s3"),
    pytest.param(_integrations({"sqs_from_sns": {"topic_names": ["orders.fifo"]}}), id="sqs-fifo-topic"),
    pytest.param(_integrations({"eventbridge_bus": {"event_bus_names": ["default"]}}), id="event-bus"),
    pytest.param(_integrations({"sqs_publishers": {"publishers": ["eventbridge"]}}), id="sqs-eventbridge"),
    pytest.param(_integrations({"sqs_publishers": {"publishers": ["s3"], "source_buckets": ["orders-uploads"]}}), id="sqs-s3"),
    pytest.param(_integrations({"autoscaling_ebs": {"role_suffix": "batch"}}), id="autoscaling-custom-role"),
    pytest.param(DNSSEC_OK, id="dnssec"),
    pytest.param(mutate("region", ..., DNSSEC_OK), id="dnssec-region-from-stack"),
    pytest.param(mutate("extra_statements", [SERVICE_ALLOW]), id="extra-service-principal"),
    pytest.param(
        mutate("extra_statements", [{**SERVICE_ALLOW, "conditions": {"ArnLike": {"aws:SourceArn": f"arn:aws:logs:eu-west-1:{ACCOUNT}:*"}}}]),
        id="extra-service-principal-source-arn",
    ),
    pytest.param(
        mutate("extra_statements", [{**SERVICE_ALLOW, "effect": "Deny", "conditions": {}}]),
        id="extra-service-principal-deny-needs-no-condition",
    ),
]  # fmt: skip


@pytest.mark.parametrize("data", VALID)
def test_valid_integrations_parse(data: dict[str, Any]) -> None:
    parse_key_spec(data)


INVALID = [
    pytest.param(
        _integrations({"cloudtrail": {"trail_names": []}}),
        ("integrations.cloudtrail.trail_names: needs at least 1 item(s); add one",),
        id="cloudtrail-no-trail",
    ),
    pytest.param(
        _integrations({"cloudtrail": {"trail_names": ["-bad"]}}),
        ("integrations.cloudtrail.trail_names[0]: '-bad' is not a CloudTrail trail name; use 3-128 letters, digits, '.', '_' or '-', starting and ending with a letter or digit",),
        id="cloudtrail-bad-name",
    ),
    pytest.param(
        _integrations({"cloudtrail": {"trail_names": ["trail1\n"]}}),
        ("integrations.cloudtrail.trail_names[0]: 'trail1\\n' is not a CloudTrail trail name; use 3-128 letters, digits, '.', '_' or '-', starting and ending with a letter or digit",),
        id="cloudtrail-name-trailing-newline",
    ),
    pytest.param(
        _integrations({"sns_publishers": {"publishers": ["s3"], "source_buckets": ["Orders_Uploads"]}}),
        ("integrations.sns_publishers.source_buckets[0]: 'Orders_Uploads' is not an S3 bucket name; use 3-63 lowercase letters, digits, '.' or '-', starting and ending with a letter or digit",),
        id="sns-bad-bucket-name",
    ),
    pytest.param(
        _integrations({"sqs_from_sns": {"topic_names": ["orders events"]}}),
        ("integrations.sqs_from_sns.topic_names[0]: 'orders events' is not an SNS topic name; use 1-256 letters, digits, '_' or '-' (a FIFO topic ends in .fifo)",),
        id="sqs-bad-topic-name",
    ),
    pytest.param(
        _integrations({"eventbridge_bus": {"event_bus_names": ["orders-*"]}}),
        ("integrations.eventbridge_bus.event_bus_names[0]: 'orders-*' contains a wildcard; name the resource (leave the list empty for all)",),
        id="event-bus-wildcard",
    ),
    pytest.param(
        _integrations({"autoscaling_ebs": {"role_suffix": "batch/jobs"}}),
        ("integrations.autoscaling_ebs.role_suffix: 'batch/jobs' is not an IAM role-name suffix; use 1-64 letters, digits or +=,.@_-",),
        id="autoscaling-bad-role-suffix",
    ),
    pytest.param(
        _integrations({"cloudtrail": {"trail_names": ["trail1", "trail1"]}}),
        ("integrations.cloudtrail.trail_names: lists trail1 more than once; list each trail once",),
        id="cloudtrail-duplicate-trail",
    ),
    pytest.param(
        _integrations({"cloudtrail": {"trail_names": ["trail1"], "log_readers": ["arn:aws:iam::111122223333:role/*"]}}),
        ("integrations.cloudtrail.log_readers[0]: 'arn:aws:iam::111122223333:role/*' contains a wildcard; name one role, user or account root",),
        id="cloudtrail-wildcard-reader",
    ),
    pytest.param(
        _integrations({"cloudtrail": {"trail_names": ["trail1"], "log_readers": [ADMIN]}}),
        ("integrations.cloudtrail.log_readers[0]: arn:aws:iam::111122223333:role/KeyAdministrators also administers the key; use separate principals or set separation_of_duties_waiver",),
        id="cloudtrail-reader-is-admin",
    ),
    pytest.param(
        _integrations({"cloudwatch_logs": {"log_group_names": ["/aws/*"]}}),
        ("integrations.cloudwatch_logs.log_group_names[0]: '/aws/*' contains a wildcard; name the resource (leave the list empty for all)",),
        id="logs-wildcard-group",
    ),
    pytest.param(
        _integrations({"sns_publishers": {"publishers": ["s3"]}}),
        ("integrations.sns_publishers.source_buckets: is empty but s3 publishes; name the buckets whose notifications publish",),
        id="sns-s3-without-buckets",
    ),
    pytest.param(
        _integrations({"sns_publishers": {"publishers": ["eventbridge"], "source_buckets": ["orders-uploads"]}}),
        ("integrations.sns_publishers.source_buckets: is set but s3 does not publish; add s3 to publishers or remove it",),
        id="sns-buckets-without-s3",
    ),
    pytest.param(
        _integrations({"sns_publishers": {"publishers": ["sqs"]}}),
        ("integrations.sns_publishers.publishers[0]: input should be 'eventbridge', 'cloudwatch_alarms' or 's3'; pick one of those",),
        id="sns-unknown-publisher",
    ),
    pytest.param(
        _integrations({"sns_publishers": {"publishers": ["eventbridge", "eventbridge"]}}),
        ("integrations.sns_publishers.publishers: lists eventbridge more than once; list each publisher once",),
        id="sns-duplicate-publisher",
    ),
    pytest.param(
        _integrations({"sqs_publishers": {"publishers": ["cloudwatch_alarms"]}}),
        ("integrations.sqs_publishers.publishers[0]: input should be 'eventbridge' or 's3'; pick one of those",),
        id="sqs-alarms-cannot-send",
    ),
    pytest.param(
        _integrations({"sqs_publishers": {"publishers": ["s3"]}}),
        ("integrations.sqs_publishers.source_buckets: is empty but s3 publishes; name the buckets whose notifications publish",),
        id="sqs-s3-without-buckets",
    ),
    pytest.param(
        _integrations({"eventbridge_bus": {"event_bus_names": []}}),
        ("integrations.eventbridge_bus.event_bus_names: needs at least 1 item(s); add one",),
        id="event-bus-none",
    ),
    pytest.param(
        _integrations({"sqs": {}}),
        ("integrations.sqs: is not a known field; remove it or fix its spelling",),
        id="unknown-integration",
    ),
    pytest.param(
        _integrations({"cloudwatch_logs": {}}, SIGNING_BASE),
        ("integrations.cloudwatch_logs: AWS services encrypt only with symmetric encryption keys, not signing (ECC_NIST_P256, SIGN_VERIFY); use a symmetric key for cloudwatch_logs or remove integrations.cloudwatch_logs",),
        id="logs-on-signing-key",
    ),
    pytest.param(
        _integrations({"route53_dnssec": {}}),
        (
            "integrations.route53_dnssec: Route 53 DNSSEC signs only with ECC_NIST_P256 SIGN_VERIFY keys, not symmetric (SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT); use kind {type: signing, key_spec: ECC_NIST_P256} or remove integrations.route53_dnssec",
            "region: Route 53 DNSSEC uses keys in us-east-1 only, not eu-west-1; set region to us-east-1 or remove integrations.route53_dnssec",
        ),
        id="dnssec-on-symmetric-key-in-eu-west-1",
    ),
    pytest.param(
        mutate("kind", {"type": "signing", "key_spec": "ECC_NIST_P384"}, DNSSEC_OK),
        ("integrations.route53_dnssec: Route 53 DNSSEC signs only with ECC_NIST_P256 SIGN_VERIFY keys, not signing (ECC_NIST_P384, SIGN_VERIFY); use kind {type: signing, key_spec: ECC_NIST_P256} or remove integrations.route53_dnssec",),
        id="dnssec-on-p384",
    ),
    pytest.param(
        mutate("kind", {"type": "key_agreement", "key_spec": "ECC_NIST_P256"}, mutate("principals", {"administrators": [ADMIN]}, DNSSEC_OK)),
        ("integrations.route53_dnssec: Route 53 DNSSEC signs only with ECC_NIST_P256 SIGN_VERIFY keys, not key_agreement (ECC_NIST_P256, KEY_AGREEMENT); use kind {type: signing, key_spec: ECC_NIST_P256} or remove integrations.route53_dnssec",),
        id="dnssec-on-p256-key-agreement",
    ),
    pytest.param(
        mutate("region", "eu-west-1", DNSSEC_OK),
        ("region: Route 53 DNSSEC uses keys in us-east-1 only, not eu-west-1; set region to us-east-1 or remove integrations.route53_dnssec",),
        id="dnssec-outside-us-east-1",
    ),
    pytest.param(
        _integrations({"route53_dnssec": {"hosted_zone_ids": ["z123"]}}, DNSSEC_OK),
        ("integrations.route53_dnssec.hosted_zone_ids[0]: 'z123' is not a Route 53 hosted zone id; use its uppercase letters and digits, e.g. Z0123456789ABCDEFGHIJ",),
        id="dnssec-bad-zone-id",
    ),
    pytest.param(
        mutate("extra_statements", [{**SERVICE_ALLOW, "conditions": {}}]),
        ("extra_statements[0].conditions: an Allow for a service principal needs aws:SourceAccount, aws:SourceArn or a kms:EncryptionContext: key under StringEquals, StringLike, ArnEquals or ArnLike; add one naming this account's resources",),
        id="extra-service-allow-without-condition",
    ),
    pytest.param(
        mutate("extra_statements", [{**SERVICE_ALLOW, "conditions": {"StringEqualsIfExists": {"aws:SourceAccount": ACCOUNT}}}]),
        ("extra_statements[0].conditions: an Allow for a service principal needs aws:SourceAccount, aws:SourceArn or a kms:EncryptionContext: key under StringEquals, StringLike, ArnEquals or ArnLike; add one naming this account's resources",),
        id="extra-service-allow-if-exists-condition",
    ),
    pytest.param(
        mutate("extra_statements", [{**SERVICE_ALLOW, "conditions": {"StringNotEquals": {"aws:SourceAccount": "444455556666"}}}]),
        ("extra_statements[0].conditions: an Allow for a service principal needs aws:SourceAccount, aws:SourceArn or a kms:EncryptionContext: key under StringEquals, StringLike, ArnEquals or ArnLike; add one naming this account's resources",),
        id="extra-service-allow-negated-condition",
    ),
    pytest.param(
        mutate("extra_statements", [{**SERVICE_ALLOW, "service_principals": ["*.amazonaws.com"]}]),
        ("extra_statements[0].service_principals[0]: '*.amazonaws.com' is not an AWS service principal; write <service>.amazonaws.com, e.g. delivery.logs.amazonaws.com",),
        id="extra-service-principal-wildcard",
    ),
    pytest.param(
        mutate("extra_statements", [{**SERVICE_ALLOW, "principals": [ADMIN]}]),
        ("extra_statements[0].principals: set exactly one of principals, all_principals and service_principals; name the principals",),
        id="extra-service-and-aws-principals",
    ),
    pytest.param(
        mutate("extra_statements", [{**SERVICE_ALLOW, "service_principals": ["sns.amazonaws.com", "sns.amazonaws.com"]}]),
        ("extra_statements[0].service_principals: lists a principal twice; list each once",),
        id="extra-service-principal-twice",
    ),
    pytest.param(
        mutate("extra_statements", [{**SERVICE_ALLOW, "sid": "SqsDeliveryFromSns"}]),
        ("extra_statements[0].sid: SqsDeliveryFromSns is reserved by the builder; rename it",),
        id="extra-reserved-integration-sid",
    ),
    pytest.param(
        mutate("extra_statements", [{**SERVICE_ALLOW, "sid": "CloudWatchLogsEuWest1"}]),
        ("extra_statements[0].sid: CloudWatchLogsEuWest1 is reserved by the builder; rename it",),
        id="extra-reserved-logs-sid",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("data", "expected"), INVALID)
def test_invalid_integration_reports_exact_errors(data: dict[str, Any], expected: tuple[str, ...]) -> None:
    with pytest.raises(SpecError) as caught:
        parse_key_spec(data)
    assert tuple(str(e) for e in caught.value.errors) == expected


def test_in_use_lists_the_set_integrations_in_field_order() -> None:
    spec = parse_key_spec(
        _integrations({"sqs_from_sns": {}, "cloudtrail": {"trail_names": ["trail1"]}, "cloudwatch_logs": {}})
    )
    assert spec.integrations.in_use() == ("cloudtrail", "cloudwatch_logs", "sqs_from_sns")
    assert parse_key_spec(BASELINE).integrations.in_use() == ()
