"""KG-R14 kms-key-requires-deletion-window: per-environment minimums on every key type."""

import pytest

from kmsguard.policies.facts import EXTERNAL_KEY_TYPE, KEY_TYPE, REPLICA_EXTERNAL_KEY_TYPE, REPLICA_KEY_TYPE
from kmsguard.policies.rule import UNKNOWN, Outcome, Resource
from kmsguard.policies.rules.r14_key_requires_deletion_window import RULE
from tests.policies.golden import TAGS, evaluate, fired, golden, with_props

TYPES = [
    KEY_TYPE,
    EXTERNAL_KEY_TYPE,
    REPLICA_KEY_TYPE,
    REPLICA_EXTERNAL_KEY_TYPE,
]


def _in(environment: str, type_: str = KEY_TYPE, **changes: object) -> Resource:
    return with_props(golden(type_), tags={**TAGS, "Environment": environment}, **changes)


@pytest.mark.parametrize("type_", TYPES)
def test_golden_keys_have_the_prod_window(type_: str) -> None:
    assert evaluate(RULE, golden(type_)).outcome is Outcome.COMPLIANT


@pytest.mark.parametrize("type_", TYPES)
def test_short_window_in_prod_fires_exactly_r14(type_: str) -> None:
    key = with_props(golden(type_), deletionWindowInDays=7.0)
    result = evaluate(RULE, key)
    assert result.outcome is Outcome.VIOLATION
    assert result.messages == (
        "deletionWindowInDays is 7 days, below the 30-day minimum for environment 'prod'; set it to at least 30",
    )
    assert fired(key) == {"KG-R14"}


def test_absent_window_is_the_aws_default_of_30() -> None:
    assert evaluate(RULE, with_props(golden(KEY_TYPE), deletionWindowInDays=...)).outcome is (
        Outcome.COMPLIANT
    )


@pytest.mark.parametrize(
    ("environment", "days", "outcome"),
    [
        ("dev", 7.0, Outcome.COMPLIANT),
        ("staging", 7.0, Outcome.COMPLIANT),
        ("production", 29.0, Outcome.VIOLATION),
        ("production", 30.0, Outcome.COMPLIANT),
        ("PROD", 10.0, Outcome.VIOLATION),
    ],
)
def test_minimum_follows_the_environment_tag(environment: str, days: float, outcome: Outcome) -> None:
    assert evaluate(RULE, _in(environment, deletionWindowInDays=days)).outcome is outcome


def test_environment_falls_back_to_the_stack_name() -> None:
    untagged = with_props(golden(KEY_TYPE), deletionWindowInDays=7.0, tags={"Owner": "x"})
    assert evaluate(RULE, untagged, stack="dev").outcome is Outcome.COMPLIANT
    assert evaluate(RULE, untagged, stack="prod").messages == (
        "deletionWindowInDays is 7 days, below the 30-day minimum for environment 'prod'; set it to at least 30",
    )


def test_configured_minimums_override_the_defaults() -> None:
    key = _in("dev", deletionWindowInDays=10.0)
    minimums = {"dev": 14, "*": 7}
    assert evaluate(RULE, key, minimumDeletionWindowDays=minimums).messages == (
        "deletionWindowInDays is 10 days, below the 14-day minimum for environment 'dev'; set it to at least 14",
    )
    assert fired(key, config={"KG-R14": {"minimumDeletionWindowDays": minimums}}) == {"KG-R14"}


def test_a_configuration_without_a_value_uses_the_strictest_window() -> None:
    key = _in("dev", deletionWindowInDays=7.0)
    assert evaluate(RULE, key, minimumDeletionWindowDays={"prod": 30}).messages == (
        "deletionWindowInDays is 7 days, below the 30-day minimum for environment 'dev'; set it to at least 30",
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (UNKNOWN, "deletionWindowInDays is unknown during preview; set it to a literal of at least 30"),
        ("30", "deletionWindowInDays must be a number of days, got '30'; set it to at least 30"),
        (True, "deletionWindowInDays must be a number of days, got True; set it to at least 30"),
        (
            45.0,
            "deletionWindowInDays is 45, outside the 7-30 days KMS accepts; set it to at least 30 and at most 30",
        ),
        (
            3.0,
            "deletionWindowInDays is 3, outside the 7-30 days KMS accepts; set it to at least 30 and at most 30",
        ),
    ],
)
def test_unknown_and_malformed_windows_are_violations(value: object, message: str) -> None:
    result = evaluate(RULE, with_props(golden(KEY_TYPE), deletionWindowInDays=value))
    assert result.messages == (message,)


def test_default_configuration() -> None:
    assert RULE.meta.config_defaults() == {
        "minimumDeletionWindowDays": {"prod": 30, "production": 30, "*": 7}
    }
