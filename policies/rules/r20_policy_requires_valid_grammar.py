"""R20: every policy document parses, uses Version 2012-10-17, names real KMS actions and unique Sids."""

from __future__ import annotations

from ..documents import CarriedPolicy, PolicyKind, carried_policies
from ..facts import ALL_POLICY_CARRIER_TYPES, KEY_POLICY_MAX_BYTES, POLICY_VERSION, canonical_action
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
        "wildcard must match at least one action), every action needs a service prefix, and non-empty "
        "Sids must be unique (AWS accepts repeated empty Sids). Element names are case-sensitive and a "
        "JSON key may not repeat, as in AWS. A key-policy statement must name a Principal and a key "
        "policy must fit KMS's 32 KB. An unparseable policy is a violation, never a pass."
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
        # Terraform's AWS provider before v5 wrote "Sid": "" on every statement, and AWS accepts
        # repeated empty Sids: only a non-empty Sid must be unique.
        if statement.sid:
            if statement.sid in first_use:
                findings.append(
                    f"{where} uses Sid {statement.sid!r} for {first_use[statement.sid]} and "
                    f"statement #{statement.index + 1}; give each statement a unique Sid"
                )
            else:
                first_use[statement.sid] = f"statement #{statement.index + 1}"
    return findings


def _key_policy_findings(where: str, policy: CarriedPolicy) -> list[str]:
    """What KMS alone requires of a key policy: a principal on every statement, at most 32 KB."""
    findings: list[str] = []
    if policy.size is not None and policy.size > KEY_POLICY_MAX_BYTES:
        findings.append(
            f"{where} is {policy.size} bytes; KMS accepts at most {KEY_POLICY_MAX_BYTES}: "
            "split usage into grants or IAM policies"
        )
    assert policy.document is not None
    findings.extend(
        f"{where} {s.label} has no Principal; a key policy statement must name who it applies to"
        for s in policy.document.statements
        if not s.principals and not s.not_principal
    )
    return findings


def _policy_findings(policy: CarriedPolicy) -> list[str]:
    where = f"{policy.kind} ({policy.path})"
    if policy.error is not None:
        return [f"{where} does not parse: {policy.error}; fix the document so IAM can read it"]
    if policy.document is None:
        return []
    findings = _document_findings(where, policy.document)
    if policy.kind is PolicyKind.KEY:
        findings.extend(_key_policy_findings(where, policy))
    return findings


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
