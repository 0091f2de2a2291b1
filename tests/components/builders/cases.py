"""Representative specs whose key policies are pinned as JSON under `expected/`.

Regenerate after an intended change with `python -m tests.components.builders.regenerate`, then
review the diff as a security reviewer would: every statement must be one you would sign.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.components.spec.baseline import ACCOUNT, ADMIN, BASELINE, OTHER_ACCOUNT, SERVICE_USER, USER, mutate

SIGNER = f"arn:aws:iam::{ACCOUNT}:role/ReleaseSigner"
VERIFIER = f"arn:aws:iam::{ACCOUNT}:role/ReleaseVerifier"
WRITER = f"arn:aws:iam::{ACCOUNT}:role/OrdersWriter"
READER = f"arn:aws:iam::{ACCOUNT}:role/OrdersReader"
PARTNER = f"arn:aws:iam::{OTHER_ACCOUNT}:role/PartnerReader"
MULTI_REGION = {"replica_regions": ["us-east-1"], "reason": "disaster recovery in us-east-1"}
SERVICES = [{"principal": SERVICE_USER, "services": ["s3", "ec2"]}]


@dataclass(frozen=True)
class Case:
    spec: dict[str, Any]
    region: str = "eu-west-1"
    partition: str = "aws"
    retired: bool = False
    key_arns: tuple[str, ...] = field(default=())


def _with(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    out = base
    for path, value in changes.items():
        out = mutate(path.replace("__", "."), value, out)
    return out


_HMAC = _with(
    BASELINE,
    kind={"type": "hmac", "key_spec": "HMAC_256"},
    principals={"administrators": [ADMIN], "mac_users": [USER]},
)
_SIGNING = _with(
    BASELINE,
    kind={"type": "signing", "key_spec": "ECC_NIST_P256"},
    principals={"administrators": [ADMIN], "signers": [SIGNER], "verifiers": [VERIFIER]},
)

AUDITOR = f"arn:aws:iam::{ACCOUNT}:role/TrailAuditor"
INTEGRATIONS = {
    "cloudtrail": {"trail_names": ["management-events"], "log_readers": [AUDITOR]},
    "cloudwatch_logs": {},
    "sns_publishers": {
        "publishers": ["s3", "eventbridge", "cloudwatch_alarms"],
        "source_buckets": ["orders-uploads"],
    },
    "sqs_from_sns": {"topic_names": ["orders-events"]},
    "sqs_publishers": {"publishers": ["s3", "eventbridge"], "source_buckets": ["orders-uploads"]},
    "eventbridge_bus": {"event_bus_names": ["orders"]},
    "autoscaling_ebs": {},
}
_INTEGRATED = _with(BASELINE, integrations=INTEGRATIONS, multi_region=MULTI_REGION)
_DNSSEC = _with(
    BASELINE,
    kind={"type": "signing", "key_spec": "ECC_NIST_P256"},
    region="us-east-1",
    principals={"administrators": [ADMIN]},
    integrations={"route53_dnssec": {"hosted_zone_ids": ["Z0123456789ABCDEFGHIJ"]}},
)
#: The typed escape hatch: CloudWatch Logs' vended-log delivery to an SSE-KMS bucket (AWS's example in
#: "Enabling logging from AWS services", S3 destination), pinned to this account and region.
VENDED_LOGS = {
    "sid": "VendedLogsDelivery",
    "effect": "Allow",
    "service_principals": ["delivery.logs.amazonaws.com"],
    "actions": ["kms:GenerateDataKey"],
    "conditions": {
        "StringEquals": {"aws:SourceAccount": ACCOUNT},
        "ArnLike": {"aws:SourceArn": f"arn:aws:logs:eu-west-1:{ACCOUNT}:*"},
    },
}

CASES: dict[str, Case] = {
    "symmetric": Case(BASELINE),
    "symmetric-no-mfa": Case(_with(BASELINE, mfa={"enabled": False})),
    "symmetric-mfa-extra-actions": Case(
        _with(BASELINE, mfa={"actions": ["PutKeyPolicy", "ScheduleKeyDeletion", "DisableKey"], "max_age_seconds": 900})
    ),
    "symmetric-split-users": Case(
        _with(BASELINE, principals={"administrators": [ADMIN], "encrypt_only_users": [WRITER], "decrypt_only_users": [READER]})
    ),
    "symmetric-services-multi-region": Case(
        _with(BASELINE, principals__service_users=SERVICES, multi_region=MULTI_REGION)
    ),
    "symmetric-services-replica": Case(
        _with(BASELINE, principals__service_users=SERVICES, multi_region=MULTI_REGION), region="us-east-1"
    ),
    "symmetric-context-cross-account": Case(
        _with(
            BASELINE,
            encryption_context={"required_keys": ["order_id"], "equals": {"tenant": "acme"}},
            cross_account=[
                {"account_id": OTHER_ACCOUNT, "role": "decrypt_only_users", "principals": [PARTNER],
                 "organization_id": "o-a1b2c3d4e5"},
                {"account_id": "123456789012", "role": "users"},
            ],
        ),
        key_arns=(
            f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/mrk-1234abcd12ab34cd56ef1234567890ab",
            f"arn:aws:kms:us-east-1:{ACCOUNT}:key/mrk-1234abcd12ab34cd56ef1234567890ab",
        ),
    ),
    "symmetric-root-full": Case(_with(BASELINE, root_access="full")),
    "symmetric-root-admin-no-admins": Case(_with(BASELINE, root_access="admin", principals={"users": [USER]})),
    "symmetric-grants": Case(
        _with(
            BASELINE,
            grants=[
                {"name": "batch", "grantee": f"arn:aws:iam::{ACCOUNT}:role/Batch", "operations": ["GenerateDataKey", "Decrypt"],
                 "constraints": {"encryption_context_subset": {"tenant": "acme"}},
                 "retiring_principal": ADMIN},
            ],
        )
    ),
    "symmetric-retired-generation": Case(
        _with(BASELINE, rotation={"manual": {"generations": ["g1", "g2"]}}, principals__service_users=SERVICES),
        retired=True,
    ),
    "symmetric-extra-statement": Case(
        _with(
            BASELINE,
            extra_statements=[
                {"sid": "DenyDecryptOutsideOrg", "effect": "Deny", "all_principals": True, "actions": ["kms:Decrypt"],
                 "conditions": {"StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}
            ],
        )
    ),
    "symmetric-aws-cn": Case(
        _with(
            BASELINE,
            deployer="arn:aws-cn:iam::111122223333:role/PulumiDeployer",
            principals={"administrators": ["arn:aws-cn:iam::111122223333:role/KeyAdministrators"],
                        "service_users": [{"principal": "arn:aws-cn:iam::111122223333:role/Writer", "services": ["s3"]}]},
            region="cn-north-1",
        ),
        region="cn-north-1",
        partition="aws-cn",
    ),
    "symmetric-integrations-multi-region": Case(_INTEGRATED),
    "symmetric-integrations-replica": Case(_INTEGRATED, region="us-east-1"),
    "symmetric-integrations-retired-generation": Case(
        _with(_INTEGRATED, rotation={"manual": {"generations": ["g1", "g2"]}}), retired=True
    ),
    "symmetric-integrations-named-logs-sqs-any-topic": Case(
        _with(BASELINE, integrations={"cloudwatch_logs": {"log_group_names": ["/aws/lambda/orders", "/orders/audit"]},
                                      "sqs_from_sns": {}})
    ),
    "symmetric-sns-monitoring": Case(
        _with(BASELINE, integrations={"sns_publishers": {"publishers": ["eventbridge", "cloudwatch_alarms"]}})
    ),
    "symmetric-extra-service-principal": Case(_with(BASELINE, extra_statements=[VENDED_LOGS])),
    "signing-route53-dnssec": Case(_DNSSEC, region="us-east-1"),
    "rsa-encryption": Case(
        _with(
            BASELINE,
            kind={"type": "rsa_encryption", "key_spec": "RSA_4096"},
            principals={"administrators": [ADMIN], "users": [USER], "encrypt_only_users": [WRITER]},
        )
    ),
    "signing": Case(_SIGNING),
    "signing-retired-generation": Case(_with(_SIGNING, rotation={"manual": {"generations": ["g1", "g2"]}}), retired=True),
    "key-agreement": Case(
        _with(
            BASELINE,
            kind={"type": "key_agreement", "key_spec": "ECC_NIST_P384"},
            principals={"administrators": [ADMIN], "key_agreement_users": [USER]},
        )
    ),
    "hmac": Case(_HMAC),
    "imported": Case(_with(BASELINE, kind={"type": "imported", "valid_to": "2027-06-30T00:00:00Z"}, mfa={"actions": ["DeleteImportedKeyMaterial", "PutKeyPolicy", "ScheduleKeyDeletion", "DeleteAlias"]})),
    "cloudhsm": Case(_with(BASELINE, kind={"type": "cloudhsm", "custom_key_store_id": "cks-5ebd7f3a9bc1"})),
    "external-key-store": Case(
        _with(BASELINE, kind={"type": "external_key_store", "custom_key_store_id": "cks-5ebd7f3a9bc1", "xks_key_id": "ext-key-1"})
    ),
}  # fmt: skip
