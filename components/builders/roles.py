"""Role → KMS actions for a given key, from the KMS facts' explicit lists (never a wildcard)."""

from __future__ import annotations

from kmsguard.facts import (
    KEY_AGREEMENT_ACTIONS,
    MAC_ACTIONS,
    PUBLIC_KEY_DECRYPT_ACTIONS,
    PUBLIC_KEY_ENCRYPT_ACTIONS,
    PUBLIC_KEY_ENCRYPTION_ACTIONS,
    RETIRED_KEY_ACTIONS,
    SIGN_VERIFY_ACTIONS,
    VERIFY_ACTIONS,
)
from kmsguard.policies.facts import (
    ADMIN_ACTIONS,
    DECRYPT_ACTIONS,
    ENCRYPT_ACTIONS,
    IMPORTED_MATERIAL_ADMIN_ACTIONS,
    MULTI_REGION_ADMIN_ACTIONS,
    SYMMETRIC_USER_ACTIONS,
)
from kmsguard.spec import KmsKeySpec, UsageRole


def administration_actions(spec: KmsKeySpec) -> tuple[str, ...]:
    """Everything needed to manage this key; no CreateGrant (that would hand out use)."""
    actions = set(ADMIN_ACTIONS)
    if spec.multi_region_enabled:
        actions.update(MULTI_REGION_ADMIN_ACTIONS)
    if spec.origin == "EXTERNAL":
        actions.update(IMPORTED_MATERIAL_ADMIN_ACTIONS)
    return tuple(sorted(actions))


def critical_actions(spec: KmsKeySpec) -> tuple[str, ...]:
    """The MFA-gated subset of this key's administration actions."""
    return tuple(sorted(set(spec.mfa.actions) & set(administration_actions(spec))))


def usage_actions(spec: KmsKeySpec, role: UsageRole | str, *, retired: bool = False) -> tuple[str, ...]:
    """The actions a usage role gets on this key; a retired key keeps only the opening side."""
    role = UsageRole(role)
    symmetric = spec.kind.symmetric_encryption
    table: dict[UsageRole, tuple[str, ...]] = {
        UsageRole.USERS: SYMMETRIC_USER_ACTIONS if symmetric else PUBLIC_KEY_ENCRYPTION_ACTIONS,
        UsageRole.ENCRYPT_ONLY: ENCRYPT_ACTIONS if symmetric else PUBLIC_KEY_ENCRYPT_ACTIONS,
        UsageRole.DECRYPT_ONLY: DECRYPT_ACTIONS if symmetric else PUBLIC_KEY_DECRYPT_ACTIONS,
        UsageRole.SERVICE_USERS: SYMMETRIC_USER_ACTIONS,
        UsageRole.SIGNERS: SIGN_VERIFY_ACTIONS,
        UsageRole.VERIFIERS: VERIFY_ACTIONS,
        UsageRole.MAC_USERS: MAC_ACTIONS,
        UsageRole.KEY_AGREEMENT: KEY_AGREEMENT_ACTIONS,
    }
    actions = set(table[role])
    if retired:
        actions &= RETIRED_KEY_ACTIONS
    return tuple(sorted(actions))
