"""The responder's handler against moto's KMS and SNS (moto's server on 127.0.0.1, started by the tests):
an unapproved ScheduleKeyDeletion is cancelled, the key disabled and the alert topic told; an approved
one is left alone."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from kmsguard.responder.handler import handler
from tests.components.monitoring.cloudtrail_samples import SCHEDULE_KEY_DELETION
from tests.components.moto_server import CREDENTIALS, client

REGION = "us-west-2"


@pytest.fixture
def aws(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """boto3 inside the handler talks to moto; a topic with a queue subscribed to read what it sends."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", CREDENTIALS["aws_access_key_id"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", CREDENTIALS["aws_secret_access_key"])
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    kms, sns, sqs = (client(moto_endpoint, s, REGION) for s in ("kms", "sns", "sqs"))
    topic = sns.create_topic(Name="kms-alerts")["TopicArn"]
    queue = sqs.create_queue(QueueName="kms-alerts-inbox")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sns.subscribe(
        TopicArn=topic, Protocol="sqs", Endpoint=queue_arn, Attributes={"RawMessageDelivery": "true"}
    )
    monkeypatch.setenv("TOPIC_ARN", topic)
    monkeypatch.setenv("APPROVAL_TAG", "DeletionApproved")
    # Drain what earlier tests left in the shared server's queue.
    for message in sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", []):
        sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
    return {"kms": kms, "sqs": sqs, "queue": queue}


def scheduled(aws: dict[str, Any], tags: list[dict[str, str]]) -> tuple[str, dict[str, Any]]:
    """A key scheduled for deletion, and the EventBridge event its CloudTrail record becomes."""
    kms = aws["kms"]
    metadata = kms.create_key(Description="orders", Tags=tags)["KeyMetadata"]
    key = metadata["Arn"]
    kms.schedule_key_deletion(KeyId=metadata["KeyId"], PendingWindowInDays=30)
    detail = copy.deepcopy(SCHEDULE_KEY_DELETION)
    detail["requestParameters"]["keyId"] = key.rsplit("/", 1)[-1]
    detail["responseElements"]["keyId"] = key
    detail["resources"][0]["ARN"] = key
    detail["awsRegion"] = REGION
    event = {
        "source": "aws.kms",
        "detail-type": "AWS API Call via CloudTrail",
        "region": REGION,
        "detail": detail,
    }
    return key, event


def inbox(aws: dict[str, Any]) -> list[dict[str, Any]]:
    messages = aws["sqs"].receive_message(QueueUrl=aws["queue"], MaxNumberOfMessages=10).get("Messages", [])
    return [json.loads(m["Body"]) for m in messages]


def test_an_unapproved_deletion_is_cancelled_disabled_and_reported(aws: dict[str, Any]) -> None:
    key, event = scheduled(aws, [{"TagKey": "Owner", "TagValue": "payments-team"}])
    assert handler(event) == {"action": "cancelled", "key": key}
    metadata = aws["kms"].describe_key(KeyId=key.rsplit("/", 1)[-1])["KeyMetadata"]
    assert (metadata["KeyState"], metadata["Enabled"], metadata.get("DeletionDate")) == (
        "Disabled",
        False,
        None,
    )
    assert inbox(aws) == [
        {
            "key": key,
            "scheduledBy": "arn:aws:iam::111122223333:user/Alice",
            "eventTime": "2021-03-23T18:58:30Z",
            "action": "CancelKeyDeletion and DisableKey",
            "why": "the key is not tagged DeletionApproved=true",
            "next": "review; re-enable the key, or tag it DeletionApproved=true and schedule the deletion again",
        }
    ]


@pytest.mark.parametrize("value", ["true", "True"])
def test_an_approved_deletion_is_left_alone(aws: dict[str, Any], value: str) -> None:
    key, event = scheduled(aws, [{"TagKey": "DeletionApproved", "TagValue": value}])
    assert handler(event) == {"action": "approved", "key": key}
    assert (
        aws["kms"].describe_key(KeyId=key.rsplit("/", 1)[-1])["KeyMetadata"]["KeyState"] == "PendingDeletion"
    )
    assert inbox(aws) == []


def test_an_approval_tag_with_another_value_is_no_approval(aws: dict[str, Any]) -> None:
    key, event = scheduled(aws, [{"TagKey": "DeletionApproved", "TagValue": "pending"}])
    assert handler(event)["action"] == "cancelled"
    assert aws["kms"].describe_key(KeyId=key.rsplit("/", 1)[-1])["KeyMetadata"]["KeyState"] == "Disabled"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        pytest.param({"eventName": "DisableKey"}, "not a successful ScheduleKeyDeletion", id="another_call"),
        pytest.param(
            {"errorCode": "AccessDeniedException"}, "not a successful ScheduleKeyDeletion", id="failed_call"
        ),
        pytest.param(
            {"resources": [], "responseElements": None, "requestParameters": {}},
            "the event names no key",
            id="no_key",
        ),
    ],
)
def test_other_events_are_ignored(aws: dict[str, Any], change: dict[str, Any], reason: str) -> None:
    key, event = scheduled(aws, [])
    event["detail"].update(change)
    assert handler(event) == {"action": "ignored", "reason": reason}
    assert (
        aws["kms"].describe_key(KeyId=key.rsplit("/", 1)[-1])["KeyMetadata"]["KeyState"] == "PendingDeletion"
    )
    assert inbox(aws) == []
