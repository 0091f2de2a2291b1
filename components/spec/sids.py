"""The fixed statement ids of every key policy the builder writes, one per role.

Reviewers and the policy pack can rely on them: the same role always has the same Sid, and a Sid
never changes meaning. Service users get one statement per AWS service, so the Sid names the
service (`KeyUsageThroughS3`, `ServiceGrantsThroughS3`); cross-account statements name the account
(`CrossAccount444455556666`).
"""

from __future__ import annotations

from typing import Final

from kmsguard.policies.facts import AwsService

#: The pipeline role: all administration, no MFA (KMS's lockout safety check runs as this role).
DEPLOYER = "DeployerAdministration"
#: Account root with every key action written out (the explicit form of AWS's default `kms:*`).
ROOT_FULL = "AccountRootFull"
#: Human administrators (and the account root when `root_access: admin`): non-critical actions.
ADMINISTRATION = "KeyAdministration"
#: The same principals: the critical actions, under MFA (or without it when MFA is turned off).
ADMINISTRATION_CRITICAL = "KeyAdministrationCriticalWithMfa"
USERS = "KeyUsage"
ENCRYPT_ONLY = "KeyUsageEncryptOnly"
DECRYPT_ONLY = "KeyUsageDecryptOnly"
#: DescribeKey for users whose other actions carry encryption-context conditions (DescribeKey
#: requests have no context, so the conditions would deny it).
USERS_DESCRIBE = "KeyUsageDescribe"
SIGNERS = "KeySigning"
VERIFIERS = "KeyVerification"
MAC_USERS = "KeyMac"
KEY_AGREEMENT = "KeyAgreement"
# Service integrations (kmsguard.builders.integrations): one fixed Sid per documented statement.
CLOUDTRAIL_ENCRYPT = "CloudTrailEncryptLogs"
CLOUDTRAIL_DESCRIBE = "CloudTrailDescribeKey"
CLOUDTRAIL_READERS = "CloudTrailLogDecrypt"
SNS_FROM_EVENTBRIDGE = "SnsPublishFromEventBridge"
SNS_FROM_CLOUDWATCH = "SnsPublishFromCloudWatchAlarms"
SNS_FROM_S3 = "SnsPublishFromS3"
SQS_FROM_SNS = "SqsDeliveryFromSns"
SQS_FROM_EVENTBRIDGE = "SqsSendFromEventBridge"
SQS_FROM_S3 = "SqsSendFromS3"
EVENT_BUS = "EventBridgeBusEncryption"
EVENT_BUS_DESCRIBE = "EventBridgeBusDescribeKey"
DNSSEC_SIGNING = "Route53DnssecSigning"
DNSSEC_GRANTS = "Route53DnssecGrants"
AUTOSCALING_EBS = "AutoScalingEbsUsage"
AUTOSCALING_EBS_GRANTS = "AutoScalingEbsGrants"
#: CloudWatch Logs gets one statement per key region (its principal is regional): `CloudWatchLogsEuWest1`.
LOGS_PREFIX = "CloudWatchLogs"
SERVICE_USAGE_PREFIX = "KeyUsageThrough"
SERVICE_GRANTS_PREFIX = "ServiceGrantsThrough"
CROSS_ACCOUNT_PREFIX = "CrossAccount"

_SERVICE_SID_NAMES: Final = {
    AwsService.S3: "S3",
    AwsService.EBS: "Ebs",
    AwsService.RDS: "Rds",
    AwsService.DYNAMODB: "DynamoDb",
    AwsService.SECRETS_MANAGER: "SecretsManager",
    AwsService.SSM: "Ssm",
    AwsService.LAMBDA: "Lambda",
    AwsService.SQS: "Sqs",
    AwsService.SNS: "Sns",
    AwsService.KINESIS: "Kinesis",
    AwsService.LOGS: "Logs",
    AwsService.BACKUP: "Backup",
}


def service_usage(service: AwsService) -> str:
    return SERVICE_USAGE_PREFIX + _SERVICE_SID_NAMES[service]


def service_grants(service: AwsService) -> str:
    return SERVICE_GRANTS_PREFIX + _SERVICE_SID_NAMES[service]


def logs_region(region: str) -> str:
    return LOGS_PREFIX + "".join(part.capitalize() for part in region.split("-"))


def cross_account(account_id: str, describe: bool = False) -> str:
    return f"{CROSS_ACCOUNT_PREFIX}{account_id}{'Describe' if describe else ''}"


#: Sids the builder uses; an extra statement must not take one (`kmsguard.spec.checks.reserved_sid`).
RESERVED_SIDS: Final = frozenset(
    {
        DEPLOYER,
        ROOT_FULL,
        ADMINISTRATION,
        ADMINISTRATION_CRITICAL,
        USERS,
        ENCRYPT_ONLY,
        DECRYPT_ONLY,
        USERS_DESCRIBE,
        SIGNERS,
        VERIFIERS,
        MAC_USERS,
        KEY_AGREEMENT,
        CLOUDTRAIL_ENCRYPT,
        CLOUDTRAIL_DESCRIBE,
        CLOUDTRAIL_READERS,
        SNS_FROM_EVENTBRIDGE,
        SNS_FROM_CLOUDWATCH,
        SNS_FROM_S3,
        SQS_FROM_SNS,
        SQS_FROM_EVENTBRIDGE,
        SQS_FROM_S3,
        EVENT_BUS,
        EVENT_BUS_DESCRIBE,
        DNSSEC_SIGNING,
        DNSSEC_GRANTS,
        AUTOSCALING_EBS,
        AUTOSCALING_EBS_GRANTS,
    }
)
#: Builder Sid families: one statement per service, account or region.
RESERVED_SID_PREFIXES: Final = (
    SERVICE_USAGE_PREFIX,
    SERVICE_GRANTS_PREFIX,
    CROSS_ACCOUNT_PREFIX,
    LOGS_PREFIX,
)
