"""The access model beyond the reviewed policies: delegation, denies, defaults, fail-closed cases."""

from __future__ import annotations

import json

import pytest

from kmsguard.gate.access.document import entries_json
from kmsguard.gate.access.model import compute
from kmsguard.gate.access.vocabulary import Capability
from kmsguard.policies.facts import (
    ALIAS_TYPE,
    GRANT_TYPE,
    IAM_POLICY_TYPE,
    IAM_ROLE_POLICY_ATTACHMENT_TYPE,
    IAM_ROLE_POLICY_TYPE,
    KEY_POLICY_TYPE,
    REPLICA_KEY_TYPE,
)
from kmsguard.policies.rule import UNKNOWN
from tests.components.spec.baseline import ACCOUNT
from tests.gate.access.matrix import KEY_ARN, KEY_URN, key, matrix, policy, resource

ROOT = f"arn:aws:iam::{ACCOUNT}:root"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/EventsPipeline"
ALL = [c.value for c in Capability]
ROOT_FULL = {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": ROOT}, "Action": "kms:*", "Resource": "*"}


def allow(principal: object, actions: object, **extra: object) -> dict[str, object]:
    return {"Effect": "Allow", "Principal": principal, "Action": actions, "Resource": "*", **extra}


def role_policy(*statements: dict[str, object], name: str = "pipeline-kms") -> object:
    return resource(IAM_ROLE_POLICY_TYPE, name, role="EventsPipeline", policy=json.dumps(policy(*statements)))


def test_a_key_without_a_policy_gets_aws_default_the_account_holds_everything_through_iam() -> None:
    [entry] = entries_json(compute([key(None)], ACCOUNT))
    assert (entry["principal"], entry["capabilities"], entry["conditions"]) == (ACCOUNT, ALL, {})
    assert entry["controls_key"] is True
    assert entry["unresolved"] == (
        f"delegated to account {ACCOUNT} (this stack's account): its IAM policies decide which of its "
        "principals hold this; only those in this stack are listed"
    )


@pytest.mark.parametrize(
    ("value", "why"),
    [
        pytest.param("{not json", "unreadable (policy is not valid JSON: Expecting property name enclosed in double quotes at line 1)", id="unparseable_text"),
        pytest.param(UNKNOWN, "unknown during preview", id="unknown_during_preview"),
    ],
)  # fmt: skip
def test_a_policy_nobody_can_read_gives_unknown_principals_everything(value: object, why: str) -> None:
    r = key(None)
    r = type(r)(type=r.type, name=r.name, urn=r.urn, props={**r.props, "policy": value})
    [entry] = entries_json(compute([r], ACCOUNT))
    assert (entry["principal"], entry["capabilities"]) == ("unknown", ALL)
    assert entry["unresolved"] == f"the key policy is {why}: anyone may hold anything until it is known"


def test_identity_policy_in_the_stack_delegated_by_the_root_statement() -> None:
    via_s3 = {"StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}}
    stack = [
        key(policy(ROOT_FULL)),
        role_policy({"Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": KEY_ARN, "Condition": via_s3}),
    ]
    assert matrix(stack)["role/EventsPipeline"] == {
        "decrypt": "through IAM policy pipeline-kms & via S3 only"
    }


def test_identity_policy_without_root_delegation_gives_nothing() -> None:
    stack = [
        key(policy(allow({"AWS": ROLE}, "kms:Encrypt"))),
        role_policy({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}),
    ]
    assert matrix(stack) == {"role/EventsPipeline": {"encrypt": ""}}


def test_root_delegation_is_bounded_by_what_the_root_statement_allows_and_its_conditions() -> None:
    mfa = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    stack = [
        key(policy(allow({"AWS": ROOT}, ["kms:Decrypt", "kms:DescribeKey"], Condition=mfa))),
        role_policy({"Effect": "Allow", "Action": "kms:*", "Resource": "*"}),
    ]
    assert matrix(stack)["role/EventsPipeline"] == dict.fromkeys(
        ("decrypt", "describe"), "through IAM policy pipeline-kms & with MFA"
    )


def test_identity_statement_for_another_key_or_an_alias_gives_nothing() -> None:
    other = KEY_ARN.replace("1234abcd", "99999999")
    alias = f"arn:aws:kms:eu-west-1:{ACCOUNT}:alias/orders"
    stack = [
        key(policy(ROOT_FULL)),
        role_policy({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": [other, alias]}),
    ]
    assert set(matrix(stack)) == {ACCOUNT}


def test_identity_deny_takes_access_from_its_own_principal_only() -> None:
    stack = [
        key(policy(ROOT_FULL, allow({"AWS": ROLE}, ["kms:Encrypt", "kms:Decrypt"]))),
        role_policy({"Effect": "Deny", "Action": "kms:Decrypt", "Resource": "*"}),
    ]
    found = matrix(stack)
    assert found["role/EventsPipeline"] == {"encrypt": ""}
    assert "decrypt" in found[ACCOUNT]


def test_managed_policy_follows_its_attachments_and_stands_for_its_holders_when_unattached() -> None:
    doc = json.dumps(policy({"Effect": "Allow", "Action": "kms:Encrypt", "Resource": "*"}))
    attached_arn = f"arn:aws:iam::{ACCOUNT}:policy/attached"
    loose_arn = f"arn:aws:iam::{ACCOUNT}:policy/loose"
    stack = [
        key(policy(ROOT_FULL)),
        resource(IAM_POLICY_TYPE, "attached", arn=attached_arn, policy=doc),
        resource(IAM_POLICY_TYPE, "loose", arn=loose_arn, policy=doc),
        resource(
            IAM_ROLE_POLICY_ATTACHMENT_TYPE,
            "a",
            role="EventsPipeline",
            policyArn=attached_arn,
        ),
    ]
    found = {e["principal"]: e for e in entries_json(compute(stack, ACCOUNT))}
    assert found[ROLE]["capabilities"] == ["encrypt"]
    assert found[loose_arn]["capabilities"] == ["encrypt"]
    assert found[loose_arn]["unresolved"] == "whoever the policy is attached to outside this stack"


@pytest.mark.parametrize(
    ("deny", "expected"),
    [
        pytest.param({}, {"encrypt": ""}, id="unconditional_deny_removes"),
        pytest.param({"Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}, {"encrypt": "", "decrypt": "with MFA"}, id="bool_false_deny_means_mfa"),
        pytest.param({"Condition": {"StringNotEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}}}, {"encrypt": "", "decrypt": "via S3 only"}, id="not_via_s3_deny_means_via_s3"),
        pytest.param({"Condition": {"StringNotEqualsIfExists": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}}}, {"encrypt": "", "decrypt": "unless kms:ViaService StringNotEqualsIfExists s3.eu-west-1.amazonaws.com"}, id="if_exists_deny_cannot_be_negated_so_it_is_named"),
        pytest.param({"Condition": {"Null": {"kms:EncryptionContext:tenant": "true"}, "Bool": {"aws:SecureTransport": "false"}}}, {"encrypt": "", "decrypt": "encryption context has tenant | aws:SecureTransport Bool true"}, id="two_deny_conditions_give_two_ways_out"),
        pytest.param({"Principal": {"AWS": ROOT}}, {"encrypt": ""}, id="deny_on_the_account_binds_its_roles"),
        pytest.param({"Principal": {"AWS": "arn:aws:iam::444455556666:role/Other"}}, {"encrypt": "", "decrypt": ""}, id="deny_on_another_principal_leaves_this_one"),
        pytest.param({"NotPrincipal": {"AWS": ROLE}, "Principal": None}, {"encrypt": "", "decrypt": ""}, id="not_principal_deny_spares_the_named_role"),
        pytest.param({"Action": "kms:Encrypt*"}, {"decrypt": ""}, id="wildcard_action_deny"),
    ],
)  # fmt: skip
def test_deny_statements(deny: dict[str, object], expected: dict[str, str]) -> None:
    statement = {"Effect": "Deny", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*", **deny}
    statement = {k: v for k, v in statement.items() if v is not None}
    stack = [key(policy(allow({"AWS": ROLE}, ["kms:Encrypt", "kms:Decrypt"]), statement))]
    assert matrix(stack).get("role/EventsPipeline", {}) == expected


def test_not_action_allow_gives_every_other_capability() -> None:
    stack = [
        key(
            policy(
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": ROLE},
                    "NotAction": "kms:PutKeyPolicy",
                    "Resource": "*",
                }
            )
        )
    ]
    assert list(matrix(stack)["role/EventsPipeline"]) == [c for c in ALL if c != "change-policy"]


def test_public_and_service_principals_are_named_as_such() -> None:
    stack = [
        key(
            policy(
                allow("*", "kms:Decrypt", Condition={"StringEquals": {"kms:CallerAccount": ACCOUNT}}),
                allow({"Service": "logs.eu-west-1.amazonaws.com"}, ["kms:Encrypt*", "kms:GenerateDataKey*"]),
            )
        )
    ]
    found = {e["principal"]: e for e in entries_json(compute(stack, ACCOUNT))}
    assert found["*"]["principal_kind"] == "*"
    assert found["*"]["conditions"]["decrypt"][0][0]["summary"] == f"from account {ACCOUNT}"
    assert found["*"]["unresolved"] == "any principal of any account, within the conditions shown"
    assert found["logs.eu-west-1.amazonaws.com"]["principal_kind"] == "service"
    assert found["logs.eu-west-1.amazonaws.com"]["capabilities"] == ["encrypt", "generate-data-keys"]


def test_a_key_policy_resource_replaces_the_keys_own_policy_and_replicas_have_their_own() -> None:
    replica_arn = KEY_ARN.replace("eu-west-1", "us-east-1")
    stack = [
        key(policy(allow({"AWS": ROLE}, "kms:Decrypt"))),
        resource(
            KEY_POLICY_TYPE,
            "kp",
            keyId=KEY_ARN.rsplit("/", 1)[-1],
            policy=json.dumps(policy(allow({"AWS": ROLE}, "kms:Encrypt"))),
        ),
        key(
            policy(allow({"AWS": ROLE}, "kms:Sign")),
            arn=replica_arn,
            urn="urn:replica",
            name="orders-replica",
        ),
    ]
    # The replica shares the primary's key id, as multi-Region keys do; it is no primary.
    stack[2] = type(stack[2])(
        type=REPLICA_KEY_TYPE, name="orders-replica", urn="urn:replica", props=stack[2].props
    )
    by_key = {(e["key"], e["principal"]): e["capabilities"] for e in entries_json(compute(stack, ACCOUNT))}
    assert by_key == {(KEY_URN, ROLE): ["encrypt"], ("urn:replica", ROLE): ["sign"]}


def test_cross_account_roles_and_roots_say_their_account_decides() -> None:
    other_root = "arn:aws:iam::444455556666:root"
    stack = [key(policy(allow({"AWS": [other_root, "444455556666"]}, "kms:Decrypt")))]
    [entry] = entries_json(compute(stack, ACCOUNT))
    assert (entry["principal"], entry["principal_kind"]) == ("444455556666", "account")
    assert entry["unresolved"] == (
        "delegated to account 444455556666 (another account): its IAM policies decide which of its "
        "principals hold this; only those in this stack are listed"
    )


def test_grant_to_an_unknown_grantee_and_key_named_by_alias() -> None:
    stack = [
        key(policy(allow({"AWS": ROLE}, "kms:Encrypt"))),
        resource(ALIAS_TYPE, "a", name="alias/prod-analytics", targetKeyId=KEY_ARN.rsplit("/", 1)[-1]),
        resource(GRANT_TYPE, "g", keyId=KEY_ARN, granteePrincipal=UNKNOWN, operations=["Decrypt"]),
    ]
    entries = entries_json(compute(stack, ACCOUNT))
    assert {e["key_name"] for e in entries} == {"prod-analytics"}
    unknown = next(e for e in entries if e["principal"] == "unknown")
    assert unknown["conditions"] == {"decrypt": [[{"kind": "grant", "summary": "through grant g"}]]}


def test_entries_are_ordered_by_key_then_principal_whatever_the_resource_order() -> None:
    first = [
        key(policy(allow({"AWS": [ROLE, ROOT]}, "kms:Encrypt"))),
        key(
            policy(allow({"AWS": ROLE}, "kms:Decrypt")),
            arn=KEY_ARN.replace("1234", "0000"),
            urn="urn:a",
            name="a",
        ),
    ]
    order = [(e["key"], e["principal"]) for e in entries_json(compute(first, ACCOUNT))]
    assert order == [("urn:a", ROLE), (KEY_URN, ACCOUNT), (KEY_URN, ROLE)]
    assert entries_json(compute(first[::-1], ACCOUNT)) == entries_json(compute(first, ACCOUNT))


def test_a_role_of_another_account_needs_its_own_iam_too() -> None:
    partner = "arn:aws:iam::444455556666:role/PartnerReader"
    [entry] = entries_json(compute([key(policy(allow({"AWS": partner}, "kms:Decrypt")))], ACCOUNT))
    assert entry["unresolved"] == (
        "in account 444455556666: holds this only where that account's IAM policies also allow it"
    )


def test_ways_that_differ_only_in_the_service_merge_and_keep_every_endpoint() -> None:
    def via(*services: str) -> dict[str, object]:
        values = [f"{s}.{r}.amazonaws.com" for s in services for r in ("eu-west-1", "us-east-1")]
        return {"StringEquals": {"kms:ViaService": values, "kms:CallerAccount": ACCOUNT}}

    stack = [
        key(policy(
            allow({"AWS": ROLE}, "kms:Decrypt", Condition=via("s3")),
            allow({"AWS": ROLE}, "kms:Decrypt", Condition=via("dynamodb")),
            allow({"AWS": ROLE}, "kms:Encrypt", Condition={"StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}}),
        ))
    ]  # fmt: skip
    [entry] = entries_json(compute(stack, ACCOUNT))
    [[service, account]] = entry["conditions"]["decrypt"]
    assert account["summary"] == f"from account {ACCOUNT}"
    assert service == {
        "kind": "via-service", "summary": "via DynamoDB or S3 only", "operator": "StringEquals", "key": "kms:ViaService",
        "values": ["dynamodb.eu-west-1.amazonaws.com", "dynamodb.us-east-1.amazonaws.com",
                   "s3.eu-west-1.amazonaws.com", "s3.us-east-1.amazonaws.com"],
    }  # fmt: skip
    # Different other conditions: two ways, not merged.
    assert [[r["summary"] for r in way] for way in entry["conditions"]["encrypt"]] == [["via S3 only"]]


def test_while_the_key_arn_is_unknown_a_scoped_allow_counts_and_a_scoped_deny_does_not() -> None:
    scoped = {"Resource": KEY_ARN}
    stack = [
        key(policy(
            {**allow({"AWS": ROLE}, ["kms:Encrypt", "kms:Decrypt"]), **scoped},
            {"Effect": "Deny", "Principal": "*", "Action": "kms:Decrypt", **scoped},
        ))
    ]  # fmt: skip
    unknown_arn = type(stack[0])(
        type=stack[0].type, name="orders", urn=KEY_URN, props={"policy": stack[0].props["policy"]}
    )
    assert matrix([unknown_arn]) == {"role/EventsPipeline": {"encrypt": "", "decrypt": ""}}
    assert matrix(stack) == {"role/EventsPipeline": {"encrypt": ""}}


@pytest.mark.parametrize(
    ("value", "why"),
    [pytest.param(UNKNOWN, "unknown during preview", id="unknown"), pytest.param("{", "unreadable", id="unparseable")],
)  # fmt: skip
def test_an_identity_policy_nobody_can_read_may_allow_what_the_account_holds(value: object, why: str) -> None:
    stack = [
        key(policy(allow({"AWS": ROOT}, ["kms:Decrypt", "kms:Encrypt"]))),
        resource(IAM_ROLE_POLICY_TYPE, "pipeline-kms", role="EventsPipeline", policy=value),
    ]
    note = f"through IAM policy pipeline-kms ({why}: may allow all of it)"
    assert matrix(stack)["role/EventsPipeline"] == {"encrypt": note, "decrypt": note}


def test_a_grant_whose_operations_are_unknown_carries_every_grant_operation() -> None:
    stack = [
        key(policy(allow({"AWS": ROOT}, "kms:DescribeKey"))),
        resource(GRANT_TYPE, "g", keyId=KEY_ARN, granteePrincipal=ROLE, operations=UNKNOWN),
    ]
    assert list(matrix(stack)["role/EventsPipeline"]) == [
        "create-grants", "revoke-grants", "encrypt", "decrypt", "re-encrypt-from", "re-encrypt-to",
        "generate-data-keys", "sign", "verify", "generate-mac", "verify-mac", "derive-shared-secret", "describe",
    ]  # fmt: skip
