"""R16: imported key material expires unless configuration allows otherwise."""

from __future__ import annotations

from ..facts import EXTERNAL_KEY_TYPE, REPLICA_EXTERNAL_KEY_TYPE
from ..props import ABSENT, CannotJudge, read_timestamp
from ..rule import (
    PCI_CRYPTOPERIOD,
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
    id="KG-R16",
    name="kms-key-requires-material-expiry",
    title="Imported key material has an expiry",
    description=(
        "Keys with imported material (`aws.kms.ExternalKey`, `aws.kms.ReplicaExternalKey`) set `validTo`, "
        "so the material expires and must be re-imported deliberately. With `allowNonExpiringMaterial` "
        'the rule is not applicable. A `validTo` that is not an RFC 3339 time (`"true"`, a number, '
        "a date without a time) is a violation."
    ),
    rationale=(
        "Imported material never rotates automatically; an expiry forces the owner to re-import or rotate "
        "to a new key on a schedule, and bounds how long leaked material stays usable in KMS."
    ),
    remediation=(
        "Set `valid_to` to an RFC 3339 time (`YYYY-MM-DDTHH:MM:SSZ`) and plan re-import before it, or set "
        "this rule's `allowNonExpiringMaterial` to true where a non-expiring import is a reviewed decision."
    ),
    url="https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys.html",
    severity=Severity.MEDIUM,
    resource_types=(EXTERNAL_KEY_TYPE, REPLICA_EXTERNAL_KEY_TYPE),
    unknowns="An unknown `validTo` is compliant: an expiry is set, only its value is computed.",
    frameworks=(PCI_CRYPTOPERIOD,),
    config_schema={
        "allowNonExpiringMaterial": {
            "type": "boolean",
            "default": False,
            "description": "Allow imported key material without an expiry (no `validTo`).",
        }
    },
)


def check(resource: Resource, context: Context) -> Result:
    if context.config.get("allowNonExpiringMaterial") is True:
        return not_applicable("configuration allows non-expiring imported material")
    valid_to = read_timestamp(resource.props, "validTo")
    if isinstance(valid_to, CannotJudge):
        return violations([f"{valid_to.message}; set validTo to when the imported material expires"])
    if valid_to is not ABSENT:
        return compliant()
    return violations(
        [
            "imported key material has no expiry; set validTo to an RFC 3339 time (YYYY-MM-DDTHH:MM:SSZ) "
            "or allow non-expiring material in this rule's configuration"
        ]
    )


RULE = ResourceRule(META, check)
