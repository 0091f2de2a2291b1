"""R16: imported key material expires unless configuration allows otherwise."""

from __future__ import annotations

from ..facts import EXTERNAL_KEY_TYPE, REPLICA_EXTERNAL_KEY_TYPE
from ..rule import (
    PCI_CRYPTOPERIOD,
    Context,
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
    id="KG-R16",
    name="kms-key-requires-material-expiry",
    title="Imported key material has an expiry",
    description=(
        "Keys with imported material (`aws.kms.ExternalKey`, `aws.kms.ReplicaExternalKey`) set `validTo`, "
        "so the material expires and must be re-imported deliberately. With `allowNonExpiringMaterial` "
        "the rule is not applicable."
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
    valid_to = resource.props.get("validTo")
    if is_unknown(valid_to) or (isinstance(valid_to, str) and valid_to.strip()):
        return compliant()
    return violations(
        [
            "imported key material has no expiry; set validTo to an RFC 3339 time (YYYY-MM-DDTHH:MM:SSZ) "
            "or allow non-expiring material in this rule's configuration"
        ]
    )


RULE = ResourceRule(META, check)
