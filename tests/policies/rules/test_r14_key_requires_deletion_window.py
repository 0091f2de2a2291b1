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
        pytest.param(
            "30",
            "cannot judge: deletionWindowInDays is '30', expected a whole number of days; "
            "set it to at least 30",
            id="fail_string",
        ),
        pytest.param(
            True,
            "cannot judge: deletionWindowInDays is True, expected a whole number of days; "
            "set it to at least 30",
            id="fail_bool",
        ),
        pytest.param(
            float("nan"),
            "cannot judge: deletionWindowInDays is nan, expected a whole number of days; "
            "set it to at least 30",
            id="fail_nan",
        ),
        pytest.param(
            float("-inf"),
            "cannot judge: deletionWindowInDays is -inf, expected a whole number of "
            "days; set it to at least 30",
            id="fail_negative_infinity",
        ),
        pytest.param(
            29.5,
            "cannot judge: deletionWindowInDays is 29.5, expected a whole number of days; "
            "set it to at least 30",
            id="fail_fraction",
        ),
        pytest.param(
            1e300,
            "deletionWindowInDays is 1e+300, outside the 7-30 days KMS accepts; set it to at "
            "least 30 and at most 30",
            id="fail_huge",
        ),
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


@pytest.mark.parametrize(
    "environment",
    [pytest.param(7.0, id="fail_environment_number"), pytest.param(["prod"], id="fail_environment_list")],
)
def test_environment_tag_of_the_wrong_type_is_a_finding_not_the_laxer_stack_default(
    environment: object,
) -> None:
    key = with_props(golden("aws:kms/key:Key"), tags={**golden("aws:kms/key:Key").props["tags"],
                                                       "Environment": environment})  # fmt: skip
    result = evaluate(RULE, key, stack="dev")
    assert result.messages == (
        f"cannot judge: tags.Environment is {environment!r}, expected a string; the minimum deletion "
        "window depends on it",
    )
