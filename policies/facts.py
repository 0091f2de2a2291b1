"""KMS facts the policy pack judges by, shared with the components and the gate: the one place each
fact is written, type tokens included.

The pack must be publishable on its own (`pulumi policy publish` uploads only `policies/`), so this
module lives here and the components import it from here; facts only the components use are in
`kmsguard.facts`. Every list below is explicit: key
policies built from it never need a wildcard. Sources: the KMS developer guide and API reference,
the KMS best-practices whitepaper and the IAM service authorization reference for `kms`;
`tests/policies/test_facts.py` checks the action names against parliament's IAM facts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
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


def production_defaults(production: object, otherwise: object) -> dict[str, object]:
    """A per-environment default (pack configuration): `production` for each production environment,
    `otherwise` for the rest (`*`); derived here so the production names are written once."""
    return {**dict.fromkeys(sorted(PRODUCTION_ENVIRONMENTS), production), "*": otherwise}


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
#: IAM principals a key policy names: the account root, a role or a user (paths allowed), no wildcards.
PRINCIPAL_ARN_RE: Final = re.compile(
    r"^arn:(?P<partition>aws|aws-cn|aws-us-gov):iam::(?P<account>\d{12}):"
    r"(?P<kind>root|role/[\w+=,.@/-]+|user/[\w+=,.@/-]+)\Z",
    re.ASCII,
)
ORGANIZATION_ID_RE: Final = re.compile(r"^o-[a-z0-9]{10,32}\Z", re.ASCII)
ACCOUNT_ID_RE: Final = re.compile(r"^\d{12}\Z", re.ASCII)
REGION_RE: Final = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d\Z", re.ASCII)


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


class CallerValue(StrEnum):
    """What a condition key that identifies the caller (or the resource it acts for) holds; each value
    says, for messages, what a value must be to name a party."""

    ACCOUNT = "an account id (12 digits, no wildcard or variable)"
    #: An IAM or STS ARN: its account field must be one account.
    PRINCIPAL_ARN = "an IAM principal ARN in a named account"
    #: A resource ARN: one account, or no account field at all (S3 buckets) and no wildcard.
    SOURCE_ARN = "a resource ARN in a named account"
    ORGANIZATION = "an organization id (no wildcard or variable)"
    ORGANIZATION_PATH = "a path under a named organization"
    VPC = "a VPC id"
    VPC_ENDPOINT = "a VPC endpoint id"
    USER_ID = "a principal's unique id"


#: Condition keys that pin who the caller is or which account it acts for, lowercased (IAM Access
#: Analyzer's trust-zone keys and Prowler's `is_condition_block_restrictive`, minus the keys that name
#: no party: kms:ViaService admits every account that calls through the service, aws:username is
#: unique only inside one account, aws:ResourceAccount names the key's own account). These are what
#: can make a `Principal: "*"` statement private; `conditions.py` decides when a value names a party.
CALLER_CONDITION_KEYS: Final[Mapping[str, CallerValue]] = {
    k.lower(): v
    for k, v in (
        ("aws:PrincipalAccount", CallerValue.ACCOUNT),
        ("kms:CallerAccount", CallerValue.ACCOUNT),
        ("aws:SourceAccount", CallerValue.ACCOUNT),
        ("aws:SourceOwner", CallerValue.ACCOUNT),
        ("aws:PrincipalArn", CallerValue.PRINCIPAL_ARN),
        ("aws:SourceArn", CallerValue.SOURCE_ARN),
        ("aws:PrincipalOrgID", CallerValue.ORGANIZATION),
        ("aws:SourceOrgID", CallerValue.ORGANIZATION),
        ("aws:PrincipalOrgPaths", CallerValue.ORGANIZATION_PATH),
        ("aws:SourceOrgPaths", CallerValue.ORGANIZATION_PATH),
        ("aws:SourceVpc", CallerValue.VPC),
        ("aws:SourceVpce", CallerValue.VPC_ENDPOINT),
        ("aws:userid", CallerValue.USER_ID),
    )
}


class KeyLimitValue(StrEnum):
    """What a condition key that narrows which keys (or which data) a statement reaches holds."""

    VIA_SERVICE = "a kms:ViaService endpoint (<service>.<region>.amazonaws.com)"
    ALIAS = "an alias name (no wildcard or variable)"
    TEXT = "a fixed value (no wildcard or variable)"


#: Condition keys that narrow an identity policy's KMS statement to some keys, some data or one
#: service path, lowercased; a key ending in `/` or `:` is a prefix (`aws:ResourceTag/<tag>`).
#: Keys on the caller are absent on purpose: in an identity policy the caller is the identity itself.
KEY_LIMITING_CONDITION_KEYS: Final[Mapping[str, KeyLimitValue]] = {
    "kms:viaservice": KeyLimitValue.VIA_SERVICE,
    "kms:resourcealiases": KeyLimitValue.ALIAS,
    "aws:resourcetag/": KeyLimitValue.TEXT,
    ENCRYPTION_CONTEXT_KEY_PREFIX.lower(): KeyLimitValue.TEXT,
}

#: Operators that compare a key with the listed values as strings, and as ARNs (field by field,
#: with wildcards in each field). Their negated forms admit everyone else and restrict nothing.
STRING_MATCH_OPERATORS: Final = frozenset({"StringEquals", "StringLike", "StringEqualsIgnoreCase"})
ARN_MATCH_OPERATORS: Final = frozenset({"ArnEquals", "ArnLike"})
#: Operators under which a condition on one of the keys above can restrict, unqualified (the
#: components' confused-deputy check uses exactly these).
RESTRICTING_OPERATORS: Final = STRING_MATCH_OPERATORS | ARN_MATCH_OPERATORS
#: A set qualifier that keeps an operator restricting: ForAnyValue is false when the key is absent.
#: ForAllValues is true on an empty set, so it restricts nothing when the key is absent.
RESTRICTING_SET_QUALIFIERS: Final = frozenset({None, "ForAnyValue"})
VPC_ID_RE: Final = re.compile(r"^vpc-[0-9a-f]{8,17}\Z", re.ASCII)
VPC_ENDPOINT_ID_RE: Final = re.compile(r"^vpce-[0-9a-f]{8,17}\Z", re.ASCII)
#: An IAM unique id (AIDA…, AROA…, an account id for the root), optionally `:<session>`.
USER_ID_RE: Final = re.compile(r"^[A-Z0-9]{12,128}(:.*)?\Z", re.ASCII | re.DOTALL)
#: An organization path `o-…/r-…/ou-…/`: what follows the organization id may hold wildcards.
ORGANIZATION_PATH_RE: Final = re.compile(r"^o-[a-z0-9]{10,32}/", re.ASCII)


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
PERMISSION_SET_INLINE_POLICY_TYPE: Final = "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy"
IAM_USER_TYPE: Final = "aws:iam/user:User"
IAM_GROUP_TYPE: Final = "aws:iam/group:Group"
IAM_POLICY_ATTACHMENT_TYPE: Final = "aws:iam/policyAttachment:PolicyAttachment"
IAM_ROLE_POLICY_ATTACHMENT_TYPE: Final = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
IAM_USER_POLICY_ATTACHMENT_TYPE: Final = "aws:iam/userPolicyAttachment:UserPolicyAttachment"
IAM_GROUP_POLICY_ATTACHMENT_TYPE: Final = "aws:iam/groupPolicyAttachment:GroupPolicyAttachment"
#: Monitoring: EventBridge rules and targets, CloudWatch Logs metric filters and alarms.
EVENT_RULE_TYPE: Final = "aws:cloudwatch/eventRule:EventRule"
EVENT_TARGET_TYPE: Final = "aws:cloudwatch/eventTarget:EventTarget"
LOG_METRIC_FILTER_TYPE: Final = "aws:cloudwatch/logMetricFilter:LogMetricFilter"
METRIC_ALARM_TYPE: Final = "aws:cloudwatch/metricAlarm:MetricAlarm"

ALL_KEY_TYPES: Final = (KEY_TYPE, EXTERNAL_KEY_TYPE, REPLICA_KEY_TYPE, REPLICA_EXTERNAL_KEY_TYPE)
PRIMARY_KEY_TYPES: Final = (KEY_TYPE, EXTERNAL_KEY_TYPE)
REPLICA_KEY_TYPES: Final = (REPLICA_KEY_TYPE, REPLICA_EXTERNAL_KEY_TYPE)
#: Resources that carry a key policy in their `policy` property.
KEY_POLICY_CARRIER_TYPES: Final = (*ALL_KEY_TYPES, KEY_POLICY_TYPE)
#: Every resource type of pulumi-aws 7 that carries an identity-based policy document (one that grants
#: permissions to the principals it is attached to), with the wire path of the document; `[*]` walks
#: a list. Checked against the installed provider by tests/policies/test_facts.py. Left out: resources
#: that only reference a policy (attachments, `managedPolicyArns`, the SSO customer managed policy
#: and permissions boundary attachments, `*PoliciesExclusive`), the role's trust policy
#: (`assumeRolePolicy`, a resource policy), and session policies (IAM Roles Anywhere profiles,
#: Transfer users and accesses, EKS pod identity associations), which only narrow what a role grants.
IDENTITY_POLICY_DOCUMENTS: Final[Mapping[str, str]] = {
    IAM_POLICY_TYPE: "policy",
    IAM_ROLE_POLICY_TYPE: "policy",
    IAM_USER_POLICY_TYPE: "policy",
    IAM_GROUP_POLICY_TYPE: "policy",
    IAM_ROLE_TYPE: "inlinePolicies[*].policy",
    PERMISSION_SET_INLINE_POLICY_TYPE: "inlinePolicy",
}
#: Resources that carry an identity (IAM) policy document.
IAM_POLICY_CARRIER_TYPES: Final = tuple(IDENTITY_POLICY_DOCUMENTS)
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

#: Global service principals (the same name in every region) used by the service presets.
CLOUDTRAIL_PRINCIPAL: Final = "cloudtrail.amazonaws.com"
EVENTS_PRINCIPAL: Final = "events.amazonaws.com"
CLOUDWATCH_PRINCIPAL: Final = "cloudwatch.amazonaws.com"
S3_PRINCIPAL: Final = "s3.amazonaws.com"
SNS_PRINCIPAL: Final = "sns.amazonaws.com"


def logs_principal(region: str, partition: str = "aws") -> str:
    """CloudWatch Logs acts as a regional principal: `logs.<region>.amazonaws.com[.cn]`."""
    return f"logs.{region}.{PARTITION_DNS_SUFFIX[partition]}"


# =============================================================================================
# Consumers: resource types that store data at rest under a KMS key (issue 10, consumer-rules).
# One table, read by every consumer rule (KG-R23, KG-S05…S07). Property names are the engine's
# camelCase wire names of pulumi-aws 7, checked against the installed provider by
# tests/policies/test_consumer_facts.py.
# =============================================================================================


class Protection(StrEnum):
    """What one setting of a consumer means for the data it stores."""

    #: Judge the key reference: only a customer managed key is accepted.
    CUSTOMER_KEY = "customer key"
    #: Stored in plain text.
    OFF = "encryption off"
    #: Encrypted with what the service picks when nobody names a key (SSE-S3, SSE-SQS, an AWS owned key).
    PROVIDER_DEFAULT = "provider default"
    #: Encrypted with the AWS managed key `alias/aws/<service>`, whose policy nobody can edit.
    AWS_MANAGED = "AWS managed key"
    #: Nothing is stored that this setting would protect (Performance Insights off, no variables).
    NOT_STORED = "nothing stored"
    #: This resource names no key; another resource of the table does (EBS encryption by default).
    DELEGATED = "key set elsewhere"


@dataclass(frozen=True)
class Meaning:
    protection: Protection
    #: How a message names it: `SSE-S3`, `alias/aws/rds`, `an AWS owned key`.
    label: str = ""


@dataclass(frozen=True)
class Switch:
    """A setting that decides whether, and how, the slot's data is encrypted."""

    #: Dotted wire path, relative to the slot's element.
    path: str
    #: Known values → meaning; any other value cannot be judged (a finding).
    values: Mapping[object, Meaning]
    #: Meaning when the setting is absent (None or "").
    absent: Meaning
    #: True when any non-empty value means CUSTOMER_KEY and an empty map/list means `absent`.
    presence: bool = False


@dataclass(frozen=True)
class KeySlot:
    """One place where a consumer keeps data under a key."""

    #: What a message calls the data: `storage`, `Performance Insights`, `environment variables`.
    what: str
    #: Dotted wire path of the key reference, relative to the element; "" when the switches decide alone.
    key: str
    #: Meaning when every switch says CUSTOMER_KEY and no key is named.
    absent_key: Meaning
    switches: tuple[Switch, ...] = ()
    #: Dotted wire path of a list (or one object) whose every element holds the slot; "" for the resource.
    #: Each part may itself be a list, walked element by element (the legacy bucket's nested blocks).
    each: str = ""
    #: Meaning when that list is absent or empty.
    each_absent: Meaning = Meaning(Protection.NOT_STORED)
    #: Meaning when a list below the first part of `each` is absent or empty; None: `each_absent`.
    inner_absent: Meaning | None = None
    #: Consulted only when no key is named (SQS: `sqsManagedSseEnabled`); overrides `absent_key`.
    fallback: Switch | None = None


@dataclass(frozen=True)
class Consumer:
    """A resource type that stores data at rest and takes a KMS key."""

    type: str
    #: Endpoint prefix of `alias/aws/<service>` and of messages.
    service: str
    slots: tuple[KeySlot, ...]


def _flag(on: Meaning, off: Meaning) -> Mapping[object, Meaning]:
    """A boolean switch: the provider coerces "true"/"false" strings for boolean inputs and takes
    booleans for the few string-typed flags (Redshift `encrypted`, launch templates' `encrypted`)."""
    return {True: on, "true": on, False: off, "false": off}


_KEY = Meaning(Protection.CUSTOMER_KEY)
_OFF = Meaning(Protection.OFF)
_NONE = Meaning(Protection.NOT_STORED)


def _managed(service: str) -> Meaning:
    return Meaning(Protection.AWS_MANAGED, f"{RESERVED_ALIAS_PREFIX}{service}")


_AWS_OWNED = Meaning(Protection.PROVIDER_DEFAULT, "an AWS owned key")
_SSE_S3 = Meaning(Protection.PROVIDER_DEFAULT, "SSE-S3 (AES256)")
_SSE_S3_ALGORITHMS: Final[Mapping[object, Meaning]] = {
    "aws:kms": _KEY,
    "aws:kms:dsse": _KEY,
    "AES256": _SSE_S3,
}


def _encrypted(path: str, absent: Meaning = _OFF) -> Switch:
    return Switch(path, _flag(_KEY, _OFF), absent)


def _storage(service: str, key: str, switch: str | None, absent: Meaning = _OFF) -> KeySlot:
    switches = (_encrypted(switch, absent),) if switch else ()
    return KeySlot("storage", key, _managed(service), switches)


def _performance_insights(key: str = "performanceInsightsKmsKeyId") -> KeySlot:
    enabled = Switch("performanceInsightsEnabled", _flag(_KEY, _NONE), _NONE)
    return KeySlot("Performance Insights", key, _managed("rds"), (enabled,))


def _simple(type_: str, service: str, key: str, absent_key: Meaning, what: str = "storage") -> Consumer:
    return Consumer(type_, service, (KeySlot(what, key, absent_key),))


S3_BUCKET_TYPE: Final = "aws:s3/bucket:Bucket"
#: The deprecated name pulumi-aws 7 still registers, whose inline form nests three lists.
S3_BUCKET_V2_TYPE: Final = "aws:s3/bucketV2:BucketV2"
#: Buckets whose default encryption may instead come from a separate configuration resource.
S3_BUCKET_TYPES: Final = (S3_BUCKET_TYPE, S3_BUCKET_V2_TYPE)
S3_BUCKET_SSE_TYPE: Final = (
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
)
S3_BUCKET_SSE_V2_TYPE: Final = (
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
)
LOG_GROUP_TYPE: Final = "aws:cloudwatch/logGroup:LogGroup"
TRAIL_TYPE: Final = "aws:cloudtrail/trail:Trail"
SNS_TOPIC_TYPE: Final = "aws:sns/topic:Topic"
SQS_QUEUE_TYPE: Final = "aws:sqs/queue:Queue"
EBS_DEFAULT_KEY_TYPE: Final = "aws:ebs/defaultKmsKey:DefaultKmsKey"
EBS_ENCRYPTION_BY_DEFAULT_TYPE: Final = "aws:ebs/encryptionByDefault:EncryptionByDefault"

_S3_RULES = KeySlot(
    "default encryption",
    "applyServerSideEncryptionByDefault.kmsMasterKeyId",
    _managed("s3"),
    (Switch("applyServerSideEncryptionByDefault.sseAlgorithm", _SSE_S3_ALGORITHMS, _SSE_S3),),
    each="rules",
    each_absent=_SSE_S3,
)

#: Every consumer the pack judges, by type token.
CONSUMERS: Final[Mapping[str, Consumer]] = {
    c.type: c
    for c in (
        # S3: the separate resource, its V2 name, and the legacy inline form on the bucket. A bucket
        # without the inline form is configured by the separate resource (or left at SSE-S3).
        Consumer(S3_BUCKET_SSE_TYPE, "s3", (_S3_RULES,)),
        Consumer(S3_BUCKET_SSE_V2_TYPE, "s3", (_S3_RULES,)),
        Consumer(
            S3_BUCKET_TYPE,
            "s3",
            (
                KeySlot(
                    "default encryption",
                    "rule.applyServerSideEncryptionByDefault.kmsMasterKeyId",
                    _managed("s3"),
                    (
                        Switch(
                            "rule.applyServerSideEncryptionByDefault.sseAlgorithm",
                            _SSE_S3_ALGORITHMS,
                            _SSE_S3,
                        ),
                    ),
                    each="serverSideEncryptionConfiguration",
                ),
            ),
        ),
        Consumer(
            S3_BUCKET_V2_TYPE,
            "s3",
            (
                KeySlot(
                    "default encryption",
                    "kmsMasterKeyId",
                    _managed("s3"),
                    (Switch("sseAlgorithm", _SSE_S3_ALGORITHMS, _SSE_S3),),
                    each="serverSideEncryptionConfigurations.rules.applyServerSideEncryptionByDefaults",
                    # No configuration: the separate resource decides (KG-S05); a configuration whose
                    # rule sets no default algorithm leaves S3's own, SSE-S3.
                    inner_absent=_SSE_S3,
                ),
            ),
        ),
        # EBS: encrypted absent follows the account's encryption-by-default setting, which the
        # volume cannot show: judged as not encrypted.
        Consumer("aws:ebs/volume:Volume", "ebs", (_storage("ebs", "kmsKeyId", "encrypted"),)),
        Consumer(
            EBS_ENCRYPTION_BY_DEFAULT_TYPE,
            "ebs",
            (
                KeySlot(
                    "new volumes",
                    "",
                    _managed("ebs"),
                    (
                        Switch(
                            "enabled",
                            _flag(Meaning(Protection.DELEGATED), _OFF),
                            Meaning(Protection.DELEGATED),
                        ),
                    ),
                ),
            ),
        ),
        _simple(EBS_DEFAULT_KEY_TYPE, "ebs", "keyArn", _managed("ebs"), "new volumes"),
        Consumer(
            "aws:ec2/launchTemplate:LaunchTemplate",
            "ebs",
            (
                KeySlot(
                    "block device",
                    "ebs.kmsKeyId",
                    _managed("ebs"),
                    (
                        # Instance-store and suppressed devices (`virtualName`, `noDevice`) hold no EBS data.
                        Switch("ebs", {}, _NONE, presence=True),
                        Switch(
                            "ebs.encrypted",
                            _flag(_KEY, _OFF),
                            Meaning(
                                Protection.PROVIDER_DEFAULT, "the AMI's snapshot or the account's default"
                            ),
                        ),
                    ),
                    each="blockDeviceMappings",
                ),
            ),
        ),
        # Databases: storage and Performance Insights each have their own key.
        Consumer(
            "aws:rds/instance:Instance",
            "rds",
            (_storage("rds", "kmsKeyId", "storageEncrypted"), _performance_insights()),
        ),
        Consumer(
            "aws:rds/cluster:Cluster",
            "rds",
            (_storage("rds", "kmsKeyId", "storageEncrypted"), _performance_insights()),
        ),
        Consumer("aws:rds/clusterInstance:ClusterInstance", "rds", (_performance_insights(),)),
        Consumer("aws:docdb/cluster:Cluster", "rds", (_storage("rds", "kmsKeyId", "storageEncrypted"),)),
        Consumer("aws:neptune/cluster:Cluster", "rds", (_storage("rds", "kmsKeyArn", "storageEncrypted"),)),
        Consumer(
            "aws:dynamodb/table:Table",
            "dynamodb",
            (
                KeySlot(
                    "storage",
                    "serverSideEncryption.kmsKeyArn",
                    _managed("dynamodb"),
                    (Switch("serverSideEncryption.enabled", _flag(_KEY, _AWS_OWNED), _AWS_OWNED),),
                ),
            ),
        ),
        _simple("aws:dynamodb/tableReplica:TableReplica", "dynamodb", "kmsKeyArn", _managed("dynamodb")),
        Consumer(
            "aws:redshift/cluster:Cluster",
            "redshift",
            (_storage("redshift", "kmsKeyId", "encrypted", absent=_KEY),),
        ),
        Consumer(
            "aws:elasticache/replicationGroup:ReplicationGroup",
            "elasticache",
            (_storage("elasticache", "kmsKeyId", "atRestEncryptionEnabled"),),
        ),
        _simple("aws:elasticache/serverlessCache:ServerlessCache", "elasticache", "kmsKeyId", _AWS_OWNED),
        _simple("aws:memorydb/cluster:Cluster", "memorydb", "kmsKeyArn", _AWS_OWNED),
        Consumer(
            "aws:opensearch/domain:Domain",
            "es",
            (
                KeySlot(
                    "storage",
                    "encryptAtRest.kmsKeyId",
                    _managed("es"),
                    (_encrypted("encryptAtRest.enabled"),),
                ),
            ),
        ),
        # Secrets, parameters, functions.
        _simple("aws:secretsmanager/secret:Secret", "secretsmanager", "kmsKeyId", _managed("secretsmanager")),
        Consumer(
            "aws:ssm/parameter:Parameter",
            "ssm",
            (
                KeySlot(
                    "SecureString value",
                    "keyId",
                    _managed("ssm"),
                    (
                        Switch(
                            "type",
                            {"SecureString": _KEY, "String": _NONE, "StringList": _NONE},
                            _OFF,
                        ),
                    ),
                ),
            ),
        ),
        Consumer(
            "aws:lambda/function:Function",
            "lambda",
            (
                KeySlot(
                    "environment variables",
                    "kmsKeyArn",
                    _managed("lambda"),
                    (Switch("environment.variables", {}, _NONE, presence=True),),
                ),
            ),
        ),
        # Logs, messages, streams.
        _simple(
            LOG_GROUP_TYPE,
            "logs",
            "kmsKeyId",
            Meaning(Protection.PROVIDER_DEFAULT, "CloudWatch Logs' own key"),
        ),
        _simple(TRAIL_TYPE, "cloudtrail", "kmsKeyId", _SSE_S3, "log files"),
        _simple(SNS_TOPIC_TYPE, "sns", "kmsMasterKeyId", _OFF, "messages"),
        Consumer(
            SQS_QUEUE_TYPE,
            "sqs",
            (
                KeySlot(
                    "messages",
                    "kmsMasterKeyId",
                    _OFF,
                    fallback=Switch(
                        "sqsManagedSseEnabled",
                        _flag(Meaning(Protection.PROVIDER_DEFAULT, "SSE-SQS"), _OFF),
                        Meaning(Protection.PROVIDER_DEFAULT, "SSE-SQS"),
                    ),
                ),
            ),
        ),
        Consumer(
            "aws:kinesis/stream:Stream",
            "kinesis",
            (
                KeySlot(
                    "records",
                    "kmsKeyId",
                    _managed("kinesis"),
                    (Switch("encryptionType", {"KMS": _KEY, "NONE": _OFF}, _OFF),),
                ),
            ),
        ),
        Consumer(
            "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
            "firehose",
            (
                KeySlot(
                    "records",
                    "serverSideEncryption.keyArn",
                    _OFF,
                    (
                        _encrypted("serverSideEncryption.enabled"),
                        Switch(
                            "serverSideEncryption.keyType",
                            {"CUSTOMER_MANAGED_CMK": _KEY, "AWS_OWNED_CMK": _AWS_OWNED},
                            _AWS_OWNED,
                        ),
                    ),
                ),
            ),
        ),
        _simple("aws:kinesis/videoStream:VideoStream", "kinesisvideo", "kmsKeyId", _managed("kinesisvideo")),
        _simple("aws:cloudwatch/eventBus:EventBus", "events", "kmsKeyIdentifier", _AWS_OWNED, "events"),
        Consumer(
            "aws:msk/cluster:Cluster",
            "kafka",
            (KeySlot("storage", "encryptionInfo.encryptionAtRestKmsKeyArn", _managed("kafka")),),
        ),
        # Files, images, backups.
        Consumer(
            "aws:efs/fileSystem:FileSystem",
            "elasticfilesystem",
            (_storage("elasticfilesystem", "kmsKeyId", "encrypted"),),
        ),
        Consumer(
            "aws:ecr/repository:Repository",
            "ecr",
            (
                KeySlot(
                    "images",
                    "kmsKey",
                    _managed("ecr"),
                    (Switch("encryptionType", {"KMS": _KEY, "AES256": _SSE_S3, "KMS_DSSE": _KEY}, _SSE_S3),),
                    each="encryptionConfigurations",
                    each_absent=_SSE_S3,
                ),
            ),
        ),
        _simple("aws:backup/vault:Vault", "backup", "kmsKeyArn", _managed("backup"), "recovery points"),
        _simple("aws:fsx/lustreFileSystem:LustreFileSystem", "fsx", "kmsKeyId", _managed("fsx")),
        _simple("aws:fsx/windowsFileSystem:WindowsFileSystem", "fsx", "kmsKeyId", _managed("fsx")),
        _simple("aws:fsx/ontapFileSystem:OntapFileSystem", "fsx", "kmsKeyId", _managed("fsx")),
        _simple("aws:fsx/openZfsFileSystem:OpenZfsFileSystem", "fsx", "kmsKeyId", _managed("fsx")),
        # Machine learning and analytics.
        _simple(
            "aws:sagemaker/notebookInstance:NotebookInstance", "sagemaker", "kmsKeyId", _managed("sagemaker")
        ),
        _simple("aws:sagemaker/domain:Domain", "sagemaker", "kmsKeyId", _AWS_OWNED, "home directories"),
        _simple(
            "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
            "sagemaker",
            "kmsKeyArn",
            _AWS_OWNED,
            "model volumes",
        ),
        _simple("aws:timestreamwrite/database:Database", "timestream", "kmsKeyId", _managed("timestream")),
        # Further stores of the provider with a key property of their own (the provider sweep in
        # tests/policies/test_consumer_facts.py lists the types left out, each with its reason).
        _simple("aws:amp/workspace:Workspace", "aps", "kmsKeyArn", _AWS_OWNED, "metrics"),
        _simple(
            "aws:backup/logicallyAirGappedVault:LogicallyAirGappedVault",
            "backup",
            "encryptionKeyArn",
            _AWS_OWNED,
            "recovery points",
        ),
        _simple(
            "aws:cloudtrail/eventDataStore:EventDataStore", "cloudtrail", "kmsKeyId", _AWS_OWNED, "events"
        ),
        _simple(
            "aws:cloudwatch/eventArchive:EventArchive",
            "events",
            "kmsKeyIdentifier",
            _AWS_OWNED,
            "archived events",
        ),
        _simple(
            "aws:codeartifact/domain:Domain",
            "codeartifact",
            "encryptionKey",
            _managed("codeartifact"),
            "packages",
        ),
        _simple(
            "aws:codecommit/repository:Repository",
            "codecommit",
            "kmsKeyId",
            _managed("codecommit"),
            "repository",
        ),
        _simple("aws:docdb/elasticCluster:ElasticCluster", "docdb-elastic", "kmsKeyId", _AWS_OWNED),
        Consumer(
            "aws:docdb/clusterInstance:ClusterInstance",
            "rds",
            (
                KeySlot(
                    "Performance Insights",
                    "performanceInsightsKmsKeyId",
                    _managed("rds"),
                    (Switch("enablePerformanceInsights", _flag(_KEY, _NONE), _NONE),),
                ),
            ),
        ),
        _simple("aws:dms/replicationInstance:ReplicationInstance", "dms", "kmsKeyArn", _managed("dms")),
        _simple("aws:fsx/fileCache:FileCache", "fsx", "kmsKeyId", _managed("fsx")),
        _simple("aws:grafana/workspace:Workspace", "grafana", "kmsKeyId", _AWS_OWNED, "workspace data"),
        _simple(
            "aws:location/geofenceCollection:GeofenceCollection", "geo", "kmsKeyId", _AWS_OWNED, "geofences"
        ),
        _simple("aws:location/tracker:Tracker", "geo", "kmsKeyId", _AWS_OWNED, "positions"),
        _simple("aws:m2/environment:Environment", "m2", "kmsKeyId", _AWS_OWNED),
        _simple("aws:m2/application:Application", "m2", "kmsKeyId", _AWS_OWNED, "application data"),
        _simple("aws:mailmanager/archive:Archive", "ses", "kmsKeyArn", _AWS_OWNED, "archived mail"),
        _simple("aws:mwaa/environment:Environment", "airflow", "kmsKey", _AWS_OWNED, "environment data"),
        _simple("aws:neptunegraph/graph:Graph", "neptune-graph", "kmsKeyIdentifier", _AWS_OWNED),
        _simple("aws:redshiftserverless/namespace:Namespace", "redshift-serverless", "kmsKeyId", _AWS_OWNED),
        _simple(
            "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
            "rds",
            "kmsKeyId",
            _managed("rds"),
            "replicated backups",
        ),
        _simple(
            "aws:workmail/organization:Organization",
            "workmail",
            "kmsKeyArn",
            _managed("workmail"),
            "mailboxes",
        ),
        # Storage Gateway: without `kmsEncrypted` the data in S3 is encrypted with SSE-S3.
        *(
            Consumer(
                type_,
                "storagegateway",
                (KeySlot("storage", key, _SSE_S3, (Switch("kmsEncrypted", _flag(_KEY, _SSE_S3), _SSE_S3),)),),
            )
            for type_, key in (
                ("aws:storagegateway/cachesIscsiVolume:CachesIscsiVolume", "kmsKey"),
                ("aws:storagegateway/storedIscsiVolume:StoredIscsiVolume", "kmsKey"),
                ("aws:storagegateway/nfsFileShare:NfsFileShare", "kmsKeyArn"),
                ("aws:storagegateway/smbFileShare:SmbFileShare", "kmsKeyArn"),
            )
        ),
        # S3 objects written by the program: without `serverSideEncryption` the bucket's default
        # encryption applies, which the bucket (or its separate configuration) is judged for.
        *(
            Consumer(
                type_,
                "s3",
                (
                    KeySlot(
                        "object",
                        "kmsKeyId",
                        _managed("s3"),
                        (Switch("serverSideEncryption", _SSE_S3_ALGORITHMS, Meaning(Protection.DELEGATED)),),
                    ),
                ),
            )
            for type_ in (
                "aws:s3/bucketObject:BucketObject",
                "aws:s3/bucketObjectv2:BucketObjectv2",
                "aws:s3/objectCopy:ObjectCopy",
            )
        ),
        Consumer(
            "aws:eks/cluster:Cluster",
            "eks",
            (
                KeySlot(
                    "Kubernetes secrets",
                    "provider.keyArn",
                    _OFF,
                    each="encryptionConfig",
                    each_absent=Meaning(Protection.OFF, "no envelope encryption"),
                ),
            ),
        ),
    )
}

#: What names a key: a key id (UUID, or `mrk-` + 32 hex digits for multi-region keys), a key ARN,
#: an alias name or an alias ARN. KMS key ids are lowercase.
KEY_ID_RE: Final = re.compile(
    r"^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})\Z", re.ASCII
)
KMS_ARN_RE: Final = re.compile(
    r"^arn:(?P<partition>aws|aws-cn|aws-us-gov):kms:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):"
    r"(?P<resource>(?:key|alias)/.+)\Z",
    re.ASCII | re.DOTALL,
)

#: CloudWatch Logs' principal is regional (`logs_principal`); this stands for it in the tables below.
LOGS_REGIONAL_PRINCIPAL: Final = "logs.<region>"
#: Service principals that use a consumer's key themselves (not through a caller's IAM identity), and
#: the key-policy actions each needs at the least (service-facts §1a-1d). The service presets grant
#: more (logs: ReEncrypt*, GenerateDataKeyWithoutPlaintext); DescribeKey is not required of Logs,
#: whose documented statement carries an encryption-context condition that DescribeKey never meets.
SERVICE_PRINCIPAL_ACTIONS: Final[Mapping[str, tuple[str, ...]]] = {
    CLOUDTRAIL_PRINCIPAL: ("DescribeKey", "GenerateDataKey"),
    LOGS_REGIONAL_PRINCIPAL: ("Decrypt", "Encrypt", "GenerateDataKey"),
    EVENTS_PRINCIPAL: ("Decrypt", "GenerateDataKey"),
    CLOUDWATCH_PRINCIPAL: ("Decrypt", "GenerateDataKey"),
    S3_PRINCIPAL: ("Decrypt", "GenerateDataKey"),
    SNS_PRINCIPAL: ("Decrypt", "GenerateDataKey"),
}
#: The consumer types whose own service encrypts with the key.
CONSUMER_SERVICE_PRINCIPALS: Final[Mapping[str, str]] = {
    LOG_GROUP_TYPE: LOGS_REGIONAL_PRINCIPAL,
    TRAIL_TYPE: CLOUDTRAIL_PRINCIPAL,
}


def service_principal(principal: str, region: str, partition: str = "aws") -> str:
    """A principal of the tables above as it appears in a key policy of that region and partition."""
    if principal == LOGS_REGIONAL_PRINCIPAL:
        return logs_principal(region, partition)
    return principal.removesuffix(PARTITION_DNS_SUFFIX["aws"]) + PARTITION_DNS_SUFFIX[partition]


TOPIC_SUBSCRIPTION_TYPE: Final = "aws:sns/topicSubscription:TopicSubscription"
BUCKET_NOTIFICATION_TYPE: Final = "aws:s3/bucketNotification:BucketNotification"

#: The ARN each service gives the resources the consumer rules reason about (the services' ARN
#: formats, "Actions, resources, and condition keys"), from wire properties; `{partition}`,
#: `{region}` and `{account}` are the stack's. KG-S06 rebuilds a consumer's ARN from it when the ARN
#: is unknown, and the gate's mock runtime gives these resources the ARN AWS would.
RESOURCE_ARNS: Final[Mapping[str, str]] = {
    LOG_GROUP_TYPE: "arn:{partition}:logs:{region}:{account}:log-group:{name}",
    TRAIL_TYPE: "arn:{partition}:cloudtrail:{region}:{account}:trail/{name}",
    SNS_TOPIC_TYPE: "arn:{partition}:sns:{region}:{account}:{name}",
    SQS_QUEUE_TYPE: "arn:{partition}:sqs:{region}:{account}:{name}",
    METRIC_ALARM_TYPE: "arn:{partition}:cloudwatch:{region}:{account}:alarm:{name}",
    EVENT_RULE_TYPE: "arn:{partition}:events:{region}:{account}:rule/{name}",
}


@dataclass(frozen=True)
class Publisher:
    """A resource that makes a service write into a topic or queue, so that service needs its key."""

    type: str
    principal: str
    #: Dotted wire paths (a list on the way is walked) of the ARNs the service writes to.
    targets: tuple[str, ...]
    #: Required (path, value) for the link to count (a subscription delivers to SQS only with protocol sqs).
    only_when: tuple[str, str] | None = None
    #: The `aws:SourceArn` the service sends (SNS guide, step 3: the resource that publishes), as
    #: templates tried in order: the first whose every `{property}` is set; `{partition}`, `{region}`
    #: and `{account}` are the stack's.
    source_arn: tuple[str, ...] = ()


PUBLISHERS: Final = (
    Publisher(
        EVENT_TARGET_TYPE,
        EVENTS_PRINCIPAL,
        ("arn",),
        # A rule on a custom bus has the bus in its ARN; `default` is the account's own bus.
        source_arn=(
            "arn:{partition}:events:{region}:{account}:rule/{eventBusName}/{rule}",
            "arn:{partition}:events:{region}:{account}:rule/{rule}",
        ),
    ),
    Publisher(
        METRIC_ALARM_TYPE,
        CLOUDWATCH_PRINCIPAL,
        ("alarmActions", "okActions", "insufficientDataActions"),
        source_arn=("{arn}", RESOURCE_ARNS[METRIC_ALARM_TYPE]),
    ),
    Publisher(
        TOPIC_SUBSCRIPTION_TYPE,
        SNS_PRINCIPAL,
        ("endpoint",),
        only_when=("protocol", "sqs"),
        source_arn=("{topic}",),
    ),
    Publisher(
        BUCKET_NOTIFICATION_TYPE,
        S3_PRINCIPAL,
        ("topics.topicArn", "queues.queueArn"),
        source_arn=("arn:{partition}:s3:::{bucket}",),
    ),
)

#: Actions whose requests carry an encryption context (the cryptographic operations of a symmetric
#: key), so only they can meet a `kms:EncryptionContext:` condition: DescribeKey carries none.
ENCRYPTION_CONTEXT_ACTIONS: Final = frozenset(
    {
        "Decrypt",
        "Encrypt",
        "GenerateDataKey",
        "GenerateDataKeyPair",
        "GenerateDataKeyPairWithoutPlaintext",
        "GenerateDataKeyWithoutPlaintext",
        "ReEncryptFrom",
        "ReEncryptTo",
    }
)


@dataclass(frozen=True)
class ServiceRequest:
    """The condition keys a service principal's request carries when it uses a consumer's key
    (service-facts §1a-1d). A condition on any other key cannot be judged from the stack."""

    #: The encryption-context key whose value is the consumer's own ARN (on ENCRYPTION_CONTEXT_ACTIONS).
    context_key: str | None
    #: Whether `aws:SourceArn` (the consumer itself, or the publisher's resource) and
    #: `aws:SourceAccount` are sent.
    source_keys: bool


#: Per principal of SERVICE_PRINCIPAL_ACTIONS. CloudTrail documents `aws:SourceArn` (the trail) and
#: `aws:SourceAccount`; CloudWatch Logs documents only its encryption context; publishers follow the
#: SNS guide's step 3.
SERVICE_REQUESTS: Final[Mapping[str, ServiceRequest]] = {
    CLOUDTRAIL_PRINCIPAL: ServiceRequest(CLOUDTRAIL_CONTEXT_KEY, True),
    LOGS_REGIONAL_PRINCIPAL: ServiceRequest(LOGS_CONTEXT_KEY, False),
    EVENTS_PRINCIPAL: ServiceRequest(None, True),
    CLOUDWATCH_PRINCIPAL: ServiceRequest(None, True),
    S3_PRINCIPAL: ServiceRequest(None, True),
    SNS_PRINCIPAL: ServiceRequest(None, True),
}
#: Consumers whose key is set by another resource type of the table, per region: with EBS encryption
#: by default on and no `DefaultKmsKey`, new volumes get the AWS managed key `alias/aws/ebs`.
DELEGATED_KEYS: Final[Mapping[str, str]] = {EBS_ENCRYPTION_BY_DEFAULT_TYPE: EBS_DEFAULT_KEY_TYPE}
#: Tags a consumer shares with the key that protects it (the seeds: the same cost centre, one
#: key per class of data).
CONSUMER_MATCHING_TAGS: Final = ("DataClass", "CostCenter")

# ---------------------------------------------------------------------------------------------
# Stack configuration the components are built from and the pack reads its defaults from
# ---------------------------------------------------------------------------------------------
# The CLI hands the pack the stack's config (`PULUMI_CONFIG`: `namespace:key` → string, structured
# values JSON-encoded), so what a stack file states once — the deployer, the partner accounts —
# configures both the keys the components build and the rules that judge them. The pack owns these
# names (it publishes alone); the components import them from here.

#: The accounts the AWS provider accepts; the first is the stack's own.
ALLOWED_ACCOUNTS_CONFIG_KEY: Final = "aws:allowedAccountIds"
#: The key catalog (`kmsguard.catalog_spec.CatalogSpec`): one key per data class.
CATALOG_CONFIG_KEY: Final = "kmsguard:catalog"
#: Catalog path of the role that runs `pulumi up`: every key policy's deployer statement names it.
CATALOG_DEPLOYER_PATH: Final = ("defaults", "deployer")
#: Catalog path of the data classes, and within each the accounts it shares its key with.
CATALOG_DATA_CLASSES: Final = "data_classes"
CATALOG_CROSS_ACCOUNT: Final = "cross_account"
CATALOG_ACCOUNT_ID: Final = "account_id"
