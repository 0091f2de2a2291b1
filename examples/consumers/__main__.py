"""Keys built with kmsguard's components, and real consumers encrypted with them.

Each consumer names its key by ARN, carries its key's DataClass and CostCenter tags, and is one
that the key's policy admits (keys.py): the gate checks all of it offline with
`kmsguard preview --program examples/consumers --stack dev` (the pack's defaults), or
`--stack prod --policy-config examples/consumers/policy-config.prod.json` (production names its deployer).
"""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws
from keys import FUNCTION, LOG_GROUP, QUEUE, TOPIC, TRAIL, key_specs, role

from kmsguard.key import KmsKey
from kmsguard.policies.facts import DATA_CLASS_TAG, ENVIRONMENT_TAG

account = pulumi.Config("consumers").require("accountId")
region = pulumi.Config("aws").require("region")
specs = key_specs(pulumi.get_stack(), account)
keys = {
    name: KmsKey(f"{name}-key", spec, account_id=account, partition="aws") for name, spec in specs.items()
}


def tags(data_class: str) -> dict[str, str]:
    """A consumer carries its key's Environment, Owner, CostCenter and DataClass tags."""
    key_tags = specs[data_class].all_tags()
    return {k: key_tags[k] for k in (ENVIRONMENT_TAG, "Owner", "CostCenter", DATA_CLASS_TAG)}


def policy(*statements: dict[str, object]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def private_bucket(
    name: str, bucket: str, key_arn: pulumi.Input[str], data_class: str, *, bucket_key: bool
) -> aws.s3.Bucket:
    """A bucket whose default encryption is SSE-KMS with the key `key_arn`, and no public access."""
    created = aws.s3.Bucket(name, bucket=bucket, tags=tags(data_class))
    aws.s3.BucketServerSideEncryptionConfiguration(
        f"{name}-encryption",
        bucket=created.id,
        rules=[
            aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                    sse_algorithm="aws:kms", kms_master_key_id=key_arn
                ),
                bucket_key_enabled=bucket_key,
            )
        ],
    )
    aws.s3.BucketPublicAccessBlock(
        f"{name}-public-access",
        bucket=created.id,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
    )
    return created


# -- audit: a CloudTrail trail and a CloudWatch Logs group -------------------------------------
audit = keys["audit"]
trail_arn = f"arn:aws:cloudtrail:{region}:{account}:trail/{TRAIL}"
trail_bucket = private_bucket(
    "trail-logs", f"consumers-trail-logs-{account}", audit.key_arn, "audit", bucket_key=False
)
trail_bucket_policy = aws.s3.BucketPolicy(
    "trail-logs-policy",
    bucket=trail_bucket.id,
    policy=trail_bucket.arn.apply(
        lambda arn: policy(
            {
                "Sid": "CloudTrailAclCheck",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:GetBucketAcl",
                "Resource": arn,
                "Condition": {"StringEquals": {"aws:SourceArn": trail_arn}},
            },
            {
                "Sid": "CloudTrailWrite",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": f"{arn}/AWSLogs/{account}/*",
                "Condition": {
                    "StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trail_arn}
                },
            },
        )
    ),
)
aws.cloudtrail.Trail(
    "trail",
    name=TRAIL,
    s3_bucket_name=trail_bucket.id,
    kms_key_id=audit.key_arn,
    is_multi_region_trail=True,
    include_global_service_events=True,
    enable_log_file_validation=True,
    tags=tags("audit"),
    opts=pulumi.ResourceOptions(depends_on=[trail_bucket_policy]),
)
aws.cloudwatch.LogGroup(
    "audit-logs", name=LOG_GROUP, kms_key_id=audit.key_arn, retention_in_days=365, tags=tags("audit")
)

# -- events: an SNS topic that EventBridge and CloudWatch publish to, and an SQS queue on it -----
events = keys["events"]
topic = aws.sns.Topic("events-topic", name=TOPIC, kms_master_key_id=events.key_arn, tags=tags("events"))
aws.sns.TopicPolicy(
    "events-topic-policy",
    arn=topic.arn,
    policy=topic.arn.apply(
        lambda arn: policy(
            {
                "Sid": "AwsServicesPublish",
                "Effect": "Allow",
                "Principal": {"Service": ["events.amazonaws.com", "cloudwatch.amazonaws.com"]},
                "Action": "sns:Publish",
                "Resource": arn,
                "Condition": {"StringEquals": {"aws:SourceAccount": account}},
            }
        )
    ),
)
queue = aws.sqs.Queue(
    "events-queue",
    name=QUEUE,
    kms_master_key_id=events.key_arn,
    kms_data_key_reuse_period_seconds=300,
    tags=tags("events"),
)
aws.sqs.QueuePolicy(
    "events-queue-policy",
    queue_url=queue.id,
    policy=pulumi.Output.all(queue.arn, topic.arn).apply(
        lambda arns: policy(
            {
                "Sid": "TopicDelivers",
                "Effect": "Allow",
                "Principal": {"Service": "sns.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": arns[0],
                "Condition": {"ArnEquals": {"aws:SourceArn": arns[1]}},
            }
        )
    ),
)
aws.sns.TopicSubscription("events-subscription", topic=topic.arn, protocol="sqs", endpoint=queue.arn)
key_events = aws.cloudwatch.EventRule(
    "key-deletion-events",
    event_pattern=json.dumps({"source": ["aws.kms"], "detail-type": ["KMS CMK Deletion"]}),
    tags=tags("events"),
)
aws.cloudwatch.EventTarget("key-deletion-to-topic", rule=key_events.name, arn=topic.arn)
aws.cloudwatch.MetricAlarm(
    "events-queue-age",
    namespace="AWS/SQS",
    metric_name="ApproximateAgeOfOldestMessage",
    dimensions={"QueueName": QUEUE},
    statistic="Maximum",
    period=300,
    evaluation_periods=1,
    threshold=900,
    comparison_operator="GreaterThanOrEqualToThreshold",
    alarm_actions=[topic.arn],
    tags=tags("events"),
)

# -- orders: S3 (with a bucket key), DynamoDB, RDS and a Lambda function's environment ----------
orders, secrets = keys["orders"], keys["secrets"]
private_bucket("orders-data", f"consumers-orders-{account}", orders.key_arn, "orders", bucket_key=True)
aws.dynamodb.Table(
    "orders-table",
    name="orders",
    billing_mode="PAY_PER_REQUEST",
    hash_key="order_id",
    attributes=[aws.dynamodb.TableAttributeArgs(name="order_id", type="S")],
    server_side_encryption=aws.dynamodb.TableServerSideEncryptionArgs(
        enabled=True, kms_key_arn=orders.key_arn
    ),
    point_in_time_recovery=aws.dynamodb.TablePointInTimeRecoveryArgs(enabled=True),
    tags=tags("orders"),
)
aws.rds.Instance(
    "orders-db",
    identifier="orders",
    engine="postgres",
    instance_class="db.t4g.micro",
    allocated_storage=20,
    username="orders_admin",
    manage_master_user_password=True,
    master_user_secret_kms_key_id=secrets.key_arn,
    storage_encrypted=True,
    kms_key_id=orders.key_arn,
    performance_insights_enabled=True,
    performance_insights_kms_key_id=orders.key_arn,
    backup_retention_period=7,
    deletion_protection=True,
    final_snapshot_identifier="orders-final",
    tags=tags("orders"),
)
function_role = aws.iam.Role(
    "orders-function-role",
    name=FUNCTION,
    assume_role_policy=policy(
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ),
    tags=tags("orders"),
)
aws.lambda_.Function(
    "orders-function",
    name=FUNCTION,
    role=function_role.arn,
    runtime="python3.12",
    handler="index.handler",
    code=pulumi.AssetArchive(
        {"index.py": pulumi.StringAsset("def handler(event, context):\n    return {}\n")}
    ),
    kms_key_arn=orders.key_arn,
    environment=aws.lambda_.FunctionEnvironmentArgs(variables={"ORDERS_TABLE": "orders"}),
    tags=tags("orders"),
)

# -- secrets: a Secrets Manager secret and an SSM SecureString ---------------------------------
aws.secretsmanager.Secret(
    "orders-api-token", name="orders/api-token", kms_key_id=secrets.key_arn, tags=tags("secrets")
)
aws.ssm.Parameter(
    "orders-signing-salt",
    name="/orders/signing-salt",
    type="SecureString",
    key_id=secrets.key_arn,
    value=pulumi.Config("consumers").get_secret("signingSalt") or "change-me",
    tags=tags("secrets"),
)

pulumi.export("keyArns", {name: key.key_arn for name, key in keys.items()})
pulumi.export("readerRole", role(account, "SecurityAuditors"))
