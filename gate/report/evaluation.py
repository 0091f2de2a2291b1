"""What a run evaluated, which every report states: a pass over nothing is not a pass.

- the enforcement levels in force (a pull request's config may have turned policies down: the
  reader must see it, whichever report they read);
- how many resources some enabled policy judged, and warnings when nothing was (no resources, every
  policy disabled, no resource in the pack's scope);
- how many resources were not fully evaluated because an input was unknown.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from kmsguard.gate.capture import Captured
from kmsguard.gate.model import GateResult, PolicyMeta

LEVEL_ORDER: Final = ("mandatory", "advisory", "remediate", "disabled")


@dataclass(frozen=True)
class Evaluation:
    resources: int
    in_scope: int
    enforcement: dict[str, int]
    not_fully_evaluated: int
    warnings: list[str] = field(default_factory=list)

    @property
    def nothing_checked(self) -> bool:
        return self.in_scope == 0


def enforcement(result: GateResult) -> dict[str, int]:
    """Policies per enforcement level; mandatory, advisory and disabled always listed."""
    counts = Counter(p.enforcement for p in result.policies)
    return {level: counts[level] for level in LEVEL_ORDER if counts[level] or level != "remediate"}


def enforcement_text(result: GateResult) -> str:
    levels = ", ".join(f"{n} {level}" for level, n in enforcement(result).items())
    return f"{len(result.policies)} policies: {levels}"


def judged(resource: Captured) -> bool:
    """Whether any resource policy could judge it: the engine's own resources are not judged."""
    return resource.custom and not resource.type.startswith("pulumi:")


def applicable(policies: Sequence[PolicyMeta], resource: Captured) -> list[PolicyMeta]:
    """The resource policies that judge `resource`, as the pack declared them (see
    `PolicyMeta.resource_types`)."""
    if not judged(resource):
        return []
    return [p for p in policies if not p.stack_policy and p.judges(resource.type)]


def evaluate(result: GateResult) -> Evaluation:
    checked = [r for r in result.resources if judged(r)]
    active = [p for p in result.policies if p.enforcement != "disabled"]
    flagged = {v.urn for v in result.violations}
    by_type: dict[str, list[str]] = {}  # which policies apply depends on the type alone
    for r in checked:
        if r.type not in by_type:
            by_type[r.type] = [p.name for p in applicable(active, r)]
    in_scope = sum(
        1
        for r in checked
        if r.urn in flagged or any((r.urn, name) not in result.not_applicable for name in by_type[r.type])
    )
    if not active:
        in_scope = 0
    warnings = []
    if not checked:
        warnings.append("the program registered no resources: nothing was checked")
    elif not active:
        warnings.append(f"no policy is enforced ({enforcement_text(result)}): nothing was checked")
    elif in_scope == 0:
        warnings.append(
            f"none of the {len(checked)} resources is in the scope of an enabled policy: nothing was checked"
        )
    unknown = len(result.unknown_paths)
    if unknown and result.allow_unknowns:
        warnings.append(
            f"{unknown} resource(s) not fully evaluated (unknown inputs), accepted by --allow-unknowns"
        )
    return Evaluation(len(checked), in_scope, enforcement(result), unknown, warnings)
