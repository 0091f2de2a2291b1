"""What AWS documents about watching KMS keys: event patterns, KMS's own events, the pending-deletion
alarm, and the resource types that carry them. Written once, here, for the monitoring component and
for the pack's monitoring rule (KG-S04); the pack must publish alone, so this lives on the pack side.

Sources: EventBridge events reference "AWS Key Management Service events"; KMS developer guide
"Monitor KMS keys with Amazon EventBridge" and "Create an alarm that detects use of a KMS key pending
deletion"; CloudTrail's KMS record examples. The resource types that carry them are type tokens of
`facts`, with every other.
"""

from __future__ import annotations

from typing import Final

# ---------------------------------------------------------------------------------------------
# EventBridge
# ---------------------------------------------------------------------------------------------

#: `source` of every event about KMS, API calls and KMS's own events alike.
KMS_EVENT_SOURCE: Final = "aws.kms"
#: `detail-type` of API calls that CloudTrail delivers to EventBridge (needs a trail that logs).
CLOUDTRAIL_DETAIL_TYPE: Final = "AWS API Call via CloudTrail"
#: `detail.eventSource` of a KMS API call in a CloudTrail record.
KMS_API_EVENT_SOURCE: Final = "kms.amazonaws.com"
#: The only event bus CloudTrail and KMS deliver to.
DEFAULT_EVENT_BUS: Final = "default"


#: API calls that destroy a key, lock its owners out, or hand it elsewhere: watched by default.
#: CreateGrant is watched only where the grantee is outside the account; DeleteAlias names an alias,
#: not a key. Everything else names the key in `requestParameters.keyId`.
DEFAULT_MONITORED_ACTIONS: Final = (
    "CreateGrant",
    "DeleteAlias",
    "DeleteImportedKeyMaterial",
    "DisableKey",
    "DisableKeyRotation",
    "PutKeyPolicy",
    "ReplicateKey",
    "ScheduleKeyDeletion",
    "UpdatePrimaryRegion",
)
#: The action scoped by the grantee (outside the account) besides the key.
GRANT_ACTION: Final = "CreateGrant"
#: The action scoped by the alias name: its request names no key.
ALIAS_ACTION: Final = "DeleteAlias"

#: The largest event pattern a rule may have, in characters (EventBridge quotas, "Event pattern size":
#: 2,048 per Region by default; adjustable). Patterns are sent as compact JSON and measured as sent.
EVENT_PATTERN_MAX_CHARS: Final = 2048

#: Rule states that deliver write events (pulumi-aws `state`; absent means ENABLED).
ENABLED_RULE_STATES: Final = frozenset({"ENABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"})

# ---------------------------------------------------------------------------------------------
# The pending-deletion alarm (KMS developer guide, values as printed until Oct 2022)
# ---------------------------------------------------------------------------------------------

PENDING_DELETION_FILTER_PATTERN: Final = (
    '{ $.eventSource = kms* && $.errorMessage = "* is pending deletion."}'
)
#: The error CloudTrail records when a key pending deletion is used: `<key ARN> is pending deletion.`
PENDING_DELETION_ERROR_SUFFIX: Final = " is pending deletion."
PENDING_DELETION_ERROR_CODE: Final = "KMSInvalidStateException"
