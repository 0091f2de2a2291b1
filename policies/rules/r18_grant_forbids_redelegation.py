"""R18: grants never re-delegate, name only real operations, and bind people to an encryption context."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..facts import (
    GRANT_OPERATIONS,
    GRANT_REDELEGATION_OPERATIONS,
    GRANT_TYPE,
    SERVICE_PRINCIPAL_RE,
)
from ..rule import (
    PCI_KEY_CUSTODIANS,
    Context,
    Resource,
    ResourceRule,
    Result,
    RuleMeta,
    Severity,
    is_unknown,
    violations,
)

_CONTEXT_CONSTRAINTS = ("encryptionContextEquals", "encryptionContextSubset")

META = RuleMeta(
    id="KG-R18",
    name="kms-grant-forbids-redelegation",
    title="Grants cannot be re-delegated and are bound to an encryption context",
    description=(
        "A grant (`aws.kms.Grant`) must not carry the CreateGrant or RetireGrant operation, must list "
        "only operations KMS accepts for grants, and, unless its grantee is an AWS service principal, "
        "must carry a constraint with a non-empty `encryptionContextEquals` or `encryptionContextSubset`."
    ),
    rationale=(
        "Grants are invisible in the key policy. A grant with CreateGrant lets its grantee hand the key "
        "on to anyone, beyond the reach of the key policy's review; RetireGrant lets it remove other "
        "grants. An encryption-context constraint limits a grant to the data it was made for, so a "
        "leaked grantee credential cannot decrypt everything the key protects."
    ),
    remediation=(
        "Remove CreateGrant and RetireGrant from `operations` (the key's administrators create grants; "
        "the `retiring_principal` retires them). Use only the KMS grant operations. Add "
        "`constraints=[{'encryption_context_subset': {...}}]` (or `encryption_context_equals`) naming "
        "the context the grantee encrypts with."
    ),
    url="https://docs.aws.amazon.com/kms/latest/developerguide/grant-best-practices.html",
    severity=Severity.HIGH,
    resource_types=(GRANT_TYPE,),
    unknowns=(
        "Fails closed: unknown `operations` (or an unknown operation in the list) is a violation, since "
        "re-delegation cannot be ruled out; an unknown grantee is treated as a person (it needs a "
        "context constraint); unknown `constraints` are a violation for such grantees. Unknown values "
        "inside a constraint's context map still count as a constraint."
    ),
    frameworks=(PCI_KEY_CUSTODIANS,),
)


def _operation_findings(operations: Any) -> list[str]:
    if is_unknown(operations):
        return ["operations are unknown during preview; list the grant operations literally"]
    if not isinstance(operations, list) or not operations:
        return ["the grant lists no operations; set operations to the grant operations the grantee needs"]
    findings: list[str] = []
    for operation in operations:
        if is_unknown(operation):
            findings.append("an operation is unknown during preview; list the grant operations literally")
        elif operation in GRANT_REDELEGATION_OPERATIONS:
            findings.append(
                f"operation {operation} lets the grantee re-delegate or retire grants; remove it from operations"
            )
        elif operation not in GRANT_OPERATIONS:
            findings.append(
                f"operation {operation!r} is not a KMS grant operation; use only {', '.join(GRANT_OPERATIONS)}"
            )
    return findings


def _has_context_constraint(constraints: Any) -> bool:
    if not isinstance(constraints, list):
        return False
    for constraint in constraints:
        if not isinstance(constraint, Mapping):
            continue
        for key in _CONTEXT_CONSTRAINTS:
            context = constraint.get(key)
            if isinstance(context, Mapping) and context:
                return True
    return False


def _constraint_findings(grantee: Any, constraints: Any) -> list[str]:
    if isinstance(grantee, str) and SERVICE_PRINCIPAL_RE.match(grantee):
        # AWS services pass their own context on each call; a constraint would only break them.
        return []
    who = grantee if isinstance(grantee, str) else "an unknown grantee"
    if is_unknown(constraints):
        return [
            f"constraints of the grant to {who} are unknown during preview; set a literal "
            "encryptionContextEquals or encryptionContextSubset constraint"
        ]
    if _has_context_constraint(constraints):
        return []
    return [
        f"the grant to {who} has no encryption-context constraint; add constraints with a non-empty "
        "encryptionContextEquals or encryptionContextSubset"
    ]


def check(resource: Resource, context: Context) -> Result:
    props = resource.props
    findings = _operation_findings(props.get("operations"))
    findings += _constraint_findings(props.get("granteePrincipal"), props.get("constraints"))
    return violations(findings)


RULE = ResourceRule(META, check)
