"""Grant plans: one typed record per `aws.kms.Grant` the component registers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from kmsguard.spec import KmsKeySpec


@dataclass(frozen=True)
class GrantPlan:
    """Everything `aws.kms.Grant` needs besides the key id (every field replaces the grant on change)."""

    #: Suffix of the grant's resource name and its KMS grant name.
    name_suffix: str
    grantee_principal: str
    #: Sorted KMS operation names (without the `kms:` prefix, as the Grant API takes them).
    operations: tuple[str, ...]
    encryption_context_equals: Mapping[str, str] | None = None
    encryption_context_subset: Mapping[str, str] | None = None
    retiring_principal: str | None = None
    #: Always empty: re-delegation (CreateGrant/RetireGrant) is refused by the spec.
    grant_tokens: tuple[str, ...] = field(default=())


def plan_grants(spec: KmsKeySpec) -> tuple[GrantPlan, ...]:
    """The spec's grants in spec order; constraints already checked against the key kind."""
    plans = []
    for grant in spec.grants:
        constraints = grant.constraints
        plans.append(
            GrantPlan(
                name_suffix=grant.name,
                grantee_principal=grant.grantee,
                operations=tuple(sorted(grant.operations)),
                encryption_context_equals=_frozen(
                    constraints.encryption_context_equals if constraints else None
                ),
                encryption_context_subset=_frozen(
                    constraints.encryption_context_subset if constraints else None
                ),
                retiring_principal=grant.retiring_principal,
            )
        )
    return tuple(plans)


def _frozen(value: Mapping[str, str] | None) -> Mapping[str, str] | None:
    return MappingProxyType(dict(sorted(value.items()))) if value is not None else None
