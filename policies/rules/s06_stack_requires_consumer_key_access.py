"""S6: a key of this stack lets the AWS service that encrypts a consumer's data use it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..consumer_links import StackKeys, partition_of, region_of, stack_region
from ..consumers import Verdict, consumer_types
from ..documents import UNKNOWN_DOCUMENT, UNPARSEABLE
from ..evaluation import deny_applies_to, unconditional_denies
from ..facts import (
    CONSUMER_SERVICE_PRINCIPALS,
    CONSUMERS,
    SERVICE_PRINCIPAL_ACTIONS,
    SERVICE_REQUESTS,
    service_principal,
)
from ..policydoc import PolicyDocument, Principal, Statement
from ..rule import Context, Finding, Resource, Result, RuleMeta, Severity, StackRule, violations
from ..service_requests import Match, Request, fill, request_for, statement_admits
from .r23_consumer_requires_customer_key import META as R23

META = RuleMeta(
    id="KG-S06",
    name="kms-stack-requires-consumer-key-access",
    title="A consumer's key lets the service that encrypts it use it",
    description=(
        "Some AWS services use a consumer's key as a service principal, not on behalf of a caller: a "
        "CloudWatch Logs group needs `logs.<region>.amazonaws.com`, a CloudTrail trail "
        "`cloudtrail.amazonaws.com`, an SNS topic that an EventBridge target, a CloudWatch alarm or an "
        "S3 notification publishes to needs `events`, `cloudwatch` or `s3.amazonaws.com`, an SQS queue "
        "fed by an SNS subscription, an EventBridge target or an S3 notification needs `sns`, `events` "
        "or `s3.amazonaws.com`. When that key is a key of this stack, its effective key policy (a "
        "separate `aws.kms.KeyPolicy` when there is one, else the key's own `policy`, else AWS's "
        "default, which admits only the account) must have Allow statements naming that service "
        "principal (or `*`) for at least the actions AWS documents (`facts.SERVICE_PRINCIPAL_ACTIONS`), "
        "and no unconditional Deny of them. Keys outside the stack cannot be read and are not judged. "
        "An Allow counts only when its conditions can match the service's request for this consumer: "
        "the encryption context (`kms:EncryptionContext:aws:logs:arn`, `…:aws:cloudtrail:arn`: the "
        "consumer's ARN, on the cryptographic actions only), `aws:SourceArn` (the trail, or the rule, "
        "alarm, bucket or topic that publishes) and `aws:SourceAccount` (the stack's account, from "
        "`aws:allowedAccountIds`), built from the consumer's ARN, region and name as the stack knows "
        "them (`facts.SERVICE_REQUESTS`). A condition that names another log group, trail, region or "
        "account does not admit it."
    ),
    rationale=(
        "Without that statement the preview passes and `pulumi up` fails (AccessDeniedException when "
        "the log group or trail is associated with the key), or, worse, it succeeds and every message "
        "EventBridge or SNS delivers is dropped because the service cannot encrypt it."
    ),
    remediation=(
        "Add the service integration to the key (the library's service presets), or a key-policy "
        "statement allowing the service principal the listed actions, scoped with `aws:SourceArn` / "
        "`aws:SourceAccount` or the service's encryption context."
    ),
    url="https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-services.html",
    severity=Severity.HIGH,
    resource_types=consumer_types(),
    unknowns=(
        "Unknown key references and publisher targets are linked through the stack's graph (property "
        "dependencies, else dependencies). A key policy that is unknown or does not parse cannot be "
        "judged and is a violation. A condition the stack cannot decide (a part of the ARN unknown "
        "during preview that the condition depends on, a condition key the service's request is not "
        "known to carry, a non-string operator, a policy variable) cannot be judged and is a violation "
        "when no other statement admits the service."
    ),
    frameworks=R23.frameworks,
)


#: Why the account is a hole in every request: the rule reads it from the stack's configuration.
_NO_ACCOUNT = "; the account is the stack's aws:allowedAccountIds, which is not set"


@dataclass(frozen=True)
class _Need:
    principal: str
    actions: tuple[str, ...]
    why: str
    request: Request


def _needs(consumer: Resource, stack: StackKeys, key: Resource, account: str | None) -> list[_Need]:
    known_region = region_of(consumer, stack.default_region) or region_of(key, None)
    region = known_region or "<region>"
    partition = partition_of(key)
    known = {"partition": partition, "region": known_region, "account": account}
    needs = []
    own = CONSUMER_SERVICE_PRINCIPALS.get(consumer.type)
    if own is not None:
        request = request_for(SERVICE_REQUESTS[own], consumer, None, known)
        needs.append(
            _Need(
                service_principal(own, region, partition),
                SERVICE_PRINCIPAL_ACTIONS[own],
                "encrypts it",
                request,
            )
        )
    for d in stack.deliveries_to(consumer):
        source_known = {**known, "region": region_of(d.source, stack.default_region)}
        source = fill(d.publisher.source_arn, d.source.props, source_known)
        request = request_for(SERVICE_REQUESTS[d.principal], consumer, source, known)
        why = f"delivers to it for {d.source.name!r}"
        needs.append(
            _Need(
                service_principal(d.principal, region, partition),
                SERVICE_PRINCIPAL_ACTIONS[d.principal],
                why,
                request,
            )
        )
    return needs


def _names(statement: Statement, principal: str) -> bool:
    if statement.not_principal:
        return False
    return any(
        p.is_wildcard or (p.kind == "Service" and p.value.lower() == principal) for p in statement.principals
    )


def admitted(
    statement: Statement, request: Request | None, notes: dict[str, list[tuple[Match, str]]]
) -> set[str]:
    """The statement's actions whose request its conditions admit (all of them when `request` is
    None: "can it ever work"); for the others, why not (NO) or why it cannot be told (UNKNOWN)."""
    if request is None or not statement.conditions:
        return set(statement.kms_actions)
    out: set[str] = set()
    for action in statement.kms_actions:
        verdict, reason = statement_admits(statement, request, action)
        if verdict is Match.YES:
            out.add(action)
        else:
            notes.setdefault(action, []).append((verdict, f"{statement.label}: {reason}"))
    return out


def missing_actions(
    document: PolicyDocument,
    principal: str,
    actions: tuple[str, ...],
    request: Request | None = None,
    notes: dict[str, list[tuple[Match, str]]] | None = None,
) -> list[str]:
    """The actions `principal` may not take under the document: no Allow names it and admits the
    request, or an unconditional Deny takes them back (evaluation.py decides when a Deny provably
    applies to it)."""
    service = Principal("Service", principal)
    allowed: set[str] = set()
    denied: set[str] = set()
    notes = {} if notes is None else notes
    for statement in document.allows():
        if _names(statement, principal):
            allowed |= admitted(statement, request, notes)
    for statement in unconditional_denies(document.statements):
        if deny_applies_to(statement, service):
            denied |= statement.kms_actions
    return [a for a in actions if a not in allowed or a in denied]


def check(resources: Sequence[Resource], context: Context) -> Result:
    consumers = [r for r in resources if r.type in CONSUMERS]
    if not consumers:
        return violations([])
    stack = StackKeys.of(resources, stack_region(context))
    account = context.account_id()
    findings: list[Finding] = []
    for consumer in consumers:
        if consumer.type not in CONSUMER_SERVICE_PRINCIPALS and not stack.deliveries_to(consumer):
            continue
        for use in stack.uses(consumer):
            if use.verdict not in (Verdict.CUSTOMER_KEY, Verdict.UNKNOWN_KEY):
                continue
            for key in stack.keys_of(consumer, use) or ():
                findings.extend(
                    Finding(m, consumer.urn) for m in _judge(consumer, stack, key, use.where, account)
                )
    return violations(findings)


def _judge(consumer: Resource, stack: StackKeys, key: Resource, where: str, account: str | None) -> list[str]:
    policies = stack.policies_of(key)
    messages: list[str] = []
    for need in _needs(consumer, stack, key, account):
        actions = need.actions
        wanted = ", ".join(f"kms:{a}" for a in actions)
        lead = f"{where} of {consumer.name!r} is encrypted with key {key.name!r}, but {need.principal} ({need.why})"
        if not policies:
            messages.append(
                f"{lead} is not in its key policy (none is set: AWS's default admits only the account); "
                f"allow {need.principal} {wanted}"
            )
            continue
        for policy in policies:
            if policy.unknown or policy.document is None:
                reason = UNKNOWN_DOCUMENT if policy.unknown else UNPARSEABLE
                messages.append(f"{lead}: cannot judge, {reason}")
                continue
            notes: dict[str, list[tuple[Match, str]]] = {}
            missing = missing_actions(policy.document, need.principal, actions, need.request, notes)
            unjudged = [a for a in missing if any(v is Match.UNKNOWN for v, _ in notes.get(a, ()))]
            refused = [a for a in missing if a not in unjudged]
            if unjudged:
                reasons = _reasons(notes, unjudged, Match.UNKNOWN)
                messages.append(
                    f"{lead}: cannot judge whether its key policy lets it "
                    f"{', '.join(f'kms:{a}' for a in unjudged)}: {reasons}; write conditions the stack can "
                    f"decide (the consumer's ARN, region and account{_NO_ACCOUNT if account is None else ''}), "
                    f"or allow {need.principal} {wanted}"
                )
            if refused:
                excluded = _reasons(notes, refused, Match.NO)
                messages.append(
                    f"{lead} may not {', '.join(f'kms:{a}' for a in refused)} under its key policy"
                    f"{f' ({excluded} cannot match)' if excluded else ''}; allow {need.principal} {wanted}"
                )
    return messages


def _reasons(notes: dict[str, list[tuple[Match, str]]], actions: list[str], verdict: Match) -> str:
    """Each statement's deciding condition once, in the order first met."""
    seen: dict[str, None] = {}
    for action in actions:
        for v, reason in notes.get(action, ()):
            if v is verdict:
                seen.setdefault(reason, None)
    return "; ".join(seen)


RULE = StackRule(META, check)
