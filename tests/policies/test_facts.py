"""The action list in facts.py agrees with a third-party IAM action catalogue (parliament's), in both directions;
the components' own facts (`kmsguard.facts`) are held to the same standard."""

import re

import pytest
from parliament import iam_definition

from kmsguard import facts as component_facts
from kmsguard.policies import facts


def _parliament_kms_actions() -> set[str]:
    kms = next(s for s in iam_definition if s["prefix"] == "kms")
    return {p["privilege"] for p in kms["privileges"]}


def test_kms_actions_match_parliament_exactly() -> None:
    assert set(facts.KMS_ACTIONS) == _parliament_kms_actions()


def test_every_role_list_names_only_real_actions_and_no_wildcard() -> None:
    role_lists = [
        facts.ADMIN_ACTIONS, facts.MULTI_REGION_ADMIN_ACTIONS, facts.IMPORTED_MATERIAL_ADMIN_ACTIONS,
        facts.DEFAULT_CRITICAL_ACTIONS, facts.OPTIONAL_CRITICAL_ACTIONS, facts.ENCRYPT_ACTIONS,
        facts.DECRYPT_ACTIONS, facts.SERVICE_GRANT_ACTIONS, component_facts.SIGN_VERIFY_ACTIONS,
        component_facts.PUBLIC_KEY_ENCRYPTION_ACTIONS, component_facts.MAC_ACTIONS,
        component_facts.KEY_AGREEMENT_ACTIONS, component_facts.VERIFY_ACTIONS,
        component_facts.PUBLIC_KEY_ENCRYPT_ACTIONS, component_facts.PUBLIC_KEY_DECRYPT_ACTIONS,
        sorted(component_facts.RETIRED_KEY_ACTIONS), facts.GRANT_OPERATIONS,
    ]  # fmt: skip
    for actions in role_lists:
        assert set(actions) <= facts.KMS_ACTIONS
        assert list(actions) == sorted(actions), "role lists are sorted so policies are deterministic"


def test_administrators_cannot_create_grants() -> None:
    assert "CreateGrant" not in facts.ADMIN_ACTIONS
    assert "CreateGrant" not in facts.ADMINISTRATION_ACTIONS


def test_administration_and_usage_are_disjoint() -> None:
    assert not (facts.ADMINISTRATION_ACTIONS & facts.USAGE_ACTIONS)


def test_canonical_action_is_case_insensitive() -> None:
    assert facts.canonical_action("KMS:decrypt") == "Decrypt"
    assert facts.canonical_action("kms:NoSuchAction") is None


def test_conventional_alias_round_trips() -> None:
    name = component_facts.conventional_alias("prod", "orders", "payments")
    assert name == "alias/prod-orders-payments"
    assert facts.parse_conventional_alias(name, facts.DEFAULT_ENVIRONMENTS) == (
        "prod",
        "orders",
        "payments",
    )
    assert facts.parse_conventional_alias("alias/aws/s3", facts.DEFAULT_ENVIRONMENTS) is None
    assert facts.parse_conventional_alias("alias/prod-Orders-payments", facts.DEFAULT_ENVIRONMENTS) is None
    assert facts.parse_conventional_alias("alias/uat-orders-payments", facts.DEFAULT_ENVIRONMENTS) is None


def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    found = [*vars(facts).items(), *vars(component_facts).items()]
    return sorted((n, v) for n, v in found if isinstance(v, re.Pattern))


@pytest.mark.parametrize(("name", "pattern"), _patterns(), ids=[n for n, _ in _patterns()])
def test_every_shared_pattern_is_ascii_and_anchored_at_the_very_end(
    name: str, pattern: re.Pattern[str]
) -> None:
    # `$` also matches before a trailing newline, and without re.ASCII `\d` takes any script's digits:
    # "payments\n" and Arabic-Indic account ids would otherwise pass on both sides of the spine.
    assert pattern.flags & re.ASCII
    assert not pattern.pattern.endswith("$")


@pytest.mark.parametrize(
    ("pattern", "value"),
    [
        pytest.param(facts.ALIAS_PART_RE, "payments\n", id="alias-part-newline"),
        pytest.param(facts.ALIAS_SYNTAX_RE, "alias/dev-app-payments\n", id="alias-newline"),
        pytest.param(facts.ACCOUNT_ID_RE, "\u0664" * 12, id="account-arabic-indic-digits"),
        pytest.param(facts.ACCOUNT_ID_RE, "111122223333\n", id="account-newline"),
        pytest.param(facts.REGION_RE, "eu-west-1\n", id="region-newline"),
        pytest.param(facts.REGION_RE, "eu-west-\u0661", id="region-arabic-indic-digit"),
        pytest.param(facts.PRINCIPAL_ARN_RE, "arn:aws:iam::111122223333:role/Ops\n", id="arn-newline"),
        pytest.param(facts.PRINCIPAL_ARN_RE, "arn:aws:iam::111122223333:role/Öps", id="arn-non-ascii-name"),
        pytest.param(facts.VIA_SERVICE_RE, "s3.eu-west-1.amazonaws.com\n", id="via-service-newline"),
    ],
)
def test_look_alike_values_do_not_match(pattern: re.Pattern[str], value: str) -> None:
    assert pattern.match(value) is None
