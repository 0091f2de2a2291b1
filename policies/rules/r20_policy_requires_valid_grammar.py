"""R20: every policy document parses, uses Version 2012-10-17, names real KMS actions and unique Sids."""

from __future__ import annotations

from typing import Final

from ..documents import CarriedPolicy, PolicyKind, document_unknowns, judge_carried
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
)

#: Grammar is read from these; a Resource or Condition still unknown cannot hide a grammar error.
READS: Final = frozenset({"Version", "Sid", "Principal", "Action"})

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
    unknowns=document_unknowns(
        READS, extra="This rule reports a known document that does not parse itself: always a violation."
    ),
    frameworks=(PCI_KEY_CUSTODIANS,),
)


def _document_findings(where: str, document: PolicyDocument) -> list[str]:
    findings: list[str] = []
    if "Version" in document.unknown:
        pass  # not fully evaluated: the walker names it
    elif document.version is None:
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


def _key_policy_findings(where: str, policy: CarriedPolicy, document: PolicyDocument) -> list[str]:
    """What KMS alone requires of a key policy: a principal on every statement, at most 32 KB."""
    findings: list[str] = []
    if policy.size is not None and policy.size > KEY_POLICY_MAX_BYTES:
        findings.append(
            f"{where} is {policy.size} bytes; KMS accepts at most {KEY_POLICY_MAX_BYTES}: "
            "split usage into grants or IAM policies"
        )
    findings.extend(
        f"{where} {s.label} has no Principal; a key policy statement must name who it applies to"
        for s in document.statements
        if not s.principals and not s.not_principal
    )
    return findings


def _error_findings(policy: CarriedPolicy) -> list[str]:
    return [
        f"{policy.kind} ({policy.path}) does not parse: {policy.error}; fix the document so IAM can read it"
    ]


def _policy_findings(policy: CarriedPolicy, document: PolicyDocument) -> list[str]:
    where = f"{policy.kind} ({policy.path})"
    findings = _document_findings(where, document)
    if policy.kind is PolicyKind.KEY:
        findings.extend(_key_policy_findings(where, policy, document))
    return findings


def check(resource: Resource, context: Context) -> Result:
    return judge_carried(resource, _policy_findings, reads=READS, errors=_error_findings)


RULE = ResourceRule(META, check)
