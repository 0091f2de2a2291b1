"""AWS's printed key-policy statements, verbatim (placeholders included), with the page each is from.

The service presets (`kmsguard.builders.integrations`) follow these; `test_integrations.py` fills
the placeholders and compares. Whitespace compacted; otherwise as AWS prints them, doc bugs too.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AwsExample:
    url: str
    statement: str  # JSON text with AWS's placeholders


CLOUDTRAIL = (
    "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html"
)
CLOUDTRAIL_DEFAULT = "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/default-kms-key-policy.html"
LOGS = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html"
SNS = "https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services"
SQS_PUBLISHERS = (
    "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html"
)
SQS_FROM_SNS = (
    "https://docs.aws.amazon.com/sns/latest/dg/sns-enable-encryption-for-topic-sqs-queue-subscriptions.html"
)
EVENT_BUS = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-key-policy.html"
DNSSEC = "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/access-control-managing-permissions.html#KMS-key-policy-for-DNSSEC"
AUTOSCALING = (
    "https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html"
)

CLOUDTRAIL_ENCRYPT = AwsExample(
    CLOUDTRAIL,
    """
{"Sid": "Allow CloudTrail to encrypt logs", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
 "Action": "kms:GenerateDataKey*", "Resource": "arn:aws:kms:Region:account_ID:key/key_ID",
 "Condition": {"StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": ["arn:aws:cloudtrail:*:account-id:trail/*"]},
 "StringEquals": {"aws:SourceArn": "arn:aws:cloudtrail:region:account-id:trail/trailName"}}}
""",
)
CLOUDTRAIL_ACCESS = AwsExample(
    CLOUDTRAIL,
    """
{"Sid": "Allow CloudTrail access", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
 "Action": "kms:DescribeKey", "Resource": "arn:aws:kms:Region:account_ID:key/key_ID",
 "Condition": {"StringEquals": {"aws:SourceArn": "arn:aws:cloudtrail:region:account-id:trail/trailName"}}}
""",
)
CLOUDTRAIL_DECRYPT = AwsExample(
    CLOUDTRAIL_DEFAULT,
    """
{"Sid": "Allow principals in the account to decrypt log files", "Effect": "Allow", "Principal": {"AWS": "*"},
 "Action": ["kms:Decrypt", "kms:ReEncryptFrom"], "Resource": "arn:aws:kms:Region:account_ID:key/key_ID",
 "Condition": {"StringEquals": {"kms:CallerAccount": "account-id"},
 "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:account-id:trail/*"}}}
""",
)
LOGS_ACCOUNT = AwsExample(
    LOGS,
    """
{"Effect": "Allow", "Principal": {"Service": "logs.region.amazonaws.com"}, "Action": ["kms:Encrypt*", "kms:Decrypt*",
 "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"], "Resource": "*",
 "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:region:account-id:*"}}}
""",
)
LOGS_ONE_GROUP = AwsExample(
    LOGS,
    """
{"Effect": "Allow", "Principal": {"Service": "logs.region.amazonaws.com"}, "Action": ["kms:Encrypt*", "kms:Decrypt*",
 "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"], "Resource": "*",
 "Condition": {"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:region:account-id:log-group:log-group-name"}}}
""",
)
SNS_CONFUSED_DEPUTY = AwsExample(
    SNS,
    """
{"Effect": "Allow", "Principal": {"Service": "service.amazonaws.com"}, "Action": ["kms:GenerateDataKey*",
 "kms:Decrypt"], "Resource": "*", "Condition": {"StringEquals": {"aws:SourceAccount": "customer-account-id"},
 "ArnLike": {"aws:SourceArn": "arn:aws:service:region:customer-account-id:resource-type:customer-resource-id"}}}
""",
)
EVENTBRIDGE_TARGET = AwsExample(
    "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-troubleshooting.html",
    """
{"Sid": "Allow EventBridge to use the key", "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
 "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*"}
""",
)
S3_NOTIFICATIONS = AwsExample(
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/grant-destinations-permissions-to-s3.html",
    """
{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
 "Resource": "*"}
""",
)
SQS_SNS = AwsExample(
    SQS_FROM_SNS,
    """
{"Sid": "Allow Amazon SNS to use this key", "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
 "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*"}
""",
)
EVENT_BUS_KEY = AwsExample(
    EVENT_BUS,
    """
{"Sid": "Allow the use of key", "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
 "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": "*",
 "Condition": {"StringEquals": {"aws:SourceAccount": "arn:aws:events:region:account-id",
 "aws:SourceArn": "arn:aws:events:region:account-id:event-bus/event-bus-name",
 "kms:EncryptionContext:aws:events:event-bus:arn": "arn:aws:events:region:account-id:event-bus/event-bus-arn"}}}
""",
)
DNSSEC_SERVICE = AwsExample(
    DNSSEC,
    """
{"Sid": "Allow Route 53 DNSSEC Service", "Effect": "Allow", "Principal": {"Service": "dnssec-route53.amazonaws.com"},
 "Action": ["kms:DescribeKey", "kms:GetPublicKey", "kms:Sign"], "Resource": "*",
 "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"},
 "ArnEquals": {"aws:SourceArn": "arn:aws:route53:::hostedzone/HOSTED_ZONE_ID"}}}
""",
)
DNSSEC_GRANT = AwsExample(
    DNSSEC,
    """
{"Sid": "Allow Route 53 DNSSEC to CreateGrant", "Effect": "Allow",
 "Principal": {"Service": "dnssec-route53.amazonaws.com"}, "Action": ["kms:CreateGrant"], "Resource": "*",
 "Condition": {"Bool": {"kms:GrantIsForAWSResource": true}}}
""",
)
AUTOSCALING_USE = AwsExample(
    AUTOSCALING,
    """
{"Sid": "Allow service-linked role use of the customer managed key", "Effect": "Allow",
 "Principal": {"AWS": ["arn:aws:iam::123456789012:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"]},
 "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
 "Resource": "*"}
""",
)
AUTOSCALING_GRANT = AwsExample(
    AUTOSCALING,
    """
{"Sid": "Allow attachment of persistent resources", "Effect": "Allow",
 "Principal": {"AWS": ["arn:aws:iam::123456789012:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"]},
 "Action": ["kms:CreateGrant"], "Resource": "*", "Condition": {"Bool": {"kms:GrantIsForAWSResource": true}}}
""",
)
VIA_SERVICE = AwsExample(
    "https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service",
    """
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/ExampleUser"},
 "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*",
 "Condition": {"StringEquals": {"kms:ViaService": ["ec2.us-west-2.amazonaws.com", "rds.us-west-2.amazonaws.com"]}}}
""",
)
SERVICE_GRANTS = AwsExample(
    "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-service-integration",
    """
{"Sid": "Allow attachment of persistent resources", "Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::111122223333:role/ExampleRole"},
 "Action": ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"], "Resource": "*",
 "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}}}
""",
)
