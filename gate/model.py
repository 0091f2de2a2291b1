"""What a gate run produces, independent of how it is reported."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Final

from kmsguard.gate.capture import Captured
from kmsguard.gate.locations import Location
from kmsguard.gate.project import Project

#: Display order, worst first.
SEVERITIES: Final = ("critical", "high", "medium", "low", "unspecified")
_RULE_ID = re.compile(r"^[A-Z]{2,}-[A-Z]?\d+$")
#: A Pulumi type token (`aws:kms/key:Key`): package, module, type.
_TYPE_TOKEN = re.compile(r"^[A-Za-z][\w-]*:[\w./-]*:[A-Za-z]\w*$")


@dataclass(frozen=True)
class PolicyMeta:
    """A policy as the pack describes it (GetAnalyzerInfo), with its reconciled enforcement."""

    name: str
    title: str
    description: str
    severity: str
    enforcement: str
    remediation: str = ""
    url: str = ""
    stack_policy: bool = False
    tags: tuple[str, ...] = ()
    config_schema: dict[str, Any] = field(default_factory=dict)
    required: tuple[str, ...] = ()

    @property
    def rule_id(self) -> str:
        """The stable id the pack tags its policy with (`KG-R01`), else the policy name."""
        return _rule_id(self.tags, self.name)

    @property
    def resource_types(self) -> frozenset[str]:
        """The type tokens the pack tags its policy with: the only resources it judges. Empty when
        the pack names none, which means every resource."""
        return _resource_types(self.tags)

    def judges(self, resource_type: str) -> bool:
        types = self.resource_types
        return not types or resource_type in types


@lru_cache(maxsize=1024)
def _rule_id(tags: tuple[str, ...], name: str) -> str:
    # Cached here rather than on the instance: reports ask once per test case (tens of thousands on
    # a large stack), and an attribute set in __post_init__ would land in __dict__, which kmsguard.gate.run
    # copies into PolicyMeta(**...) keyword arguments.
    return next((t for t in tags if _RULE_ID.match(t)), name)


@lru_cache(maxsize=1024)
def _resource_types(tags: tuple[str, ...]) -> frozenset[str]:
    return frozenset(t for t in tags if _TYPE_TOKEN.match(t))


@dataclass(frozen=True)
class Violation:
    policy: str
    rule_id: str
    severity: str
    enforcement: str
    urn: str
    message: str
    #: Where the resource comes from (a stack-config line, or the program's), when known.
    location: Location | None = None

    @property
    def mandatory(self) -> bool:
        return self.enforcement == "mandatory"


@dataclass
class GateResult:
    project: Project
    pack_name: str
    pack_version: str
    policies: list[PolicyMeta]
    resources: list[Captured]
    violations: list[Violation]
    #: (urn, policy name) pairs the pack reported as not applicable.
    not_applicable: set[tuple[str, str]] = field(default_factory=set)
    timings: dict[str, float] = field(default_factory=dict)
    #: The gate's own checks that produced findings (not the pack's: they are not counted as its policies).
    checks: list[PolicyMeta] = field(default_factory=list)
    #: URN → the input paths that were unknown: those resources were not fully evaluated.
    unknown_paths: dict[str, list[str]] = field(default_factory=dict)
    allow_unknowns: bool = False
    #: Who can do what with each key (`kmsguard.gate.access`), in the JSON report's form.
    access: list[dict[str, Any]] = field(default_factory=list)
    #: `added` / `removed` against a baseline report, when one was given.
    access_changes: dict[str, list[dict[str, Any]]] | None = None
    #: `policies` as last indexed by name, and that index (see `policy`).
    _policy_index: tuple[list[PolicyMeta], dict[str, PolicyMeta]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    @property
    def mandatory_count(self) -> int:
        return sum(1 for v in self.violations if v.mandatory)

    def policy(self, name: str) -> PolicyMeta | None:
        """The first policy called `name`. Reports ask once per violation, so the answer comes from
        an index, rebuilt whenever `policies` no longer equals the list it was built from."""
        known = [*self.policies, *self.checks]
        if self._policy_index is None or self._policy_index[0] != known:
            index: dict[str, PolicyMeta] = {}
            for p in known:
                index.setdefault(p.name, p)
            self._policy_index = (known, index)
        return self._policy_index[1].get(name)


@dataclass(frozen=True)
class GateFailure:
    """A run that ended in exit 2: no verdict exists, and every report must say so rather than
    leave an earlier run's file (or nothing) for CI to upload."""

    reason: str
    project: str = ""
    stack: str = ""
