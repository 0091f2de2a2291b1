"""R15: a multi-region key records why it is multi-region."""

from __future__ import annotations

from ..facts import MULTI_REGION_REASON_TAG, PRIMARY_KEY_TYPES
from ..rule import (
    PCI_KEY_ARCHITECTURE,
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
    id="KG-R15",
    name="kms-key-requires-multi-region-reason",
    title="Multi-region keys carry a MultiRegionReason tag",
    description=(
        f"A key created with `multiRegion` true carries a non-empty `{MULTI_REGION_REASON_TAG}` tag saying "
        "why (disaster recovery, global tables, active-active, cross-region signing). Single-region keys "
        "are not applicable. Replicas inherit the primary's reason and are not checked."
    ),
    rationale=(
        "AWS advises single-region keys unless there is a reason: the same key material in several "
        "regions widens where it can be used and who must be trusted there. Prowler flags every "
        "multi-region key; recording the reason makes the exception reviewable instead."
    ),
    remediation=(
        f"Add tag `{MULTI_REGION_REASON_TAG}` with the reason (e.g. `dr-failover`), or set "
        "`multi_region=False` if the key does not need replicas."
    ),
    url="https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-overview.html",
    severity=Severity.LOW,
    resource_types=PRIMARY_KEY_TYPES,
    unknowns=(
        "An unknown `multiRegion` is treated as multi-region (the tag is required). Unknown `tags`, or an "
        f"unknown `{MULTI_REGION_REASON_TAG}` value, is a violation: the reason cannot be shown."
    ),
    frameworks=(PCI_KEY_ARCHITECTURE,),
)


def check(resource: Resource, context: Context) -> Result:
    multi_region = resource.props.get("multiRegion")
    if not is_unknown(multi_region) and multi_region is not True:
        return not_applicable("single-region key")
    tags = resource.props.get("tags")
    if is_unknown(tags):
        return violations([f"tags are unknown during preview; set a literal {MULTI_REGION_REASON_TAG} tag"])
    reason = resource.tags().get(MULTI_REGION_REASON_TAG)
    if is_unknown(reason):
        return violations(
            [f"tag {MULTI_REGION_REASON_TAG} is unknown during preview; set it to a literal reason"]
        )
    if isinstance(reason, str) and reason.strip():
        return compliant()
    return violations(
        [
            f"multi-region key has no {MULTI_REGION_REASON_TAG} tag; add one saying why it needs replicas "
            "(e.g. dr-failover) or make it single-region"
        ]
    )


RULE = ResourceRule(META, check)
