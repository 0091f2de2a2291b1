"""What AWS documents that only the components need: the actions each usage role is granted, the
limits a spec is checked against, the presets' service principals and context keys, the monitoring
component's alarm. The facts the pack judges by stay in `kmsguard.policies.facts` (the pack must
publish alone), which this module builds on; each fact is written once, in one of the two.
"""

from __future__ import annotations

from typing import Final

from kmsguard.policies.facts import (
    ALIAS_PREFIX,
    ECC_SPECS,
    HMAC_SPECS,
    RSA_SPECS,
    SOURCE_ACCOUNT_KEY,
    SOURCE_ARN_KEY,
    KeySpec,
    KeyUsage,
)

_NIST: Final = ECC_SPECS - {KeySpec.ECC_SECG_P256K1}


# ---------------------------------------------------------------------------------------------
# Actions granted to each usage role
# ---------------------------------------------------------------------------------------------

SIGN_VERIFY_ACTIONS: Final = ("DescribeKey", "GetPublicKey", "Sign", "Verify")
PUBLIC_KEY_ENCRYPTION_ACTIONS: Final = (
    "Decrypt",
    "DescribeKey",
    "Encrypt",
    "GetPublicKey",
    "ReEncryptFrom",
    "ReEncryptTo",
)
MAC_ACTIONS: Final = ("DescribeKey", "GenerateMac", "VerifyMac")
KEY_AGREEMENT_ACTIONS: Final = ("DeriveSharedSecret", "DescribeKey", "GetPublicKey")
#: Verify-only use of a signing key.
VERIFY_ACTIONS: Final = ("DescribeKey", "GetPublicKey", "Verify")
#: Encrypt-only and decrypt-only use of an RSA encryption key (public-key encryption).
PUBLIC_KEY_ENCRYPT_ACTIONS: Final = ("DescribeKey", "Encrypt", "GetPublicKey", "ReEncryptTo")
PUBLIC_KEY_DECRYPT_ACTIONS: Final = ("Decrypt", "DescribeKey", "ReEncryptFrom")
#: What a retired key (an old manual-rotation generation) may still do: open what it protected,
#: never protect anything new.
RETIRED_KEY_ACTIONS: Final = frozenset(
    {"Decrypt", "DescribeKey", "GetPublicKey", "ReEncryptFrom", "Verify", "VerifyMac"}
)

# ---------------------------------------------------------------------------------------------
# Key kinds, limits and names a spec is checked against
# ---------------------------------------------------------------------------------------------

#: Which usages AWS allows for each key spec.
KEY_SPEC_USAGES: Final[dict[KeySpec, frozenset[KeyUsage]]] = {
    KeySpec.SYMMETRIC_DEFAULT: frozenset({KeyUsage.ENCRYPT_DECRYPT}),
    **{s: frozenset({KeyUsage.ENCRYPT_DECRYPT, KeyUsage.SIGN_VERIFY}) for s in RSA_SPECS},
    **{s: frozenset({KeyUsage.SIGN_VERIFY, KeyUsage.KEY_AGREEMENT}) for s in _NIST},
    KeySpec.ECC_SECG_P256K1: frozenset({KeyUsage.SIGN_VERIFY}),
    **{s: frozenset({KeyUsage.GENERATE_VERIFY_MAC}) for s in HMAC_SPECS},
    KeySpec.SM2: frozenset({KeyUsage.ENCRYPT_DECRYPT, KeyUsage.SIGN_VERIFY, KeyUsage.KEY_AGREEMENT}),
}
DESCRIPTION_MAX_CHARS: Final = 8_192
TAGS_MAX: Final = 50
TAG_KEY_MAX_CHARS: Final = 128
TAG_VALUE_MAX_CHARS: Final = 256


def conventional_alias(environment: str, function: str, team: str) -> str:
    return f"{ALIAS_PREFIX}{environment}-{function}-{team}"


# ---------------------------------------------------------------------------------------------
# Service presets: context keys, principals, confused-deputy conditions
# ---------------------------------------------------------------------------------------------

#: Condition keys that tie a service principal's request to a resource or account
#: (KMS guide, "Permissions for AWS services in key policies"), lowercased.
CONFUSED_DEPUTY_KEYS: Final = frozenset(k.lower() for k in (SOURCE_ACCOUNT_KEY, SOURCE_ARN_KEY))
#: Operators under which a confused-deputy key restricts (no negation, no IfExists).
DNSSEC_PRINCIPAL: Final = "dnssec-route53.amazonaws.com"
#: Route 53 signs DNSSEC only with ECC_NIST_P256 SIGN_VERIFY keys in this region.
DNSSEC_REGION: Final = "us-east-1"
DNSSEC_KEY_SPEC: Final = KeySpec.ECC_NIST_P256
#: The EC2 Auto Scaling service-linked role (a role of the account, not a service principal).
AUTOSCALING_SERVICE_ROLE_PATH: Final = "role/aws-service-role/autoscaling.amazonaws.com/"
AUTOSCALING_SERVICE_ROLE_NAME: Final = "AWSServiceRoleForAutoScaling"

# ---------------------------------------------------------------------------------------------
# Monitoring: KMS's own events, the pending-deletion alarm, the responder's tag
# ---------------------------------------------------------------------------------------------

#: KMS's own events (events-ref-kms lists exactly these three).
KMS_CMK_DELETION: Final = "KMS CMK Deletion"
KMS_MATERIAL_EXPIRATION: Final = "KMS Imported Key Material Expiration"
KMS_CMK_ROTATION: Final = "KMS CMK Rotation"
KMS_SERVICE_DETAIL_TYPES: Final = (KMS_CMK_DELETION, KMS_MATERIAL_EXPIRATION, KMS_CMK_ROTATION)
PENDING_DELETION_METRIC_NAMESPACE: Final = "CloudTrailLogMetrics"
PENDING_DELETION_METRIC_NAME: Final = "KMSKeyPendingDeletionErrorCount"
PENDING_DELETION_ALARM_NAME: Final = "KMSKeyPendingDeletionErrorAlarm"
#: Tag a key carries when its deletion was approved; the responder leaves such keys alone.
DELETION_APPROVED_TAG: Final = "DeletionApproved"
