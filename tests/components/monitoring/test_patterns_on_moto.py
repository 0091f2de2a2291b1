"""The event patterns, proven on moto's EventBridge: every watched call on a catalog key reaches the
target queue, look-alikes do not. moto runs as a server on 127.0.0.1, started by these tests."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from kmsguard.builders.monitoring import WatchedKey, api_call_patterns, service_event_pattern
from kmsguard.policies.monitoring_facts import DEFAULT_MONITORED_ACTIONS
from tests.components.monitoring.cloudtrail_samples import (
    ACCOUNT,
    DOCUMENTED,
    KEY_ARN,
    KEY_ID,
    REGION,
    record,
)
from tests.components.moto_server import client

REPLICA_REGION = "us-east-1"
REPLICA_ARN = f"arn:aws:kms:{REPLICA_REGION}:{ACCOUNT}:key/{KEY_ID}"
ALIAS = "alias/prod-orders-payments"
OUTSIDE_KEY = "0000abcd-12ab-34cd-56ef-1234567890ab"
WATCHED = [
    WatchedKey(REGION, KEY_ID, KEY_ARN, (ALIAS,)),
    WatchedKey(REPLICA_REGION, KEY_ID, REPLICA_ARN, (ALIAS,)),
]
Send = Callable[..., set[str]]


def _patterns(region: str) -> dict[str, dict[str, Any]]:
    patterns = {
        f"api-{p}": pattern
        for p, pattern in api_call_patterns(
            WATCHED, region=region, actions=DEFAULT_MONITORED_ACTIONS, account_id=ACCOUNT, partition="aws"
        ).items()
    }
    return patterns | {"kms-events": service_event_pattern(WATCHED, region=region)}


@pytest.fixture(scope="module")
def send(moto_endpoint: str) -> Send:
    """Rules from the builders on each region's default bus, one queue per rule; `send` puts one
    event and returns the rules whose queue received it."""
    queues: dict[tuple[str, str], str] = {}
    run = uuid.uuid4().hex[:8]
    for region in (REGION, REPLICA_REGION):
        events, sqs = client(moto_endpoint, "events", region), client(moto_endpoint, "sqs", region)
        for purpose, pattern in _patterns(region).items():
            url = sqs.create_queue(QueueName=f"{purpose}-{run}")["QueueUrl"]
            arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
                "QueueArn"
            ]
            rule = f"{purpose}-{run}"
            events.put_rule(Name=rule, EventPattern=json.dumps(pattern), State="ENABLED")
            events.put_targets(Rule=rule, Targets=[{"Id": "queue", "Arn": arn}])
            queues[(region, purpose)] = url

    def _send(
        detail: dict[str, Any],
        *,
        region: str = REGION,
        source: str = "aws.kms",
        detail_type: str = "AWS API Call via CloudTrail",
        resources: tuple[str, ...] = (),
    ) -> set[str]:
        events = client(moto_endpoint, "events", region)
        entry = {
            "Source": source,
            "DetailType": detail_type,
            "Detail": json.dumps(detail),
            "Resources": list(resources),
        }
        assert events.put_events(Entries=[entry])["FailedEntryCount"] == 0
        reached: set[str] = set()
        sqs = client(moto_endpoint, "sqs", region)
        for (queue_region, purpose), url in queues.items():
            if queue_region != region:
                continue
            # moto delivers during PutEvents, so the queue already holds whatever was delivered.
            messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
            for message in messages:
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            if messages:
                reached.add(purpose)
        return reached

    return _send


BY_KEY = sorted(set(DEFAULT_MONITORED_ACTIONS) - {"CreateGrant", "DeleteAlias"})


def test_every_watched_action_has_a_sample_record() -> None:
    assert set(DOCUMENTED) == set(DEFAULT_MONITORED_ACTIONS)


@pytest.mark.parametrize("action", BY_KEY)
@pytest.mark.parametrize("named", [KEY_ID, KEY_ARN], ids=["by_key_id", "by_key_arn"])
def test_every_watched_call_on_a_catalog_key_is_delivered(send: Send, action: str, named: str) -> None:
    assert send(record(action, key_id=named)) == {"api-keys"}


@pytest.mark.parametrize("named", [KEY_ID, KEY_ARN], ids=["by_key_id", "by_key_arn"])
def test_a_grant_to_another_account_is_delivered(send: Send, named: str) -> None:
    assert send(record("CreateGrant", key_id=named)) == {"api-grants"}


def test_deleting_a_catalog_alias_is_delivered(send: Send) -> None:
    assert send(record("DeleteAlias")) == {"api-aliases"}


def test_the_replica_is_watched_in_its_own_region(send: Send) -> None:
    replica_call = record("ScheduleKeyDeletion", key_id=REPLICA_ARN)
    replica_call["awsRegion"] = REPLICA_REGION
    assert send(replica_call, region=REPLICA_REGION) == {"api-keys"}
    # The primary's ARN names another key in the replica's region.
    assert send(record("ScheduleKeyDeletion", key_id=KEY_ARN), region=REPLICA_REGION) == set()


@pytest.mark.parametrize(
    "detail_type", ["KMS CMK Deletion", "KMS CMK Rotation", "KMS Imported Key Material Expiration"]
)
def test_kms_events_about_a_catalog_key_are_delivered(send: Send, detail_type: str) -> None:
    assert send({"key-id": KEY_ID}, detail_type=detail_type, resources=(KEY_ARN,)) == {"kms-events"}


@pytest.mark.parametrize(
    ("detail", "options"),
    [
        pytest.param(record("ScheduleKeyDeletion"), {"source": "aws.cloudtrail"}, id="another_event_source"),
        pytest.param(record("ScheduleKeyDeletion"), {"detail_type": "AWS Service Event via CloudTrail"}, id="another_detail_type"),
        pytest.param({**record("ScheduleKeyDeletion"), "eventSource": "kms-fips.amazonaws.com"}, {}, id="another_cloudtrail_source"),
        pytest.param(record("EnableKey"), {}, id="another_action"),
        pytest.param(record("Encrypt"), {}, id="a_cryptographic_call"),
        pytest.param(record("ScheduleKeyDeletion", key_id=OUTSIDE_KEY), {}, id="a_key_outside_the_catalog"),
        pytest.param(record("DisableKey", key_id=f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{OUTSIDE_KEY}"), {}, id="an_arn_outside_the_catalog"),
        pytest.param(record("CreateGrant", granteePrincipal=f"arn:aws:iam::{ACCOUNT}:role/OrdersBatch"), {}, id="a_grant_inside_the_account"),
        pytest.param(record("DeleteAlias", aliasName="alias/prod-other-team"), {}, id="an_alias_outside_the_catalog"),
        pytest.param({"key-id": OUTSIDE_KEY}, {"detail_type": "KMS CMK Deletion", "resources": (f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{OUTSIDE_KEY}",)}, id="a_kms_event_of_another_key"),
        pytest.param({**record("ScheduleKeyDeletion", key_id=f"arn:aws:kms:{REPLICA_REGION}:{ACCOUNT}:key/{OUTSIDE_KEY}"), "awsRegion": REPLICA_REGION}, {"region": REPLICA_REGION}, id="another_regions_key_outside_the_catalog"),
        pytest.param(record("CreateGrant", granteePrincipal=f"arn:aws:iam::{ACCOUNT}:root"), {}, id="a_grant_to_the_own_account_root"),
    ],
)  # fmt: skip
def test_look_alikes_are_not_delivered(send: Send, detail: dict[str, Any], options: dict[str, Any]) -> None:
    assert send(detail, **options) == set()


@pytest.mark.parametrize(
    "grantee",
    [
        pytest.param("arn:aws:iam::444455556666:role/Partner", id="another_accounts_role"),
        pytest.param("arn:aws:sts::444455556666:assumed-role/Partner/session", id="another_accounts_session"),
        # A session of the own account is not an `arn:aws:iam::<account>:` principal: EventBridge has no
        # anything-but over two prefixes, so it is reported too (an extra alert, never a missed one).
        pytest.param(f"arn:aws:sts::{ACCOUNT}:assumed-role/OrdersBatch/session", id="own_account_session_over_alerts"),
    ],
)  # fmt: skip
def test_grants_to_principals_outside_the_accounts_iam_are_delivered(send: Send, grantee: str) -> None:
    assert send(record("CreateGrant", granteePrincipal=grantee)) == {"api-grants"}
