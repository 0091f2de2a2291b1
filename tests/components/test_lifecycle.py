"""The lifecycle, state by state: in use → decrypt-only → disabled (quarantined, then released) →
deleted, for a key and for each generation of a manually rotated key; never a deletion before the
quarantine is over; grants protected like their key; production names are configuration."""

from __future__ import annotations

import copy
import json
from datetime import date
from typing import Any

import pulumi
import pytest

from kmsguard.builders import build_key_policy, render_policy
from kmsguard.catalog import KeyCatalog, plan_catalog
from kmsguard.catalog_spec import CatalogSpec
from kmsguard.config import parse_stack_config
from kmsguard.errors import KmsGuardError, SpecError
from kmsguard.key import KmsKey
from kmsguard.policies.facts import ALIAS_TYPE, EXTERNAL_KEY_TYPE, KEY_TYPE
from kmsguard.spec import KmsKeySpec
from tests.components.factories import ACCOUNT, BATCH, DEPLOYER, REGION, USER, spec
from tests.components.mocks import Capture, key_id, run

TODAY = date(2026, 6, 1)
IMPORTED = {"type": "imported", "valid_to": "2027-06-30T00:00:00Z"}


def key(**lifecycle: Any) -> KmsKeySpec:
    grant = {
        "name": "batch",
        "grantee": BATCH,
        "operations": ["Decrypt"],
        "constraints": {"encryption_context_subset": {"purpose": "batch"}},
    }
    return spec(lifecycle=lifecycle, grants=[grant])


def rotated(**generations: Any) -> KmsKeySpec:
    return spec(
        kind=IMPORTED,
        rotation={"manual": {"generations": ["g1", "g2", "g3"]}},
        lifecycle={"generations": generations, "quarantine_days": 30},
    )


def build(key_spec: KmsKeySpec, *, stack: str = "dev", today: date = TODAY, **kwargs: Any) -> Capture:
    return run(
        lambda: KmsKey("orders", key_spec, account_id=ACCOUNT, partition="aws", today=today, **kwargs),
        stack=stack,
    )


def policy(key_spec: KmsKeySpec, *, retired: bool) -> str:
    return render_policy(
        build_key_policy(key_spec, account_id=ACCOUNT, partition="aws", region=REGION, retired=retired)
    )


def test_in_use_encrypts_and_is_not_protected_outside_production() -> None:
    captured = build(key())
    primary = captured.named("orders-key")
    assert (primary.inputs["isEnabled"], primary.inputs["policy"]) == (True, policy(key(), retired=False))
    assert (primary.protect, primary.retain_on_delete) == (None, None)


def test_decrypt_only_opens_old_data_and_protects_nothing_new() -> None:
    decrypt_only = key(state="decrypt_only")
    primary = build(decrypt_only).named("orders-key")
    assert (primary.inputs["isEnabled"], primary.inputs["policy"]) == (
        True,
        policy(decrypt_only, retired=True),
    )
    assert "kms:Encrypt" not in primary.inputs["policy"]


def test_disabled_key_is_quarantined_protected_and_retained_even_in_dev() -> None:
    captured = build(key(state="disabled", disabled_on="2026-05-15"))
    primary = captured.named("orders-key")
    assert (primary.inputs["isEnabled"], primary.protect, primary.retain_on_delete) == (False, True, True)
    assert "DeletionApproved" not in primary.inputs["tags"]
    assert {(a.protect, a.retain_on_delete) for a in captured.of_type(ALIAS_TYPE)} == {(None, None)}
    grant = captured.named("orders-grant-batch")
    assert (grant.protect, grant.retain_on_delete) == (True, None)


def test_a_disabled_key_past_its_quarantine_is_released_for_deletion() -> None:
    # 90 days (the default) after 2026-03-03 is 2026-06-01: released that very day.
    captured = build(key(state="disabled", disabled_on="2026-03-03"))
    primary = captured.named("orders-key")
    assert (primary.inputs["isEnabled"], primary.protect) == (False, False)
    assert primary.inputs["tags"]["DeletionApproved"] == "true"
    assert captured.named("orders-grant-batch").protect is False


def test_release_unprotects_but_a_production_key_stays_retained() -> None:
    released = spec(environment="prod", lifecycle={"state": "disabled", "disabled_on": "2026-01-01"})
    primary = build(released, stack="prod").named("orders-key")
    # Removing it now leaves it, disabled, in the account: a retained key leaves the stack disabled.
    assert (primary.protect, primary.retain_on_delete, primary.inputs["isEnabled"]) == (False, True, False)


@pytest.mark.parametrize(
    ("lifecycle", "error"),
    [
        pytest.param(
            {"state": "deleted", "disabled_on": "2026-05-15"},
            "lifecycle.state: deleted before its quarantine ends on 2026-08-13; keep it disabled until then",
            id="deleted_in_quarantine",
        ),
        pytest.param(
            {"state": "deleted", "disabled_on": "2026-03-03"},
            "lifecycle.state: a deleted key registers nothing; leave it out (KeyCatalog does)",
            id="deleted_key_is_not_a_kmskey",
        ),
    ],
)
def test_kmskey_never_deletes_early_and_registers_nothing_for_a_deleted_key(
    lifecycle: dict[str, Any], error: str
) -> None:
    with pytest.raises(KmsGuardError) as caught:
        build(key(**lifecycle))
    assert str(caught.value) == error
    assert caught.value.capture.resources == []  # type: ignore[attr-defined]


def test_generations_move_through_the_states_one_by_one() -> None:
    g1_deleted = {"state": "deleted", "disabled_on": "2026-04-01"}
    g2_disabled = {"state": "disabled", "disabled_on": "2026-05-20"}
    captured = build(rotated(g1=g1_deleted, g2=g2_disabled))
    keys = {r.name: r for r in captured.of_type(EXTERNAL_KEY_TYPE)}
    assert set(keys) == {"orders-key-g2", "orders-key-g3"}  # g1 is gone: Pulumi deletes it
    g2, g3 = keys["orders-key-g2"], keys["orders-key-g3"]
    assert (g2.inputs["enabled"], g2.protect, g2.retain_on_delete) == (False, True, True)
    assert (g3.inputs["enabled"], g3.protect) == (True, None)
    assert captured.named("orders-alias-dev-orders-payments").inputs["targetKeyId"] == key_id("orders-key-g3")


def test_a_generation_is_deleted_only_after_its_quarantine() -> None:
    with pytest.raises(KmsGuardError) as caught:
        build(rotated(g1={"state": "deleted", "disabled_on": "2026-05-10"}))
    assert str(caught.value) == (
        "lifecycle.generations.g1.state: deleted before its quarantine ends on 2026-06-09; keep it disabled until then"
    )


def test_the_key_state_bounds_every_generation() -> None:
    disabled = spec(
        kind=IMPORTED,
        rotation={"manual": {"generations": ["g1", "g2"]}},
        lifecycle={"state": "disabled", "disabled_on": "2026-05-30"},
    )
    keys = build(disabled).of_type(EXTERNAL_KEY_TYPE)
    assert {(k.name, k.inputs["enabled"], k.protect) for k in keys} == {
        ("orders-key-g1", False, True),
        ("orders-key-g2", False, True),
    }


@pytest.mark.parametrize(
    ("data", "error"),
    [
        pytest.param({"lifecycle": {"state": "disabled"}}, "lifecycle.disabled_on: a disabled key records the day it was disabled; set it (YYYY-MM-DD)", id="disabled_without_date"),
        pytest.param({"lifecycle": {"disabled_on": "2026-01-01"}}, "lifecycle.disabled_on: only a disabled or deleted key has one, not an in_use key; remove it", id="date_while_in_use"),
        pytest.param({"lifecycle": {"quarantine_days": 0}}, "lifecycle.quarantine_days: input should be greater than or equal to 1; change the value", id="no_quarantine"),
        pytest.param({"kind": IMPORTED, "rotation": {"manual": {"generations": ["g1", "g2"]}}, "lifecycle": {"generations": {"g1": {"state": "in_use"}}}},
                     "lifecycle.generations.g1.state: a retired generation never encrypts again; use decrypt_only, disabled or deleted", id="retired_in_use"),
        pytest.param({"kind": IMPORTED, "rotation": {"manual": {"generations": ["g1", "g2"]}}, "lifecycle": {"generations": {"g2": {"state": "decrypt_only"}}}},
                     "lifecycle.generations.g2: is the active generation: it follows lifecycle.state; set that instead", id="active_generation"),
        pytest.param({"lifecycle": {"generations": {"g9": {"state": "decrypt_only"}}}},
                     "lifecycle.generations.g9: is not a generation of rotation.manual; list it there or remove it here", id="unknown_generation"),
    ],
)  # fmt: skip
def test_the_spec_refuses_states_that_cannot_be(data: dict[str, Any], error: str) -> None:
    with pytest.raises(SpecError) as caught:
        spec(**data)
    assert [str(e) for e in caught.value.errors] == [error]


CATALOG: dict[str, Any] = {
    "environment": "staging",
    "defaults": {"deployer": DEPLOYER},
    "data_classes": [
        {"name": "orders", "team": "payments", "owner": "payments-team", "cost_center": "cc-1001",
         "description": "Order records of the payments team", "principals": {"users": [USER]}},
        {"name": "legacy", "team": "payments", "owner": "payments-team", "cost_center": "cc-1001",
         "description": "Order records before the 2025 migration", "principals": {"users": [USER]},
         "lifecycle": {"state": "deleted", "disabled_on": "2026-01-01"}},
    ],
}  # fmt: skip


def test_a_deleted_data_class_registers_nothing() -> None:
    catalog_spec = CatalogSpec.model_validate(CATALOG)
    captured = run(
        lambda: KeyCatalog(
            "staging", catalog_spec, region=REGION, account_id=ACCOUNT, partition="aws", today=TODAY
        ),
        stack="staging",
    )
    assert [k.name for k in captured.of_type(KEY_TYPE)] == ["staging-orders-key"]


def test_a_data_class_deleted_too_early_stops_the_catalog() -> None:
    data = copy.deepcopy(CATALOG)
    data["data_classes"][1]["lifecycle"]["disabled_on"] = "2026-05-01"
    with pytest.raises(KmsGuardError) as caught:
        plan_catalog(CatalogSpec.model_validate(data), region=REGION, path="kmsguard:catalog", today=TODAY)
    assert str(caught.value) == (
        "kmsguard:catalog.data_classes[1]: lifecycle.state: deleted before its quarantine ends on 2026-07-30; "
        "keep it disabled until then"
    )


@pytest.mark.parametrize(
    ("production", "expected"),
    [
        pytest.param(("staging",), (True, True), id="staging_listed_as_production"),
        pytest.param(("prod", "production"), (None, None), id="default_names_exclude_staging"),
    ],
)
def test_production_environment_names_are_configuration(
    production: tuple[str, ...], expected: tuple[Any, Any]
) -> None:
    catalog_spec = CatalogSpec.model_validate(CATALOG)
    captured = run(
        lambda: KeyCatalog(
            "staging", catalog_spec, region=REGION, account_id=ACCOUNT, partition="aws",
            production_environments=production, today=TODAY,
        ),
        stack="staging",
    )  # fmt: skip
    primary = captured.named("staging-orders-key")
    assert (primary.protect, primary.retain_on_delete) == expected


def test_the_stack_config_names_production_environments() -> None:
    config = {
        "aws:region": REGION,
        "aws:allowedAccountIds": json.dumps([ACCOUNT]),
        "kmsguard:catalog": json.dumps(CATALOG),
    }
    assert parse_stack_config(config).production_environments == ("prod", "production")
    config["kmsguard:productionEnvironments"] = json.dumps(["live", "staging"])
    assert parse_stack_config(config).production_environments == ("live", "staging")


@pytest.mark.parametrize(
    ("key_spec", "stack"),
    [
        pytest.param(key(), "dev", id="in_use"),
        pytest.param(key(state="decrypt_only"), "dev", id="decrypt_only"),
        pytest.param(spec(environment="prod"), "prod", id="production_in_use"),
    ],
)
def test_an_enabled_key_is_never_retained_unprotected(key_spec: KmsKeySpec, stack: str) -> None:
    with pytest.raises(KmsGuardError) as caught:
        build(key_spec, stack=stack, opts=pulumi.ResourceOptions(protect=False, retain_on_delete=True))
    assert str(caught.value) == (
        "opts: retain_on_delete without protect would let an enabled key leave the stack still usable; "
        "keep it protected, or disable it first (lifecycle.state: disabled)"
    )
    assert caught.value.capture.resources == []  # type: ignore[attr-defined]


def test_a_disabled_key_may_leave_the_stack_retained_once_released() -> None:
    released = key(state="disabled", disabled_on="2026-01-01")
    captured = build(released, opts=pulumi.ResourceOptions(protect=False, retain_on_delete=True))
    primary = captured.named("orders-key")
    assert (primary.inputs["isEnabled"], primary.protect, primary.retain_on_delete) == (False, False, True)
