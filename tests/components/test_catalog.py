"""KeyCatalog: defaults merged into each data class, one KmsKey per class, every problem named."""

from __future__ import annotations

import copy
from typing import Any

import pulumi
import pytest

from kmsguard.catalog import KeyCatalog, plan_catalog
from kmsguard.catalog_spec import CatalogSpec
from kmsguard.errors import KmsGuardError, SpecError
from kmsguard.key import KmsKey
from kmsguard.policies.facts import ALIAS_TYPE, KEY_TYPE
from tests.components.factories import ACCOUNT, ADMIN, DEPLOYER, REGION, SERVICE_USER, USER
from tests.components.mocks import key_id, run

OTHER_ADMIN = f"arn:aws:iam::{ACCOUNT}:role/SecurityOfficers"
CATALOG: dict[str, Any] = {
    "environment": "dev",
    "defaults": {"deployer": DEPLOYER, "administrators": [ADMIN], "deletion_window_days": 7},
    "data_classes": [
        {
            "name": "orders",
            "team": "payments",
            "owner": "payments-team",
            "cost_center": "cc-1001",
            "description": "Order records of the payments team",
            "principals": {
                "administrators": [OTHER_ADMIN],
                "users": [USER],
                "service_users": [{"principal": SERVICE_USER, "services": ["s3", "rds"]}],
            },
            "tags": {"Compliance": "pci-dss"},
        },
        {
            "name": "signing",
            "team": "platform",
            "owner": "platform-team",
            "cost_center": "cc-3003",
            "description": "Signs release artefacts",
            "kind": {"type": "signing", "key_spec": "ECC_NIST_P256"},
            "principals": {"signers": [USER]},
            "deletion_window_days": 30,
        },
    ],
}


def catalog(**changes: Any) -> CatalogSpec:
    data = copy.deepcopy(CATALOG)
    data.update(changes)
    return CatalogSpec.model_validate(data)


def test_defaults_are_merged_into_every_key_spec() -> None:
    orders, signing = catalog().key_specs(region=REGION)
    assert (orders.alias_name, signing.alias_name) == (
        "alias/dev-orders-payments",
        "alias/dev-signing-platform",
    )
    assert orders.principals.administrators == (ADMIN, OTHER_ADMIN)
    assert signing.principals.administrators == (ADMIN,)
    assert (orders.deployer, signing.deployer) == (DEPLOYER, DEPLOYER)
    assert (orders.deletion_window_days, signing.deletion_window_days) == (7, 30)
    assert (orders.region, signing.region) == (REGION, REGION)
    assert orders.all_tags() == {
        "Environment": "dev",
        "Owner": "payments-team",
        "CostCenter": "cc-1001",
        "DataClass": "orders",
        "Compliance": "pci-dss",
    }
    assert (orders.kind.type, signing.kind.type) == ("symmetric", "signing")
    assert (orders.auto_rotation, signing.auto_rotation) == (True, False)
    # Defaults the catalog leaves unset are the key spec's own defaults.
    assert (orders.root_access, orders.mfa.enabled) == ("none", True)


def test_every_problem_of_every_data_class_is_reported_with_its_path() -> None:
    data = copy.deepcopy(CATALOG)
    data["data_classes"][0]["principals"]["signers"] = [USER]
    data["data_classes"][1]["principals"] = {"users": [USER]}
    with pytest.raises(SpecError) as raised:
        CatalogSpec.model_validate(data).key_specs(region=REGION, path="kmsguard:catalog")
    assert raised.value.messages == (
        "kmsguard:catalog.data_classes[0].principals.signers: symmetric (SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT) keys "
        "do not support signers; use decrypt_only_users, encrypt_only_users, service_users, users",
        "kmsguard:catalog.data_classes[1].principals.users: signing (ECC_NIST_P256, SIGN_VERIFY) keys "
        "do not support users; use signers, verifiers",
    )


def test_a_data_class_listed_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="lists data class orders more than once; give each class one entry"):
        catalog(data_classes=[CATALOG["data_classes"][0], CATALOG["data_classes"][0]])


def test_plan_catalog_names_the_data_class_when_the_builder_refuses() -> None:
    foreign = copy.deepcopy(CATALOG)
    foreign["data_classes"][1]["principals"] = {"signers": ["arn:aws:iam::444455556666:role/Elsewhere"]}
    with pytest.raises(KmsGuardError) as raised:
        plan_catalog(
            CatalogSpec.model_validate(foreign), region=REGION, account_id=ACCOUNT, partition="aws", path="c"
        )
    assert str(raised.value) == (
        "c.data_classes[1]: principals.signers: arn:aws:iam::444455556666:role/Elsewhere is in account "
        "444455556666, not 123456789012; give other accounts access through cross_account"
    )


def test_catalog_registers_one_key_component_per_data_class() -> None:
    captured = run(lambda: KeyCatalog("dev", catalog(), region=REGION, account_id=ACCOUNT, partition="aws"))
    assert captured.tree() == {
        ("kmsguard:kms:KeyCatalog", "dev", ""),
        ("kmsguard:kms:Key", "dev-orders", "dev"),
        ("kmsguard:kms:Key", "dev-signing", "dev"),
        (KEY_TYPE, "dev-orders-key", "dev-orders"),
        (KEY_TYPE, "dev-signing-key", "dev-signing"),
        (ALIAS_TYPE, "dev-orders-alias-dev-orders-payments", "dev-orders"),
        (ALIAS_TYPE, "dev-signing-alias-dev-signing-platform", "dev-signing"),
    }
    outputs = captured.outputs[captured.named("dev").urn]
    assert outputs == {
        "keyArns": {
            "orders": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{key_id('dev-orders-key')}",
            "signing": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{key_id('dev-signing-key')}",
        },
        "aliasNames": {"orders": ["alias/dev-orders-payments"], "signing": ["alias/dev-signing-platform"]},
    }


def test_catalog_keys_match_standalone_kmskeys() -> None:
    """The catalog adds nothing a KmsKey of the merged spec would not register itself."""
    specs = catalog().key_specs(region=REGION)
    via_catalog = run(
        lambda: KeyCatalog("dev", catalog(), region=REGION, account_id=ACCOUNT, partition="aws")
    )
    alone = run(lambda: KmsKey("dev-orders", specs[0], account_id=ACCOUNT, partition="aws"))
    assert dict(via_catalog.named("dev-orders-key").inputs) == dict(alone.named("dev-orders-key").inputs)


def test_explicit_protection_on_the_catalog_reaches_every_key() -> None:
    captured = run(
        lambda: KeyCatalog(
            "dev",
            catalog(),
            region=REGION,
            account_id=ACCOUNT,
            partition="aws",
            opts=pulumi.ResourceOptions(protect=True, retain_on_delete=True),
        )
    )
    assert {(r.protect, r.retain_on_delete) for r in captured.resources if r.custom} == {(True, True)}


def test_an_invalid_catalog_registers_nothing() -> None:
    broken = copy.deepcopy(CATALOG)
    broken["data_classes"][1]["principals"] = {"users": [USER]}
    with pytest.raises(SpecError) as raised:
        run(lambda: KeyCatalog("dev", CatalogSpec.model_validate(broken), region=REGION))
    assert raised.value.capture.resources == []  # type: ignore[attr-defined]


def test_integrations_of_a_data_class_reach_its_key_spec_and_policy() -> None:
    data = copy.deepcopy(CATALOG)
    data["data_classes"][0]["integrations"] = {
        "cloudwatch_logs": {"log_group_names": ["/orders/audit"]},
        "sns_publishers": {"publishers": ["eventbridge"]},
    }
    data["data_classes"][1]["integrations"] = {"cloudtrail": {"trail_names": ["audit"]}}
    with pytest.raises(SpecError) as raised:
        CatalogSpec.model_validate(data).key_specs(region=REGION, path="c")
    assert raised.value.messages == (
        "c.data_classes[1].integrations.cloudtrail: AWS services encrypt only with symmetric encryption keys, "
        "not signing (ECC_NIST_P256, SIGN_VERIFY); use a symmetric key for cloudtrail or remove "
        "integrations.cloudtrail",
    )
    del data["data_classes"][1]["integrations"]
    orders, signing = CatalogSpec.model_validate(data).key_specs(region=REGION)
    assert orders.integrations.in_use() == ("cloudwatch_logs", "sns_publishers")
    assert orders.integrations.cloudwatch_logs is not None
    assert orders.integrations.cloudwatch_logs.log_group_names == ("/orders/audit",)
    assert signing.integrations.in_use() == ()
