"""The audit's clients refuse every write, retry throttling adaptively, and what a refused read means."""

from __future__ import annotations

from datetime import UTC, datetime

import boto3
import pytest
from botocore.stub import Stubber

from kmsguard.gate.audit import findings, shapes
from kmsguard.gate.audit.aws import Clients, WriteRefused
from kmsguard.gate.audit.collect import read_region
from kmsguard.policies.sentinels import UNKNOWN_STRING_SENTINEL

ARN = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
KEY_ID = ARN.rsplit("/", 1)[1]


@pytest.mark.parametrize(
    ("operation", "params", "name"),
    [
        pytest.param("create_key", {}, "CreateKey", id="create"),
        pytest.param("schedule_key_deletion", {"KeyId": KEY_ID}, "ScheduleKeyDeletion", id="delete"),
        pytest.param("put_key_policy", {"KeyId": KEY_ID, "Policy": "{}"}, "PutKeyPolicy", id="policy"),
        pytest.param("enable_key_rotation", {"KeyId": KEY_ID}, "EnableKeyRotation", id="rotation"),
    ],
)
def test_a_write_is_refused_before_it_reaches_the_endpoint(
    moto_endpoint: str, operation: str, params: dict[str, str], name: str
) -> None:
    kms = Clients(endpoint_url=moto_endpoint).client("kms", "ap-south-1")
    with pytest.raises(WriteRefused) as refused:
        getattr(kms, operation)(**params)
    assert str(refused.value) == (
        f"the audit refused to call kms:{name}\n"
        "  kmsguard audit only lists, describes and gets; this is a bug in kmsguard"
    )
    plain = boto3.client("kms", region_name="ap-south-1", endpoint_url=moto_endpoint)
    assert plain.list_keys()["Keys"] == []


def test_reads_pass_the_guard(moto_endpoint: str) -> None:
    kms = Clients(endpoint_url=moto_endpoint).client("kms", "ap-south-1")
    assert kms.list_keys()["Keys"] == []


def test_throttling_is_retried_adaptively() -> None:
    kms = Clients().client("kms", "us-east-1")
    assert kms.meta.config.retries == {"mode": "adaptive", "total_max_attempts": 10}


def _stubbed(metadata: dict[str, object]) -> tuple[Clients, Stubber]:
    clients = Clients()
    stub = Stubber(clients.client("kms", "us-east-1"))
    stub.add_response("list_aliases", {"Aliases": []})
    stub.add_response("list_keys", {"Keys": [{"KeyId": KEY_ID, "KeyArn": ARN}]})
    stub.add_response("describe_key", {"KeyMetadata": metadata}, {"KeyId": KEY_ID})
    return clients, stub


def test_aws_managed_keys_are_counted_and_skipped() -> None:
    clients, stub = _stubbed({"KeyId": KEY_ID, "Arn": ARN, "KeyManager": "AWS", "KeyState": "Enabled"})
    with stub:
        read = read_region(clients, "us-east-1")
    stub.assert_no_pending_responses()
    assert (read.aws_managed, read.keys) == (1, [])


def test_a_refused_read_leaves_the_value_unknown_and_fails_the_audit() -> None:
    clients, stub = _stubbed(
        {
            "KeyId": KEY_ID,
            "Arn": ARN,
            "KeyManager": "CUSTOMER",
            "KeyState": "Enabled",
            "Enabled": True,
            "Origin": "AWS_KMS",
            "KeySpec": "SYMMETRIC_DEFAULT",
            "KeyUsage": "ENCRYPT_DECRYPT",
            "Description": "Orders of the payments team",
            "CreationDate": datetime(2024, 1, 1, tzinfo=UTC),
        }
    )
    stub.add_client_error("get_key_policy", "AccessDeniedException", "no", 400)
    stub.add_response("get_key_rotation_status", {"KeyRotationEnabled": True, "RotationPeriodInDays": 180})
    stub.add_response("list_resource_tags", {"Tags": [{"TagKey": "Environment", "TagValue": "prod"}]})
    stub.add_response("list_grants", {"Grants": []})
    with stub:
        (key,) = read_region(clients, "us-east-1").keys
    stub.assert_no_pending_responses()
    assert key.unreadable == ["GetKeyPolicy: AccessDeniedException"]
    assert shapes.key_inputs(key) == {
        "description": "Orders of the payments team",
        "policy": UNKNOWN_STRING_SENTINEL,
        "tags": {"Environment": "prod"},
        "region": "us-east-1",
        "multiRegion": False,
        "customerMasterKeySpec": "SYMMETRIC_DEFAULT",
        "keyUsage": "ENCRYPT_DECRYPT",
        "isEnabled": True,
        "enableKeyRotation": True,
        "rotationPeriodInDays": 180,
    }
    assert [(v.rule_id, v.enforcement, v.message) for v in findings.for_key(key)] == [
        (
            "KG-A02",
            "mandatory",
            "the audit could not read GetKeyPolicy: AccessDeniedException; what depends on it was not "
            "judged — allow these reads for the auditor and run the audit again",
        )
    ]


def test_keys_are_listed_page_by_page() -> None:
    clients = Clients()
    stub = Stubber(clients.client("kms", "us-east-1"))
    stub.add_response("list_aliases", {"Aliases": []})
    stub.add_response(
        "list_keys", {"Keys": [{"KeyId": KEY_ID, "KeyArn": ARN}], "Truncated": True, "NextMarker": "m"}
    )
    stub.add_response(
        "list_keys", {"Keys": [{"KeyId": "other", "KeyArn": ARN + "0"}], "Truncated": False}, {"Marker": "m"}
    )
    for key_id in (KEY_ID, "other"):
        stub.add_response("describe_key", {"KeyMetadata": {"KeyId": key_id, "Arn": ARN, "KeyManager": "AWS"}})
    with stub:
        read = read_region(clients, "us-east-1")
    stub.assert_no_pending_responses()
    assert (read.aws_managed, read.keys) == (2, [])
