"""S2: alias names are unique per region."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from ..facts import ALIAS_TYPE
from ..rule import (
    PCI_KEY_MANAGEMENT,
    Context,
    Finding,
    Resource,
    Result,
    RuleMeta,
    Severity,
    StackRule,
    violations,
)
from ..stack_links import alias_name, aliases

STACK_REGION_KEY = "aws:region"

META = RuleMeta(
    id="KG-S02",
    name="kms-stack-requires-unique-aliases",
    title="Alias names are unique per region",
    description=(
        "No two aliases in the stack share a name in the same region. An alias's region is its `region` "
        "property, else the stack's `aws:region` configuration. Every alias of a clashing name is blamed."
    ),
    rationale=(
        "An alias name is unique per account and region. Two aliases with one name make the update fail "
        "half-way at apply time (AlreadyExistsException); catching it at preview keeps the stack whole."
    ),
    remediation="Rename all but one of the clashing aliases, or move one to the region it was meant for.",
    url="https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html",
    severity=Severity.HIGH,
    resource_types=(ALIAS_TYPE,),
    unknowns=(
        "Aliases whose name or region is unknown are left out: they cannot be compared. Names compare "
        "exactly, as KMS stores them."
    ),
    frameworks=(PCI_KEY_MANAGEMENT,),
)


def _region(alias: Resource, context: Context) -> str | None:
    region = alias.props.get("region")
    if region is None or region == "":
        region = context.stack_config.get(STACK_REGION_KEY)
    return region if isinstance(region, str) and region else None


def check(resources: Sequence[Resource], context: Context) -> Result:
    groups: dict[tuple[str, str], list[Resource]] = defaultdict(list)
    for alias in aliases(resources):
        name, region = alias_name(alias), _region(alias, context)
        if name is not None and region is not None:
            groups[(region, name)].append(alias)
    findings: list[Finding] = []
    for (region, name), clashing in sorted(groups.items()):
        if len(clashing) < 2:
            continue
        others = ", ".join(sorted(a.name for a in clashing))
        findings.extend(
            Finding(
                f"alias name {name!r} is used by {len(clashing)} aliases in region {region} ({others}); "
                "alias names must be unique per region, so rename all but one",
                alias.urn,
            )
            for alias in clashing
        )
    return violations(findings)


RULE = StackRule(META, check)
