"""R20: every policy document parses, uses Version 2012-10-17, names real KMS actions and unique Sids."""

from __future__ import annotations

from ..documents import CarriedPolicy, carried_policies
from ..facts import ALL_POLICY_CARRIER_TYPES, POLICY_VERSION, canonical_action
from ..policydoc import PolicyDocument, expand_kms_actions, is_wildcard_action
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

META = RuleMeta(
    id="KG-R20",
    name="kms-policy-requires-valid-grammar",
    title="Policy documents parse, use Version 2012-10-17, name real KMS actions and unique Sids",
    description=(
        "Every policy document (key policies on keys and `aws.kms.KeyPolicy`, IAM policies, role inline "
        "policies) must parse: a JSON object with a `Statement` (one object or a non-empty list), each "
        "statement with Effect Allow or Deny and well-typed elements. It must declare Version "
        f"`{POLICY_VERSION}`, every `kms:` action must exist (names compare case-insensitively; a "
        "wildcard must match at least one action), every action needs a service prefix, and Sids must "
        "be unique. An unparseable policy is a violation, never a pass."
    ),
    rationale=(
        "A document nobody can read cannot be shown safe, so every other policy rule would have to skip "
        "it; failing closed here keeps those rules honest. Without Version 2012-10-17 IAM falls back to "
        "2008-10-17, where policy variables are literal text. A misspelled action silently grants or "
        "denies nothing, and duplicate Sids are rejected by IAM and make findings ambiguous."
    ),
    remediation=(
        f'Fix the document so it is valid JSON in IAM grammar, set `"Version": "{POLICY_VERSION}"`, '
        "spell KMS actions as in the KMS permissions reference (e.g. `kms:Decrypt`), prefix every "
        "action with its service, and give each statement its own Sid. Build documents with a policy "
        "builder rather than by hand."
    ),
    url="https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html",
    severity=Severity.HIGH,
    resource_types=ALL_POLICY_CARRIER_TYPES,
    unknowns=(
        "A document that depends on values computed during preview cannot be read yet: it is skipped "
        "(not applicable when it is the only one) and checked with known values when `pulumi up` runs. "
        "A document that is known but does not parse is always a violation."
    ),
    frameworks=(PCI_KEY_CUSTODIANS,),
)


def _document_findings(where: str, document: PolicyDocument) -> list[str]:
    findings: list[str] = []
    if document.version is None:
        findings.append(
            f'{where} has no Version; add "Version": "{POLICY_VERSION}" (without it IAM uses '
            "2008-10-17, which has no policy variables)"
        )
    elif document.version != POLICY_VERSION:
        findings.append(f"{where} has Version {document.version!r}; set Version to {POLICY_VERSION!r}")
    first_use: dict[str, str] = {}
    for statement in document.statements:
        label = f"{where} {statement.label}"
        for action in statement.actions:
            service, sep, _ = action.partition(":")
            if action != "*" and not sep:
                findings.append(
                    f"{label} names action {action!r} without a service prefix; write it as "
                    f"service:Action, e.g. kms:{action}"
                )
            elif service.lower() != "kms":
                continue
            elif is_wildcard_action(action):
                if not expand_kms_actions([action]):
                    findings.append(f"{label} names {action!r}, which matches no KMS action; fix the pattern")
            elif canonical_action(action) is None:
                findings.append(
                    f"{label} names {action!r}, which is not a KMS action; spell it as in the KMS "
                    "permissions reference"
                )
        if statement.sid is not None:
            if statement.sid in first_use:
                findings.append(
                    f"{where} uses Sid {statement.sid!r} for {first_use[statement.sid]} and "
                    f"statement #{statement.index + 1}; give each statement a unique Sid"
                )
            else:
                first_use[statement.sid] = f"statement #{statement.index + 1}"
    return findings


def _policy_findings(policy: CarriedPolicy) -> list[str]:
    where = f"{policy.kind} ({policy.path})"
    if policy.error is not None:
        return [f"{where} does not parse: {policy.error}; fix the document so IAM can read it"]
    if policy.document is None:
        return []
    return _document_findings(where, policy.document)


def check(resource: Resource, context: Context) -> Result:
    carried = carried_policies(resource)
    if not carried:
        return not_applicable("no policy document on this resource")
    if all(policy.unknown for policy in carried):
        return not_applicable(
            "the policy document is unknown during preview; `pulumi up` checks it with known values"
        )
    return violations([finding for policy in carried for finding in _policy_findings(policy)])


RULE = ResourceRule(META, check)
