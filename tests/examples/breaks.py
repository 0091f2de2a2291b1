"""One-way breaks of examples/consumers: each replaces one snippet of the program (or of keys.py)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "consumers"


@dataclass(frozen=True)
class Break:
    file: str
    old: str
    new: str


def broken_copy(destination: Path, change: Break) -> Path:
    """A copy of the example with `change` applied; the snippet must occur exactly once."""
    target = destination / "consumers"
    shutil.copytree(EXAMPLE, target)
    path = target / change.file
    text = path.read_text(encoding="utf-8")
    assert text.count(change.old) == 1, (
        f"{change.old!r} occurs {text.count(change.old)} times in {change.file}"
    )
    path.write_text(text.replace(change.old, change.new), encoding="utf-8")
    return target


MAIN = "__main__.py"
KEYS = "keys.py"
BREAKS: dict[str, Break] = {
    "trail-unencrypted": Break(MAIN, "    kms_key_id=audit.key_arn,\n    is_multi_region_trail=True,", "    is_multi_region_trail=True,"),
    "log-group-unencrypted": Break(MAIN, 'name=LOG_GROUP, kms_key_id=audit.key_arn, retention_in_days', "name=LOG_GROUP, retention_in_days"),
    "topic-aws-managed-key": Break(MAIN, 'name=TOPIC, kms_master_key_id=events.key_arn,', 'name=TOPIC, kms_master_key_id="alias/aws/sns",'),
    "queue-sqs-managed-sse": Break(
        MAIN, "    kms_master_key_id=events.key_arn,\n    kms_data_key_reuse_period_seconds=300,", "    sqs_managed_sse_enabled=True,"
    ),
    "bucket-aws-managed-key": Break(
        MAIN, 'f"consumers-orders-{account}", orders.key_arn,', 'f"consumers-orders-{account}", "alias/aws/s3",'
    ),
    "secret-aws-managed-key": Break(MAIN, 'name="orders/api-token", kms_key_id=secrets.key_arn,', 'name="orders/api-token",'),
    "parameter-aws-managed-key": Break(MAIN, "    key_id=secrets.key_arn,\n", '    key_id="alias/aws/ssm",\n'),
    "rds-unencrypted": Break(MAIN, "    storage_encrypted=True,\n    kms_key_id=orders.key_arn,\n", "    storage_encrypted=False,\n"),
    "table-aws-owned-key": Break(
        MAIN, "    server_side_encryption=aws.dynamodb.TableServerSideEncryptionArgs(\n        enabled=True, kms_key_arn=orders.key_arn\n    ),\n", ""
    ),
    "function-environment-default-key": Break(MAIN, "    kms_key_arn=orders.key_arn,\n", ""),
    "log-group-key-without-logs-preset": Break(
        KEYS, "                cloudwatch_logs=CloudWatchLogs(log_group_names=(LOG_GROUP,)),\n", ""
    ),
    "topic-key-without-eventbridge-preset": Break(
        KEYS, 'publishers=("eventbridge", "cloudwatch_alarms")', 'publishers=("cloudwatch_alarms",)'
    ),
    "trail-key-without-cloudtrail-preset": Break(
        KEYS,
        '                cloudtrail=CloudTrailLogs(\n                    trail_names=(TRAIL,), log_readers=(role(account, "SecurityAuditors"),)\n                ),\n',
        "",
    ),
    "queue-key-without-sns-delivery-preset": Break(
        KEYS, "                sqs_from_sns=SqsFromSns(topic_names=(TOPIC,)),\n", ""
    ),
    "topic-key-without-alarm-preset": Break(
        KEYS, 'publishers=("eventbridge", "cloudwatch_alarms")', 'publishers=("eventbridge",)'
    ),
    "secret-on-the-orders-key": Break(
        MAIN, 'name="orders/api-token", kms_key_id=secrets.key_arn,', 'name="orders/api-token", kms_key_id=orders.key_arn,'
    ),
    "table-tagged-with-another-data-class": Break(
        MAIN, '    point_in_time_recovery=aws.dynamodb.TablePointInTimeRecoveryArgs(enabled=True),\n    tags=tags("orders"),',
        '    point_in_time_recovery=aws.dynamodb.TablePointInTimeRecoveryArgs(enabled=True),\n    tags=tags("secrets"),',
    ),
    # The preset is there but scoped to another resource: its conditions cannot match this one.
    "log-group-key-scoped-to-another-log-group": Break(
        KEYS, "cloudwatch_logs=CloudWatchLogs(log_group_names=(LOG_GROUP,))",
        'cloudwatch_logs=CloudWatchLogs(log_group_names=("/orders/other",))',
    ),
    "trail-key-scoped-to-another-trail": Break(KEYS, "trail_names=(TRAIL,)", 'trail_names=("another-trail",)'),
    "queue-key-scoped-to-another-topic": Break(
        KEYS, "sqs_from_sns=SqsFromSns(topic_names=(TOPIC,))", 'sqs_from_sns=SqsFromSns(topic_names=("another-topic",))'
    ),
}  # fmt: skip
