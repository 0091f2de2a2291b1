"""The consumer rules never raise, whatever a consumer's key settings hold: every wire path of the table
(and of the publishers) gets random JSON, unknowns, look-alike references, and wrong shapes on the way."""

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kmsguard.policies.facts import CONSUMERS, PUBLISHERS
from kmsguard.policies.registry import rule_by_id
from kmsguard.policies.rule import UNKNOWN, Outcome, Resource, ResourceRule, StackRule
from tests.policies.consumer_fixtures import (
    ALIAS,
    ALIAS_ARN,
    KEY_ID,
    QUEUE_ARN,
    TOPIC_ARN,
    consumer_stack,
    context,
)
from tests.policies.golden import KEY_ARN, MRK_ARN, MRK_ID

RULES = [rule_by_id(i) for i in ("KG-R23", "KG-S05", "KG-S06", "KG-S07")]
TYPES = sorted(CONSUMERS) + [p.type for p in PUBLISHERS]


def _paths(type_: str) -> list[str]:
    consumer = CONSUMERS.get(type_)
    if consumer is None:
        publisher = next(p for p in PUBLISHERS if p.type == type_)
        return [*publisher.targets, *([publisher.only_when[0]] if publisher.only_when else [])]
    paths = []
    for slot in consumer.slots:
        prefix = f"{slot.each}.0." if slot.each else ""
        paths += [prefix + slot.key] if slot.key else []
        paths += [prefix + s.path for s in slot.switches]
        paths += [prefix + slot.fallback.path] if slot.fallback else []
    return paths


references = st.sampled_from(
    [KEY_ARN, KEY_ID, MRK_ARN, MRK_ID, ALIAS, ALIAS_ARN, "alias/aws/s3", "alias/AWS/x", " alias/x", "aws/s3",
     TOPIC_ARN, QUEUE_ARN, "AES256", "aws:kms", "KMS", "SecureString", "true", "false", "sqs", ""]
)  # fmt: skip
leaves = (
    st.none() | st.booleans() | st.floats(allow_nan=False) | st.integers() | st.text(max_size=5) | references
)
values = st.recursive(
    leaves | st.just(UNKNOWN), lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=4), inner, max_size=2),
    max_leaves=4,
)  # fmt: skip


def _put(props: dict[str, Any], path: str, value: Any) -> None:
    """Set a dotted path, where a digit part makes a one-element list (or is left as a key on a non-list)."""
    parts = path.split(".")
    current: Any = props
    for i, part in enumerate(parts[:-1]):
        following: Any = [] if parts[i + 1].isdigit() else {}
        if isinstance(current, list):
            if not current:
                current.append(following)
            current = current[0]
            continue
        current = current.setdefault(part, following) if isinstance(current, dict) else current
    if isinstance(current, dict):
        current[parts[-1]] = value


@st.composite
def mangled(draw: st.DrawFn) -> Resource:
    type_ = draw(st.sampled_from(TYPES))
    props: dict[str, Any] = {}
    for path in draw(st.lists(st.sampled_from(_paths(type_)), max_size=4, unique=True)):
        if draw(st.booleans()):
            _put(props, path, draw(values))
        else:
            props[path.split(".")[0]] = draw(values)
    props["tags"] = draw(
        st.dictionaries(st.sampled_from(["DataClass", "CostCenter", "Environment"]), values, max_size=3)
    )
    deps = tuple(draw(st.lists(st.sampled_from(["urn:pulumi:prod::kmsguard::kmsguard:index:Key$aws:kms/key:Key::orders",
                                                  "urn:nowhere"]), max_size=2)))  # fmt: skip
    name = f"m{draw(st.integers(0, 3))}"
    return Resource(type_, name, f"urn:pulumi:prod::kmsguard::{type_}::{name}", props, None, deps,
                    dict.fromkeys(draw(st.lists(st.sampled_from(["kmsKeyId", "arn", "bucket", "rules"]), max_size=2)), deps))  # fmt: skip


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(mangled(), min_size=1, max_size=4), st.sampled_from(["prod", "dev"]))
def test_mangled_consumers_never_make_a_consumer_rule_raise(extra: list[Resource], stack: str) -> None:
    resources = [*consumer_stack(), *extra]
    for rule in RULES:
        ctx = context(rule.meta.config_defaults(), stack, region="eu-west-1")
        if isinstance(rule, ResourceRule):
            for resource in extra:
                if rule.applies_to(resource.type):
                    result = rule.check(resource, ctx)
                    assert result.outcome in Outcome
                    assert all(m for m in result.messages)
        else:
            assert isinstance(rule, StackRule)
            result = rule.check(resources, ctx)
            assert all(f.message and f.urn for f in result.findings)
