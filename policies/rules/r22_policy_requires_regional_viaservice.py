"""R22: `kms:ViaService` values name a service in a region, or they never match."""

from __future__ import annotations

import re
from typing import Final

from ..documents import parsed_documents
from ..facts import (
    ALL_POLICY_CARRIER_TYPES,
    PARTITION_DNS_SUFFIX,
    VIA_SERVICE_KEY,
    VIA_SERVICE_RE,
)
from ..policydoc import Condition
from ..rule import (
    PCI_KEY_CUSTODIANS,
    Context,
    Resource,
    ResourceRule,
    Result,
    RuleMeta,
    Severity,
    not_applicable,
    violations,
)

#: `s3.amazonaws.com`: the commonest mistake, a service endpoint without the region.
_REGIONLESS_RE: Final = re.compile(
    r"^[a-z0-9-]+\.(" + "|".join(re.escape(s) for s in sorted(set(PARTITION_DNS_SUFFIX.values()))) + r")$"
)
#: Under a `…Like` operator, `<service>.*.amazonaws.com` deliberately matches every region.
_ANY_REGION_RE: Final = re.compile(r"^(?P<service>[a-z0-9-]+)\.\*\.(?P<suffix>.+)$")
_SAMPLE_REGION: Final = "us-east-1"
_LIKE_OPERATORS: Final = frozenset({"StringLike", "StringNotLike"})

META = RuleMeta(
    id="KG-R22",
    name="kms-policy-requires-regional-viaservice",
    title="kms:ViaService values name a service endpoint in a region",
    description=(
        "Every value of a `kms:ViaService` condition, in any policy document, must have the form "
        "`<service>.<region>.amazonaws.com` (`.amazonaws.com.cn` in China). Under a `StringLike`-style "
        "operator the region may be the wildcard `*`. A value without the region "
        "(`s3.amazonaws.com`) never matches any request."
    ),
    rationale=(
        "KMS fills `kms:ViaService` with the regional endpoint of the calling service. A malformed value "
        "silently never matches: an Allow meant for S3 grants nothing (deployments break in ways that "
        "look like IAM problems) and a Deny guarded by it never fires, which is a hole. No other tool "
        "checks the format."
    ),
    remediation=(
        "Write one value per region the key (and each replica) lives in, e.g. "
        "`s3.eu-west-1.amazonaws.com`; build the values with kmsguard's `via_service_value` helper."
    ),
    url="https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service",
    severity=Severity.HIGH,
    resource_types=ALL_POLICY_CARRIER_TYPES,
    unknowns=(
        "A document that is unknown during preview is skipped (not applicable when it is the only one) "
        "and checked with known values when `pulumi up` runs; a document that does not parse is left "
        "to KG-R20."
    ),
    frameworks=(PCI_KEY_CUSTODIANS,),
)


def _well_formed(condition: Condition, value: str) -> bool:
    if VIA_SERVICE_RE.match(value):
        return True
    if condition.base_operator in _LIKE_OPERATORS:
        match = _ANY_REGION_RE.match(value)
        if match is not None:
            return VIA_SERVICE_RE.match(f"{match['service']}.{_SAMPLE_REGION}.{match['suffix']}") is not None
    return False


def _value_finding(label: str, value: str) -> str:
    if _REGIONLESS_RE.match(value):
        return (
            f"{label} has kms:ViaService value {value!r} without a region, which never matches; write "
            "<service>.<region>.amazonaws.com, one value per region the key lives in"
        )
    return (
        f"{label} has kms:ViaService value {value!r}, which is not <service>.<region>.amazonaws.com and "
        "never matches; fix the value"
    )


def check(resource: Resource, context: Context) -> Result:
    documents = parsed_documents(resource)
    if not documents:
        return not_applicable(
            "no readable policy document (absent, unknown during preview, or unparseable and reported by KG-R20)"
        )
    findings: list[str] = []
    for carried, document in documents:
        for statement in document.statements:
            label = f"{carried.kind} ({carried.path}) {statement.label}"
            for condition in statement.conditions_on(VIA_SERVICE_KEY):
                findings.extend(
                    _value_finding(label, value)
                    for value in condition.values
                    if not _well_formed(condition, value)
                )
    return violations(findings)


RULE = ResourceRule(META, check)
