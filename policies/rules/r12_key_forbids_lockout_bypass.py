"""R12: the key-policy lockout safety check is never bypassed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from ..facts import KEY_POLICY_CARRIER_TYPES
from ..rule import (
    PCI_KEY_MANAGEMENT,
    Context,
    Resource,
    ResourceRule,
    Result,
    RuleMeta,
    Severity,
    compliant,
    is_unknown,
    violations,
)

FLAG: Final = "bypassPolicyLockoutSafetyCheck"

META = RuleMeta(
    id="KG-R12",
    name="kms-key-forbids-lockout-bypass",
    title="The key policy lockout safety check is never bypassed",
    description=(
        f"`{FLAG}` is absent or false on keys, replica keys, imported-material keys and "
        "`aws.kms.KeyPolicy`. With it set, KMS accepts a key policy that leaves nobody able to change it."
    ),
    rationale=(
        "KMS refuses a key policy that would stop the caller from calling PutKeyPolicy later. Bypassing "
        "that check can make a key unmanageable until AWS Support intervenes; AWS says to set the flag "
        "only when you are sure, and a reviewed pipeline never needs it."
    ),
    remediation=(
        "Remove `bypass_policy_lockout_safety_check` or set it to false, and give the deployer role PutKeyPolicy in the key policy (see KG-R13). The "
        "`remediate` enforcement level sets it to false."
    ),
    url="https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html",
    severity=Severity.CRITICAL,
    resource_types=KEY_POLICY_CARRIER_TYPES,
    unknowns=f"An unknown `{FLAG}` is a violation: it cannot be shown to be false.",
    frameworks=(PCI_KEY_MANAGEMENT,),
    remediable=True,
)


def check(resource: Resource, context: Context) -> Result:
    value = resource.props.get(FLAG)
    if value is None or value is False:
        return compliant()
    if is_unknown(value):
        return violations([f"{FLAG} is unknown during preview; set it to a literal false or remove it"])
    return violations(
        [f"{FLAG} is {value!r}, which lets KMS accept a policy that locks everyone out; set it to false"]
    )


def remediate(resource: Resource, context: Context) -> Mapping[str, Any] | None:
    if check(resource, context).findings:
        return {**resource.props, FLAG: False}
    return None


RULE = ResourceRule(META, check, remediate)
