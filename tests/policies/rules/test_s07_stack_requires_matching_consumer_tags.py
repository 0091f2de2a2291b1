"""KG-S07 kms-stack-requires-matching-consumer-tags: a consumer's DataClass and CostCenter match its key's."""

import pytest

from kmsguard.policies.rule import UNKNOWN, Outcome
from kmsguard.policies.rules.s07_stack_requires_matching_consumer_tags import RULE
from tests.policies.consumer_fixtures import consumer_stack, context, urn_of
from tests.policies.golden import KEY_ARN, TAGS, stack_fired, stack_replace


def _findings(stack: list, **config: object) -> list[tuple[str | None, str]]:
    result = RULE.check(stack, context(RULE.meta.config_defaults(), **config))
    return [(f.urn, f.message) for f in result.findings]


def test_pass_when_tags_match() -> None:
    assert RULE.check(consumer_stack(), context(RULE.meta.config_defaults())).outcome is Outcome.COMPLIANT


@pytest.mark.parametrize(
    ("tag", "value"),
    [
        pytest.param("DataClass", "internal", id="fail_data_class"),
        pytest.param("CostCenter", "cc-9", id="fail_cost_center"),
    ],
)
def test_fail_when_a_tag_differs(tag: str, value: str) -> None:
    stack = stack_replace(consumer_stack(), "orders-db", tags={**TAGS, tag: value})
    assert _findings(stack) == [
        (
            urn_of(stack, "orders-db"),
            f"'orders-db' has {tag} {value!r} but 'orders', the key of its storage, has {TAGS[tag]!r}; encrypt it "
            f"with a key of {tag} {value!r} or correct the tag",
        )
    ]
    assert stack_fired(stack) == {"KG-S07": {urn_of(stack, "orders-db")}}


def test_each_differing_tag_is_reported_once_per_key() -> None:
    stack = stack_replace(
        consumer_stack(), "orders-logs", tags={**TAGS, "DataClass": "public", "CostCenter": "cc-9"}
    )
    assert [m for _, m in _findings(stack)] == [
        "'orders-logs' has DataClass 'public' but 'orders', the key of its storage, has 'confidential'; encrypt it "
        "with a key of DataClass 'public' or correct the tag",
        "'orders-logs' has CostCenter 'cc-9' but 'orders', the key of its storage, has 'cc-1234'; encrypt it with "
        "a key of CostCenter 'cc-9' or correct the tag",
    ]


@pytest.mark.parametrize(
    ("name", "changes"),
    [
        pytest.param("orders-db", {"tags": {"Owner": "x"}}, id="not_compared_consumer_untagged"),
        pytest.param("orders-db", {"tags": {**TAGS, "DataClass": UNKNOWN}}, id="not_compared_unknown_tag"),
        pytest.param("orders-db", {"tags": {**TAGS, "DataClass": "x"}, "kmsKeyId": KEY_ARN.replace("1234abcd", "9999abcd")},
                     id="not_compared_key_outside_stack"),
        pytest.param("orders", {"tags": {"Owner": "x"}}, id="not_compared_key_untagged"),
    ],
)  # fmt: skip
def test_not_compared(name: str, changes: dict[str, object]) -> None:
    assert _findings(stack_replace(consumer_stack(), name, **changes)) == []


def test_configured_tags_replace_the_defaults() -> None:
    stack = stack_replace(consumer_stack(), "orders-db", tags={**TAGS, "DataClass": "internal"})
    assert _findings(stack, matchingTags=["CostCenter"]) == []
    assert _findings(stack, matchingTags=[]) == []
