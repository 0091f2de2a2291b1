"""S6: a key of this stack lets the AWS service that encrypts a consumer's data use it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..consumer_links import StackKeys, partition_of, region_of, stack_region
from ..consumers import Verdict, consumer_types
from ..documents import UNKNOWN_DOCUMENT, UNPARSEABLE
from ..evaluation import deny_applies_to, unconditional_denies
from ..facts import CONSUMER_SERVICE_PRINCIPALS, CONSUMERS, SERVICE_PRINCIPAL_ACTIONS, service_principal
from ..policydoc import PolicyDocument, Principal, Statement
from ..rule import Context, Finding, Resource, Result, RuleMeta, Severity, StackRule, violations
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
        "Conditions on an Allow are not evaluated."
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
        "judged and is a violation."
    ),
    frameworks=R23.frameworks,
)


@dataclass(frozen=True)
class _Need:
    principal: str
    actions: tuple[str, ...]
    why: str


def _needs(consumer: Resource, stack: StackKeys, key: Resource) -> list[_Need]:
    region = region_of(consumer, stack.default_region) or region_of(key, None) or "<region>"
    partition = partition_of(key)
    wanted = []
    own = CONSUMER_SERVICE_PRINCIPALS.get(consumer.type)
    if own is not None:
        wanted.append((own, "encrypts it"))
    wanted.extend(
        (d.principal, f"delivers to it for {d.source.name!r}") for d in stack.deliveries_to(consumer)
    )
    return [
        _Need(service_principal(p, region, partition), SERVICE_PRINCIPAL_ACTIONS[p], why) for p, why in wanted
    ]


def _names(statement: Statement, principal: str) -> bool:
    if statement.not_principal:
        return False
    return any(
        p.is_wildcard or (p.kind == "Service" and p.value.lower() == principal) for p in statement.principals
    )


def missing_actions(document: PolicyDocument, principal: str, actions: tuple[str, ...]) -> list[str]:
    """The actions `principal` may not take under the document: no Allow names it, or an unconditional
    Deny takes them back (evaluation.py decides when a Deny provably applies to it). Conditions on an
    Allow are assumed to match (this asks "can it ever work")."""
    service = Principal("Service", principal)
    allowed: set[str] = set()
    denied: set[str] = set()
    for statement in document.allows():
        if _names(statement, principal):
            allowed |= statement.kms_actions
    for statement in unconditional_denies(document.statements):
        if deny_applies_to(statement, service):
            denied |= statement.kms_actions
    return [a for a in actions if a not in allowed or a in denied]


def check(resources: Sequence[Resource], context: Context) -> Result:
    consumers = [r for r in resources if r.type in CONSUMERS]
    if not consumers:
        return violations([])
    stack = StackKeys.of(resources, stack_region(context))
    findings: list[Finding] = []
    for consumer in consumers:
        if consumer.type not in CONSUMER_SERVICE_PRINCIPALS and not stack.deliveries_to(consumer):
            continue
        for use in stack.uses(consumer):
            if use.verdict not in (Verdict.CUSTOMER_KEY, Verdict.UNKNOWN_KEY):
                continue
            for key in stack.keys_of(consumer, use) or ():
                findings.extend(Finding(m, consumer.urn) for m in _judge(consumer, stack, key, use.where))
    return violations(findings)


def _judge(consumer: Resource, stack: StackKeys, key: Resource, where: str) -> list[str]:
    policies = stack.policies_of(key)
    messages: list[str] = []
    for need in _needs(consumer, stack, key):
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
            missing = missing_actions(policy.document, need.principal, actions)
            if missing:
                messages.append(
                    f"{lead} may not {', '.join(f'kms:{a}' for a in missing)} under its key policy; "
                    f"allow {need.principal} {wanted}"
                )
    return messages


RULE = StackRule(META, check)
