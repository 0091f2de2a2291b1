"""KG-R17 kms-policy-limits-external-accounts: exact outcomes for own, foreign, allowed and service principals."""

import copy
import json
from typing import Any

import pytest

from kmsguard.policies.facts import KEY_POLICY_TYPE, KEY_TYPE
from kmsguard.policies.rule import UNKNOWN, Context, Outcome
from kmsguard.policies.rules.r17_policy_limits_external_accounts import RULE
from tests.policies.golden import (
    OTHER_ACCOUNT,
    STACK_CONFIG,
    evaluate,
    fired,
    golden,
    golden_key_policy,
    with_policy,
    with_props,
)

KEY = KEY_TYPE
KEY_POLICY = KEY_POLICY_TYPE
OTHER_ROLE = f"arn:aws:iam::{OTHER_ACCOUNT}:role/Analytics"
ALLOW_OTHER = {"KG-R17": {"allowedExternalAccounts": [OTHER_ACCOUNT]}}


def _policy_with_principal(statement_index: int, principal: Any) -> dict[str, Any]:
    policy = copy.deepcopy(golden_key_policy())
    policy["Statement"][statement_index]["Principal"] = principal
    return policy


def test_golden_key_and_key_policy_are_compliant() -> None:
    for type_ in (KEY, KEY_POLICY):
        assert evaluate(RULE, golden(type_)).outcome is Outcome.COMPLIANT
        assert fired(golden(type_)) == set()


@pytest.mark.parametrize(
    "principal",
    [{"AWS": [OTHER_ROLE]}, {"AWS": OTHER_ROLE}, {"AWS": OTHER_ACCOUNT}],
    ids=["role-in-list", "role-as-string", "bare-account-id"],
)
def test_user_from_another_account_fires_unless_allow_listed(principal: dict[str, Any]) -> None:
    key = with_policy(golden(KEY), _policy_with_principal(2, principal))
    value = principal["AWS"][0] if isinstance(principal["AWS"], list) else principal["AWS"]
    result = evaluate(RULE, key)
    assert result.outcome is Outcome.VIOLATION
    assert result.messages == (
        f"key policy (policy) statement 'KeyUsage' allows account {OTHER_ACCOUNT} ({value}), which is not in "
        f"allowedExternalAccounts; remove the principal or add {OTHER_ACCOUNT} to allowedExternalAccounts",
    )
    assert fired(key) == {"KG-R17"}
    # Usage from an allow-listed account is the sanctioned way to share a key.
    assert fired(key, config=ALLOW_OTHER) == set()


def test_allow_listed_account_still_never_administers() -> None:
    key = with_policy(golden(KEY), _policy_with_principal(0, {"AWS": [OTHER_ROLE]}))
    result = evaluate(RULE, key, allowedExternalAccounts=[OTHER_ACCOUNT])
    assert result.outcome is Outcome.VIOLATION
    assert result.messages == (
        f"key policy (policy) statement 'KeyAdministration' gives account {OTHER_ACCOUNT} ({OTHER_ROLE}) administration "
        "actions (CancelKeyDeletion, CreateAlias, DisableKey, DisableKeyRotation, EnableKey, "
        "EnableKeyRotation, RevokeGrant, RotateKeyOnDemand, TagResource, UntagResource, UpdateAlias, "
        "UpdateKeyDescription); grant other accounts only usage actions and keep administration in the "
        "key's own account",
    )
    # The admin role lost its non-critical actions to the other account: separation of duties and
    # lockout rules are unaffected, so only R17 fires.
    assert fired(key, config=ALLOW_OTHER) == {"KG-R17"}


def test_not_listed_administrator_gets_both_messages() -> None:
    key = with_policy(golden(KEY_POLICY), _policy_with_principal(1, {"AWS": [OTHER_ROLE]}))
    where = "key policy (policy) statement 'KeyAdministrationCriticalWithMfa'"
    assert evaluate(RULE, key).messages == (
        f"{where} allows account {OTHER_ACCOUNT} ({OTHER_ROLE}), which is not in allowedExternalAccounts; "
        f"remove the principal or add {OTHER_ACCOUNT} to allowedExternalAccounts",
        f"{where} gives account {OTHER_ACCOUNT} ({OTHER_ROLE}) administration actions (DeleteAlias, "
        "PutKeyPolicy, ScheduleKeyDeletion); grant other accounts only usage actions and keep "
        "administration in the key's own account",
    )


def test_assumed_role_session_and_root_of_other_account_are_foreign() -> None:
    session = f"arn:aws:sts::{OTHER_ACCOUNT}:assumed-role/Analytics/alice"
    root = f"arn:aws:iam::{OTHER_ACCOUNT}:root"
    key = with_policy(golden(KEY), _policy_with_principal(2, {"AWS": [session, root]}))
    result = evaluate(RULE, key)
    assert result.messages == tuple(
        f"key policy (policy) statement 'KeyUsage' allows account {OTHER_ACCOUNT} ({who}), which is not in "
        f"allowedExternalAccounts; remove the principal or add {OTHER_ACCOUNT} to allowedExternalAccounts"
        for who in (session, root)
    )


def test_service_principals_are_not_accounts() -> None:
    key = with_policy(golden(KEY), _policy_with_principal(2, {"Service": "logs.eu-west-1.amazonaws.com"}))
    assert evaluate(RULE, key).outcome is Outcome.COMPLIANT


def test_public_principal_is_left_to_r04() -> None:
    key = with_policy(golden(KEY), _policy_with_principal(2, "*"))
    assert evaluate(RULE, key).outcome is Outcome.COMPLIANT
    assert "KG-R17" not in fired(key)
    assert "KG-R04" in fired(key)


def test_deny_statements_naming_other_accounts_are_fine() -> None:
    policy = golden_key_policy()
    policy["Statement"].append(
        {
            "Sid": "DenyOther",
            "Effect": "Deny",
            "Principal": {"AWS": OTHER_ROLE},
            "Action": "kms:*",
            "Resource": "*",
        }
    )
    assert evaluate(RULE, with_policy(golden(KEY), policy)).outcome is Outcome.COMPLIANT


def test_principal_whose_account_cannot_be_told_fires() -> None:
    key = with_policy(golden(KEY), _policy_with_principal(2, {"AWS": "AROAEXAMPLEUNIQUEID"}))
    assert evaluate(RULE, key).messages == (
        "key policy (policy) statement 'KeyUsage' names principal 'AROAEXAMPLEUNIQUEID', whose account cannot be told; "
        "name principals by account id or IAM ARN",
    )


def test_unknown_own_account_fails_closed_for_every_account_principal() -> None:
    no_account = Context(stack="prod", config=RULE.meta.config_defaults(), stack_config={})
    result = RULE.check(golden(KEY), no_account)
    assert result.outcome is Outcome.VIOLATION
    # One message per account principal occurrence in Allow statements (5 statements, 1 principal each).
    assert len(result.messages) == 5
    assert result.messages[0] == (
        "key policy (policy) statement 'KeyAdministration' names account 111122223333 "
        "(arn:aws:iam::111122223333:role/KeyAdministrators) and the stack's own account is unknown; set "
        "this rule's accountId or the stack's aws:allowedAccountIds, or add 111122223333 to "
        "allowedExternalAccounts"
    )
    configured = Context(stack="prod", config={**RULE.meta.config_defaults(), "accountId": "111122223333"})
    assert RULE.check(golden(KEY), configured).outcome is Outcome.COMPLIANT


def test_unknown_or_unparseable_policy_is_not_applicable_here() -> None:
    for policy in (UNKNOWN, "{not json"):
        result = evaluate(RULE, with_props(golden(KEY), policy=policy))
        assert result.outcome is Outcome.NOT_APPLICABLE
    assert evaluate(RULE, with_props(golden(KEY), policy=...)).outcome is Outcome.NOT_APPLICABLE


def test_applies_to_key_policy_carriers_only() -> None:
    assert RULE.applies_to("aws:kms/replicaExternalKey:ReplicaExternalKey")
    assert not RULE.applies_to("aws:iam/policy:Policy")


# ---------------------------------------------------------------------------------------------
# A public or service principal confined by its conditions to another account is that account's.
# ---------------------------------------------------------------------------------------------

ACCOUNT = "111122223333"
WHERE = "key policy (policy) statement 'Scoped'"


def _key_with(principal: Any, actions: Any, condition: dict[str, Any]) -> Any:
    policy = golden_key_policy()
    policy["Statement"].append(
        {"Sid": "Scoped", "Effect": "Allow", "Principal": principal, "Action": actions, "Resource": "*",
         "Condition": condition}
    )  # fmt: skip
    return with_policy(golden(KEY), policy)


def _not_listed(named: str) -> str:
    return (
        f"{WHERE} allows account {OTHER_ACCOUNT} ({named}), which is not in allowedExternalAccounts; "
        f"remove the principal or add {OTHER_ACCOUNT} to allowedExternalAccounts"
    )


def _administers(named: str, actions: str) -> str:
    return (
        f"{WHERE} gives account {OTHER_ACCOUNT} ({named}) administration actions ({actions}); grant other "
        "accounts only usage actions and keep administration in the key's own account"
    )


def test_public_principal_confined_to_another_account_administers_it() -> None:
    # The example: every rule passed it before.
    key = _key_with("*", "kms:PutKeyPolicy", {"StringEquals": {"aws:PrincipalAccount": OTHER_ACCOUNT}})
    named = "Principal * limited by aws:PrincipalAccount"
    assert evaluate(RULE, key).messages == (_not_listed(named), _administers(named, "PutKeyPolicy"))
    # PutKeyPolicy without MFA in prod is KG-R08's finding as well.
    assert fired(key) == {"KG-R08", "KG-R17"}
    assert evaluate(RULE, key, allowedExternalAccounts=[OTHER_ACCOUNT]).messages == (
        _administers(named, "PutKeyPolicy"),
    )


@pytest.mark.parametrize(
    ("condition", "keys"),
    [
        pytest.param({"StringEquals": {"kms:CallerAccount": OTHER_ACCOUNT}}, "kms:CallerAccount",
                     id="fail_caller_account"),
        pytest.param({"StringEquals": {"aws:SourceAccount": OTHER_ACCOUNT}}, "aws:SourceAccount",
                     id="fail_source_account"),
        pytest.param({"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{OTHER_ACCOUNT}:role/*"}}, "aws:PrincipalArn",
                     id="fail_principal_arn"),
        pytest.param({"ArnEquals": {"aws:SourceArn": f"arn:aws:sns:eu-west-1:{OTHER_ACCOUNT}:topic"}},
                     "aws:SourceArn", id="fail_source_arn"),
        pytest.param({"StringEquals": {"kms:CallerAccount": [ACCOUNT, OTHER_ACCOUNT]}}, "kms:CallerAccount",
                     id="fail_own_and_other_listed"),
        pytest.param({"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5", "aws:PrincipalAccount": OTHER_ACCOUNT}},
                     "aws:PrincipalOrgID, aws:PrincipalAccount", id="fail_org_and_other_account"),
    ],
)  # fmt: skip
def test_each_way_of_naming_another_account_makes_it_that_accounts_principal(
    condition: dict[str, Any], keys: str
) -> None:
    key = _key_with("*", ["kms:Decrypt"], condition)
    assert evaluate(RULE, key).messages == (_not_listed(f"Principal * limited by {keys}"),)
    assert fired(key) == {"KG-R17"}
    assert fired(key, config=ALLOW_OTHER) == set()


def test_service_principal_acting_for_another_account_is_that_account() -> None:
    key = _key_with(
        {"Service": "logs.eu-west-1.amazonaws.com"},
        ["kms:Encrypt", "kms:Decrypt"],
        {"StringEquals": {"aws:SourceAccount": OTHER_ACCOUNT}},
    )
    assert evaluate(RULE, key).messages == (
        _not_listed("Principal logs.eu-west-1.amazonaws.com limited by aws:SourceAccount"),
    )


@pytest.mark.parametrize(
    "condition",
    [
        pytest.param({"StringEquals": {"aws:PrincipalAccount": ACCOUNT}}, id="pass_own_account"),
        pytest.param({"StringEquals": {"kms:CallerAccount": ACCOUNT,
                                       "kms:ViaService": "s3.eu-west-1.amazonaws.com"}}, id="pass_own_via_service"),
        pytest.param({"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}, id="pass_organization"),
        pytest.param({"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}, id="pass_vpc_endpoint"),
        # Both must hold and no caller is in two accounts: the statement admits nobody.
        pytest.param({"StringEquals": {"aws:PrincipalAccount": OTHER_ACCOUNT, "kms:CallerAccount": ACCOUNT}},
                     id="pass_contradictory_accounts"),
        # A wildcard names no account: KG-R04 reports the statement as public instead.
        pytest.param({"StringLike": {"aws:PrincipalAccount": "4444*"}}, id="pass_wildcard_is_r04s"),
    ],
)  # fmt: skip
def test_restrictions_to_no_foreign_account_are_not_findings_here(condition: dict[str, Any]) -> None:
    key = _key_with("*", "kms:PutKeyPolicy", condition)
    assert evaluate(RULE, key).outcome is Outcome.COMPLIANT


def test_unknown_own_account_fails_closed_for_a_confined_public_principal() -> None:
    key = _key_with("*", "kms:Decrypt", {"StringEquals": {"aws:PrincipalAccount": OTHER_ACCOUNT}})
    no_account = Context(
        stack="prod", config={**RULE.meta.config_defaults(), "accountId": ""}, stack_config={}
    )
    assert RULE.check(key, no_account).messages[-1] == (
        f"{WHERE} names account {OTHER_ACCOUNT} (Principal * limited by aws:PrincipalAccount) and the stack's "
        "own account is unknown; set this rule's accountId or the stack's aws:allowedAccountIds, or add "
        f"{OTHER_ACCOUNT} to allowedExternalAccounts"
    )


def test_an_allow_cancelled_by_an_unconditional_deny_reaches_nobody() -> None:
    policy = golden_key_policy()
    policy["Statement"] += [
        {
            "Sid": "Other",
            "Effect": "Allow",
            "Principal": {"AWS": OTHER_ROLE},
            "Action": "kms:*",
            "Resource": "*",
        },
        {
            "Sid": "NoOther",
            "Effect": "Deny",
            "Principal": {"AWS": OTHER_ROLE},
            "Action": "kms:*",
            "Resource": "*",
        },
    ]
    key = with_policy(golden(KEY), policy)
    assert evaluate(RULE, key).outcome is Outcome.COMPLIANT
    assert fired(key) == set()


def sharing(*shares: Any) -> Context:
    """A prod context whose stack catalog shares keys through these `cross_account` entries."""
    stack_config = {
        **STACK_CONFIG,
        "kmsguard:catalog": json.dumps({"data_classes": [{"name": "a", "cross_account": list(shares)}]}),
    }
    return Context(
        stack="prod", project="kmsguard", config=RULE.meta.config_defaults(), stack_config=stack_config
    )


def foreign_user_key() -> Any:
    return with_policy(golden(KEY), _policy_with_principal(2, {"AWS": [OTHER_ROLE]}))


def test_accounts_the_stack_shares_with_are_allowed() -> None:
    assert RULE.check(foreign_user_key(), sharing({"account_id": OTHER_ACCOUNT})).outcome is Outcome.COMPLIANT


def test_explicit_allowed_accounts_override_the_stack() -> None:
    context = sharing({"account_id": OTHER_ACCOUNT})
    context = Context(
        stack=context.stack,
        project=context.project,
        config={**context.config, "allowedExternalAccounts": ["123456789012"]},
        stack_config=context.stack_config,
    )
    assert RULE.check(foreign_user_key(), context).messages == (
        f"key policy (policy) statement 'KeyUsage' allows account {OTHER_ACCOUNT} ({OTHER_ROLE}), which is not "
        f"in allowedExternalAccounts; remove the principal or add {OTHER_ACCOUNT} to allowedExternalAccounts",
    )


@pytest.mark.parametrize(
    "share",
    [
        pytest.param({"account_id": "123456789012"}, id="fail_another_account_shared"),
        pytest.param({"account_id": int(OTHER_ACCOUNT)}, id="fail_account_a_number"),
        pytest.param({"account": OTHER_ACCOUNT}, id="fail_misspelt_field"),
        pytest.param(OTHER_ACCOUNT, id="fail_bare_string_share"),
    ],
)
def test_a_share_the_stack_does_not_state_readably_trusts_nobody(share: Any) -> None:
    assert RULE.check(foreign_user_key(), sharing(share)).outcome is Outcome.VIOLATION


def test_a_shared_account_still_never_administers() -> None:
    key = with_policy(golden(KEY), _policy_with_principal(0, {"AWS": [OTHER_ROLE]}))
    shared = RULE.check(key, sharing({"account_id": OTHER_ACCOUNT}))
    assert shared.messages == evaluate(RULE, key, allowedExternalAccounts=[OTHER_ACCOUNT]).messages
    assert len(shared.messages) == 1
