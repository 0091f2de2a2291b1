"""Key-policy statements that let AWS services publish to an SNS topic encrypted with the key.

Kept small and apart on purpose: typed service-principal presets in the key spec will replace it.
What AWS prints (SNS "Enable compatibility between event sources from AWS services and encrypted
topics"; EventBridge targets): EventBridge needs `kms:Decrypt` and `kms:GenerateDataKey`, with no
confused-deputy condition (none is documented for EventBridge delivery); CloudWatch alarms get the
SNS guide's step-3 conditions (this account, its alarms).
"""

from __future__ import annotations

from typing import Any

from kmsguard.policies.monitoring_facts import CLOUDWATCH_SERVICE_PRINCIPAL, EVENTS_SERVICE_PRINCIPAL

PUBLISH_ACTIONS = ("kms:Decrypt", "kms:GenerateDataKey")
EVENTS_SID = "AlertsFromEventBridge"
CLOUDWATCH_SID = "AlertsFromCloudWatchAlarms"


def publisher_statements(*, account_id: str, partition: str, region: str) -> list[dict[str, Any]]:
    """EventBridge rules and CloudWatch alarms may encrypt messages to the topic under this key."""
    return [
        {
            "Sid": EVENTS_SID,
            "Effect": "Allow",
            "Principal": {"Service": EVENTS_SERVICE_PRINCIPAL},
            "Action": list(PUBLISH_ACTIONS),
            "Resource": "*",
        },
        {
            "Sid": CLOUDWATCH_SID,
            "Effect": "Allow",
            "Principal": {"Service": CLOUDWATCH_SERVICE_PRINCIPAL},
            "Action": list(PUBLISH_ACTIONS),
            "Resource": "*",
            "Condition": {
                "ArnLike": {"aws:SourceArn": f"arn:{partition}:cloudwatch:{region}:{account_id}:alarm:*"},
                "StringEquals": {"aws:SourceAccount": account_id},
            },
        },
    ]
