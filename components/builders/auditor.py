"""The IAM policy `kmsguard audit` needs, and nothing more: it lists, describes and gets.

ListKeys and ListAliases take no resource-level permission (Resource must be `*`); every other read
names the account's keys. The actions are the KMS facts' read-only ones the audit calls, so a change
to the audit's reads shows up here (its tests compare the two).
"""

from __future__ import annotations

from typing import Any, Final

from kmsguard.policies.facts import POLICY_VERSION, READ_ONLY_ACTIONS

#: Reads of one key the audit makes (each is one of the facts' read-only actions).
AUDIT_KEY_ACTIONS: Final = tuple(
    sorted(
        READ_ONLY_ACTIONS
        & {"DescribeKey", "GetKeyPolicy", "GetKeyRotationStatus", "ListGrants", "ListResourceTags"}
    )
)
#: Account-wide listings: KMS supports no resource-level permission for them.
AUDIT_LIST_ACTIONS: Final = ("ListAliases", "ListKeys")
#: Only when no --region is given: the account's enabled regions.
REGIONS_ACTION: Final = "ec2:DescribeRegions"


def build_auditor_policy(*, account_id: str, partition: str = "aws") -> dict[str, Any]:
    """The auditor's identity policy for one account (sts:GetCallerIdentity needs no permission)."""
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {
                "Sid": "KmsAuditReadKeys",
                "Effect": "Allow",
                "Action": [f"kms:{a}" for a in AUDIT_KEY_ACTIONS],
                "Resource": f"arn:{partition}:kms:*:{account_id}:key/*",
            },
            {
                "Sid": "KmsAuditListKeysAndAliases",
                "Effect": "Allow",
                "Action": [f"kms:{a}" for a in AUDIT_LIST_ACTIONS],
                "Resource": "*",
            },
            {"Sid": "KmsAuditListRegions", "Effect": "Allow", "Action": REGIONS_ACTION, "Resource": "*"},
        ],
    }
