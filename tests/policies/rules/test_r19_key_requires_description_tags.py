"""KG-R19 kms-key-requires-description-tags: description quality and required tags on every key type."""

from typing import Any

import pytest

from kmsguard.policies.facts import ALIAS_TYPE, ALL_KEY_TYPES, KEY_TYPE
from kmsguard.policies.rule import UNKNOWN, Outcome, Resource
from kmsguard.policies.rules.r19_key_requires_description_tags import RULE
from tests.policies.golden import TAGS, evaluate, fired, golden, with_props

KEY = KEY_TYPE
NO_DESCRIPTION = "the key has no description; set description to what the key protects and for whom"


@pytest.mark.parametrize("type_", ALL_KEY_TYPES)
def test_golden_keys_are_compliant(type_: str) -> None:
    assert evaluate(RULE, golden(type_)).outcome is Outcome.COMPLIANT


@pytest.mark.parametrize("type_", ALL_KEY_TYPES)
@pytest.mark.parametrize("description", [..., "", "   ", 42.0])
def test_missing_description_fires_on_every_key_type(type_: str, description: Any) -> None:
    key = with_props(golden(type_), description=description)
    assert evaluate(RULE, key).messages == (NO_DESCRIPTION,)
    assert fired(key) == {"KG-R19"}


@pytest.mark.parametrize("text", ["KMS key", "test", "TODO", "kms-key", " Test Key. ", "n/a"])
def test_placeholder_descriptions_fire(text: str) -> None:
    key = with_props(golden(KEY), description=text)
    assert evaluate(RULE, key).messages == (
        f"description {text.strip()!r} is placeholder text; describe what the key protects and for whom",
    )
    assert fired(key) == {"KG-R19"}


def test_description_that_repeats_the_resource_name_fires() -> None:
    base = golden(KEY)
    key = Resource(base.type, "orders-key", base.urn, {**base.props, "description": "Orders key"})
    assert evaluate(RULE, key).messages == (
        "description 'Orders key' only repeats the resource name; describe what the key protects",
    )


def test_short_description_fires_and_minimum_is_configurable() -> None:
    key = with_props(golden(KEY), description="Payments")
    message = (
        "description 'Payments' is shorter than 10 characters; describe what the key protects and for whom"
    )
    assert evaluate(RULE, key).messages == (message,)
    assert fired(key) == {"KG-R19"}
    assert evaluate(RULE, key, minDescriptionLength=8).outcome is Outcome.COMPLIANT
    assert evaluate(RULE, key, minDescriptionLength=8.0).outcome is Outcome.COMPLIANT


@pytest.mark.parametrize("type_", ALL_KEY_TYPES)
@pytest.mark.parametrize("tag", ["Environment", "Owner", "CostCenter", "DataClass"])
def test_each_missing_required_tag_fires(type_: str, tag: str) -> None:
    tags = {k: v for k, v in TAGS.items() if k != tag}
    key = with_props(golden(type_), tags=tags)
    assert evaluate(RULE, key).messages == (
        f"required tags missing or empty: {tag}; add them to the key's tags with non-empty values",
    )


def test_empty_tag_values_and_absent_tags_fire_once_listing_every_tag() -> None:
    key = with_props(golden(KEY), tags={**TAGS, "Owner": " ", "CostCenter": None})
    assert evaluate(RULE, key).messages == (
        "required tags missing or empty: Owner, CostCenter; add them to the key's tags with non-empty values",
    )
    bare = with_props(golden(KEY), tags=...)
    assert evaluate(RULE, bare).messages == (
        "required tags missing or empty: Environment, Owner, CostCenter, DataClass; add them to the key's "
        "tags with non-empty values",
    )


def test_required_tags_are_configurable() -> None:
    key = with_props(golden(KEY), tags={**TAGS, "Team": "payments"})
    assert evaluate(RULE, key, requiredTags=["Team"]).outcome is Outcome.COMPLIANT
    assert evaluate(RULE, golden(KEY), requiredTags=["Team"]).messages == (
        "required tags missing or empty: Team; add them to the key's tags with non-empty values",
    )


@pytest.mark.parametrize("reserved", ["aws:createdBy", "AWS:Team"])
def test_reserved_aws_prefix_fires(reserved: str) -> None:
    key = with_props(golden(KEY), tags={**TAGS, reserved: "x"})
    assert evaluate(RULE, key).messages == (
        f"tag key {reserved!r} uses the reserved 'aws:' prefix; KMS rejects it, rename the tag",
    )


def test_unknown_values_pass_the_check_they_affect() -> None:
    assert evaluate(RULE, with_props(golden(KEY), description=UNKNOWN)).outcome is Outcome.COMPLIANT
    assert evaluate(RULE, with_props(golden(KEY), tags=UNKNOWN)).outcome is Outcome.COMPLIANT
    key = with_props(golden(KEY), tags={**TAGS, "Owner": UNKNOWN})
    assert evaluate(RULE, key).outcome is Outcome.COMPLIANT


def test_applies_to_every_key_type_only() -> None:
    assert RULE.meta.resource_types == ALL_KEY_TYPES
    assert not RULE.applies_to(ALIAS_TYPE)
