"""R1: automatic rotation on every key AWS can rotate — and only those."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..facts import AUTO_ROTATABLE_SPECS, KEY_TYPE, KeySpec
from ..rule import (
    AWS_FSBP,
    CIS_AWS,
    PCI_CRYPTOPERIOD,
    Context,
    Framework,
    Resource,
    ResourceRule,
    Result,
    RuleMeta,
    Severity,
    compliant,
    is_unknown,
    not_applicable,
    violations,
)

META = RuleMeta(
    id="KG-R01",
    name="kms-key-requires-rotation",
    title="Automatic key rotation is enabled on rotatable keys",
    description=(
        "Symmetric encryption keys with KMS-generated material must have automatic rotation enabled. "
        "Asymmetric, HMAC, imported-material and custom-key-store keys cannot rotate automatically "
        "and are reported as not applicable."
    ),
    rationale=(
        "Rotation limits how much data one version of key material protects and is required by CIS, "
        "AWS FSBP KMS.4 and PCI DSS. Other tools demand rotation of keys AWS cannot rotate, which "
        "teaches people to ignore the finding; this rule asks only where AWS allows it."
    ),
    remediation=(
        "Set `enable_key_rotation=True` on the key (optionally `rotation_period_in_days`, 90-2560). "
        "For keys that cannot rotate automatically, rotate manually with kmsguard's key generations."
    ),
    url="https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html",
    severity=Severity.HIGH,
    resource_types=(KEY_TYPE,),
    unknowns=(
        "An unknown `enableKeyRotation` is a violation (it cannot be shown to be on); an unknown "
        "key spec or key store is treated as rotatable, so the rotation flag is still checked."
    ),
    frameworks=(
        Framework(CIS_AWS, "3.0.0", "3.6", "Ensure rotation for customer-created symmetric CMKs is enabled"),
        Framework(AWS_FSBP, "1.0.0", "KMS.4", "AWS KMS key rotation should be enabled"),
        PCI_CRYPTOPERIOD,
    ),
    remediable=True,
)


def _rotation_impossible(props: Mapping[str, Any]) -> str | None:
    spec = props.get("customerMasterKeySpec") or KeySpec.SYMMETRIC_DEFAULT
    if not is_unknown(spec) and not isinstance(spec, str):
        # Malformed input: R20-style grammar is the provider's job; here it simply cannot rotate.
        return f"key spec {spec!r} is not a key spec"
    if not is_unknown(spec) and spec not in AUTO_ROTATABLE_SPECS:
        return f"key spec {spec} cannot rotate automatically"
    for store in ("customKeyStoreId", "xksKeyId"):
        value = props.get(store)
        if value and not is_unknown(value):
            return f"keys in a custom or external key store ({store}) cannot rotate automatically"
    return None


def check(resource: Resource, context: Context) -> Result:
    if (reason := _rotation_impossible(resource.props)) is not None:
        return not_applicable(reason)
    enabled = resource.props.get("enableKeyRotation")
    if enabled is True:
        return compliant()
    if is_unknown(enabled):
        return violations(["enableKeyRotation is unknown during preview; set it to a literal true"])
    return violations(["automatic rotation is off; set enableKeyRotation to true"])


def remediate(resource: Resource, context: Context) -> Mapping[str, Any] | None:
    if _rotation_impossible(resource.props) is not None or resource.props.get("enableKeyRotation") is True:
        return None
    return {**resource.props, "enableKeyRotation": True}


RULE = ResourceRule(META, check, remediate)
