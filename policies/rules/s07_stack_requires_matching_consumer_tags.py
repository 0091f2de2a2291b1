"""S7: a consumer and the key that protects it belong to the same data class and cost centre."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..consumer_links import StackKeys, stack_region
from ..consumers import consumer_types
from ..facts import CONSUMER_MATCHING_TAGS, CONSUMERS
from ..rule import (
    PCI_KEY_ARCHITECTURE,
    Context,
    Finding,
    Resource,
    Result,
    RuleMeta,
    Severity,
    StackRule,
    violations,
)

META = RuleMeta(
    id="KG-S07",
    name="kms-stack-requires-matching-consumer-tags",
    title="A consumer's data class and cost centre match its key's",
    description=(
        "Every consumer encrypted with a key of this stack carries the same value as that key for each "
        "tag in `matchingTags` (default: DataClass and CostCenter). The key is found by the consumer's "
        "key id, ARN, alias name or alias ARN, or during preview by the property dependencies of its key "
        "property. A tag missing on either side is not compared (KG-R19 asks keys for them); resources "
        "that take no tags, such as `aws.s3.BucketServerSideEncryptionConfiguration`, are not compared."
    ),
    rationale=(
        "One key per class of data keeps a key policy written for that class from opening other data, "
        "and the key's cost belongs to the cost centre of the data it protects. A confidential table "
        "under an internal key, or a team's logs under another team's key, breaks both."
    ),
    remediation=(
        "Encrypt the consumer with a key of its own data class and cost centre (create one with the "
        "`KmsKey` component if needed), or correct the consumer's tags."
    ),
    url="https://docs.aws.amazon.com/kms/latest/developerguide/tagging-keys.html",
    severity=Severity.MEDIUM,
    resource_types=consumer_types(),
    unknowns="Unknown tag values are not compared; unknown key references are linked through the stack's graph.",
    frameworks=(PCI_KEY_ARCHITECTURE,),
    config_schema={
        "matchingTags": {
            "type": "array",
            "items": {"type": "string", "minLength": 1},
            "default": list(CONSUMER_MATCHING_TAGS),
            "description": "Tags a consumer must share with the key that protects it.",
        }
    },
)


def _tag(resource: Resource, name: str) -> str | None:
    value: Any = resource.tags().get(name)
    return value if isinstance(value, str) and value else None


def check(resources: Sequence[Resource], context: Context) -> Result:
    configured = context.config.get("matchingTags", list(CONSUMER_MATCHING_TAGS))
    names = [t for t in configured if isinstance(t, str)] if isinstance(configured, list) else []
    consumers = [r for r in resources if r.type in CONSUMERS and r.tags()]
    if not consumers or not names:
        return violations([])
    stack = StackKeys.of(resources, stack_region(context))
    findings: list[Finding] = []
    for consumer in consumers:
        seen: set[tuple[str, str]] = set()
        for use in stack.uses(consumer):
            for key in stack.keys_of(consumer, use) or ():
                for name in names:
                    mine, theirs = _tag(consumer, name), _tag(key, name)
                    if mine is None or theirs is None or mine == theirs or (key.urn, name) in seen:
                        continue
                    seen.add((key.urn, name))
                    findings.append(
                        Finding(
                            f"{consumer.name!r} has {name} {mine!r} but {key.name!r}, the key of its "
                            f"{use.where}, has {theirs!r}; "
                            f"encrypt it with a key of {name} {mine!r} or correct the tag",
                            consumer.urn,
                        )
                    )
    return violations(findings)


RULE = StackRule(META, check)
