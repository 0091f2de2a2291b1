"""Hypothesis strategies that build VALID key specs (as the dicts a stack configuration holds)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from kmsguard.facts import KEY_SPEC_USAGES
from kmsguard.policies.facts import (
    CRITICAL_ACTION_CHOICES,
    DEFAULT_ENVIRONMENTS,
    PRINCIPAL_ORG_ID_KEY,
    AwsService,
)
from kmsguard.regions import partition_regions
from kmsguard.spec.checks import allowed_grant_operations, allowed_roles
from kmsguard.spec.kind import (
    CloudHsmKeyStore,
    ExternalKeyStore,
    Hmac,
    ImportedMaterial,
    KeyAgreement,
    RsaEncryption,
    Signing,
    SymmetricEncryption,
)

ACCOUNT = "111122223333"
EXTERNAL_ACCOUNTS = ("444455556666", "123456789012")
_part = st.from_regex(r"[a-z0-9]{1,8}", fullmatch=True)

_KINDS: list[st.SearchStrategy[dict[str, Any]]] = [
    st.just({"type": "symmetric"}),
    st.sampled_from(["RSA_2048", "RSA_3072", "RSA_4096"]).map(
        lambda s: {"type": "rsa_encryption", "key_spec": s}
    ),
    st.sampled_from(
        ["RSA_2048", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1"]
    ).map(lambda s: {"type": "signing", "key_spec": s}),
    st.sampled_from(["ECC_NIST_P256", "ECC_NIST_P384"]).map(
        lambda s: {"type": "key_agreement", "key_spec": s}
    ),
    st.sampled_from(["HMAC_224", "HMAC_256", "HMAC_512"]).map(lambda s: {"type": "hmac", "key_spec": s}),
    st.sampled_from([(s, u) for s, us in KEY_SPEC_USAGES.items() for u in us if s != "SM2"]).map(
        lambda su: {
            "type": "imported",
            "key_spec": su[0],
            "key_usage": su[1],
            "valid_to": "2027-06-30T00:00:00Z",
        }
    ),
    st.just({"type": "cloudhsm", "custom_key_store_id": "cks-5ebd7f3a9bc1"}),
    st.just({"type": "external_key_store", "custom_key_store_id": "cks-5ebd7f3a9bc1", "xks_key_id": "k-1"}),
]
_MODELS = {
    "symmetric": SymmetricEncryption,
    "rsa_encryption": RsaEncryption,
    "signing": Signing,
    "key_agreement": KeyAgreement,
    "hmac": Hmac,
    "imported": ImportedMaterial,
    "cloudhsm": CloudHsmKeyStore,
    "external_key_store": ExternalKeyStore,
}


def _role(partition: str, account: str, name: str) -> str:
    return f"arn:{partition}:iam::{account}:role/{name}"


_NAMES = ["orders", "audit-1", "team.events"]
_names = st.lists(st.sampled_from(_NAMES), unique=True, max_size=2)
_some_names = st.lists(st.sampled_from(_NAMES), unique=True, min_size=1, max_size=2)


@st.composite
def _integrations(draw: st.DrawFn, model: Any, primary: str) -> dict[str, Any]:
    """A valid subset of the service presets: symmetric keys take any, a P-256 signing key in
    us-east-1 takes Route 53 DNSSEC, other keys none."""
    if model.spec == "ECC_NIST_P256" and model.usage == "SIGN_VERIFY" and primary == "us-east-1":
        return draw(
            st.sampled_from([{}, {"route53_dnssec": {}}, {"route53_dnssec": {"hosted_zone_ids": ["Z0ABC"]}}])
        )
    if not model.symmetric_encryption:
        return {}
    buckets = ["orders-uploads"]
    options: dict[str, st.SearchStrategy[dict[str, Any]]] = {
        "cloudtrail": _some_names.map(lambda n: {"trail_names": [x.replace(".", "-") for x in n]}),
        "cloudwatch_logs": _names.map(lambda n: {"log_group_names": n}),
        "sns_publishers": st.lists(
            st.sampled_from(["eventbridge", "cloudwatch_alarms", "s3"]), unique=True, min_size=1, max_size=3
        ).map(lambda p: {"publishers": p, **({"source_buckets": buckets} if "s3" in p else {})}),
        "sqs_from_sns": _names.map(lambda n: {"topic_names": [x.replace(".", "-") for x in n]}),
        "sqs_publishers": st.lists(
            st.sampled_from(["eventbridge", "s3"]), unique=True, min_size=1, max_size=2
        ).map(lambda p: {"publishers": p, **({"source_buckets": buckets} if "s3" in p else {})}),
        "eventbridge_bus": _some_names.map(lambda n: {"event_bus_names": n}),
        "autoscaling_ebs": st.just({}),
    }
    chosen = draw(st.lists(st.sampled_from(sorted(options)), unique=True, max_size=len(options)))
    return {name: draw(options[name]) for name in chosen}


@st.composite
def key_specs(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """(spec data, builder kwargs) for a valid spec and a region the key lives in."""
    partition = draw(st.sampled_from(["aws", "aws", "aws-us-gov"]))
    kind = draw(st.one_of(_KINDS))
    model = _MODELS[kind["type"]].model_validate(kind)
    pool = [_role(partition, ACCOUNT, f"Role{i}") for i in range(8)]
    deployer = _role(partition, ACCOUNT, "PulumiDeployer")
    waiver = draw(st.booleans()) and draw(st.booleans())
    admins = draw(st.lists(st.sampled_from(pool[:4]), unique=True, max_size=3))
    user_pool = pool if waiver else pool[4:]
    roles = sorted(r.value for r in allowed_roles(model))
    principals: dict[str, Any] = {"administrators": admins}
    for role in draw(st.lists(st.sampled_from(roles), unique=True, max_size=len(roles))):
        if role == "service_users":
            chosen = draw(st.lists(st.sampled_from(user_pool), unique=True, min_size=1, max_size=3))
            principals[role] = [
                {
                    "principal": p,
                    "services": draw(
                        st.lists(st.sampled_from(list(AwsService)), unique=True, min_size=1, max_size=4)
                    ),
                }
                for p in chosen
            ]
        else:
            principals[role] = draw(st.lists(st.sampled_from(user_pool), unique=True, min_size=1, max_size=3))
    if waiver:
        # A waiver is only valid with a real conflict: the deployer (always an administrator) also uses the key.
        role = roles[0]
        entry: Any = {"principal": deployer, "services": ["s3"]} if role == "service_users" else deployer
        principals[role] = [*principals.get(role, []), entry]
    regions = sorted(partition_regions(partition))
    primary = draw(st.sampled_from(regions))
    data: dict[str, Any] = {
        "environment": draw(st.sampled_from(DEFAULT_ENVIRONMENTS)),
        "function": draw(_part),
        "team": draw(_part),
        "description": "A key generated by the property tests",
        "tags": {
            "owner": "team",
            "cost_center": "cc-1",
            "data_class": draw(st.sampled_from(["public", "confidential"])),
        },
        "kind": kind,
        "region": primary,
        "deployer": deployer,
        "principals": principals,
        "root_access": draw(st.sampled_from(["none", "admin", "full"])),
        "mfa": {
            "enabled": draw(st.booleans()),
            "actions": draw(st.lists(st.sampled_from(CRITICAL_ACTION_CHOICES), unique=True, min_size=1)),
            "max_age_seconds": draw(st.integers(60, 3600)),
        },
        "deletion_window_days": draw(st.integers(7, 30)),
    }
    if waiver:
        data["separation_of_duties_waiver"] = "break-glass role approved by security review"
    replicas: list[str] = []
    if model.can_be_multi_region and draw(st.booleans()):
        replicas = draw(
            st.lists(st.sampled_from([r for r in regions if r != primary]), unique=True, min_size=1)
        )
        data["multi_region"] = {"replica_regions": replicas, "reason": "disaster recovery across regions"}
    if model.can_auto_rotate and draw(st.booleans()):
        data["rotation"] = {"period_days": draw(st.integers(90, 2560))}
    if draw(st.booleans()):
        data.setdefault("rotation", {})["manual"] = {"generations": ["g1", "g2"]}
    symmetric = model.symmetric_encryption
    if symmetric and draw(st.booleans()):
        data["encryption_context"] = {"required_keys": ["order_id"], "equals": {"tenant": "acme"}}
    usage_roles = [r for r in roles if r != "service_users"]
    accounts = draw(st.lists(st.sampled_from(EXTERNAL_ACCOUNTS), unique=True, max_size=2))
    data["cross_account"] = [
        {
            "account_id": a,
            "role": draw(st.sampled_from(usage_roles)),
            "principals": draw(st.lists(st.just(_role(partition, a, "Partner")), max_size=1)),
        }
        for a in accounts
    ]
    ops = sorted(allowed_grant_operations(model))
    if draw(st.booleans()):
        grant: dict[str, Any] = {
            "name": "g",
            "grantee": _role(partition, ACCOUNT, "Grantee"),
            "operations": draw(st.lists(st.sampled_from(ops), unique=True, min_size=1)),
        }
        if symmetric:
            grant["constraints"] = {"encryption_context_subset": {"tenant": "acme"}}
        data["grants"] = [grant]
    if draw(st.booleans()):
        data["extra_statements"] = [
            {"sid": "DenyOutsideOrg", "effect": "Deny", "all_principals": True, "actions": ["kms:Decrypt"],
             "conditions": {"StringNotEquals": {PRINCIPAL_ORG_ID_KEY: "o-a1b2c3d4e5"}}}
        ]  # fmt: skip
    # Presets add statements per key region: with every preset, the largest principal lists and
    # four key regions a policy measures about 30 KB; beyond that it can pass KMS's 32 KB limit,
    # which the builder refuses by design (test_key_policy.py).
    integrations = draw(_integrations(model, primary)) if len(replicas) <= 3 else {}
    if integrations:
        data["integrations"] = integrations
    build = {
        "account_id": ACCOUNT,
        "partition": partition,
        "region": draw(st.sampled_from([primary, *replicas])),
        "retired": draw(st.booleans()),
    }
    return data, build
