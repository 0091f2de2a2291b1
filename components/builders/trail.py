"""Pure builders for the monitoring component's own trail (no pulumi import): the bucket policy, the
role CloudTrail assumes to write to CloudWatch Logs, and the ARNs they name.

Each document follows the AWS text named beside it; the key policy's statements for CloudTrail and
CloudWatch Logs are not here: they are the service presets (`kmsguard.builders.integrations`).
"""

from __future__ import annotations

from typing import Any, Final

from kmsguard.policies.facts import CLOUDTRAIL_PRINCIPAL, SOURCE_ARN_KEY

#: CloudTrail User Guide, "Amazon S3 bucket policy for CloudTrail" (statement ids as AWS prints them).
BUCKET_ACL_SID: Final = "AWSCloudTrailAclCheck20150319"
BUCKET_WRITE_SID: Final = "AWSCloudTrailWrite20150319"
#: CloudTrail User Guide, "Role policy document for CloudTrail to use CloudWatch Logs for monitoring".
CREATE_STREAM_SID: Final = "AWSCloudTrailCreateLogStream2014110"
PUT_EVENTS_SID: Final = "AWSCloudTrailPutLogEvents20141101"


def trail_arn(name: str, *, region: str, account_id: str, partition: str) -> str:
    return f"arn:{partition}:cloudtrail:{region}:{account_id}:trail/{name}"


def log_group_arn(name: str, *, region: str, account_id: str, partition: str) -> str:
    return f"arn:{partition}:logs:{region}:{account_id}:log-group:{name}"


def bucket_policy(*, bucket_arn: str, trail: str, account_id: str) -> dict[str, Any]:
    """Only this trail may read the bucket's ACL and write log files under `AWSLogs/<account>/`,
    giving the bucket owner full control (AWS's policy with its recommended `aws:SourceArn`)."""
    source = {SOURCE_ARN_KEY: trail}
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": BUCKET_ACL_SID,
                "Effect": "Allow",
                "Principal": {"Service": CLOUDTRAIL_PRINCIPAL},
                "Action": "s3:GetBucketAcl",
                "Resource": bucket_arn,
                "Condition": {"StringEquals": source},
            },
            {
                "Sid": BUCKET_WRITE_SID,
                "Effect": "Allow",
                "Principal": {"Service": CLOUDTRAIL_PRINCIPAL},
                "Action": "s3:PutObject",
                "Resource": f"{bucket_arn}/AWSLogs/{account_id}/*",
                "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", **source}},
            },
        ],
    }


def cloudtrail_trust_policy() -> dict[str, Any]:
    """CloudTrail assumes the role (the trust policy of AWS's CloudTrail_CloudWatchLogs_Role)."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": CLOUDTRAIL_PRINCIPAL}, "Action": "sts:AssumeRole"}
        ],
    }


def cloudtrail_logs_policy(*, log_group: str, account_id: str) -> dict[str, Any]:
    """Create streams and put events in this log group only, in the streams CloudTrail names
    `<account>_CloudTrail_<region>` (one per region of a multi-region trail)."""
    streams = [f"{log_group}:log-stream:{account_id}_CloudTrail_*"]
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": CREATE_STREAM_SID,
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream"],
                "Resource": streams,
            },
            {"Sid": PUT_EVENTS_SID, "Effect": "Allow", "Action": ["logs:PutLogEvents"], "Resource": streams},
        ],
    }
