"""The pack's resource rules accept every pinned builder policy on the key resource it belongs to.

This is the contract between the two halves of the repository: a key built by our components
passes our own policy pack, with the deployer configured as `deployerPrincipals`.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from kmsguard.builders import build_key_policy, render_policy
from kmsguard.policies.facts import EXTERNAL_KEY_TYPE, KEY_TYPE
from kmsguard.policies.rule import Resource
from kmsguard.spec import KmsKeySpec, parse_key_spec
from tests.components.builders.cases import CASES
from tests.policies.golden import fired


def _key_resource(spec: KmsKeySpec, policy: str) -> Resource:
    """The key as the component registers it (camelCase props, numbers as floats)."""
    props: dict[str, Any] = {
        "description": spec.description,
        "deletionWindowInDays": float(spec.deletion_window_days),
        "policy": policy,
        "tags": spec.all_tags(),
        "multiRegion": spec.multi_region_enabled,
        "keyUsage": str(spec.key_usage),
    }
    if spec.origin == "EXTERNAL":
        props.update({"enabled": spec.enabled, "keySpec": str(spec.key_spec), "validTo": spec.valid_to})
        type_ = EXTERNAL_KEY_TYPE
    else:
        props.update(
            {
                "isEnabled": spec.enabled,
                "customerMasterKeySpec": str(spec.key_spec),
                "enableKeyRotation": spec.auto_rotation,
                "bypassPolicyLockoutSafetyCheck": False,
            }
        )
        if spec.rotation_period_days is not None:
            props["rotationPeriodInDays"] = float(spec.rotation_period_days)
        if spec.custom_key_store_id:
            props["customKeyStoreId"] = spec.custom_key_store_id
        if spec.xks_key_id:
            props["xksKeyId"] = spec.xks_key_id
        type_ = KEY_TYPE
    return Resource(type_, spec.alias_name, f"urn:pulumi:{spec.environment}::kmsguard::{type_}::key", props)


#: Cases that relax MFA on purpose: the pack requires MFA for critical actions in production, so in
#: prod exactly that rule fires (the spec allows the choice; the pack decides per environment).
FIRES_IN_PROD = {
    "symmetric-no-mfa": {"KG-R08"},
    "symmetric-mfa-extra-actions": {"KG-R08"},  # DeleteAlias left out of mfa.actions
    "symmetric-root-full": {"KG-R08"},  # the account root holds every action without MFA
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_builder_policy_passes_every_resource_rule(name: str) -> None:
    case = CASES[name]
    spec = parse_key_spec(case.spec)
    policy = build_key_policy(
        spec, account_id="111122223333", partition=case.partition, region=case.region, retired=case.retired
    )
    deployers = {"deployerPrincipals": [spec.deployer]}
    config: dict[str, dict[str, Any]] = {
        "KG-R05": {"allowRootFullAccess": spec.root_access == "full", "accountId": "111122223333"},
        "KG-R08": deployers,
        "KG-R09": {"allowRootBoth": spec.root_access == "full", "accountId": "111122223333"},
        "KG-R13": deployers,
        "KG-R17": {
            "allowedExternalAccounts": [a.account_id for a in spec.cross_account],
            "accountId": "111122223333",
        },
    }
    resource = _key_resource(spec, render_policy(policy))
    assert fired(resource, stack=spec.environment, config=config) == FIRES_IN_PROD.get(name, set()), (
        json.dumps(policy, indent=1)
    )
    if name in FIRES_IN_PROD:
        in_dev = _key_resource(spec.model_copy(update={"environment": "dev"}), render_policy(policy))
        assert fired(in_dev, stack="dev", config=config) == set()
