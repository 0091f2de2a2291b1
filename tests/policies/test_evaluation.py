"""evaluation: an Allow that unconditional Denies wholly cover grants nothing, and only what is provable
cancels. Unit fixtures pin which statements are cancelled; the rule fixtures show every rule that
judges grants reads the document as it grants."""

from typing import Any

import pytest

from kmsguard.policies.facts import KMS_ACTIONS
from kmsguard.policies.policydoc import parse_policy_document
from tests.policies.golden import KEY_ARN, OTHER_ACCOUNT, fired, golden, golden_key_policy, with_policy

ROLE = "arn:aws:iam::111122223333:role/OrdersService"
OTHER_ROLE = f"arn:aws:iam::{OTHER_ACCOUNT}:role/Analytics"


def allow(**fields: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "kms:*", "Resource": "*", **fields}


def deny(**fields: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Principal": {"AWS": ROLE}, "Action": "kms:*", "Resource": "*", **fields}


def cancelled(*statements: dict[str, Any]) -> bool:
    document = parse_policy_document({"Version": "2012-10-17", "Statement": list(statements)})
    kept = document.effective.statements
    return [s.index for s in kept if s.is_allow] == []


@pytest.mark.parametrize(
    "statements",
    [
        pytest.param((allow(), deny()), id="same_principal_actions_resource"),
        pytest.param((allow(Principal="*"), deny(Principal="*")), id="public_by_public"),
        pytest.param((allow(Principal="*"), deny(Principal={"AWS": "*"})), id="public_by_aws_star"),
        pytest.param((allow(), deny(Principal={"AWS": ["*"]})), id="role_by_everyone"),
        pytest.param((allow(NotPrincipal={"AWS": ROLE}, Principal=...), deny(Principal="*")),
                     id="not_principal_allow_by_everyone"),
        pytest.param((allow(Action="kms:Decrypt", Resource=KEY_ARN), deny()), id="covering_resource"),
        pytest.param((allow(), deny(Action="*")), id="star_action_covers_kms_star"),
        pytest.param((allow(Action="KMS:DECRYPT"), deny(Action="kms:De*")), id="actions_compare_case_insensitively"),
        pytest.param((allow(Action=["kms:Decrypt", "kms:Encrypt"]), deny(Action="kms:Decrypt"),
                      deny(Action="kms:Encrypt")), id="two_denies_share_the_actions"),
        pytest.param((allow(Principal={"Service": "logs.eu-west-1.amazonaws.com"}, Action="kms:Encrypt"),
                      deny(Principal=..., NotPrincipal={"AWS": ROLE})), id="service_outside_not_principal"),
        pytest.param((allow(Principal={"Service": "LOGS.eu-west-1.amazonaws.com"}, Action="kms:Encrypt"),
                      deny(Principal={"Service": "logs.eu-west-1.amazonaws.com"})), id="service_names_any_case"),
        pytest.param((allow(Action="kms:Decrypt"), deny(Action=..., NotAction="kms:Encrypt")),
                     id="literal_outside_not_action"),
        pytest.param((allow(Action=..., NotAction="s3:*"), deny(Action="*")), id="not_action_allow_by_star"),
        pytest.param((allow(Action=..., NotAction=["kms:Decrypt", "kms:Encrypt"]),
                      deny(Action=..., NotAction="kms:Decrypt")), id="not_action_allow_by_narrower_not_action"),
        pytest.param((allow(Resource=f"{KEY_ARN[:-36]}${{aws:PrincipalTag/k}}"), deny()), id="variable_resource"),
        pytest.param((allow(Resource=KEY_ARN), deny(Resource=..., NotResource=KEY_ARN.replace("1234", "9999"))),
                     id="literal_outside_not_resource"),
        pytest.param((allow(Principal=..., Resource="*"), deny(Principal=...)), id="identity_policy"),
    ],
)  # fmt: skip
def test_provable_covers_cancel(statements: tuple[dict[str, Any], ...]) -> None:
    assert cancelled(*(_drop_ellipsis(s) for s in statements))


@pytest.mark.parametrize(
    "statements",
    [
        pytest.param((allow(), deny(Condition={"Bool": {"aws:SecureTransport": "false"}})), id="conditional_deny"),
        pytest.param((allow(), deny(Action="kms:Decrypt")), id="fewer_actions"),
        # kms:* also grants the actions AWS adds later; a list of today's actions does not deny them.
        pytest.param((allow(), deny(Action=sorted(f"kms:{a}" for a in KMS_ACTIONS))), id="todays_actions_listed"),
        pytest.param((allow(), deny(Resource=KEY_ARN)), id="narrower_resource"),
        pytest.param((allow(Resource="arn:aws:kms:*:*:key/*"), deny(Resource=KEY_ARN[:-6] + "*")),
                     id="narrower_resource_pattern"),
        pytest.param((allow(), deny(Principal={"AWS": OTHER_ROLE})), id="other_principal"),
        pytest.param((allow(Principal="*"), deny()), id="public_allow_by_one_role"),
        pytest.param((allow(Principal="*"), deny(Principal={"Service": "*"})), id="public_allow_by_any_service"),
        pytest.param((allow(), deny(Principal={"Service": "*"})), id="role_by_any_service"),
        # A session of ROLE is outside a NotPrincipal naming OTHER_ROLE only by IAM's own matching rules.
        pytest.param((allow(), deny(Principal=..., NotPrincipal={"AWS": OTHER_ROLE})), id="aws_principal_and_not_principal"),
        pytest.param((allow(Principal={"Service": "logs.eu-west-1.amazonaws.com"}),
                      deny(Principal=..., NotPrincipal={"Service": "logs.eu-west-1.amazonaws.com"})),
                     id="service_named_in_not_principal"),
        pytest.param((allow(Principal={"Service": "logs.eu-west-1.amazonaws.com"}),
                      deny(Principal=..., NotPrincipal={"AWS": "*"})), id="not_principal_star"),
        pytest.param((allow(Action="kms:Decrypt"), deny(Action=..., NotAction="kms:Decrypt")), id="inside_not_action"),
        pytest.param((allow(Action="kms:De*"), deny(Action=..., NotAction="kms:Encrypt")),
                     id="wildcard_against_not_action"),
        pytest.param((allow(), deny(Resource=..., NotResource=KEY_ARN)), id="star_against_not_resource"),
        pytest.param((allow(Action=..., NotAction="kms:Decrypt"), deny()), id="not_action_allow_grants_other_services"),
        pytest.param((allow(Action=..., NotAction="kms:Decrypt"), deny(Action=..., NotAction="kms:D*")),
                     id="not_action_allow_by_wider_not_action"),
        pytest.param((allow(Principal=...), deny()), id="identity_allow_key_policy_deny"),
    ],
)  # fmt: skip
def test_what_is_not_provably_covered_stays(statements: tuple[dict[str, Any], ...]) -> None:
    assert not cancelled(*(_drop_ellipsis(s) for s in statements))


def _drop_ellipsis(statement: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in statement.items() if v is not ...}


def test_effective_is_the_document_itself_when_nothing_is_cancelled() -> None:
    document = parse_policy_document(golden_key_policy())
    assert document.effective is document


def test_effective_keeps_denies_and_labels() -> None:
    document = parse_policy_document(
        {"Statement": [allow(Sid="Gone"), allow(Sid="Kept", Principal={"AWS": OTHER_ROLE}), deny(Sid="Deny")]}
    )
    assert [s.label for s in document.effective.statements] == ["statement 'Kept'", "statement 'Deny'"]


# ---------------------------------------------------------------------------------------------
# Every rule that judges grants reads the document as it grants.
# ---------------------------------------------------------------------------------------------


def _key_with(*statements: dict[str, Any]) -> Any:
    policy = golden_key_policy()
    policy["Statement"] += [_drop_ellipsis(s) for s in statements]
    return with_policy(golden("aws:kms/key:Key"), policy)


def test_allow_kms_star_cancelled_by_unconditional_deny_is_no_finding() -> None:
    # Public, wildcard, cross-account and administration in one Allow, all taken back.
    key = _key_with(
        allow(Sid="Everything", Principal={"AWS": OTHER_ROLE}),
        deny(Sid="NothingForThem", Principal={"AWS": OTHER_ROLE}),
    )
    assert fired(key) == set()


def test_public_allow_cancelled_by_deny_to_everyone_on_its_actions_is_no_finding() -> None:
    key = _key_with(
        allow(Sid="Public", Principal="*", Action="kms:Decrypt"),
        deny(Sid="NoPublicDecrypt", Principal={"AWS": "*"}, Action="kms:Decrypt"),
    )
    assert fired(key) == set()


def test_a_conditional_deny_cancels_nothing() -> None:
    key = _key_with(
        allow(Sid="Everything", Principal={"AWS": OTHER_ROLE}),
        deny(
            Sid="OnlyOverTls",
            Principal={"AWS": OTHER_ROLE},
            Condition={"Bool": {"aws:SecureTransport": "false"}},
        ),
    )
    assert fired(key) == {"KG-R05", "KG-R08", "KG-R09", "KG-R17"}


def test_a_deny_that_takes_back_every_put_key_policy_is_a_lockout() -> None:
    # Cancelling works both ways: what is taken back no longer keeps the key manageable.
    key = _key_with(deny(Sid="NoOne", Principal="*"))
    assert fired(key) == {"KG-R13"}


def test_identity_policy_allow_cancelled_by_its_own_deny_is_no_finding() -> None:
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "All", "Effect": "Allow", "Action": "kms:*", "Resource": "*"},
            {"Sid": "NotKms", "Effect": "Deny", "Action": "kms:*", "Resource": "*"},
        ],
    }
    for type_ in ("aws:iam/policy:Policy", "aws:iam/role:Role",
                  "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy"):  # fmt: skip
        assert fired(with_policy(golden(type_), document)) == set()
