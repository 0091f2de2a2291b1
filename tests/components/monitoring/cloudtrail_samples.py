"""CloudTrail records of KMS calls, written from AWS's documented examples (KMS developer guide,
"Logging AWS KMS API calls with AWS CloudTrail": ScheduleKeyDeletion, DisableKey, PutKeyPolicy,
CreateGrant, DeleteAlias, DeleteImportedKeyMaterial, ReplicateKey, UpdatePrimaryRegion). The guide
prints no DisableKeyRotation record: it takes DisableKey's shape, its request being a key id alone
(API reference). Where AWS's example names no real grantee (`EX_PRINCIPAL_ID`) the record names a
role of another account, as the watched call does.

Account, key id and user are AWS's documentation examples. `record(action, key_id=…)` returns the
record for one call; the key is named the way the caller named it (id or ARN)."""

from __future__ import annotations

import copy
from typing import Any

ACCOUNT = "111122223333"
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
REGION = "us-west-2"
KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{KEY_ID}"
ALIAS = "alias/prod-orders-payments"
ALICE = {
    "type": "IAMUser",
    "principalId": "EX_PRINCIPAL_ID",
    "arn": f"arn:aws:iam::{ACCOUNT}:user/Alice",
    "accountId": ACCOUNT,
    "accessKeyId": "EXAMPLE_KEY_ID",
    "userName": "Alice",
}
_KEY_RESOURCE = {"accountId": ACCOUNT, "type": "AWS::KMS::Key", "ARN": KEY_ARN}

SCHEDULE_KEY_DELETION: dict[str, Any] = {
    "eventVersion": "1.08", "userIdentity": ALICE, "eventTime": "2021-03-23T18:58:30Z",
    "eventSource": "kms.amazonaws.com", "eventName": "ScheduleKeyDeletion", "awsRegion": REGION,
    "sourceIPAddress": "192.0.2.0", "userAgent": "AWS Internal",
    "requestParameters": {"pendingWindowInDays": 20, "keyId": KEY_ID},
    "responseElements": {"keyId": KEY_ARN, "keyState": "PendingDeletion", "deletionDate": "Apr 12, 2021 18:58:30 PM"},
    "requestID": "ee408f36-ea01-422b-ac14-b0f147c68334", "eventID": "3c4226b0-1e81-48a8-a333-7fa5f3cbd118",
    "readOnly": False, "resources": [_KEY_RESOURCE],
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
    "resources": [_KEY_RESOURCE], "eventType": "AwsApiCall",
    "managementEvent": True, "recipientAccountId": ACCOUNT, "eventCategory": "Management",
}  # fmt: skip
CREATE_GRANT: dict[str, Any] = {
    "eventVersion": "1.02", "userIdentity": ALICE, "eventTime": "2014-11-04T00:53:12Z",
    "eventSource": "kms.amazonaws.com", "eventName": "CreateGrant", "awsRegion": REGION,
    "sourceIPAddress": "192.0.2.0", "userAgent": "AWS Internal",
    "requestParameters": {
        "keyId": KEY_ARN, "constraints": {"encryptionContextSubset": {"ContextKey1": "Value1"}},
        "operations": ["Encrypt", "RetireGrant"], "granteePrincipal": "arn:aws:iam::444455556666:root",
    },
    "responseElements": {"grantId": "f020fe75197b93991dc8491d6f19dd3cebb24ee62277a05914386724f3d48758", "keyId": KEY_ARN},
    "requestID": "f3c08808-63bc-11e4-bc2b-4198b6150d5c", "eventID": "5d529779-2d27-42b5-92da-91aaea1fc4b5",
    "readOnly": False, "resources": [{"ARN": KEY_ARN, "accountId": ACCOUNT}], "eventType": "AwsApiCall",
    "recipientAccountId": ACCOUNT,
}  # fmt: skip
DELETE_ALIAS: dict[str, Any] = {
    "eventVersion": "1.02", "userIdentity": ALICE, "eventTime": "2014-11-04T00:52:27Z",
    "eventSource": "kms.amazonaws.com", "eventName": "DeleteAlias", "awsRegion": REGION,
    "sourceIPAddress": "192.0.2.0", "userAgent": "AWS Internal", "requestParameters": {"aliasName": ALIAS},
    "responseElements": {"keyId": KEY_ARN}, "requestID": "d9542792-63bc-11e4-bc2b-4198b6150d5c",
    "eventID": "12f48554-bb04-4991-9cfc-e7e85f68eda0", "readOnly": False,
    "resources": [{"ARN": f"arn:aws:kms:{REGION}:{ACCOUNT}:{ALIAS}", "accountId": ACCOUNT},
                  {"ARN": KEY_ARN, "accountId": ACCOUNT}],
    "eventType": "AwsApiCall", "recipientAccountId": ACCOUNT,
}  # fmt: skip
DELETE_IMPORTED_KEY_MATERIAL: dict[str, Any] = {
    "eventVersion": "1.11", "userIdentity": ALICE, "eventTime": "2025-05-20T20:45:08Z",
    "eventSource": "kms.amazonaws.com", "eventName": "DeleteImportedKeyMaterial", "awsRegion": REGION,
    "sourceIPAddress": "192.0.2.0", "userAgent": "AWS Internal",
    "requestParameters": {"keyId": KEY_ID, "keyMaterialId": "123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0"},
    "responseElements": {"keyId": KEY_ARN, "keyMaterialId": "123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0"},
    "requestID": "dcf0e82f-dad0-4622-a378-a5b964ad42c1", "eventID": "2afbb991-c668-4641-8a00-67d62e1fecbd",
    "readOnly": False, "resources": [_KEY_RESOURCE], "eventType": "AwsApiCall", "managementEvent": True,
    "recipientAccountId": ACCOUNT, "eventCategory": "Management",
}  # fmt: skip
REPLICATE_KEY: dict[str, Any] = {
    "eventVersion": "1.08", "userIdentity": ALICE, "eventTime": "2020-11-18T01:29:18Z",
    "eventSource": "kms.amazonaws.com", "eventName": "ReplicateKey", "awsRegion": REGION,
    "sourceIPAddress": "192.0.2.0", "userAgent": "AWS Internal",
    "requestParameters": {"keyId": KEY_ID, "replicaRegion": "us-east-1", "bypassPolicyLockoutSafetyCheck": False, "description": ""},
    "responseElements": {"replicaKeyMetadata": {"aWSAccountId": ACCOUNT, "keyId": KEY_ID,
                                                "arn": f"arn:aws:kms:us-east-1:{ACCOUNT}:key/{KEY_ID}",
                                                "keyState": "Creating", "multiRegion": True}},
    "readOnly": False, "resources": [_KEY_RESOURCE], "eventType": "AwsApiCall", "managementEvent": True,
    "recipientAccountId": ACCOUNT, "eventCategory": "Management",
}  # fmt: skip
UPDATE_PRIMARY_REGION: dict[str, Any] = {
    "eventVersion": "1.08", "userIdentity": ALICE, "eventTime": "2021-03-10T20:23:37Z",
    "eventSource": "kms.amazonaws.com", "eventName": "UpdatePrimaryRegion", "awsRegion": REGION,
    "sourceIPAddress": "192.0.2.0", "userAgent": "AWS Internal",
    "requestParameters": {"keyId": KEY_ID, "primaryRegion": "ap-northeast-1"},
    "responseElements": {"keyId": KEY_ARN}, "requestID": "ee408f36-ea01-422b-ac14-b0f147c68334",
    "eventID": "3c4226b0-1e81-48a8-a333-7fa5f3cbd118", "readOnly": False, "resources": [_KEY_RESOURCE],
    "eventType": "AwsApiCall", "managementEvent": True, "eventCategory": "Management", "recipientAccountId": ACCOUNT,
}  # fmt: skip
DISABLE_KEY_ROTATION: dict[str, Any] = {**copy.deepcopy(DISABLE_KEY), "eventName": "DisableKeyRotation"}

#: The watched calls' records by action.
DOCUMENTED: dict[str, dict[str, Any]] = {
    r["eventName"]: r
    for r in (SCHEDULE_KEY_DELETION, DISABLE_KEY, PUT_KEY_POLICY, CREATE_GRANT, DELETE_ALIAS,
              DELETE_IMPORTED_KEY_MATERIAL, REPLICATE_KEY, UPDATE_PRIMARY_REGION, DISABLE_KEY_ROTATION)
}  # fmt: skip
#: Requests of look-alike calls that are not watched, in DisableKey's shape.
_LOOK_ALIKES: dict[str, dict[str, Any]] = {
    "EnableKey": {"keyId": KEY_ID},
    "Encrypt": {"keyId": KEY_ID, "encryptionAlgorithm": "SYMMETRIC_DEFAULT"},
}


def record(action: str, *, key_id: str | None = None, **request: Any) -> dict[str, Any]:
    """The record of `action`; `key_id` replaces the documented key as the caller named it."""
    if action in DOCUMENTED:
        base = copy.deepcopy(DOCUMENTED[action])
    else:
        base = copy.deepcopy(DISABLE_KEY)
        base["eventName"] = action
        base["requestParameters"] = copy.deepcopy(_LOOK_ALIKES[action])
    if key_id is not None and "keyId" in base["requestParameters"]:
        base["requestParameters"]["keyId"] = key_id
    base["requestParameters"].update(request)
    return base
