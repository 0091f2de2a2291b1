"""CloudTrail records of KMS calls, written from AWS's documented examples ("Logging AWS KMS API calls
with AWS CloudTrail": ScheduleKeyDeletion, DisableKey, PutKeyPolicy), the rest in the same shape.

Account, key id and user are AWS's documentation examples. `record(action, key_id=…)` returns the
record for one call; the key is named the way the caller named it (id or ARN)."""

from __future__ import annotations

import copy
from typing import Any

ACCOUNT = "111122223333"
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
REGION = "us-west-2"
KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{KEY_ID}"
ALICE = {
    "type": "IAMUser",
    "principalId": "EX_PRINCIPAL_ID",
    "arn": f"arn:aws:iam::{ACCOUNT}:user/Alice",
    "accountId": ACCOUNT,
    "accessKeyId": "EXAMPLE_KEY_ID",
    "userName": "Alice",
}

SCHEDULE_KEY_DELETION: dict[str, Any] = {
    "eventVersion": "1.08", "userIdentity": ALICE, "eventTime": "2021-03-23T18:58:30Z",
    "eventSource": "kms.amazonaws.com", "eventName": "ScheduleKeyDeletion", "awsRegion": REGION,
    "sourceIPAddress": "192.0.2.0", "userAgent": "AWS Internal",
    "requestParameters": {"pendingWindowInDays": 20, "keyId": KEY_ID},
    "responseElements": {"keyId": KEY_ARN, "keyState": "PendingDeletion", "deletionDate": "Apr 12, 2021 18:58:30 PM"},
    "requestID": "ee408f36-ea01-422b-ac14-b0f147c68334", "eventID": "3c4226b0-1e81-48a8-a333-7fa5f3cbd118",
    "readOnly": False, "resources": [{"accountId": ACCOUNT, "type": "AWS::KMS::Key", "ARN": KEY_ARN}],
    "eventType": "AwsApiCall", "recipientAccountId": ACCOUNT,
}  # fmt: skip
DISABLE_KEY: dict[str, Any] = {
    "eventVersion": "1.02", "userIdentity": ALICE, "eventTime": "2014-11-04T00:52:43Z",
    "eventSource": "kms.amazonaws.com", "eventName": "DisableKey", "awsRegion": REGION,
    "sourceIPAddress": "192.0.2.0", "userAgent": "AWS Internal", "requestParameters": {"keyId": KEY_ID},
    "responseElements": None, "requestID": "12345126-30d5-4b28-98b9-9153da559963",
    "eventID": "abcde202-ba1a-467c-b4ba-f729d45ae521", "readOnly": False,
    "resources": [{"ARN": KEY_ARN, "accountId": ACCOUNT}], "eventType": "AwsApiCall", "recipientAccountId": ACCOUNT,
}  # fmt: skip
PUT_KEY_POLICY: dict[str, Any] = {
    "eventVersion": "1.08", "userIdentity": ALICE, "eventTime": "2022-09-01T20:06:16Z",
    "eventSource": "kms.amazonaws.com", "eventName": "PutKeyPolicy", "awsRegion": REGION,
    "sourceIPAddress": "192.0.2.0", "userAgent": "AWS Internal",
    "requestParameters": {
        "keyId": KEY_ID, "policyName": "default",
        "policy": '{\n  "Version" : "2012-10-17",\n  "Id" : "key-default-1",\n  "Statement" : [ {\n    "Sid" : '
                  '"Enable IAM User Permissions",\n    "Effect" : "Allow",\n    "Principal" : {\n      "AWS" : '
                  '"arn:aws:iam::111122223333:root"\n    },\n    "Action" : "kms:*",\n    "Resource" : "*"\n  } ]\n}',
        "bypassPolicyLockoutSafetyCheck": False,
    },
    "responseElements": None, "requestID": "7bb906fa-dc21-4350-b65c-808ff0f72f55",
    "eventID": "c217db1f-903f-4a2f-8f88-9580182d6313", "readOnly": False,
    "resources": [{"accountId": ACCOUNT, "type": "AWS::KMS::Key", "ARN": KEY_ARN}], "eventType": "AwsApiCall",
    "managementEvent": True, "recipientAccountId": ACCOUNT, "eventCategory": "Management",
}  # fmt: skip

#: Requests of the other watched calls, in the documented records' shape.
_REQUESTS: dict[str, dict[str, Any]] = {
    "DeleteImportedKeyMaterial": {"keyId": KEY_ID},
    "DisableKeyRotation": {"keyId": KEY_ID},
    "ReplicateKey": {"keyId": KEY_ID, "replicaRegion": "us-east-1"},
    "UpdatePrimaryRegion": {"keyId": KEY_ID, "primaryRegion": "us-east-1"},
    "CreateGrant": {
        "keyId": KEY_ID,
        "granteePrincipal": "arn:aws:iam::444455556666:root",
        "operations": ["Decrypt"],
    },
    "DeleteAlias": {"aliasName": "alias/prod-orders-payments"},
    "EnableKey": {"keyId": KEY_ID},
    "Encrypt": {"keyId": KEY_ID, "encryptionAlgorithm": "SYMMETRIC_DEFAULT"},
}
_DOCUMENTED = {r["eventName"]: r for r in (SCHEDULE_KEY_DELETION, DISABLE_KEY, PUT_KEY_POLICY)}


def record(action: str, *, key_id: str | None = None, **request: Any) -> dict[str, Any]:
    """The record of `action`; `key_id` replaces the documented key as the caller named it."""
    base = copy.deepcopy(_DOCUMENTED.get(action, PUT_KEY_POLICY))
    base["eventName"] = action
    if action not in _DOCUMENTED:
        base["requestParameters"] = copy.deepcopy(_REQUESTS[action])
    if key_id is not None and "keyId" in base["requestParameters"]:
        base["requestParameters"]["keyId"] = key_id
    base["requestParameters"].update(request)
    return base
