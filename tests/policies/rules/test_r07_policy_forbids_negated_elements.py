"""KG-R07 kms-policy-forbids-negated-elements: NotPrincipal/NotAction/NotResource on every carrier."""

from typing import Any

import pytest

from kmsguard.policies.facts import ALIAS_TYPE, GRANT_TYPE, IAM_POLICY_TYPE, IAM_ROLE_TYPE, KEY_TYPE
from kmsguard.policies.rule import UNKNOWN, Outcome
from kmsguard.policies.rules.r07_policy_forbids_negated_elements import RULE
from tests.policies.golden import (
    ADMIN_ROLE,
    GOLDEN,
    KEY_ARN,
    evaluate,
    fired,
    golden,
    golden_key_policy,
    with_policy,
    with_props,
)

KEY = KEY_TYPE
POLICY = IAM_POLICY_TYPE
ROLE = IAM_ROLE_TYPE
USAGE = 2
CARRIERS = [t for t in GOLDEN if RULE.applies_to(t)]


def key_usage_with(**changes: Any) -> Any:
    """The golden key with the KeyUsage statement's elements swapped (`...` removes one)."""
    policy = golden_key_policy()
    statement = policy["Statement"][USAGE]
    for name, value in changes.items():
        if value is ...:
            del statement[name]
        else:
            statement[name] = value
    return with_policy(golden(KEY), policy)


@pytest.mark.parametrize("type_", CARRIERS)
def test_golden_policies_are_compliant(type_: str) -> None:
    assert evaluate(RULE, golden(type_)).outcome is Outcome.COMPLIANT


def test_every_policy_carrier_is_in_scope() -> None:
    assert len(CARRIERS) == 11


def test_allow_with_not_principal_fires() -> None:
    key = key_usage_with(Principal=..., NotPrincipal={"AWS": [ADMIN_ROLE]})
    assert evaluate(RULE, key).messages == (
        "statement 'KeyUsage' allows every principal except those in NotPrincipal; name them in Principal",
    )
    assert fired(key) == {"KG-R07"}


def test_allow_with_not_resource_fires() -> None:
    key = key_usage_with(Resource=..., NotResource=[KEY_ARN])
    assert evaluate(RULE, key).messages == (
        "statement 'KeyUsage' allows every resource except those in NotResource; list them in Resource",
    )
    assert fired(key) == {"KG-R07"}


def test_allow_with_not_action_fires_with_the_rules_it_opens() -> None:
    key = key_usage_with(Action=..., NotAction="kms:Decrypt")
    assert evaluate(RULE, key).messages == (
        "statement 'KeyUsage' allows every action except those in NotAction; list them in Action",
    )
    # Everything but Decrypt includes administration (R05, R09) and PutKeyPolicy without MFA (R08).
    assert fired(key) == {"KG-R05", "KG-R07", "KG-R08", "KG-R09"}


def test_each_negated_element_of_one_statement_is_reported_in_order() -> None:
    key = key_usage_with(
        Principal=..., NotPrincipal={"AWS": ADMIN_ROLE}, Action=..., NotAction=["kms:Decrypt"],
        Resource=..., NotResource=KEY_ARN,
    )  # fmt: skip
    assert evaluate(RULE, key).messages == (
        "statement 'KeyUsage' allows every principal except those in NotPrincipal; name them in Principal",
        "statement 'KeyUsage' allows every action except those in NotAction; list them in Action",
        "statement 'KeyUsage' allows every resource except those in NotResource; list them in Resource",
    )


def test_deny_with_not_principal_fires() -> None:
    policy = golden_key_policy()
    policy["Statement"].append(
        {"Sid": "OnlyAdminsDelete", "Effect": "Deny", "NotPrincipal": {"AWS": [ADMIN_ROLE]},
         "Action": "kms:ScheduleKeyDeletion", "Resource": "*"}
    )  # fmt: skip
    key = with_policy(golden(KEY), policy)
    assert evaluate(RULE, key).messages == (
        "statement 'OnlyAdminsDelete' is a Deny with NotPrincipal, which also denies service principals "
        'and sessions not listed; use Principal "*" with a condition on aws:PrincipalArn',
    )
    assert fired(key) == {"KG-R07"}


def test_deny_with_not_action_or_not_resource_is_fine() -> None:
    policy = golden_key_policy()
    policy["Statement"].append(
        {"Sid": "DenyAllButUse", "Effect": "Deny", "Principal": {"AWS": ADMIN_ROLE},
         "NotAction": ["kms:Decrypt"], "NotResource": KEY_ARN}
    )  # fmt: skip
    assert evaluate(RULE, with_policy(golden(KEY), policy)).outcome is Outcome.COMPLIANT


@pytest.mark.parametrize(("type_", "prefix"), [(POLICY, ""), (ROLE, "inlinePolicies[0].policy: ")])
def test_identity_policy_not_action_and_not_resource_fire(type_: str, prefix: str) -> None:
    document = {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "NotAction": "kms:ScheduleKeyDeletion",
                                                       "NotResource": KEY_ARN}}  # fmt: skip
    resource = with_policy(golden(type_), document)
    assert evaluate(RULE, resource).messages == (
        f"{prefix}statement #1 allows every action except those in NotAction; list them in Action",
        f"{prefix}statement #1 allows every resource except those in NotResource; list them in Resource",
    )


def test_identity_policy_not_resource_alone_fires_exactly_r07() -> None:
    document = {"Version": "2012-10-17",
                "Statement": [{"Sid": "Use", "Effect": "Allow", "Action": "kms:Encrypt", "NotResource": KEY_ARN}]}  # fmt: skip
    resource = with_policy(golden(POLICY), document)
    assert fired(resource) == {"KG-R07"}


def test_role_reports_only_the_inline_policy_that_violates() -> None:
    bad = {
        "Version": "2012-10-17",
        "Statement": {"Effect": "Allow", "Action": "kms:Encrypt", "NotResource": KEY_ARN},
    }
    role = golden(ROLE)
    role = with_props(role, inlinePolicies=[*role.props["inlinePolicies"], {"name": "bad", "policy": bad}])
    assert evaluate(RULE, role).messages == (
        "inlinePolicies[1].policy: statement #1 allows every resource except those in NotResource; list "
        "them in Resource",
    )


def test_violations_win_over_an_unknown_sibling_policy() -> None:
    bad = {
        "Version": "2012-10-17",
        "Statement": {"Effect": "Allow", "Action": "kms:Encrypt", "NotResource": "*"},
    }
    role = with_props(
        golden(ROLE), inlinePolicies=[{"name": "u", "policy": UNKNOWN}, {"name": "b", "policy": bad}]
    )
    assert evaluate(RULE, role).outcome is Outcome.VIOLATION


@pytest.mark.parametrize(
    ("policies", "reason"),
    [
        ([{"name": "u", "policy": UNKNOWN}], "the policy is unknown during preview; it is checked once its value is known"),
        ([{"name": "u", "policy": UNKNOWN}, {"name": "x", "policy": "{"}], "policy does not parse; see KG-R20"),
        ([{"name": "ok", "policy": GOLDEN[ROLE].props["inlinePolicies"][0]["policy"]}, {"name": "x", "policy": 7}],
         "policy does not parse; see KG-R20"),
        ([], "the resource carries no policy document"),
    ],
)  # fmt: skip
def test_unknown_and_unparseable_are_never_compliant(policies: list[Any], reason: str) -> None:
    result = evaluate(RULE, with_props(golden(ROLE), inlinePolicies=policies))
    assert (result.outcome, result.reason) == (Outcome.NOT_APPLICABLE, reason)


def test_aliases_and_grants_are_out_of_scope() -> None:
    assert not RULE.applies_to(ALIAS_TYPE)
    assert not RULE.applies_to(GRANT_TYPE)
