"""The events a watched KMS key produces, shaped as CloudTrail records and EventBridge events.

A coverage rule asks "would this rule (or metric filter) see a call to X on key K?"; these builders
answer with the records AWS documents (CloudTrail's KMS examples: `ScheduleKeyDeletion`,
`DisableKey`, `PutKeyPolicy`), so patterns are judged against the same shape they meet in production.
A caller may name a key by id or by ARN, so `api_call_events` gives both forms; a rule covers the
call only when it matches every form.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .monitoring_facts import (
    ALIAS_ACTION,
    CLOUDTRAIL_DETAIL_TYPE,
    GRANT_ACTION,
    KMS_API_EVENT_SOURCE,
    KMS_EVENT_SOURCE,
    PENDING_DELETION_ERROR_CODE,
    PENDING_DELETION_ERROR_SUFFIX,
)

#: AWS documentation example accounts: the caller's account and one outside it.
_EXAMPLE_ACCOUNTS = ("111122223333", "444455556666")
#: A cryptographic operation per key usage: what "using a key pending deletion" means for it.
USE_BY_KEY_USAGE = {
    "ENCRYPT_DECRYPT": "Decrypt",
    "SIGN_VERIFY": "Sign",
    "GENERATE_VERIFY_MAC": "GenerateMac",
    "KEY_AGREEMENT": "DeriveSharedSecret",
}


@dataclass(frozen=True)
class KeyRef:
    """A key as seen in one region: its ARN (which names partition, region, account and id)."""

    arn: str
    aliases: tuple[str, ...] = ()
    usage: str = "ENCRYPT_DECRYPT"

    @property
    def partition(self) -> str:
        return self.arn.split(":")[1]

    @property
    def region(self) -> str:
        return self.arn.split(":")[3]

    @property
    def account(self) -> str:
        return self.arn.split(":")[4]

    @property
    def key_id(self) -> str:
        return self.arn.rsplit("/", 1)[-1]


def outside_account(account: str) -> str:
    return next(a for a in _EXAMPLE_ACCOUNTS if a != account)


def cloudtrail_record(key: KeyRef, event_name: str, request: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """One CloudTrail record of a KMS call on `key` by an IAM user of its account."""
    return {
        "eventVersion": "1.08",
        "userIdentity": {
            "type": "IAMUser",
            "principalId": "EX_PRINCIPAL_ID",
            "arn": f"arn:{key.partition}:iam::{key.account}:user/Alice",
            "accountId": key.account,
            "accessKeyId": "EXAMPLE_KEY_ID",
            "userName": "Alice",
        },
        "eventTime": "2022-09-01T20:06:16Z",
        "eventSource": KMS_API_EVENT_SOURCE,
        "eventName": event_name,
        "awsRegion": key.region,
        "sourceIPAddress": "192.0.2.0",
        "userAgent": "AWS Internal",
        "requestParameters": request,
        "responseElements": None,
        "requestID": "7bb906fa-dc21-4350-b65c-808ff0f72f55",
        "eventID": "c217db1f-903f-4a2f-8f88-9580182d6313",
        "readOnly": False,
        "resources": [{"accountId": key.account, "type": "AWS::KMS::Key", "ARN": key.arn}],
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": key.account,
        "eventCategory": "Management",
        **extra,
    }


def eventbridge_event(record: dict[str, Any]) -> dict[str, Any]:
    """A CloudTrail record as EventBridge delivers it: the record is `detail`."""
    return {
        "version": "0",
        "id": "3c4226b0-1e81-48a8-a333-7fa5f3cbd118",
        "detail-type": CLOUDTRAIL_DETAIL_TYPE,
        "source": KMS_EVENT_SOURCE,
        "account": record["recipientAccountId"],
        "time": record["eventTime"],
        "region": record["awsRegion"],
        "resources": [],
        "detail": record,
    }


def api_call_events(key: KeyRef, action: str) -> list[dict[str, Any]]:
    """Every form of a call to `action` on `key` that a watching rule must see (empty: none exists)."""
    if action == ALIAS_ACTION:
        return [
            eventbridge_event(
                cloudtrail_record(
                    key,
                    action,
                    {"aliasName": alias},
                    resources=[
                        {"accountId": key.account, "type": "AWS::KMS::Key", "ARN": key.arn},
                        {
                            "accountId": key.account,
                            "type": "AWS::KMS::Alias",
                            "ARN": f"arn:{key.partition}:kms:{key.region}:{key.account}:{alias}",
                        },
                    ],
                )
            )
            for alias in key.aliases
        ]
    events = []
    for named in (key.key_id, key.arn):
        request: dict[str, Any] = {"keyId": named}
        if action == GRANT_ACTION:
            request |= {
                "granteePrincipal": f"arn:{key.partition}:iam::{outside_account(key.account)}:root",
                "operations": ["Decrypt"],
            }
        elif action == "ScheduleKeyDeletion":
            request |= {"pendingWindowInDays": 30}
        events.append(eventbridge_event(cloudtrail_record(key, action, request)))
    return events


def pending_deletion_use(key: KeyRef) -> dict[str, Any]:
    """The CloudTrail record of a cryptographic call that failed because the key is pending deletion."""
    return cloudtrail_record(
        key,
        USE_BY_KEY_USAGE.get(key.usage, "Decrypt"),
        {"keyId": key.arn},
        readOnly=True,
        errorCode=PENDING_DELETION_ERROR_CODE,
        errorMessage=f"{key.arn}{PENDING_DELETION_ERROR_SUFFIX}",
    )


def ordinary_use(key: KeyRef) -> dict[str, Any]:
    """The same call succeeding: a filter that counts this too alarms on every use, so it is no alarm."""
    return cloudtrail_record(
        key, USE_BY_KEY_USAGE.get(key.usage, "Decrypt"), {"keyId": key.arn}, readOnly=True
    )
