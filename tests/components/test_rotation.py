"""Manual rotation: one key per generation, aliases on the newest, older generations retired."""

from __future__ import annotations

from kmsguard.builders import build_key_policy, render_policy
from kmsguard.key import KmsKey
from kmsguard.policies.facts import ALIAS_TYPE, EXTERNAL_KEY_TYPE, KEY_TYPE
from kmsguard.rotation import Generation, generations
from kmsguard.spec import KmsKeySpec
from kmsguard.spec.lifecycle import KeyState
from tests.components.factories import ACCOUNT, REGION, USER, spec
from tests.components.mocks import key_id, run

IMPORTED = {"type": "imported", "valid_to": "2027-06-30T00:00:00Z"}


def rotated(*generation_ids: str) -> KmsKeySpec:
    return spec(kind=IMPORTED, rotation={"manual": {"generations": list(generation_ids)}})


def test_generations_oldest_first_only_the_last_active() -> None:
    assert generations(rotated("g1", "g2", "g3")) == (
        Generation("g1", retired=True, state=KeyState.DECRYPT_ONLY),
        Generation("g2", retired=True, state=KeyState.DECRYPT_ONLY),
        Generation("g3", retired=False),
    )


def test_a_key_without_manual_rotation_has_one_unnamed_generation() -> None:
    assert generations(spec()) == (Generation(None, retired=False),)
    assert Generation(None, retired=False).key_name("orders") == "orders-key"
    assert Generation("g2", retired=False).key_name("orders") == "orders-key-g2"


def test_aliases_point_at_the_newest_generation_and_old_ones_only_open_data() -> None:
    key_spec = rotated("g1", "g2")
    captured = run(lambda: KmsKey("orders", key_spec, account_id=ACCOUNT, partition="aws"))
    assert captured.counts() == {"kmsguard:kms:Key": 1, EXTERNAL_KEY_TYPE: 2, ALIAS_TYPE: 1}
    alias = captured.named("orders-alias-dev-orders-payments")
    assert alias.inputs["targetKeyId"] == key_id("orders-key-g2")

    def expected(retired: bool) -> str:
        document = build_key_policy(
            key_spec, account_id=ACCOUNT, partition="aws", region=REGION, retired=retired
        )
        return render_policy(document)

    old, new = captured.named("orders-key-g1"), captured.named("orders-key-g2")
    assert old.inputs["policy"] == expected(retired=True)
    assert new.inputs["policy"] == expected(retired=False)
    assert old.inputs["policy"] != new.inputs["policy"]
    assert (old.inputs["tags"]["KeyGeneration"], new.inputs["tags"]["KeyGeneration"]) == ("g1", "g2")
    outputs = captured.outputs[captured.named("orders").urn]
    assert outputs["keyArn"] == f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{key_id('orders-key-g2')}"
    assert outputs["generationArns"] == {
        "g1": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{key_id('orders-key-g1')}",
        "g2": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{key_id('orders-key-g2')}",
    }


def test_rotating_keeps_the_alias_resource_and_removing_a_generation_removes_its_key() -> None:
    before = run(lambda: KmsKey("orders", rotated("g1", "g2"), account_id=ACCOUNT, partition="aws"))
    after = run(lambda: KmsKey("orders", rotated("g2", "g3"), account_id=ACCOUNT, partition="aws"))
    # Same alias resource name: a rotation is an in-place UpdateAlias, never delete + create.
    assert {r.name for r in before.of_type(ALIAS_TYPE)} == {r.name for r in after.of_type(ALIAS_TYPE)}
    assert {r.name for r in after.of_type(EXTERNAL_KEY_TYPE)} == {"orders-key-g2", "orders-key-g3"}
    assert after.named("orders-alias-dev-orders-payments").inputs["targetKeyId"] == key_id("orders-key-g3")


def test_a_symmetric_key_with_generations_still_rotates_each_generation_automatically() -> None:
    key_spec = spec(rotation={"manual": {"generations": ["g1", "g2"]}}, principals={"users": [USER]})
    captured = run(lambda: KmsKey("orders", key_spec, account_id=ACCOUNT, partition="aws"))
    keys = captured.of_type(KEY_TYPE)
    assert {(k.name, k.inputs["enableKeyRotation"]) for k in keys} == {
        ("orders-key-g1", True),
        ("orders-key-g2", True),
    }
