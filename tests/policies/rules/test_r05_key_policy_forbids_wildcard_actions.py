"""KG-R05 kms-key-policy-forbids-wildcard-actions: full and escalating wildcards, NotAction, the root."""

from typing import Any

import pytest

from kmsguard.policies.facts import IAM_POLICY_TYPE, KEY_TYPE, KMS_ACTIONS
from kmsguard.policies.rule import UNKNOWN, Context, Outcome
from kmsguard.policies.rules.r05_key_policy_forbids_wildcard_actions import ESCALATING_ACTIONS, RULE
from tests.policies.golden import (
    ACCOUNT,
    OTHER_ACCOUNT,
    USER_ROLE,
    evaluate,
    fired,
    golden,
    golden_key_policy,
    with_policy,
    with_props,
)

KEY = KEY_TYPE
ROOT = f"arn:aws:iam::{ACCOUNT}:root"
OPS_ROLE = f"arn:aws:iam::{ACCOUNT}:role/Operations"
# Sids of the golden key policy, by position.
ADMIN, ADMIN_MFA, USAGE = 0, 1, 2


def key_with_actions(index: int, actions: Any) -> Any:
    policy = golden_key_policy()
    policy["Statement"][index]["Action"] = actions
    return with_policy(golden(KEY), policy)


def key_with_statement(principal: str, actions: Any) -> Any:
    policy = golden_key_policy()
    policy["Statement"].append(
        {
            "Sid": "Extra",
            "Effect": "Allow",
            "Principal": {"AWS": principal},
            "Action": actions,
            "Resource": "*",
        }
    )
    return with_policy(golden(KEY), policy)


def test_golden_key_is_compliant() -> None:
    assert evaluate(RULE, golden(KEY)).outcome is Outcome.COMPLIANT


@pytest.mark.parametrize("action", ["kms:*", "KMS:*", "*", ["kms:Decrypt", "kms:*"]])
def test_full_wildcards_fire_in_any_case(action: Any) -> None:
    key = key_with_statement(OPS_ROLE, action)
    shown = next(a for a in ([action] if isinstance(action, str) else action) if "*" in a)
    result = evaluate(RULE, key)
    assert result.messages == (
        f"statement 'Extra' grants {OPS_ROLE} {shown} (every KMS action); list the actions the "
        "principal's role needs",
    )
    # kms:* also gives one principal administration and use, and critical actions without MFA.
    assert fired(key) == {"KG-R05", "KG-R08", "KG-R09"}


@pytest.mark.parametrize(
    ("actions", "also"),
    [
        # In the MFA statement, so only the wildcard (and what it adds) is new.
        (["kms:DeleteAlias", "kms:Put*", "kms:ScheduleKeyDeletion"], set()),
        # kms:Create* silently includes CreateGrant: the administrator could grant itself use.
        (["kms:Create*", "kms:DeleteAlias", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion"], {"KG-R09"}),
        (["kms:*Grant*", "kms:DeleteAlias", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion"], {"KG-R09"}),
    ],
)
def test_escalating_wildcards_fire(actions: list[str], also: set[str]) -> None:
    key = key_with_actions(ADMIN_MFA, actions)
    wildcard = next(a for a in actions if "*" in a)
    assert evaluate(RULE, key).messages == (
        f"statement 'KeyAdministrationCriticalWithMfa' grants arn:aws:iam::{ACCOUNT}:role/KeyAdministrators "
        f"{wildcard}, which reaches administration or CreateGrant; list the actions explicitly",
    )
    assert fired(key) == {"KG-R05", *also}


def test_get_wildcard_reaches_imported_material_administration() -> None:
    key = key_with_statement(OPS_ROLE, "kms:Get*")
    assert evaluate(RULE, key).messages == (
        f"statement 'Extra' grants {OPS_ROLE} kms:Get*, which reaches administration or CreateGrant; "
        "list the actions explicitly",
    )


@pytest.mark.parametrize("wildcard", ["kms:GenerateDataKey*", "kms:ReEncrypt*", "kms:Describe*", "kms:List*"])
def test_wildcards_reaching_only_use_or_reads_pass(wildcard: str) -> None:
    key = key_with_actions(USAGE, ["kms:Decrypt", "kms:Encrypt", wildcard])
    assert evaluate(RULE, key).outcome is Outcome.COMPLIANT


def test_not_action_on_allow_is_a_wildcard() -> None:
    policy = golden_key_policy()
    del policy["Statement"][USAGE]["Action"]
    policy["Statement"][USAGE]["NotAction"] = "kms:Decrypt"
    key = with_policy(golden(KEY), policy)
    reached = ", ".join(sorted((KMS_ACTIONS - {"Decrypt"}) & ESCALATING_ACTIONS))
    assert "PutKeyPolicy" in reached
    assert evaluate(RULE, key).messages == (
        f"statement 'KeyUsage' uses NotAction and so grants {USER_ROLE} {reached}; list the actions in "
        "Action instead",
    )
    assert fired(key) == {"KG-R05", "KG-R07", "KG-R08", "KG-R09"}


ROOT_MESSAGE = (
    f"statement 'Extra' grants {ROOT} kms:* (every KMS action); give the root the administration actions "
    "only, or set allowRootFullAccess to keep AWS's default statement"
)


def test_account_root_with_kms_star_fires_unless_configured() -> None:
    key = key_with_statement(ROOT, "kms:*")
    assert evaluate(RULE, key).messages == (ROOT_MESSAGE,)
    assert fired(key) == {"KG-R05", "KG-R08", "KG-R09"}
    assert evaluate(RULE, key, allowRootFullAccess=True).outcome is Outcome.COMPLIANT
    allowed = {"KG-R05": {"allowRootFullAccess": True}, "KG-R09": {"allowRootBoth": True}}
    # The root still holds PutKeyPolicy without MFA, which the prod MFA rule reports.
    assert fired(key, config=allowed) == {"KG-R08"}


def test_root_given_as_bare_account_id_is_the_root() -> None:
    key = key_with_statement(ACCOUNT, "kms:*")
    assert evaluate(RULE, key, allowRootFullAccess=True).outcome is Outcome.COMPLIANT


def test_only_the_stacks_own_root_may_hold_kms_star() -> None:
    key = key_with_statement(f"arn:aws:iam::{OTHER_ACCOUNT}:root", "kms:*")
    result = evaluate(RULE, key, allowRootFullAccess=True)
    assert result.outcome is Outcome.VIOLATION


def test_root_is_not_recognised_when_the_account_is_unknown() -> None:
    key = key_with_statement(ROOT, "kms:*")
    context = Context(stack="prod", config={**RULE.meta.config_defaults(), "allowRootFullAccess": True})
    assert RULE.check(key, context).messages == (
        f"statement 'Extra' grants {ROOT} kms:* (every KMS action); list the actions the principal's role needs",
    )
    configured = Context(stack="prod", config={"allowRootFullAccess": True, "accountId": ACCOUNT})
    assert RULE.check(key, configured).outcome is Outcome.COMPLIANT


def test_root_in_a_list_with_another_principal_is_not_exempt() -> None:
    key = key_with_statement([ROOT, OPS_ROLE], "kms:*")  # type: ignore[arg-type]
    result = evaluate(RULE, key, allowRootFullAccess=True)
    assert result.messages == (
        f"statement 'Extra' grants {ROOT}, {OPS_ROLE} kms:* (every KMS action); list the actions the "
        "principal's role needs",
    )


def test_a_deny_with_kms_star_is_fine() -> None:
    policy = golden_key_policy()
    policy["Statement"].append(
        {"Sid": "DenyPlainHttp", "Effect": "Deny", "Principal": "*", "Action": "KMS:*", "Resource": "*",
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    )  # fmt: skip
    key = with_policy(golden(KEY), policy)
    assert evaluate(RULE, key).outcome is Outcome.COMPLIANT
    assert fired(key) == set()


@pytest.mark.parametrize(
    ("policy", "reason"),
    [
        (..., "the resource carries no policy document"),
        (UNKNOWN, "the policy is unknown during preview; it is checked once its value is known"),
        ("[]", "policy does not parse; see KG-R20"),
    ],
)
def test_absent_unknown_and_unparseable_policies_are_not_applicable(policy: object, reason: str) -> None:
    result = evaluate(RULE, with_props(golden(KEY), policy=policy))
    assert (result.outcome, result.reason) == (Outcome.NOT_APPLICABLE, reason)


def test_identity_policies_are_out_of_scope() -> None:
    assert not RULE.applies_to(IAM_POLICY_TYPE)
