"""KMS facts shared by the policy pack and the components: the one place each fact is written.

The pack must be publishable on its own (`pulumi policy publish` uploads only `policies/`), so this
module lives here and the components import it from here. Every list below is explicit: key
policies built from it never need a wildcard. Sources: the KMS developer guide and API reference,
the KMS best-practices whitepaper and the IAM service authorization reference for `kms`;
`tests/policies/test_facts.py` checks the action names against parliament's IAM facts.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Final

# ---------------------------------------------------------------------------------------------
# Actions
# ---------------------------------------------------------------------------------------------

#: Every action in the `kms` service namespace (IAM service authorization reference).
KMS_ACTIONS: Final = frozenset(
    {
        "CancelKeyDeletion",
        "ConnectCustomKeyStore",
        "CreateAlias",
        "CreateCustomKeyStore",
        "CreateGrant",
        "CreateKey",
        "Decrypt",
        "DeleteAlias",
        "DeleteCustomKeyStore",
        "DeleteImportedKeyMaterial",
        "DeriveSharedSecret",
        "DescribeCustomKeyStores",
        "DescribeKey",
        "DisableKey",
        "DisableKeyRotation",
        "DisconnectCustomKeyStore",
        "EnableKey",
        "EnableKeyRotation",
        "Encrypt",
        "GenerateDataKey",
        "GenerateDataKeyPair",
        "GenerateDataKeyPairWithoutPlaintext",
        "GenerateDataKeyWithoutPlaintext",
        "GenerateMac",
        "GenerateRandom",
        "GetKeyPolicy",
        "GetKeyRotationStatus",
        "GetParametersForImport",
        "GetPublicKey",
        "ImportKeyMaterial",
        "ListAliases",
        "ListGrants",
        "ListKeyPolicies",
        "ListKeyRotations",
        "ListKeys",
        "ListResourceTags",
        "ListRetirableGrants",
        "PutKeyPolicy",
        "ReEncryptFrom",
        "ReEncryptTo",
        "ReplicateKey",
        "RetireGrant",
        "RevokeGrant",
        "RotateKeyOnDemand",
        "ScheduleKeyDeletion",
        "Sign",
        "SynchronizeMultiRegionKey",
        "TagResource",
        "UntagResource",
        "UpdateAlias",
        "UpdateCustomKeyStore",
        "UpdateKeyDescription",
        "UpdatePrimaryRegion",
        "Verify",
        "VerifyMac",
    }
)

#: Administration of one key. No CreateGrant: an administrator who can create grants can grant
#: itself use, which defeats separation of duties (terraform-aws-modules' `kms:Create*` has this hole).
ADMIN_ACTIONS: Final = (
    "CancelKeyDeletion",
    "CreateAlias",
    "DeleteAlias",
    "DescribeKey",
    "DisableKey",
    "DisableKeyRotation",
    "EnableKey",
    "EnableKeyRotation",
    "GetKeyPolicy",
    "GetKeyRotationStatus",
    "ListGrants",
    "ListKeyPolicies",
    "ListKeyRotations",
    "ListResourceTags",
    "PutKeyPolicy",
    "RevokeGrant",
    "RotateKeyOnDemand",
    "ScheduleKeyDeletion",
    "TagResource",
    "UntagResource",
    "UpdateAlias",
    "UpdateKeyDescription",
)
#: Administration that only exists for a multi-region primary key.
MULTI_REGION_ADMIN_ACTIONS: Final = ("ReplicateKey", "UpdatePrimaryRegion")
#: Administration that only exists for keys with imported (EXTERNAL) material.
IMPORTED_MATERIAL_ADMIN_ACTIONS: Final = (
    "DeleteImportedKeyMaterial",
    "GetParametersForImport",
    "ImportKeyMaterial",
)
#: Administration actions the KMS whitepaper says should need MFA.
DEFAULT_CRITICAL_ACTIONS: Final = (
    "DeleteAlias",
    "DeleteImportedKeyMaterial",
    "PutKeyPolicy",
    "ScheduleKeyDeletion",
)
#: Further actions a team may put behind MFA.
OPTIONAL_CRITICAL_ACTIONS: Final = ("DisableKey", "DisableKeyRotation")
CRITICAL_ACTION_CHOICES: Final = tuple(sorted(DEFAULT_CRITICAL_ACTIONS + OPTIONAL_CRITICAL_ACTIONS))

ENCRYPT_ACTIONS: Final = (
    "DescribeKey",
    "Encrypt",
    "GenerateDataKey",
    "GenerateDataKeyWithoutPlaintext",
    "ReEncryptTo",
)
DECRYPT_ACTIONS: Final = ("Decrypt", "DescribeKey", "ReEncryptFrom")
SYMMETRIC_USER_ACTIONS: Final = tuple(sorted(set(ENCRYPT_ACTIONS) | set(DECRYPT_ACTIONS)))
#: Grant management an AWS service needs to act for a principal, always with
#: `kms:GrantIsForAWSResource = true`.
SERVICE_GRANT_ACTIONS: Final = ("CreateGrant", "ListGrants", "RevokeGrant")
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

#: Administration actions that only read: harmless to share with users.
READ_ONLY_ACTIONS: Final = frozenset(
    {
        "DescribeKey",
        "GetKeyPolicy",
        "GetKeyRotationStatus",
        "GetPublicKey",
        "ListGrants",
        "ListKeyPolicies",
        "ListKeyRotations",
        "ListResourceTags",
    }
)
#: Actions that change who controls a key or destroy it: holding any of them is "administration"
#: for separation of duties and for the cross-account rule.
ADMINISTRATION_ACTIONS: Final = (
    frozenset(ADMIN_ACTIONS + MULTI_REGION_ADMIN_ACTIONS + IMPORTED_MATERIAL_ADMIN_ACTIONS)
    - READ_ONLY_ACTIONS
)
#: Actions that use key material (cryptographic operations). CreateGrant counts: a grant hands out use.
USAGE_ACTIONS: Final = frozenset(
    {
        "Decrypt",
        "DeriveSharedSecret",
        "Encrypt",
        "GenerateDataKey",
        "GenerateDataKeyPair",
        "GenerateDataKeyPairWithoutPlaintext",
        "GenerateDataKeyWithoutPlaintext",
        "GenerateMac",
        "ReEncryptFrom",
        "ReEncryptTo",
        "Sign",
        "Verify",
        "VerifyMac",
        "CreateGrant",
    }
)
#: Grant operations a grant may carry (the KMS CreateGrant API's list).
GRANT_OPERATIONS: Final = (
    "CreateGrant",
    "Decrypt",
    "DeriveSharedSecret",
    "DescribeKey",
    "Encrypt",
    "GenerateDataKey",
    "GenerateDataKeyPair",
    "GenerateDataKeyPairWithoutPlaintext",
    "GenerateDataKeyWithoutPlaintext",
    "GenerateMac",
    "GetPublicKey",
    "ReEncryptFrom",
    "ReEncryptTo",
    "RetireGrant",
    "Sign",
    "Verify",
    "VerifyMac",
)
#: Grant operations that let the grantee hand the key on.
GRANT_REDELEGATION_OPERATIONS: Final = ("CreateGrant", "RetireGrant")


def canonical_action(name: str) -> str | None:
    """`kms:decrypt` / `KMS:Decrypt` / `Decrypt` → `Decrypt`; None when not a KMS action."""
    bare = name.split(":", 1)[1] if ":" in name else name
    return _ACTIONS_BY_LOWER.get(bare.lower())


_ACTIONS_BY_LOWER: Final = {a.lower(): a for a in KMS_ACTIONS}


# ---------------------------------------------------------------------------------------------
# Key kinds
# ---------------------------------------------------------------------------------------------


class KeyUsage(StrEnum):
    ENCRYPT_DECRYPT = "ENCRYPT_DECRYPT"
    SIGN_VERIFY = "SIGN_VERIFY"
    GENERATE_VERIFY_MAC = "GENERATE_VERIFY_MAC"
    KEY_AGREEMENT = "KEY_AGREEMENT"


class KeySpec(StrEnum):
    SYMMETRIC_DEFAULT = "SYMMETRIC_DEFAULT"
    RSA_2048 = "RSA_2048"
    RSA_3072 = "RSA_3072"
    RSA_4096 = "RSA_4096"
    ECC_NIST_P256 = "ECC_NIST_P256"
    ECC_NIST_P384 = "ECC_NIST_P384"
    ECC_NIST_P521 = "ECC_NIST_P521"
    ECC_SECG_P256K1 = "ECC_SECG_P256K1"
    HMAC_224 = "HMAC_224"
    HMAC_256 = "HMAC_256"
    HMAC_384 = "HMAC_384"
    HMAC_512 = "HMAC_512"
    SM2 = "SM2"


_RSA = (KeySpec.RSA_2048, KeySpec.RSA_3072, KeySpec.RSA_4096)
_NIST = (KeySpec.ECC_NIST_P256, KeySpec.ECC_NIST_P384, KeySpec.ECC_NIST_P521)
_HMAC = (KeySpec.HMAC_224, KeySpec.HMAC_256, KeySpec.HMAC_384, KeySpec.HMAC_512)

#: Which usages AWS allows for each key spec.
KEY_SPEC_USAGES: Final[dict[KeySpec, frozenset[KeyUsage]]] = {
    KeySpec.SYMMETRIC_DEFAULT: frozenset({KeyUsage.ENCRYPT_DECRYPT}),
    **{s: frozenset({KeyUsage.ENCRYPT_DECRYPT, KeyUsage.SIGN_VERIFY}) for s in _RSA},
    **{s: frozenset({KeyUsage.SIGN_VERIFY, KeyUsage.KEY_AGREEMENT}) for s in _NIST},
    KeySpec.ECC_SECG_P256K1: frozenset({KeyUsage.SIGN_VERIFY}),
    **{s: frozenset({KeyUsage.GENERATE_VERIFY_MAC}) for s in _HMAC},
    KeySpec.SM2: frozenset({KeyUsage.ENCRYPT_DECRYPT, KeyUsage.SIGN_VERIFY, KeyUsage.KEY_AGREEMENT}),
}
RSA_SPECS: Final = frozenset(_RSA)
ECC_SPECS: Final = frozenset((*_NIST, KeySpec.ECC_SECG_P256K1))
HMAC_SPECS: Final = frozenset(_HMAC)
#: Only symmetric encryption keys rotate automatically (and only with AWS_KMS origin, outside
#: custom and external key stores).
AUTO_ROTATABLE_SPECS: Final = frozenset({KeySpec.SYMMETRIC_DEFAULT})
ROTATABLE_ORIGIN: Final = "AWS_KMS"


# ---------------------------------------------------------------------------------------------
# Limits
# ---------------------------------------------------------------------------------------------

KEY_POLICY_MAX_BYTES: Final = 32_768
DELETION_WINDOW_MIN_DAYS: Final = 7
DELETION_WINDOW_MAX_DAYS: Final = 30
DELETION_WINDOW_DEFAULT_DAYS: Final = 30
ROTATION_PERIOD_MIN_DAYS: Final = 90
ROTATION_PERIOD_MAX_DAYS: Final = 2560
ROTATION_PERIOD_DEFAULT_DAYS: Final = 365
DESCRIPTION_MAX_CHARS: Final = 8_192
TAGS_MAX: Final = 50
TAG_KEY_MAX_CHARS: Final = 128
TAG_VALUE_MAX_CHARS: Final = 256
RESERVED_TAG_PREFIX: Final = "aws:"
ALIAS_MAX_CHARS: Final = 256
MFA_DEFAULT_MAX_AGE_SECONDS: Final = 300
POLICY_VERSION: Final = "2012-10-17"


# ---------------------------------------------------------------------------------------------
# Names: aliases, tags, environments
# ---------------------------------------------------------------------------------------------

ALIAS_PREFIX: Final = "alias/"
RESERVED_ALIAS_PREFIX: Final = "alias/aws/"
#: What KMS itself accepts as an alias name.
ALIAS_SYNTAX_RE: Final = re.compile(r"^alias/[a-zA-Z0-9/_-]+\Z", re.ASCII)
#: One part of the conventional alias `alias/<env>-<function>-<team>`.
ALIAS_PART_RE: Final = re.compile(r"^[a-z0-9]+\Z", re.ASCII)
DEFAULT_ENVIRONMENTS: Final = ("dev", "development", "test", "qa", "staging", "prod", "production")
#: Environments treated as production when a per-environment default is chosen.
PRODUCTION_ENVIRONMENTS: Final = frozenset({"prod", "production"})


def conventional_alias(environment: str, function: str, team: str) -> str:
    return f"{ALIAS_PREFIX}{environment}-{function}-{team}"


def parse_conventional_alias(
    name: str, environments: tuple[str, ...] | list[str]
) -> tuple[str, str, str] | None:
    """(env, function, team) when `name` follows `alias/<env>-<function>-<team>`, else None."""
    if not name.startswith(ALIAS_PREFIX) or name.startswith(RESERVED_ALIAS_PREFIX):
        return None
    parts = name[len(ALIAS_PREFIX) :].split("-")
    if len(parts) != 3 or not all(ALIAS_PART_RE.match(p) for p in parts):
        return None
    if parts[0] not in environments:
        return None
    return parts[0], parts[1], parts[2]


REQUIRED_TAGS: Final = ("Environment", "Owner", "CostCenter", "DataClass")
ENVIRONMENT_TAG: Final = "Environment"
DATA_CLASS_TAG: Final = "DataClass"
MULTI_REGION_REASON_TAG: Final = "MultiRegionReason"


# ---------------------------------------------------------------------------------------------
# Partitions, principals, services, condition keys
# ---------------------------------------------------------------------------------------------

PARTITION_DNS_SUFFIX: Final = {
    "aws": "amazonaws.com",
    "aws-cn": "amazonaws.com.cn",
    "aws-us-gov": "amazonaws.com",
}
PARTITIONS: Final = tuple(PARTITION_DNS_SUFFIX)
ACCOUNT_ID_RE: Final = re.compile(r"^\d{12}\Z", re.ASCII)
REGION_RE: Final = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d\Z", re.ASCII)
#: IAM principals a key policy names: the account root, a role or a user (paths allowed), no wildcards.
PRINCIPAL_ARN_RE: Final = re.compile(
    r"^arn:(?P<partition>aws|aws-cn|aws-us-gov):iam::(?P<account>\d{12}):"
    r"(?P<kind>root|role/[\w+=,.@/-]+|user/[\w+=,.@/-]+)\Z",
    re.ASCII,
)
ORGANIZATION_ID_RE: Final = re.compile(r"^o-[a-z0-9]{10,32}\Z", re.ASCII)


class AwsService(StrEnum):
    """AWS services that act for a principal through `kms:ViaService`; value = endpoint prefix."""

    S3 = "s3"
    EBS = "ec2"
    RDS = "rds"
    DYNAMODB = "dynamodb"
    SECRETS_MANAGER = "secretsmanager"
    SSM = "ssm"
    LAMBDA = "lambda"
    SQS = "sqs"
    SNS = "sns"
    KINESIS = "kinesis"
    LOGS = "logs"
    BACKUP = "backup"


def via_service_value(service: AwsService | str, region: str, partition: str = "aws") -> str:
    return f"{service}.{region}.{PARTITION_DNS_SUFFIX[partition]}"


#: A well-formed `kms:ViaService` value: `<service>.<region>.amazonaws.com[.cn]`.
VIA_SERVICE_RE: Final = re.compile(
    r"^[a-z0-9-]+\.[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d\.amazonaws\.com(\.cn)?\Z", re.ASCII
)

MFA_PRESENT_KEY: Final = "aws:MultiFactorAuthPresent"
MFA_AGE_KEY: Final = "aws:MultiFactorAuthAge"
VIA_SERVICE_KEY: Final = "kms:ViaService"
CALLER_ACCOUNT_KEY: Final = "kms:CallerAccount"
GRANT_IS_FOR_AWS_RESOURCE_KEY: Final = "kms:GrantIsForAWSResource"
PRINCIPAL_ORG_ID_KEY: Final = "aws:PrincipalOrgID"
ENCRYPTION_CONTEXT_KEY_PREFIX: Final = "kms:EncryptionContext:"
ENCRYPTION_CONTEXT_KEYS_KEY: Final = "kms:EncryptionContextKeys"

#: Condition keys that make a `Principal: "*"` statement private (Prowler's list), lowercased.
PUBLIC_PRINCIPAL_MITIGATING_KEYS: Final = frozenset(
    k.lower()
    for k in (
        "kms:CallerAccount",
        "kms:ViaService",
        "aws:PrincipalAccount",
        "aws:PrincipalArn",
        "aws:PrincipalOrgID",
        "aws:PrincipalOrgPaths",
        "aws:SourceAccount",
        "aws:SourceArn",
        "aws:SourceOwner",
        "aws:SourceVpc",
        "aws:SourceVpce",
        "aws:userid",
        "aws:username",
    )
)
#: Operators under which those keys restrict (a negated or IfExists form does not).
PUBLIC_PRINCIPAL_MITIGATING_OPERATORS: Final = frozenset(
    {"StringEquals", "StringLike", "StringEqualsIgnoreCase", "ArnEquals", "ArnLike"}
)


# ---------------------------------------------------------------------------------------------
# Resource types (Pulumi type tokens)
# ---------------------------------------------------------------------------------------------

KEY_TYPE: Final = "aws:kms/key:Key"
EXTERNAL_KEY_TYPE: Final = "aws:kms/externalKey:ExternalKey"
REPLICA_KEY_TYPE: Final = "aws:kms/replicaKey:ReplicaKey"
REPLICA_EXTERNAL_KEY_TYPE: Final = "aws:kms/replicaExternalKey:ReplicaExternalKey"
KEY_POLICY_TYPE: Final = "aws:kms/keyPolicy:KeyPolicy"
ALIAS_TYPE: Final = "aws:kms/alias:Alias"
GRANT_TYPE: Final = "aws:kms/grant:Grant"
IAM_POLICY_TYPE: Final = "aws:iam/policy:Policy"
IAM_ROLE_POLICY_TYPE: Final = "aws:iam/rolePolicy:RolePolicy"
IAM_USER_POLICY_TYPE: Final = "aws:iam/userPolicy:UserPolicy"
IAM_GROUP_POLICY_TYPE: Final = "aws:iam/groupPolicy:GroupPolicy"
IAM_ROLE_TYPE: Final = "aws:iam/role:Role"

ALL_KEY_TYPES: Final = (KEY_TYPE, EXTERNAL_KEY_TYPE, REPLICA_KEY_TYPE, REPLICA_EXTERNAL_KEY_TYPE)
PRIMARY_KEY_TYPES: Final = (KEY_TYPE, EXTERNAL_KEY_TYPE)
#: Resources that carry a key policy in their `policy` property.
KEY_POLICY_CARRIER_TYPES: Final = (*ALL_KEY_TYPES, KEY_POLICY_TYPE)
#: Resources that carry an identity (IAM) policy document.
IAM_POLICY_CARRIER_TYPES: Final = (
    IAM_POLICY_TYPE,
    IAM_ROLE_POLICY_TYPE,
    IAM_USER_POLICY_TYPE,
    IAM_GROUP_POLICY_TYPE,
    IAM_ROLE_TYPE,
)
ALL_POLICY_CARRIER_TYPES: Final = (*KEY_POLICY_CARRIER_TYPES, *IAM_POLICY_CARRIER_TYPES)


# ---------------------------------------------------------------------------------------------
# Account roots (appended by RULES-A)
# ---------------------------------------------------------------------------------------------

#: How a policy names an account root: `arn:<partition>:iam::<account>:root` or the bare account id.
ACCOUNT_ROOT_ARN_RE: Final = re.compile(
    r"^arn:(aws|aws-cn|aws-us-gov):iam::(?P<account>\d{12}):root\Z", re.ASCII
)


def is_account_root(principal: str, account: str | None) -> bool:
    """True when `principal` names the root of `account`; never when the account is not known."""
    if not account:
        return False
    if principal == account:
        return True
    match = ACCOUNT_ROOT_ARN_RE.match(principal)
    return match is not None and match.group("account") == account


# ---------------------------------------------------------------------------------------------
# Principal kinds (appended by RULES-C)
# ---------------------------------------------------------------------------------------------

#: An AWS service principal (`logs.amazonaws.com`, `s3.amazonaws.com.cn`): a service, not an account.
SERVICE_PRINCIPAL_RE: Final = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com(\.cn)?\Z", re.ASCII)
#: The account an AWS principal belongs to: a bare account id, or an IAM/STS ARN (root, role, user,
#: assumed-role session, federated user) whose fifth field is the account.
PRINCIPAL_ACCOUNT_RE: Final = re.compile(
    r"^(?:(?P<bare>\d{12})|arn:(?:aws|aws-cn|aws-us-gov):(?:iam|sts)::(?P<account>\d{12}):.+)\Z",
    re.ASCII | re.DOTALL,
)


# ---------------------------------------------------------------------------------------------
# Appended by the spec/builders work (issue 2)
# ---------------------------------------------------------------------------------------------

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
#: Actions that act on one key (as opposed to account-level actions such as CreateKey or
#: ListKeys): what "full access" means when written out explicitly instead of `kms:*`.
KEY_RESOURCE_ACTIONS: Final = KMS_ACTIONS - frozenset(
    {
        "ConnectCustomKeyStore",
        "CreateCustomKeyStore",
        "CreateKey",
        "DeleteCustomKeyStore",
        "DescribeCustomKeyStores",
        "DisconnectCustomKeyStore",
        "GenerateRandom",
        "ListAliases",
        "ListKeys",
        "ListRetirableGrants",
        "UpdateCustomKeyStore",
    }
)

#: Tag marking one generation of a manually rotated key (components/rotation.py); the aliases point
#: at the newest generation, older ones stay for decryption only.
KEY_GENERATION_TAG: Final = "KeyGeneration"


# ---------------------------------------------------------------------------------------------
# Service principals and confused-deputy condition keys (appended by the service presets, issue 10)
# ---------------------------------------------------------------------------------------------

SOURCE_ACCOUNT_KEY: Final = "aws:SourceAccount"
SOURCE_ARN_KEY: Final = "aws:SourceArn"
#: Encryption-context keys AWS services set, which a key policy can pin to the service's resource.
CLOUDTRAIL_CONTEXT_KEY: Final = "kms:EncryptionContext:aws:cloudtrail:arn"
LOGS_CONTEXT_KEY: Final = "kms:EncryptionContext:aws:logs:arn"
EVENT_BUS_CONTEXT_KEY: Final = "kms:EncryptionContext:aws:events:event-bus:arn"
#: Condition keys that tie a service principal's request to a resource or account
#: (KMS guide, "Permissions for AWS services in key policies"), lowercased.
CONFUSED_DEPUTY_KEYS: Final = frozenset(k.lower() for k in (SOURCE_ACCOUNT_KEY, SOURCE_ARN_KEY))
#: Operators under which a confused-deputy key restricts (no negation, no IfExists).
RESTRICTING_OPERATORS: Final = PUBLIC_PRINCIPAL_MITIGATING_OPERATORS

#: Global service principals (the same name in every region) used by the service presets.
CLOUDTRAIL_PRINCIPAL: Final = "cloudtrail.amazonaws.com"
EVENTS_PRINCIPAL: Final = "events.amazonaws.com"
CLOUDWATCH_PRINCIPAL: Final = "cloudwatch.amazonaws.com"
S3_PRINCIPAL: Final = "s3.amazonaws.com"
SNS_PRINCIPAL: Final = "sns.amazonaws.com"
DNSSEC_PRINCIPAL: Final = "dnssec-route53.amazonaws.com"
#: Route 53 signs DNSSEC only with ECC_NIST_P256 SIGN_VERIFY keys in this region.
DNSSEC_REGION: Final = "us-east-1"
DNSSEC_KEY_SPEC: Final = KeySpec.ECC_NIST_P256
#: The EC2 Auto Scaling service-linked role (a role of the account, not a service principal).
AUTOSCALING_SERVICE_ROLE_PATH: Final = "role/aws-service-role/autoscaling.amazonaws.com/"
AUTOSCALING_SERVICE_ROLE_NAME: Final = "AWSServiceRoleForAutoScaling"


def logs_principal(region: str, partition: str = "aws") -> str:
    """CloudWatch Logs acts as a regional principal: `logs.<region>.amazonaws.com[.cn]`."""
    return f"logs.{region}.{PARTITION_DNS_SUFFIX[partition]}"
