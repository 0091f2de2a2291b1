"""S5: a consumer's key that is unknown during preview comes from a key of this stack."""

from __future__ import annotations

from collections.abc import Sequence

from ..consumer_links import StackKeys, stack_region
from ..consumers import Verdict, consumer_types, slot_uses
from ..facts import CONSUMERS
from ..rule import Context, Finding, Resource, Result, RuleMeta, Severity, StackRule, violations
from .r23_consumer_customer_key import META as R23
from .r23_consumer_customer_key import REQUIRE_CUSTOMER_KEY_SCHEMA, required

META = RuleMeta(
    id="KG-S05",
    name="kms-stack-requires-known-consumer-key",
    title="A consumer's key unknown at preview comes from this stack",
    description=(
        "During preview the ARN of a key created in the same update is unknown, so KG-R23 cannot tell a "
        "customer key from an AWS managed one. This rule finishes the job with the whole stack: where "
        "the environment requires customer keys (KG-R23's `requireCustomerKey`), every consumer whose key "
        "reference is unknown must get it from a key or alias of this stack, as the property "
        "dependencies of the key property (else the consumer's dependencies) show. A reference that "
        "comes from anything else (a stack reference, a lookup, an unrelated output) cannot be judged "
        "and is a violation."
    ),
    rationale=(
        "A gate that passes every unknown key would let `alias/aws/s3` through as soon as it is wrapped "
        "in an output; one that fails every unknown key would fail every correct program. The stack's "
        "graph tells the two apart."
    ),
    remediation=(
        "Pass the consumer the `arn` (or `key_id`) of a key, or the `name` of an alias, created in this "
        "stack; for a key created elsewhere, pass its ARN or alias as a literal or configuration value."
    ),
    url=R23.url,
    severity=Severity.HIGH,
    resource_types=consumer_types(),
    unknowns=(
        "This rule is about unknowns: an unknown reference that comes from a key or alias of the stack "
        "passes (KG-S06 and KG-S07 judge that key); one traced to nothing, or with no dependency "
        "information at all, is a violation."
    ),
    frameworks=R23.frameworks,
    config_schema={"requireCustomerKey": REQUIRE_CUSTOMER_KEY_SCHEMA},
)


def check(resources: Sequence[Resource], context: Context) -> Result:
    waiting = [
        (consumer, pending)
        for consumer in resources
        if consumer.type in CONSUMERS
        and (pending := [u for u in slot_uses(consumer) if u.verdict is Verdict.UNKNOWN_KEY])
        and required(consumer, context)
    ]
    if not waiting:
        # The common case once outputs are known: nothing to trace, so the stack is not indexed.
        return violations([])
    stack = StackKeys(resources, stack_region(context))
    findings: list[Finding] = []
    for consumer, pending in waiting:
        findings.extend(
            Finding(
                f"{use.where}: cannot judge: {use.key_path} is unknown during preview and does not come "
                "from a key or alias of this stack; pass the ARN of a key (or the name of an alias) of "
                "this stack, or name the key literally",
                consumer.urn,
            )
            for use in pending
            if not stack.keys_of(consumer, use)
        )
    return violations(findings)


RULE = StackRule(META, check)
