"""What only a live key can show, reported next to the pack's findings: its state, and reads the
audit was refused. They are policies of the audit itself (`KG-A…`), not of the pack, because no
Pulumi program declares a key's state: pulumi-aws has no property for "pending deletion".
"""

from __future__ import annotations

from typing import Final

from kmsguard.gate.audit.collect import LiveKey
from kmsguard.gate.model import PolicyMeta, Violation

KEY_STATE: Final = PolicyMeta(
    name="kms-audit-key-state",
    title="A key in use is enabled and not scheduled for deletion",
    description=("The live key is pending deletion, disabled, waiting for imported material or unavailable."),
    severity="high",
    enforcement="mandatory",
    remediation=(
        "Cancel a deletion nobody reviewed (CancelKeyDeletion) and find what still uses the key; enable a "
        "key disabled by mistake; import material for a key pending import."
    ),
    url="https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html",
    tags=("KG-A01",),
)
COMPLETE_READ: Final = PolicyMeta(
    name="kms-audit-requires-complete-read",
    title="The audit could read everything the rules judge",
    description="The audit was refused a read, so the rules could not judge that part of the key.",
    severity="high",
    enforcement="mandatory",
    remediation="Give the auditor the IAM policy in the README (kmsguard audit: the auditor's policy).",
    url="https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html",
    tags=("KG-A02",),
)
POLICIES: Final = (KEY_STATE, COMPLETE_READ)

#: States in which a key does its work.
_HEALTHY: Final = frozenset({"Enabled", "Creating", "Updating"})


def for_key(key: LiveKey) -> list[Violation]:
    found: list[Violation] = []
    state = key.state
    if state not in _HEALTHY:
        found.append(_violation(KEY_STATE, key.arn, _state_message(key)))
    if key.unreadable:
        found.append(
            _violation(
                COMPLETE_READ,
                key.arn,
                f"the audit could not read {', '.join(sorted(key.unreadable))}; what depends on it was "
                "not judged — allow these reads for the auditor and run the audit again",
            )
        )
    return found


def _state_message(key: LiveKey) -> str:
    state = key.state
    if state in ("PendingDeletion", "PendingReplicaDeletion"):
        when = key.deletion_date
        date = f" on {when.date().isoformat()}" if when is not None else ""
        return (
            f"the key is {state} and will be deleted{date}, destroying every ciphertext it protects; "
            "cancel the deletion (CancelKeyDeletion) unless nothing uses it"
        )
    if state == "Disabled":
        return "the key is Disabled: every request with it fails; enable it or schedule its deletion"
    if state == "PendingImport":
        return "the key is PendingImport: it has no key material yet; import material or delete it"
    return f"the key is {state}; see the KMS key-state table for what it can do"


def _violation(policy: PolicyMeta, urn: str, message: str) -> Violation:
    return Violation(
        policy=policy.name,
        rule_id=policy.rule_id,
        severity=policy.severity,
        enforcement=policy.enforcement,
        urn=urn,
        message=message,
    )
