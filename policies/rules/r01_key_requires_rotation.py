"""R1: automatic rotation on every key AWS can rotate — and only those."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from ..facts import AUTO_ROTATABLE_SPECS, KEY_TYPE, KeySpec
from ..props import CannotJudge, read_bool, read_choice, read_string
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
        "and are reported as not applicable. An absent key spec is SYMMETRIC_DEFAULT, as the provider "
        "says; a key spec, key store or flag of the wrong type (a number, a lower-case spec, a list) "
        "cannot be judged and is a violation, never a reason to skip the key."
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

SPEC: Final = "customerMasterKeySpec"
KEY_STORE_PROPS: Final = ("customKeyStoreId", "xksKeyId")
FLAG: Final = "enableKeyRotation"
_FIX: Final = f"set {FLAG} to true"


@dataclass(frozen=True)
class Rotatability:
    """Whether AWS can rotate the key: `impossible` says why not, `problems` what cannot be judged."""

    impossible: str | None = None
    problems: tuple[str, ...] = ()


def rotatability(props: Mapping[str, Any]) -> Rotatability:
    """Unknowns count as rotatable (so the rotation flag is still checked); values of the wrong type
    are problems, never a reason to skip the key."""
    problems: list[str] = []
    spec = read_choice(props, SPEC, tuple(KeySpec))
    if isinstance(spec, CannotJudge):
        problems.append(spec.message)
    elif isinstance(spec, str) and spec not in AUTO_ROTATABLE_SPECS:
        return Rotatability(f"key spec {spec} cannot rotate automatically")
    for store in KEY_STORE_PROPS:
        value = read_string(props, store)
        if isinstance(value, CannotJudge):
            problems.append(value.message)
        elif isinstance(value, str):
            return Rotatability(
                f"keys in a custom or external key store ({store}) cannot rotate automatically"
            )
    return Rotatability(problems=tuple(problems))


def check(resource: Resource, context: Context) -> Result:
    state = rotatability(resource.props)
    if state.impossible is not None:
        return not_applicable(state.impossible)
    enabled = read_bool(resource.props, FLAG)
    problems = list(state.problems)
    if isinstance(enabled, CannotJudge):
        problems.append(enabled.message)
    if problems:
        return violations([f"{p}; {_FIX}" for p in problems])
    if enabled is True:
        return compliant()
    if is_unknown(enabled):
        return violations([f"{FLAG} is unknown during preview; set it to a literal true"])
    return violations([f"automatic rotation is off; {_FIX}"])


def remediate(resource: Resource, context: Context) -> Mapping[str, Any] | None:
    state = rotatability(resource.props)
    # A key whose spec or store cannot be judged is left alone: it might be one AWS cannot rotate.
    if state.impossible is not None or state.problems or read_bool(resource.props, FLAG) is True:
        return None
    return {**resource.props, FLAG: True}


RULE = ResourceRule(META, check, remediate)
