"""What a rule is: typed metadata plus a pure predicate. Nothing here imports pulumi.

A resource rule maps (resource, context) to a `Result`: compliant, violations, or not applicable.
A stack rule maps (all resources, context) to a `Result` whose violations name resource URNs.
`adapter.py` turns these into `pulumi_policy` policies; tests call the predicates directly.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from typing import Any, Final

from .facts import ALLOWED_ACCOUNTS_CONFIG_KEY, ENVIRONMENT_TAG


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class Enforcement(StrEnum):
    ADVISORY = "advisory"
    MANDATORY = "mandatory"
    REMEDIATE = "remediate"
    DISABLED = "disabled"


@dataclass(frozen=True)
class Framework:
    """A compliance framework control this rule maps to."""

    name: str
    version: str
    reference: str
    specification: str = ""


CIS_AWS: Final = "CIS AWS Foundations Benchmark"
AWS_FSBP: Final = "AWS Foundational Security Best Practices"
PCI_DSS: Final = "PCI DSS"

#: PCI DSS 3.2.1 requirements several rules map to, each written once.
PCI_KEY_CUSTODIANS: Final = Framework(
    PCI_DSS,
    "3.2.1",
    "3.5.2",
    "Restrict access to cryptographic keys to the fewest number of custodians necessary",
)
PCI_LEAST_PRIVILEGE: Final = Framework(
    PCI_DSS, "3.2.1", "7.1.2", "Restrict access to privileged user IDs to least privileges"
)
PCI_KEY_ARCHITECTURE: Final = Framework(
    PCI_DSS,
    "3.2.1",
    "3.5.1",
    "Maintain a documented description of the cryptographic architecture, including the usage of each key",
)
PCI_CRYPTOPERIOD: Final = Framework(
    PCI_DSS, "3.2.1", "3.6.4", "Cryptographic key changes at the end of the cryptoperiod"
)
PCI_KEY_MANAGEMENT: Final = Framework(
    PCI_DSS, "3.2.1", "3.6", "Document and implement all key-management processes and procedures"
)


#: Every rule id starts with this: `KG-R01` … `KG-S07`.
RULE_ID_PREFIX: Final = "KG-"


@dataclass(frozen=True)
class RuleMeta:
    #: Stable identifier, never reused: `KG-R01` … `KG-S03`.
    id: str
    #: Policy name as the CLI shows it: `kms-<resource>-<verb>-<object>`.
    name: str
    title: str
    description: str
    rationale: str
    remediation: str
    url: str
    severity: Severity
    resource_types: tuple[str, ...]
    #: What an unknown (computed during preview) value means for this rule.
    unknowns: str
    frameworks: tuple[Framework, ...] = ()
    #: JSON-schema properties of this rule's configuration; each has a `default` and a `description`.
    config_schema: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    #: True when the rule can fix what it finds (the `remediate` enforcement level).
    remediable: bool = False

    @property
    def default_enforcement(self) -> Enforcement:
        if self.severity in (Severity.CRITICAL, Severity.HIGH):
            return Enforcement.MANDATORY
        return Enforcement.ADVISORY

    def config_defaults(self) -> dict[str, Any]:
        return {k: v["default"] for k, v in self.config_schema.items() if "default" in v}

    @property
    def module_name(self) -> str:
        """The rule's module, derived from its id and name (`KG-R18` + `kms-grant-forbids-redelegation`
        → `r18_grant_forbids_redelegation`) so that the three can never tell different stories."""
        number = self.id.removeprefix(RULE_ID_PREFIX).lower()
        return f"{number}_{self.name.removeprefix('kms-').replace('-', '_')}"


class Outcome(Enum):
    COMPLIANT = "compliant"
    VIOLATION = "violation"
    NOT_APPLICABLE = "not-applicable"


@dataclass(frozen=True)
class Finding:
    message: str
    #: The resource a stack rule blames; None for resource rules (the engine fills it in).
    urn: str | None = None


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    findings: tuple[Finding, ...] = ()
    reason: str = ""

    @property
    def messages(self) -> tuple[str, ...]:
        return tuple(f.message for f in self.findings)


def compliant() -> Result:
    return Result(Outcome.COMPLIANT)


def not_applicable(reason: str) -> Result:
    return Result(Outcome.NOT_APPLICABLE, reason=reason)


def violations(messages: Sequence[str] | Sequence[Finding]) -> Result:
    """A violation for each message; compliant when there are none."""
    findings = tuple(m if isinstance(m, Finding) else Finding(m) for m in messages)
    return Result(Outcome.VIOLATION, findings) if findings else compliant()


class _Unknown:
    """A value the engine cannot know during preview (it depends on another resource's output)."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Final = _Unknown()


def is_unknown(value: object) -> bool:
    return value is UNKNOWN


@dataclass(frozen=True)
class Resource:
    """A resource as the engine sends it: type token, name, URN and camelCase properties."""

    type: str
    name: str
    urn: str
    props: Mapping[str, Any]
    parent: str | None = None
    #: URNs this resource depends on (AnalyzeStack sends them); empty when the driver does not.
    dependencies: tuple[str, ...] = ()
    #: Property name → URNs its value came from (AnalyzeStack's propertyDependencies); empty when not sent.
    property_dependencies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def tags(self) -> Mapping[str, Any]:
        tags = self.props.get("tags")
        return tags if isinstance(tags, Mapping) else {}


@dataclass(frozen=True)
class Context:
    """Where a rule runs: the stack, its configuration and this rule's own configuration."""

    stack: str = ""
    project: str = ""
    #: The rule's configuration, defaults already applied.
    config: Mapping[str, Any] = field(default_factory=dict)
    #: The stack's configuration (`PULUMI_CONFIG`), e.g. `aws:allowedAccountIds`.
    stack_config: Mapping[str, Any] = field(default_factory=dict)

    def environment_of(self, resource: Resource) -> str:
        """The resource's `Environment` tag when set, else the stack name (lowercased)."""
        tag = resource.tags().get(ENVIRONMENT_TAG)
        return (tag if isinstance(tag, str) and tag else self.stack).lower()

    def account_id(self) -> str | None:
        """The stack's own account: rule config `accountId`, else `aws:allowedAccountIds`."""
        configured = self.config.get("accountId")
        if isinstance(configured, str) and configured:
            return configured
        allowed = self.stack_config.get(ALLOWED_ACCOUNTS_CONFIG_KEY)
        if isinstance(allowed, str):
            try:
                allowed = json.loads(allowed)
            except json.JSONDecodeError:
                return None
        if isinstance(allowed, list) and allowed and isinstance(allowed[0], str | int):
            return str(allowed[0])
        return None


#: The config property `Context.account_id()` reads, for every rule that needs the stack's account.
ACCOUNT_ID_CONFIG: Final[Mapping[str, Any]] = {
    "type": "string",
    "default": "",
    "description": "The stack's own account id; empty means the first of aws:allowedAccountIds.",
}


def per_environment(values: Mapping[str, Any], environment: str) -> Any:
    """Look up a per-environment setting: the environment's own value, else the `*` default."""
    return values.get(environment, values.get("*"))


def per_environment_schema(
    item: Mapping[str, Any], default: Mapping[str, Any], description: str
) -> dict[str, Any]:
    """JSON schema for a per-environment setting: environment name → value, `*` for the rest."""
    return {
        "type": "object",
        "additionalProperties": dict(item),
        "required": ["*"],
        "default": dict(default),
        "description": description,
    }


ResourceCheck = Callable[[Resource, Context], Result]
StackCheck = Callable[[Sequence[Resource], Context], Result]
#: Returns the corrected properties, or None when nothing safe can be done.
Remediation = Callable[[Resource, Context], Mapping[str, Any] | None]


@dataclass(frozen=True)
class ResourceRule:
    meta: RuleMeta
    check: ResourceCheck
    remediate: Remediation | None = None

    def applies_to(self, resource_type: str) -> bool:
        return resource_type in self.meta.resource_types


@dataclass(frozen=True)
class StackRule:
    meta: RuleMeta
    check: StackCheck


Rule = ResourceRule | StackRule
