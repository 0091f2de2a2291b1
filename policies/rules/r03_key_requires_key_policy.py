"""R3: every key carries an explicit key policy instead of AWS's default."""

from __future__ import annotations

from typing import Final

from ..documents import UNPARSEABLE, carried_policies
from ..facts import ALL_KEY_TYPES
from ..rule import (
    PCI_KEY_CUSTODIANS,
    Context,
    Resource,
    ResourceRule,
    Result,
    RuleMeta,
    Severity,
    compliant,
    not_applicable,
)

#: Why a key without its own policy is not judged here: only the stack shows a separate KeyPolicy.
SEPARATE: Final = (
    "the key sets no policy itself; KG-S08 checks that an aws.kms.KeyPolicy of this stack sets it"
)

META = RuleMeta(
    id="KG-R03",
    name="kms-key-requires-key-policy",
    title="Keys have an explicit key policy",
    description=(
        "Every key, external key and replica must have an explicit key policy instead of AWS's default. "
        "A key that sets `policy` itself is compliant here (its content is judged by the key-policy "
        "rules). A key without `policy` may get its policy from a separate `aws.kms.KeyPolicy`, which a "
        "resource rule cannot see: it is not applicable here and KG-S08 judges it with the whole stack, "
        "flagging only keys no KeyPolicy covers."
    ),
    rationale=(
        "Without a policy AWS applies its default, which gives the account root `kms:*` and so lets "
        "any IAM policy in the account grant any use or administration of the key. Every other "
        "key-policy rule (public principals, wildcards, MFA, separation of duties) has nothing to "
        "check on such a key, which is why this rule is mandatory."
    ),
    remediation=(
        "Set `policy` on the key (kmsguard's components always do), or attach it with a separate "
        "`aws.kms.KeyPolicy` resource (KG-S08); do not set both for one key."
    ),
    url="https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html",
    severity=Severity.HIGH,
    resource_types=ALL_KEY_TYPES,
    unknowns=(
        "A policy unknown during preview is set explicitly, so it is compliant here (its content is "
        "checked by the other rules once known); a policy that does not parse is not applicable here "
        "(KG-R20 reports it)."
    ),
    frameworks=(PCI_KEY_CUSTODIANS,),
)


def check(resource: Resource, context: Context) -> Result:
    carried = carried_policies(resource)
    if not carried:
        return not_applicable(SEPARATE)
    if any(c.error is not None for c in carried):
        return not_applicable(UNPARSEABLE)
    return compliant()


RULE = ResourceRule(META, check)
