"""Undo an unapproved ScheduleKeyDeletion: cancel it, keep the key disabled, tell the alert topic.

EventBridge invokes this with the CloudTrail record of a `ScheduleKeyDeletion` call (the event's
`detail`). A key whose `APPROVAL_TAG` tag is `true` was approved for deletion and is left alone. Any
other key gets `CancelKeyDeletion`, which leaves it Disabled (`DisableKey` follows only if it did not,
so the role needs no DisableKey, a critical action), so nothing encrypts under a key someone tried to
delete until a person looks; then a message goes to `TOPIC_ARN`.
Runs on the Lambda Python runtime with boto3 alone.
"""

from __future__ import annotations

import json
import os
from typing import Any

import boto3

DEFAULT_APPROVAL_TAG = "DeletionApproved"


def handler(event: dict[str, Any], context: object = None) -> dict[str, str]:
    detail = event.get("detail") or {}
    if detail.get("eventName") != "ScheduleKeyDeletion" or detail.get("errorCode"):
        return {"action": "ignored", "reason": "not a successful ScheduleKeyDeletion"}
    key = _key_arn(detail)
    if key is None:
        return {"action": "ignored", "reason": "the event names no key"}
    region = detail.get("awsRegion") or key.split(":")[3]
    # The id, not the ARN: the client is in the key's region, and the id is what every KMS API takes.
    key_id = key.rsplit("/", 1)[-1]
    kms = boto3.client("kms", region_name=region)
    approval_tag = os.environ.get("APPROVAL_TAG", DEFAULT_APPROVAL_TAG)
    if _tags(kms, key_id).get(approval_tag, "").lower() == "true":
        return {"action": "approved", "key": key}
    kms.cancel_key_deletion(KeyId=key_id)
    if kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] != "Disabled":
        kms.disable_key(KeyId=key_id)
    caller = (detail.get("userIdentity") or {}).get("arn", "an unknown principal")
    boto3.client("sns", region_name=region).publish(
        TopicArn=os.environ["TOPIC_ARN"],
        Subject="KMS key deletion cancelled",
        Message=json.dumps(
            {
                "key": key,
                "scheduledBy": caller,
                "eventTime": detail.get("eventTime"),
                "action": "CancelKeyDeletion and DisableKey",
                "why": f"the key is not tagged {approval_tag}=true",
                "next": f"review; re-enable the key, or tag it {approval_tag}=true and schedule the deletion again",
            },
            indent=2,
        ),
    )
    return {"action": "cancelled", "key": key}


def _key_arn(detail: dict[str, Any]) -> str | None:
    """The key's ARN: from the record's resources, else whatever the caller sent."""
    for resource in detail.get("resources") or []:
        arn = resource.get("ARN", "")
        if ":key/" in arn:
            return str(arn)
    response = detail.get("responseElements") or {}
    request = detail.get("requestParameters") or {}
    named = response.get("keyId") or request.get("keyId")
    return str(named) if named else None


def _tags(kms: Any, key: str) -> dict[str, str]:
    tags: dict[str, str] = {}
    for page in kms.get_paginator("list_resource_tags").paginate(KeyId=key):
        tags.update({t["TagKey"]: t["TagValue"] for t in page.get("Tags", [])})
    return tags
