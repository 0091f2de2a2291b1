"""R3: every key carries an explicit key policy instead of AWS's default."""

from __future__ import annotations

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
    violations,
)

META = RuleMeta(
    id="KG-R03",
    name="kms-key-requires-key-policy",
    title="Keys have an explicit key policy",
    description=(
        "Every key, external key and replica must set `policy`. A resource rule cannot see whether a "
        "separate `aws.kms.KeyPolicy` resource attaches one, so a key without `policy` is a violation "
        "unless `allowSeparateKeyPolicy` is true, in which case the key is not applicable and the "
        "KeyPolicy resource is checked by the other key-policy rules."
    ),
    rationale=(
        "Without a policy AWS applies its default, which gives the account root `kms:*` and so lets "
        "any IAM policy in the account grant any use or administration of the key. Every other "
        "key-policy rule (public principals, wildcards, MFA, separation of duties) has nothing to "
        "check on such a key, which is why this rule is mandatory."
    ),
    remediation=(
        "Set `policy` on the key (kmsguard's components always do). If the policy is attached with a "
        "separate `aws.kms.KeyPolicy` resource, set this rule's `allowSeparateKeyPolicy` to true; do "
        "not set both for one key."
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
    config_schema={
        "allowSeparateKeyPolicy": {
            "type": "boolean",
            "default": False,
            "description": "Keys without `policy` are acceptable because an aws.kms.KeyPolicy resource sets it.",
        }
    },
)


def check(resource: Resource, context: Context) -> Result:
    carried = carried_policies(resource)
    if not carried:
        if context.config.get("allowSeparateKeyPolicy") is True:
            return not_applicable(
                "the key policy is set by a separate aws.kms.KeyPolicy (allowSeparateKeyPolicy)"
            )
        return violations(
            [
                "the key has no policy, so AWS's default gives the account root kms:*; set policy on "
                "the key (or set allowSeparateKeyPolicy if an aws.kms.KeyPolicy resource sets it)"
            ]
        )
    if any(c.document is None and not c.unknown for c in carried):
        return not_applicable(UNPARSEABLE)
    return compliant()


RULE = ResourceRule(META, check)
