"""The closed vocabulary of capabilities a principal can hold on a key, and which KMS actions give each.

Derived from the pack's action lists (`kmsguard.policies.facts`), not restated: the administration
and read-only sets come whole from there, and only the cryptographic operations are named one by one.
Every action that acts on a key maps to exactly one capability; an action added to the facts without
a capability fails at import, so the model can never drop it silently.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Final

from kmsguard.policies.facts import (
    ADMINISTRATION_ACTIONS,
    KEY_RESOURCE_ACTIONS,
    READ_ONLY_ACTIONS,
    USAGE_ACTIONS,
)


class Capability(StrEnum):
    """In the order reports list them: control first, then use, then reading."""

    CHANGE_POLICY = "change-policy"
    SCHEDULE_DELETION = "schedule-deletion"
    ADMINISTER = "administer"
    CREATE_GRANTS = "create-grants"
    REVOKE_GRANTS = "revoke-grants"
    ENCRYPT = "encrypt"
    DECRYPT = "decrypt"
    #: ReEncryptFrom reads data protected by this key (a decrypt in effect), ReEncryptTo protects
    #: data with it: kept apart so encrypt-only and decrypt-only users stay distinguishable.
    RE_ENCRYPT_FROM = "re-encrypt-from"
    RE_ENCRYPT_TO = "re-encrypt-to"
    GENERATE_DATA_KEYS = "generate-data-keys"
    SIGN = "sign"
    VERIFY = "verify"
    GENERATE_MAC = "generate-mac"
    VERIFY_MAC = "verify-mac"
    DERIVE_SHARED_SECRET = "derive-shared-secret"
    DESCRIBE = "describe"


#: Capabilities that decide who controls the key: whoever holds one can rewrite or destroy it.
CONTROL: Final = frozenset({Capability.CHANGE_POLICY})
ORDER: Final = {c: i for i, c in enumerate(Capability)}

#: The cryptographic operations (facts.USAGE_ACTIONS), one capability each.
_USAGE: Final[dict[str, Capability]] = {
    "CreateGrant": Capability.CREATE_GRANTS,
    "Encrypt": Capability.ENCRYPT,
    "Decrypt": Capability.DECRYPT,
    "ReEncryptFrom": Capability.RE_ENCRYPT_FROM,
    "ReEncryptTo": Capability.RE_ENCRYPT_TO,
    "GenerateDataKey": Capability.GENERATE_DATA_KEYS,
    "GenerateDataKeyWithoutPlaintext": Capability.GENERATE_DATA_KEYS,
    "GenerateDataKeyPair": Capability.GENERATE_DATA_KEYS,
    "GenerateDataKeyPairWithoutPlaintext": Capability.GENERATE_DATA_KEYS,
    "Sign": Capability.SIGN,
    "Verify": Capability.VERIFY,
    "GenerateMac": Capability.GENERATE_MAC,
    "VerifyMac": Capability.VERIFY_MAC,
    "DeriveSharedSecret": Capability.DERIVE_SHARED_SECRET,
}
#: Administration actions named apart: the policy is control, deletion is destruction, and revoking
#: grants is what services hold beside CreateGrant (the service-user statements), not administration.
_NAMED_ADMINISTRATION: Final = {
    "PutKeyPolicy": Capability.CHANGE_POLICY,
    "ScheduleKeyDeletion": Capability.SCHEDULE_DELETION,
    "RevokeGrant": Capability.REVOKE_GRANTS,
}
#: Key actions in no list of the facts: a grant's retirement, and KMS's own replica sync.
_OTHER: Final = {"RetireGrant": Capability.REVOKE_GRANTS, "SynchronizeMultiRegionKey": Capability.ADMINISTER}


def _build() -> dict[str, Capability]:
    if set(_USAGE) != USAGE_ACTIONS:
        raise AssertionError(f"usage actions without a capability: {sorted(USAGE_ACTIONS ^ set(_USAGE))}")
    mapping: dict[str, Capability] = {}
    sources: list[Iterable[tuple[str, Capability]]] = [
        _USAGE.items(),
        ((a, _NAMED_ADMINISTRATION.get(a, Capability.ADMINISTER)) for a in ADMINISTRATION_ACTIONS),
        ((a, Capability.DESCRIBE) for a in READ_ONLY_ACTIONS),
        _OTHER.items(),
    ]
    for source in sources:
        for action, capability in source:
            if mapping.setdefault(action, capability) is not capability:
                raise AssertionError(f"{action} maps to two capabilities")
    if set(mapping) != KEY_RESOURCE_ACTIONS:
        raise AssertionError(
            f"key actions without a capability: {sorted(KEY_RESOURCE_ACTIONS ^ set(mapping))}"
        )
    return mapping


#: Every action that acts on one key → the capability it gives.
CAPABILITY_OF_ACTION: Final = _build()


def capabilities_of(actions: Iterable[str]) -> frozenset[Capability]:
    """The capabilities a set of canonical KMS actions gives; account-level actions give none."""
    return frozenset(CAPABILITY_OF_ACTION[a] for a in actions if a in CAPABILITY_OF_ACTION)


def ordered(capabilities: Iterable[Capability]) -> list[Capability]:
    return sorted(set(capabilities), key=ORDER.__getitem__)
