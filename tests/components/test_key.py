"""KmsKey under the recording mock runtime: exact children, names, parents, inputs and options."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest

from kmsguard.builders import build_consumer_policies, build_key_policy, render_policy
from kmsguard.errors import KmsGuardError
from kmsguard.interface import KmsKeyOutputs
from kmsguard.key import KmsKey
from kmsguard.policies.facts import (
    ALIAS_TYPE,
    EXTERNAL_KEY_TYPE,
    GRANT_TYPE,
    KEY_TYPE,
    REPLICA_EXTERNAL_KEY_TYPE,
    REPLICA_KEY_TYPE,
)
from kmsguard.spec import KmsKeySpec
from tests.components.factories import (
    ACCOUNT,
    BATCH,
    OTHER_ACCOUNT,
    REGION,
    USER,
    full_symmetric,
    spec,
)
from tests.components.mocks import Capture, key_id, run

COMPONENT = "kmsguard:kms:Key"
TAGS = {"Environment": "dev", "Owner": "payments-team", "CostCenter": "cc-1001", "DataClass": "orders"}


def build(key_spec: KmsKeySpec, *, stack: str = "dev", **kwargs: Any) -> Capture:
    kwargs.setdefault("account_id", ACCOUNT)
    kwargs.setdefault("partition", "aws")
    return run(lambda: KmsKey("orders", key_spec, **kwargs), stack=stack)


def policy(key_spec: KmsKeySpec, region: str = REGION, retired: bool = False) -> str:
    return render_policy(
        build_key_policy(key_spec, account_id=ACCOUNT, partition="aws", region=region, retired=retired)
    )


def test_full_symmetric_key_registers_exactly_these_children() -> None:
    captured = build(full_symmetric())
    assert captured.tree() == {
        (COMPONENT, "orders", ""),
        (KEY_TYPE, "orders-key", "orders"),
        (REPLICA_KEY_TYPE, "orders-key-replica-us-east-1", "orders"),
        (ALIAS_TYPE, "orders-alias-dev-orders-payments", "orders"),
        (ALIAS_TYPE, "orders-alias-orders-current", "orders"),
        (ALIAS_TYPE, "orders-alias-dev-orders-payments-us-east-1", "orders"),
        (ALIAS_TYPE, "orders-alias-orders-current-us-east-1", "orders"),
        (GRANT_TYPE, "orders-grant-batch", "orders"),
    }
    assert len(captured.resources) == 8


def test_symmetric_primary_key_inputs_are_exact() -> None:
    key_spec = full_symmetric()
    key = build(key_spec).named("orders-key")
    assert dict(key.inputs) == {
        "description": "Order records of the payments team",
        "keyUsage": "ENCRYPT_DECRYPT",
        "customerMasterKeySpec": "SYMMETRIC_DEFAULT",
        "enableKeyRotation": True,
        "rotationPeriodInDays": 365,
        "deletionWindowInDays": 30,
        "isEnabled": True,
        "multiRegion": True,
        "policy": policy(key_spec),
        "tags": {**TAGS, "MultiRegionReason": "Disaster recovery in us-east-1"},
        "region": REGION,
    }
    assert "bypassPolicyLockoutSafetyCheck" not in key.inputs


def test_replica_has_its_own_region_policy_and_tags() -> None:
    key_spec = full_symmetric()
    replica = build(key_spec).named("orders-key-replica-us-east-1")
    assert dict(replica.inputs) == {
        "primaryKeyArn": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{key_id('orders-key')}",
        "description": "Order records of the payments team",
        "deletionWindowInDays": 30,
        "enabled": True,
        "policy": policy(key_spec, "us-east-1"),
        "tags": {**TAGS, "MultiRegionReason": "Disaster recovery in us-east-1"},
        "region": "us-east-1",
    }


def test_every_alias_exists_in_every_region_pointing_at_that_regions_key() -> None:
    aliases = build(full_symmetric()).of_type(ALIAS_TYPE)
    assert {(a.inputs["name"], a.inputs["region"], a.inputs["targetKeyId"]) for a in aliases} == {
        ("alias/dev-orders-payments", REGION, key_id("orders-key")),
        ("alias/orders/current", REGION, key_id("orders-key")),
        ("alias/dev-orders-payments", "us-east-1", key_id("orders-key-replica-us-east-1")),
        ("alias/orders/current", "us-east-1", key_id("orders-key-replica-us-east-1")),
    }


def test_grant_inputs_are_exact() -> None:
    grant = build(full_symmetric()).named("orders-grant-batch")
    assert dict(grant.inputs) == {
        "keyId": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{key_id('orders-key')}",
        "granteePrincipal": BATCH,
        "operations": ["Decrypt", "Encrypt"],
        "name": "batch",
        "constraints": [{"encryptionContextSubset": {"tenant": "acme"}}],
        "region": REGION,
    }


def test_outputs_are_the_documented_ones_with_exact_values() -> None:
    key_spec = full_symmetric()
    captured = build(key_spec)
    outputs = captured.outputs[captured.named("orders").urn]
    documented = {f.alias for f in KmsKeyOutputs.model_fields.values()}
    assert set(outputs) == documented
    primary_arn = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{key_id('orders-key')}"
    replica_arn = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/{key_id('orders-key-replica-us-east-1')}"
    consumer = build_consumer_policies(key_spec, key_arns=[primary_arn, replica_arn])
    assert outputs == {
        "keyId": key_id("orders-key"),
        "keyArn": primary_arn,
        "aliasNames": ["alias/dev-orders-payments", "alias/orders/current"],
        "replicaArns": {"us-east-1": replica_arn},
        "policy": policy(key_spec),
        "consumerPolicies": {OTHER_ACCOUNT: render_policy(consumer[OTHER_ACCOUNT])},
        "generationArns": {},
    }


def test_a_minimal_key_has_no_replica_grant_or_extra_alias() -> None:
    captured = build(spec())
    assert captured.counts() == {COMPONENT: 1, KEY_TYPE: 1, ALIAS_TYPE: 1}
    assert captured.named("orders-key").inputs["multiRegion"] is False
    outputs = captured.outputs[captured.named("orders").urn]
    assert outputs["replicaArns"] == {}
    assert outputs["consumerPolicies"] == {}


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (
            {"type": "signing", "key_spec": "ECC_NIST_P256"},
            {"keyUsage": "SIGN_VERIFY", "customerMasterKeySpec": "ECC_NIST_P256", "enableKeyRotation": False},
        ),
        (
            {"type": "hmac", "key_spec": "HMAC_256"},
            {
                "keyUsage": "GENERATE_VERIFY_MAC",
                "customerMasterKeySpec": "HMAC_256",
                "enableKeyRotation": False,
            },
        ),
        (
            {"type": "rsa_encryption", "key_spec": "RSA_3072"},
            {"keyUsage": "ENCRYPT_DECRYPT", "customerMasterKeySpec": "RSA_3072", "enableKeyRotation": False},
        ),
        (
            {"type": "key_agreement", "key_spec": "ECC_NIST_P384"},
            {
                "keyUsage": "KEY_AGREEMENT",
                "customerMasterKeySpec": "ECC_NIST_P384",
                "enableKeyRotation": False,
            },
        ),
        (
            {"type": "cloudhsm", "custom_key_store_id": "cks-1234abcd"},
            {
                "keyUsage": "ENCRYPT_DECRYPT",
                "customerMasterKeySpec": "SYMMETRIC_DEFAULT",
                "enableKeyRotation": False,
                "customKeyStoreId": "cks-1234abcd",
            },
        ),
        (
            {"type": "external_key_store", "custom_key_store_id": "cks-5678efgh", "xks_key_id": "xks-key-1"},
            {
                "keyUsage": "ENCRYPT_DECRYPT",
                "customerMasterKeySpec": "SYMMETRIC_DEFAULT",
                "enableKeyRotation": False,
                "customKeyStoreId": "cks-5678efgh",
                "xksKeyId": "xks-key-1",
            },
        ),
    ],
)
def test_each_aws_generated_kind_sets_spec_usage_and_store(
    kind: dict[str, Any], expected: dict[str, Any]
) -> None:
    roles = {
        "signing": {"signers": [USER]},
        "hmac": {"mac_users": [USER]},
        "key_agreement": {"key_agreement_users": [USER]},
    }
    key_spec = spec(kind=kind, principals=roles.get(kind["type"], {"users": [USER]}))
    key = build(key_spec).named("orders-key")
    assert dict(key.inputs) == {
        "description": "Order records of the payments team",
        "deletionWindowInDays": 30,
        "isEnabled": True,
        "multiRegion": False,
        "policy": policy(key_spec),
        "tags": TAGS,
        "region": REGION,
        **expected,
    }


def test_imported_material_uses_external_keys_with_expiry_in_every_region() -> None:
    key_spec = spec(
        kind={"type": "imported", "valid_to": "2027-06-30T00:00:00Z"},
        multi_region={"replica_regions": ["us-east-1"], "reason": "Disaster recovery in us-east-1"},
    )
    captured = build(key_spec)
    assert captured.counts() == {
        COMPONENT: 1,
        EXTERNAL_KEY_TYPE: 1,
        REPLICA_EXTERNAL_KEY_TYPE: 1,
        ALIAS_TYPE: 2,
    }
    tags = {**TAGS, "MultiRegionReason": "Disaster recovery in us-east-1"}
    assert dict(captured.named("orders-key").inputs) == {
        "description": "Order records of the payments team",
        "keySpec": "SYMMETRIC_DEFAULT",
        "keyUsage": "ENCRYPT_DECRYPT",
        "deletionWindowInDays": 30,
        "enabled": True,
        "multiRegion": True,
        "validTo": "2027-06-30T00:00:00Z",
        "policy": policy(key_spec),
        "tags": tags,
        "region": REGION,
    }
    assert dict(captured.named("orders-key-replica-us-east-1").inputs) == {
        "primaryKeyArn": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{key_id('orders-key')}",
        "description": "Order records of the payments team",
        "deletionWindowInDays": 30,
        "enabled": True,
        "validTo": "2027-06-30T00:00:00Z",
        "policy": policy(key_spec, "us-east-1"),
        "tags": tags,
        "region": "us-east-1",
    }
    # No key material ever passes through configuration or state.
    assert all("keyMaterialBase64" not in r.inputs for r in captured.resources)


def test_outside_production_nothing_is_protected_by_default() -> None:
    captured = build(full_symmetric())
    assert {(r.protect, r.retain_on_delete) for r in captured.resources if r.custom} == {(None, None)}


def test_in_production_keys_and_aliases_are_protected_and_retained() -> None:
    captured = build(full_symmetric(environment="prod"), stack="prod")
    lasting = [r for r in captured.resources if r.type in (KEY_TYPE, REPLICA_KEY_TYPE, ALIAS_TYPE)]
    assert len(lasting) == 6
    assert {(r.name, r.protect, r.retain_on_delete) for r in lasting} == {
        (r.name, True, True) for r in lasting
    }
    # Grants are protected like their key, but not retained: a grant removed from the spec must stop
    # granting, so the removal fails until someone unprotects it.
    grant = captured.named("orders-grant-batch")
    assert (grant.protect, grant.retain_on_delete) == (True, None)


def test_callers_explicit_options_override_the_production_default() -> None:
    captured = build(
        full_symmetric(environment="prod"),
        stack="prod",
        opts=pulumi.ResourceOptions(protect=False, retain_on_delete=False),
    )
    key = captured.named("orders-key")
    alias = captured.named("orders-alias-prod-orders-payments")
    assert (key.protect, key.retain_on_delete) == (False, False)
    assert (alias.protect, alias.retain_on_delete) == (False, False)


def test_callers_protect_outside_production_reaches_keys_and_aliases() -> None:
    captured = build(spec(), opts=pulumi.ResourceOptions(protect=True))
    assert {(r.type, r.protect) for r in captured.resources if r.custom} == {
        (KEY_TYPE, True),
        (ALIAS_TYPE, True),
    }


def test_callers_provider_is_used_by_every_child() -> None:
    def program() -> None:
        provider = aws.Provider("eu", region=REGION)
        KmsKey(
            "orders",
            full_symmetric(),
            account_id=ACCOUNT,
            partition="aws",
            opts=pulumi.ResourceOptions(providers=[provider]),
        )

    captured = run(program)
    provider = captured.named("eu")
    children = [r for r in captured.resources if r.type.startswith("aws:kms/")]
    assert len(children) == 7
    assert {r.provider.rsplit("::", 1)[0] for r in children} == {provider.urn}


def test_without_account_the_invokes_supply_account_and_partition() -> None:
    key_spec = spec()
    captured = run(lambda: KmsKey("orders", key_spec))
    assert sorted(captured.invokes) == [
        "aws:index/getCallerIdentity:getCallerIdentity",
        "aws:index/getPartition:getPartition",
    ]
    assert captured.named("orders-key").inputs["policy"] == policy(key_spec)


def test_region_argument_fills_a_spec_without_region() -> None:
    key_spec = spec(region=None)
    captured = build(key_spec, region="eu-central-1")
    assert {r.inputs["region"] for r in captured.resources if r.custom} == {"eu-central-1"}


def test_a_spec_the_builder_refuses_registers_nothing() -> None:
    foreign = spec(principals={"users": [f"arn:aws:iam::{OTHER_ACCOUNT}:role/Elsewhere"]})
    with pytest.raises(KmsGuardError) as raised:
        build(foreign)
    assert raised.value.capture.resources == []  # type: ignore[attr-defined]


def test_policy_never_bypasses_the_lockout_check() -> None:
    captured = build(full_symmetric())
    for resource in captured.resources:
        assert "bypassPolicyLockoutSafetyCheck" not in resource.inputs
        if "policy" in resource.inputs:
            assert json.loads(resource.inputs["policy"])["Statement"][0]["Sid"] == "DeployerAdministration"
