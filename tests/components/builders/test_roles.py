from __future__ import annotations

from kmsguard.builders import administration_actions, critical_actions, usage_actions
from kmsguard.spec import parse_key_spec
from tests.components.spec.baseline import BASELINE, mutate


def test_administration_never_includes_create_grant_and_grows_with_the_kind() -> None:
    plain = parse_key_spec(BASELINE)
    imported = parse_key_spec(
        mutate(
            "multi_region",
            {"replica_regions": ["us-east-1"], "reason": "disaster recovery"},
            mutate("kind", {"type": "imported", "valid_to": None}),
        )
    )
    assert "CreateGrant" not in administration_actions(plain)
    assert set(administration_actions(imported)) - set(administration_actions(plain)) == {
        "DeleteImportedKeyMaterial", "GetParametersForImport", "ImportKeyMaterial", "ReplicateKey",
        "UpdatePrimaryRegion",
    }  # fmt: skip
    assert critical_actions(plain) == ("DeleteAlias", "PutKeyPolicy", "ScheduleKeyDeletion")
    assert critical_actions(imported) == (
        "DeleteAlias", "DeleteImportedKeyMaterial", "PutKeyPolicy", "ScheduleKeyDeletion",
    )  # fmt: skip


def test_retired_keys_keep_only_the_opening_side() -> None:
    spec = parse_key_spec(BASELINE)
    assert usage_actions(spec, "users", retired=True) == ("Decrypt", "DescribeKey", "ReEncryptFrom")
    assert usage_actions(spec, "encrypt_only_users", retired=True) == ("DescribeKey",)
