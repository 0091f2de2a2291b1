"""The monitoring component's own trail: exact children and inputs, the catalog key's service presets
for CloudTrail and CloudWatch Logs (and the pack's KG-S06 judging them), and what is refused."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from kmsguard.catalog import KeyCatalog
from kmsguard.catalog_spec import CatalogSpec
from kmsguard.errors import KmsGuardError
from kmsguard.monitoring import KeyMonitoring
from kmsguard.monitoring_spec import MonitoringSpec
from kmsguard.trail import monitored_catalog
from tests.components.factories import ACCOUNT, ADMIN, DEPLOYER, REGION, USER
from tests.components.mocks import Capture, Registered, key_id, run
from tests.stacks.pack import violations

CATALOG: dict[str, Any] = {
    "environment": "staging",
    "defaults": {"deployer": DEPLOYER, "administrators": [ADMIN]},
    "data_classes": [
        {"name": "orders", "team": "payments", "owner": "payments-team", "cost_center": "cc-1001",
         "description": "Order records of the payments team", "principals": {"users": [USER]}},
        {"name": "audit", "team": "security", "owner": "security-team", "cost_center": "cc-9009",
         "description": "CloudTrail log files and their CloudWatch Logs copy", "principals": {"users": [USER]}},
    ],
}  # fmt: skip
MONITORING: dict[str, Any] = {
    "trail": {"name": "staging-kms-trail", "data_class": "audit"},
    "topic_key": {"name": "alerts", "team": "security", "owner": "security-team", "cost_center": "cc-9009",
                  "description": "Encrypts the KMS alert topics", "principals": {"users": [USER]}},
}  # fmt: skip
TRAIL_ARN = f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/staging-kms-trail"
LOG_GROUP_ARN = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:cloudtrail/staging-kms-trail"
AUDIT_KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{key_id('staging-audit-key')}"
#: The mock provider's bucket id and ARN.
BUCKET_ID = "staging-monitoring-trail-bucket-id"
BUCKET_ARN = f"arn:aws:s3:{REGION}:{ACCOUNT}:staging-monitoring-trail-bucket"


def build(monitoring: dict[str, Any] | None = None, *, inject: bool = True) -> Capture:
    spec = MonitoringSpec.model_validate(monitoring or MONITORING)
    catalog_spec = CatalogSpec.model_validate(CATALOG)
    if inject:
        catalog_spec = monitored_catalog(catalog_spec, spec)

    def program() -> None:
        catalog = KeyCatalog("staging", catalog_spec, region=REGION, account_id=ACCOUNT, partition="aws")
        KeyMonitoring("staging-monitoring", spec, catalog, catalog_spec, region=REGION, account_id=ACCOUNT,
                      partition="aws")  # fmt: skip

    return run(program, stack="staging")


def trail_children(captured: Capture) -> dict[tuple[str, str], Registered]:
    monitoring = captured.named("staging-monitoring")
    return {(c.type, c.name): c for c in captured.children_of(monitoring) if "-trail" in c.name}


def test_the_trail_children_are_exactly_these() -> None:
    assert set(trail_children(build())) == {
        ("aws:s3/bucket:Bucket", "staging-monitoring-trail-bucket"),
        ("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
         "staging-monitoring-trail-bucket-encryption"),
        ("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "staging-monitoring-trail-bucket-public-access"),
        ("aws:s3/bucketPolicy:BucketPolicy", "staging-monitoring-trail-bucket-policy"),
        ("aws:cloudwatch/logGroup:LogGroup", "staging-monitoring-trail-logs"),
        ("aws:iam/role:Role", "staging-monitoring-trail-role"),
        ("aws:iam/rolePolicy:RolePolicy", "staging-monitoring-trail-role-policy"),
        ("aws:cloudtrail/trail:Trail", "staging-monitoring-trail"),
    }  # fmt: skip


def test_the_trail_logs_every_region_validated_and_encrypted_with_the_catalog_key() -> None:
    captured = build()
    trail = captured.named("staging-monitoring-trail")
    assert dict(trail.inputs) == {
        "name": "staging-kms-trail",
        "s3BucketName": BUCKET_ID,
        "kmsKeyId": AUDIT_KEY_ARN,
        "isMultiRegionTrail": True,
        "includeGlobalServiceEvents": True,
        "enableLogFileValidation": True,
        "enableLogging": True,
        "cloudWatchLogsGroupArn": f"{LOG_GROUP_ARN}:*",
        "cloudWatchLogsRoleArn": f"arn:aws:iam:{REGION}:{ACCOUNT}:staging-monitoring-trail-role",
        "region": REGION,
        "tags": {"Environment": "staging"},
    }
    # CloudTrail checks the bucket policy, encryption, role and log group when the trail is created.
    waits_for = {r.name for r in captured.resources if r.urn in trail.dependencies}
    assert waits_for >= {
        "staging-monitoring-trail-bucket-policy",
        "staging-monitoring-trail-bucket-encryption",
        "staging-monitoring-trail-role-policy",
        "staging-monitoring-trail-logs",
    }


def test_the_bucket_is_encrypted_private_and_written_only_by_this_trail() -> None:
    captured = build()
    assert dict(captured.named("staging-monitoring-trail-bucket").inputs) == {
        "region": REGION,
        "tags": {"Environment": "staging"},
    }
    assert dict(captured.named("staging-monitoring-trail-bucket-encryption").inputs) == {
        "bucket": BUCKET_ID,
        "rules": [
            {
                "applyServerSideEncryptionByDefault": {
                    "sseAlgorithm": "aws:kms",
                    "kmsMasterKeyId": AUDIT_KEY_ARN,
                },
                "bucketKeyEnabled": False,
            }
        ],
        "region": REGION,
    }
    assert dict(captured.named("staging-monitoring-trail-bucket-public-access").inputs) == {
        "bucket": BUCKET_ID,
        "blockPublicAcls": True,
        "blockPublicPolicy": True,
        "ignorePublicAcls": True,
        "restrictPublicBuckets": True,
        "region": REGION,
    }
    policy = captured.named("staging-monitoring-trail-bucket-policy")
    assert json.loads(policy.inputs["policy"]) == {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "AWSCloudTrailAclCheck20150319", "Effect": "Allow",
             "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:GetBucketAcl",
             "Resource": BUCKET_ARN, "Condition": {"StringEquals": {"aws:SourceArn": TRAIL_ARN}}},
            {"Sid": "AWSCloudTrailWrite20150319", "Effect": "Allow",
             "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject",
             "Resource": f"{BUCKET_ARN}/AWSLogs/{ACCOUNT}/*",
             "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": TRAIL_ARN}}},
        ],
    }  # fmt: skip
    assert (policy.inputs["bucket"], policy.inputs["region"]) == (BUCKET_ID, REGION)


def test_the_log_group_is_encrypted_and_the_role_writes_only_the_trails_streams() -> None:
    captured = build()
    assert dict(captured.named("staging-monitoring-trail-logs").inputs) == {
        "name": "cloudtrail/staging-kms-trail",
        "kmsKeyId": AUDIT_KEY_ARN,
        "region": REGION,
        "tags": {"Environment": "staging"},
    }
    role = captured.named("staging-monitoring-trail-role")
    assert json.loads(role.inputs["assumeRolePolicy"])["Statement"] == [
        {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ]
    streams = [f"{LOG_GROUP_ARN}:log-stream:{ACCOUNT}_CloudTrail_*"]
    role_policy = captured.named("staging-monitoring-trail-role-policy")
    assert role_policy.inputs["role"] == "staging-monitoring-trail-role-id"
    assert json.loads(role_policy.inputs["policy"])["Statement"] == [
        {"Sid": "AWSCloudTrailCreateLogStream2014110", "Effect": "Allow", "Action": ["logs:CreateLogStream"],
         "Resource": streams},
        {"Sid": "AWSCloudTrailPutLogEvents20141101", "Effect": "Allow", "Action": ["logs:PutLogEvents"],
         "Resource": streams},
    ]  # fmt: skip
    # The pending-deletion alarm reads the trail's own log group.
    assert (
        captured.named("staging-monitoring-pending-deletion").inputs["logGroupName"]
        == "cloudtrail/staging-kms-trail"
    )


def test_the_catalog_key_lets_cloudtrail_and_logs_use_it_through_the_presets() -> None:
    statements = json.loads(build().named("staging-audit-key").inputs["policy"])["Statement"]
    by_sid = {s["Sid"]: s for s in statements}
    assert by_sid["CloudTrailEncryptLogs"] == {
        "Sid": "CloudTrailEncryptLogs", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
        "Action": ["kms:GenerateDataKey"], "Resource": "*",
        "Condition": {"StringEquals": {"aws:SourceArn": TRAIL_ARN},
                      "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": [f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/*"]}},
    }  # fmt: skip
    assert by_sid["CloudTrailDescribeKey"]["Condition"] == {"StringEquals": {"aws:SourceArn": TRAIL_ARN}}
    assert by_sid["CloudWatchLogsEuWest1"]["Principal"] == {"Service": "logs.eu-west-1.amazonaws.com"}
    assert by_sid["CloudWatchLogsEuWest1"]["Condition"] == {
        "ArnEquals": {"kms:EncryptionContext:aws:logs:arn": LOG_GROUP_ARN}
    }
    # The other data class's key is not opened to CloudTrail or Logs.
    orders = json.loads(build().named("staging-orders-key").inputs["policy"])["Statement"]
    assert not [s for s in orders if "Service" in s["Principal"]]


def test_the_pack_passes_the_trail_and_fails_it_without_the_presets() -> None:
    captured = build()
    config = {"aws:region": REGION, "aws:allowedAccountIds": json.dumps([ACCOUNT])}
    assert violations(captured.resources, stack="staging", stack_config=config, states=captured.states) == {}
    # Take the presets out of the key policy: KG-S06 sees that CloudTrail and Logs could not use it.
    key = captured.named("staging-audit-key")
    document = json.loads(key.inputs["policy"])
    document["Statement"] = [s for s in document["Statement"] if "Service" not in s["Principal"]]
    stripped = [
        Registered(**{**r.__dict__, "inputs": {**r.inputs, "policy": json.dumps(document)}})
        if r is key
        else r
        for r in captured.resources
    ]
    states = dict(captured.states)
    states[(key.type, key.name)] = {**states[(key.type, key.name)], "policy": json.dumps(document)}
    found = violations(stripped, stack="staging", stack_config=config, states=states)
    assert list(found) == ["KG-S06"]
    assert sorted(found["KG-S06"]) == sorted([
        "urn:pulumi:staging::kmsguard::kmsguard:kms:KeyMonitoring$aws:cloudwatch/logGroup:LogGroup::"
        "staging-monitoring-trail-logs: storage of 'staging-monitoring-trail-logs' is encrypted with key "
        "'staging-audit-key', but logs.eu-west-1.amazonaws.com (encrypts it) may not kms:Decrypt, kms:Encrypt, "
        "kms:GenerateDataKey under its key policy; allow logs.eu-west-1.amazonaws.com kms:Decrypt, kms:Encrypt, "
        "kms:GenerateDataKey",
        "urn:pulumi:staging::kmsguard::kmsguard:kms:KeyMonitoring$aws:cloudtrail/trail:Trail::"
        "staging-monitoring-trail: log files of 'staging-monitoring-trail' is encrypted with key "
        "'staging-audit-key', but cloudtrail.amazonaws.com (encrypts it) may not kms:DescribeKey, "
        "kms:GenerateDataKey under its key policy; allow cloudtrail.amazonaws.com kms:DescribeKey, "
        "kms:GenerateDataKey",
    ])  # fmt: skip


def test_monitored_catalog_merges_the_presets_with_the_data_classes_own() -> None:
    data = copy.deepcopy(CATALOG)
    data["data_classes"][1]["integrations"] = {
        "cloudtrail": {"trail_names": ["org-trail"]},
        "cloudwatch_logs": {"log_group_names": ["app/logs"]},
    }
    spec = MonitoringSpec.model_validate(
        {**MONITORING, "trail": {**MONITORING["trail"], "log_group_name": "audit/ct"}}
    )
    audit = monitored_catalog(CatalogSpec.model_validate(data), spec).data_classes[1]
    assert audit.integrations is not None
    assert audit.integrations.model_dump(exclude_none=True) == {
        "cloudtrail": {"trail_names": ("org-trail", "staging-kms-trail"), "log_readers": ()},
        "cloudwatch_logs": {"log_group_names": ("app/logs", "audit/ct")},
    }  # fmt: skip
    # Every log group already admitted: the preset stays as broad as the owner wrote it.
    data["data_classes"][1]["integrations"]["cloudwatch_logs"] = {}
    audit = monitored_catalog(CatalogSpec.model_validate(data), spec).data_classes[1]
    assert audit.integrations is not None
    assert audit.integrations.cloudwatch_logs is not None
    assert audit.integrations.cloudwatch_logs.log_group_names == ()


def test_without_a_trail_the_catalog_is_unchanged() -> None:
    catalog = CatalogSpec.model_validate(CATALOG)
    spec = MonitoringSpec.model_validate({**MONITORING, "trail": None, "log_group_name": "org/CloudTrail"})
    assert monitored_catalog(catalog, spec) is catalog
    assert monitored_catalog(catalog, None) is catalog


@pytest.mark.parametrize(
    ("trail", "lifecycle", "error"),
    [
        pytest.param({"data_class": "ledger"}, None,
                     "kmsguard:monitoring.trail.data_class: 'ledger' is not a data class of the catalog; name one of "
                     "orders, audit", id="unknown_data_class"),
        pytest.param({}, {"state": "decrypt_only"},
                     "kmsguard:monitoring.trail.data_class: the key of 'audit' is decrypt_only, and a trail encrypts "
                     "new log files; name a data class in use", id="retired_key"),
    ],
)  # fmt: skip
def test_monitored_catalog_refuses_a_key_that_cannot_encrypt_the_trail(
    trail: dict[str, Any], lifecycle: dict[str, Any] | None, error: str
) -> None:
    data = copy.deepcopy(CATALOG)
    if lifecycle:
        data["data_classes"][1]["lifecycle"] = lifecycle
    spec = MonitoringSpec.model_validate({**MONITORING, "trail": {**MONITORING["trail"], **trail}})
    with pytest.raises(KmsGuardError) as caught:
        monitored_catalog(CatalogSpec.model_validate(data), spec, path="kmsguard:monitoring")
    assert str(caught.value) == error


def test_a_catalog_built_without_the_presets_is_refused() -> None:
    with pytest.raises(KmsGuardError) as caught:
        build(inject=False)
    assert str(caught.value) == (
        "trail.data_class: the key of 'audit' does not let trail 'staging-kms-trail' and log group "
        "'cloudtrail/staging-kms-trail' use it; build the catalog from monitored_catalog(catalog_spec, monitoring_spec)"
    )


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"log_group_name": "org/CloudTrail"}, id="both"),
        pytest.param({"trail": None}, id="neither"),
    ],
)
def test_the_spec_takes_exactly_one_log_source(changes: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="trail: set exactly one of log_group_name") as caught:
        MonitoringSpec.model_validate({**MONITORING, **changes})
    assert "(an existing trail's log group) and trail (the component builds one)" in str(caught.value)
