"""KG-R10 kms-alias-requires-naming-convention: pass, fail and not-applicable fixtures with exact outcomes."""

from typing import Any

import pytest

from kmsguard.policies.facts import ALIAS_TYPE
from kmsguard.policies.rule import UNKNOWN, Outcome
from kmsguard.policies.rules.r10_alias_requires_naming_convention import RULE
from tests.policies.golden import evaluate, fired, golden, with_props

ALIAS = ALIAS_TYPE
HINT = (
    "env one of dev, development, test, qa, staging, prod, production, each part lowercase letters and digits"
)
FIX = "rename it to alias/<env>-<function>-<team> or allow it in allowedAliasPatterns"


def test_golden_alias_is_compliant_and_nothing_fires() -> None:
    assert evaluate(RULE, golden(ALIAS)).outcome is Outcome.COMPLIANT
    assert fired(golden(ALIAS)) == set()


@pytest.mark.parametrize(
    "name",
    ["alias/dev-orders-payments", "alias/production-ledger-fin2", "alias/qa-x-y"],
)
def test_conventional_names_pass(name: str) -> None:
    assert evaluate(RULE, with_props(golden(ALIAS), name=name)).outcome is Outcome.COMPLIANT


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"name": "alias/Prod-orders-payments"},
            f"alias 'alias/Prod-orders-payments' does not follow alias/<env>-<function>-<team> ({HINT}); {FIX}",
        ),
        (
            {"name": "alias/prod-orders"},
            f"alias 'alias/prod-orders' does not follow alias/<env>-<function>-<team> ({HINT}); {FIX}",
        ),
        (
            {"name": "alias/sandbox-orders-payments"},
            f"alias 'alias/sandbox-orders-payments' does not follow alias/<env>-<function>-<team> ({HINT}); {FIX}",
        ),
        (
            {"name": "alias/prod-orders-payments-extra"},
            f"alias 'alias/prod-orders-payments-extra' does not follow alias/<env>-<function>-<team> ({HINT}); {FIX}",
        ),
        (
            {"name": "alias/aws/prod-orders-payments"},
            "alias 'alias/aws/prod-orders-payments' is under alias/aws/, which AWS reserves; "
            "rename it to alias/<env>-<function>-<team>",
        ),
        (
            {"name": ..., "namePrefix": "alias/prod-orders-"},
            "alias uses namePrefix, so its final name gets a generated suffix; "
            "set name to alias/<env>-<function>-<team>",
        ),
        (
            {"name": ..., "namePrefix": "alias/aws/x"},
            "alias prefix 'alias/aws/x' is under alias/aws/, which AWS reserves; "
            "rename it to alias/<env>-<function>-<team>",
        ),
        (
            {"name": ...},
            "alias has no name, so the provider generates one; set name to alias/<env>-<function>-<team>",
        ),
        (
            {"name": UNKNOWN},
            "alias name is unknown during preview; set name to a literal alias/<env>-<function>-<team>",
        ),
        (
            {"name": 42.0},
            f"alias name must be a string, got float; {FIX}",
        ),
    ],
)
def test_unconventional_alias_fires_exactly_r10(change: dict[str, Any], message: str) -> None:
    alias = with_props(golden(ALIAS), **change)
    result = evaluate(RULE, alias)
    assert result.outcome is Outcome.VIOLATION
    assert result.messages == (message,)
    assert fired(alias) == {"KG-R10"}


def test_configured_environments_replace_the_default_list() -> None:
    alias = with_props(golden(ALIAS), name="alias/sandbox-orders-payments")
    assert evaluate(RULE, alias, environments=["sandbox"]).outcome is Outcome.COMPLIANT
    result = evaluate(RULE, golden(ALIAS), environments=["sandbox"])
    assert result.messages == (
        "alias 'alias/prod-orders-payments' does not follow alias/<env>-<function>-<team> "
        f"(env one of sandbox, each part lowercase letters and digits); {FIX}",
    )


def test_extra_alias_passes_only_when_an_allowed_pattern_fully_matches() -> None:
    extra = with_props(golden(ALIAS), name="alias/legacy/orders")
    assert evaluate(RULE, extra).outcome is Outcome.VIOLATION  # strict by default
    allowed = [r"alias/legacy/[a-z]+"]
    assert evaluate(RULE, extra, allowedAliasPatterns=allowed).outcome is Outcome.COMPLIANT
    assert fired(extra, config={"KG-R10": {"allowedAliasPatterns": allowed}}) == set()
    # A pattern matching only a prefix does not exempt the whole name.
    longer = with_props(golden(ALIAS), name="alias/legacy/orders/v2")
    assert evaluate(RULE, longer, allowedAliasPatterns=allowed).outcome is Outcome.VIOLATION


def test_allowed_patterns_never_exempt_reserved_or_invalid_names() -> None:
    everything = [".*"]
    reserved = with_props(golden(ALIAS), name="alias/aws/s3")
    assert evaluate(RULE, reserved, allowedAliasPatterns=everything).messages == (
        "alias 'alias/aws/s3' is under alias/aws/, which AWS reserves; rename it to alias/<env>-<function>-<team>",
    )
    bad_syntax = with_props(golden(ALIAS), name="alias/orders key")
    assert evaluate(RULE, bad_syntax, allowedAliasPatterns=everything).messages == (
        "alias 'alias/orders key' matches allowedAliasPatterns but is not a valid KMS alias name "
        "(alias/ then letters, digits, / _ -, at most 256 characters); rename it to alias/<env>-<function>-<team>",
    )


def test_invalid_allowed_pattern_is_named_in_the_message_not_raised() -> None:
    extra = with_props(golden(ALIAS), name="alias/legacy/orders")
    result = evaluate(RULE, extra, allowedAliasPatterns=["alias/(unclosed"])
    assert result.messages == (
        f"alias 'alias/legacy/orders' does not follow alias/<env>-<function>-<team> ({HINT}); {FIX} "
        "(allowedAliasPatterns entries 'alias/(unclosed' are not valid regular expressions; "
        "fix the pack configuration)",
    )


def test_only_aliases_are_in_scope() -> None:
    assert RULE.meta.resource_types == (ALIAS,)
    assert RULE.meta.config_defaults() == {
        "environments": ["dev", "development", "test", "qa", "staging", "prod", "production"],
        "allowedAliasPatterns": [],
    }
