"""KG-S05, KG-S06 and KG-S07 for every type of `facts.CONSUMERS`: pass, fail and not-applicable, with
exact findings. Each consumer is the compliant fixture of KG-R23 (tests/policies/consumer_fixtures.py)
with every customer-key reference pointed at the stack's key `orders`."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from kmsguard.policies.consumers import SlotUse, Verdict, slot_uses
from kmsguard.policies.facts import (
    CONSUMER_SERVICE_PRINCIPALS,
    CONSUMERS,
    DELEGATED_KEYS,
    SERVICE_PRINCIPAL_ACTIONS,
    service_principal,
)
from kmsguard.policies.rule import UNKNOWN, Outcome, Resource
from kmsguard.policies.rules.s05_stack_requires_known_consumer_key import RULE as S05
from kmsguard.policies.rules.s06_stack_requires_consumer_key_access import RULE as S06
from kmsguard.policies.rules.s07_stack_requires_matching_consumer_tags import RULE as S07
from tests.policies.consumer_fixtures import CASES, consumer, context, key_policy, urn_of
from tests.policies.golden import MRK_ARN, REGION, TAGS, golden_stack, stack_replace

TYPES = sorted(CONSUMERS)
SUBJECT = "subject"
_PART = re.compile(r"(\w+)(?:\[(\d+)\])?")


def _set(props: dict[str, Any], path: str, value: Any) -> None:
    """Set the value at a wire path such as `rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId`."""
    current: Any = props
    parts = path.split(".")
    for i, part in enumerate(parts):
        match = _PART.fullmatch(part)
        assert match, part
        name, index = match.group(1), match.group(2)
        last = i == len(parts) - 1
        if index is None:
            if last:
                current[name] = value
            else:
                current = current[name]
        elif last:
            current[name][int(index)] = value
        else:
            current = current[name][int(index)]


def _customer_uses(type_: str) -> list[SlotUse]:
    return [u for u in slot_uses(consumer(type_, CASES[type_][0])) if u.verdict is Verdict.CUSTOMER_KEY]


def _subject(type_: str, reference: Any = MRK_ARN, **extra: Any) -> dict[str, Any]:
    props = copy.deepcopy(CASES[type_][0])
    for use in _customer_uses(type_):
        _set(props, use.key_path, reference)
    return {"region": REGION, "tags": dict(TAGS), **props, **extra}


def _stack(
    type_: str,
    props: dict[str, Any],
    policy: list[dict[str, Any]] | None = None,
    property_dependencies: dict[str, tuple[str, ...]] | None = None,
) -> list[Resource]:
    stack = stack_replace(golden_stack(), "orders", policy=key_policy(policy))
    urn = f"urn:pulumi:prod::kmsguard::{type_}::{SUBJECT}"
    return [*stack, Resource(type_, SUBJECT, urn, props, None, (), property_dependencies or {})]


def _findings(rule: Any, stack: list[Resource]) -> list[tuple[str | None, str]]:
    result = rule.check(stack, context(rule.meta.config_defaults(), region=REGION))
    return [(f.urn, f.message) for f in result.findings]


def test_every_type_has_a_compliant_fixture_with_a_customer_key_or_a_delegated_one() -> None:
    without = [t for t in TYPES if not _customer_uses(t)]
    assert without == ["aws:ebs/encryptionByDefault:EncryptionByDefault"]


# -- KG-S07: tags ------------------------------------------------------------------------------


@pytest.mark.parametrize("type_", TYPES)
def test_s07_pass_when_the_tags_match(type_: str) -> None:
    assert _findings(S07, _stack(type_, _subject(type_))) == []


@pytest.mark.parametrize("type_", TYPES)
def test_s07_fail_when_the_data_class_differs(type_: str) -> None:
    stack = _stack(type_, _subject(type_, tags={**TAGS, "DataClass": "internal"}))
    expected = [
        (
            urn_of(stack, SUBJECT),
            f"'subject' has DataClass 'internal' but 'orders', the key of its {use.where}, has 'confidential'; "
            "encrypt it with a key of DataClass 'internal' or correct the tag",
        )
        for use in _customer_uses(type_)[:1]
    ]
    assert _findings(S07, stack) == expected


@pytest.mark.parametrize("type_", TYPES)
def test_s07_not_applicable_to_a_key_outside_the_stack(type_: str) -> None:
    outside = MRK_ARN.replace("1234abcd", "9999abcd")
    stack = _stack(type_, _subject(type_, outside, tags={**TAGS, "DataClass": "internal"}))
    assert S07.check(stack, context(S07.meta.config_defaults())).outcome is Outcome.COMPLIANT


# -- KG-S05: keys unknown at preview -------------------------------------------------------------


def _s05_message(use: SlotUse) -> str:
    return (
        f"{use.where}: cannot judge: {use.key_path} is unknown during preview and does not come from a key or "
        "alias of this stack; pass the ARN of a key (or the name of an alias) of this stack, or name the key "
        "literally"
    )


@pytest.mark.parametrize("type_", TYPES)
def test_s05_pass_when_the_unknown_key_comes_from_the_stack(type_: str) -> None:
    stack = _stack(type_, _subject(type_, UNKNOWN))
    key_urn = urn_of(stack, "orders")
    tops = {u.top: (key_urn,) for u in _customer_uses(type_)} or {"x": (key_urn,)}
    stack = [*stack[:-1], Resource(type_, SUBJECT, stack[-1].urn, stack[-1].props, None, (), tops)]
    if type_ in DELEGATED_KEYS:
        # EBS encryption by default takes its key from the region's default key.
        stack.append(Resource(DELEGATED_KEYS[type_], "default-key", "urn:default-key", {"keyArn": MRK_ARN}))
    assert _findings(S05, stack) == []


@pytest.mark.parametrize("type_", TYPES)
def test_s05_fail_when_the_unknown_key_comes_from_nothing(type_: str) -> None:
    stack = _stack(type_, _subject(type_, UNKNOWN))
    expected = [(urn_of(stack, SUBJECT), _s05_message(u)) for u in _customer_uses(type_)]
    if type_ in DELEGATED_KEYS:
        expected = [
            (
                urn_of(stack, SUBJECT),
                f"'subject' turns EBS encryption by default on, but no aws.ebs.DefaultKmsKey of region {REGION} is "
                "in the stack, so new volumes are encrypted with the AWS managed key alias/aws/ebs; add an "
                "aws.ebs.DefaultKmsKey with a customer managed key",
            )
        ]
    assert _findings(S05, stack) == expected


@pytest.mark.parametrize("type_", TYPES)
def test_s05_not_applicable_where_the_environment_does_not_require_it(type_: str) -> None:
    stack = _stack(type_, _subject(type_, UNKNOWN, tags={**TAGS, "Environment": "dev"}))
    assert _findings(S05, stack) == []


# -- KG-S06: the service that encrypts the consumer may use its key --------------------------------


@pytest.mark.parametrize("type_", TYPES)
def test_s06_pass_when_the_key_admits_the_services(type_: str) -> None:
    assert _findings(S06, _stack(type_, _subject(type_))) == []


@pytest.mark.parametrize("type_", TYPES)
def test_s06_fail_only_for_consumers_encrypted_by_their_service_and_not_applicable_otherwise(
    type_: str,
) -> None:
    stack = _stack(type_, _subject(type_), policy=[])
    own = CONSUMER_SERVICE_PRINCIPALS.get(type_)
    if own is None:
        assert _findings(S06, stack) == []
        return
    principal = service_principal(own, REGION)
    actions = ", ".join(f"kms:{a}" for a in SERVICE_PRINCIPAL_ACTIONS[own])
    (use,) = _customer_uses(type_)
    assert _findings(S06, stack) == [
        (
            urn_of(stack, SUBJECT),
            f"{use.where} of 'subject' is encrypted with key 'orders', but {principal} (encrypts it) may not "
            f"{actions} under its key policy; allow {principal} {actions}",
        )
    ]
