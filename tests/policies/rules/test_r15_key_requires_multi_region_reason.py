"""KG-R15 kms-key-requires-multi-region-reason: multi-region keys say why."""

from typing import Any

import pytest

from kmsguard.policies.facts import EXTERNAL_KEY_TYPE, KEY_TYPE
from kmsguard.policies.rule import UNKNOWN, Outcome
from kmsguard.policies.rules.r15_key_requires_multi_region_reason import RULE
from tests.policies.golden import TAGS, evaluate, fired, golden, with_props

TYPES = [KEY_TYPE, EXTERNAL_KEY_TYPE]
MISSING = (
    "multi-region key has no MultiRegionReason tag; add one saying why it needs replicas (e.g. dr-failover) "
    "or make it single-region"
)


@pytest.mark.parametrize("type_", TYPES)
def test_single_region_golden_keys_are_not_applicable(type_: str) -> None:
    result = evaluate(RULE, golden(type_))
    assert (result.outcome, result.reason) == (Outcome.NOT_APPLICABLE, "single-region key")
    assert evaluate(RULE, with_props(golden(type_), multiRegion=...)).outcome is Outcome.NOT_APPLICABLE


@pytest.mark.parametrize("type_", TYPES)
def test_multi_region_key_with_a_reason_is_compliant(type_: str) -> None:
    key = with_props(golden(type_), multiRegion=True, tags={**TAGS, "MultiRegionReason": "dr-failover"})
    assert evaluate(RULE, key).outcome is Outcome.COMPLIANT
    assert fired(key) == set()


@pytest.mark.parametrize("type_", TYPES)
def test_multi_region_without_reason_fires_exactly_r15(type_: str) -> None:
    key = with_props(golden(type_), multiRegion=True)
    result = evaluate(RULE, key)
    assert result.outcome is Outcome.VIOLATION
    assert result.messages == (MISSING,)
    assert fired(key) == {"KG-R15"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"tags": {**TAGS, "MultiRegionReason": "  "}}, MISSING),
        ({"tags": {**TAGS, "MultiRegionReason": UNKNOWN}},
         "tag MultiRegionReason is unknown during preview; set it to a literal reason"),
        ({"multiRegion": UNKNOWN}, MISSING),
    ],
)  # fmt: skip
def test_blank_and_unknown_reasons_are_violations(change: dict[str, Any], message: str) -> None:
    key = with_props(golden(KEY_TYPE), **{"multiRegion": True, **change})
    assert evaluate(RULE, key).messages == (message,)


def test_unknown_tags_are_a_violation() -> None:
    key = with_props(golden(KEY_TYPE), multiRegion=True, tags=UNKNOWN)
    assert evaluate(RULE, key).messages == (
        "tags are unknown during preview; set a literal MultiRegionReason tag",
    )


def test_replicas_are_out_of_scope() -> None:
    assert set(RULE.meta.resource_types) == set(TYPES)
