"""documents: which policy documents a resource carries, and how absent, unknown and broken ones arrive."""

import json
from typing import Any

import pytest

from kmsguard.policies.documents import CarriedPolicy, PolicyKind, carried_policies, parsed_documents
from kmsguard.policies.facts import (
    ALIAS_TYPE,
    EXTERNAL_KEY_TYPE,
    GRANT_TYPE,
    IAM_GROUP_POLICY_TYPE,
    IAM_POLICY_TYPE,
    IAM_ROLE_POLICY_TYPE,
    IAM_ROLE_TYPE,
    IAM_USER_POLICY_TYPE,
    IDENTITY_POLICY_DOCUMENTS,
    KEY_POLICY_TYPE,
    KEY_TYPE,
    REPLICA_EXTERNAL_KEY_TYPE,
    REPLICA_KEY_TYPE,
    S3_BUCKET_TYPE,
)
from kmsguard.policies.policydoc import parse_policy_document
from kmsguard.policies.rule import UNKNOWN, Resource
from kmsguard.policies.sentinels import UNKNOWN_STRING_SENTINEL, decode_unknowns
from tests.policies.golden import GOLDEN, golden, golden_identity_policy, golden_key_policy, with_props

KEY_CARRIERS = [
    KEY_TYPE,
    EXTERNAL_KEY_TYPE,
    REPLICA_KEY_TYPE,
    REPLICA_EXTERNAL_KEY_TYPE,
    KEY_POLICY_TYPE,
]
IAM_CARRIERS = [
    IAM_POLICY_TYPE,
    IAM_ROLE_POLICY_TYPE,
    IAM_USER_POLICY_TYPE,
    IAM_GROUP_POLICY_TYPE,
]


@pytest.mark.parametrize("type_", KEY_CARRIERS)
def test_key_carriers_carry_one_key_policy(type_: str) -> None:
    expected = CarriedPolicy(PolicyKind.KEY, "policy", document=parse_policy_document(golden_key_policy()))
    assert carried_policies(golden(type_)) == (expected,)


@pytest.mark.parametrize("type_", IAM_CARRIERS)
def test_iam_carriers_carry_one_identity_policy(type_: str) -> None:
    expected = CarriedPolicy(
        PolicyKind.IDENTITY, "policy", document=parse_policy_document(golden_identity_policy())
    )
    assert carried_policies(golden(type_)) == (expected,)


def test_role_carries_each_inline_policy_but_not_its_trust_policy() -> None:
    role = with_props(
        golden(IAM_ROLE_TYPE),
        inlinePolicies=[
            {"name": "a", "policy": json.dumps(golden_identity_policy())},
            {"name": "no-policy"},
            "not-an-object",
            {"name": "b", "policy": golden_identity_policy()},
        ],
    )
    document = parse_policy_document(golden_identity_policy())
    # A block without a policy only asks the provider to drop the others; an entry that is not an
    # object cannot be judged and says so (KG-R20 reports it).
    assert carried_policies(role) == (
        CarriedPolicy(PolicyKind.IDENTITY, "inlinePolicies[0].policy", document=document),
        CarriedPolicy(PolicyKind.IDENTITY, "inlinePolicies[2]", error="inlinePolicies[2] must be an object"),
        CarriedPolicy(PolicyKind.IDENTITY, "inlinePolicies[3].policy", document=document),
    )


@pytest.mark.parametrize("type_", [ALIAS_TYPE, GRANT_TYPE, S3_BUCKET_TYPE])
def test_other_resources_carry_nothing(type_: str) -> None:
    resource = golden(type_) if type_ in GOLDEN else Resource(type_, "b", "urn:b", {"policy": "{}"})
    assert carried_policies(resource) == ()


@pytest.mark.parametrize("value", [..., None, ""])
def test_absent_policy_is_nothing(value: Any) -> None:
    assert carried_policies(with_props(golden(KEY_TYPE), policy=value)) == ()


@pytest.mark.parametrize(
    ("props", "expected"),
    [
        ({"policy": UNKNOWN}, CarriedPolicy(PolicyKind.KEY, "policy", unknown=True)),
        # An unknown interpolated into the text (an ARN computed during the update).
        ({"policy": json.dumps(golden_key_policy()).replace("OrdersService", UNKNOWN_STRING_SENTINEL)},
         CarriedPolicy(PolicyKind.KEY, "policy", unknown=True)),
        ({"policy": "{not json"},
         CarriedPolicy(PolicyKind.KEY, "policy",
                       error="policy is not valid JSON: Expecting property name enclosed in double quotes at line 1")),
        ({"policy": 42.0}, CarriedPolicy(PolicyKind.KEY, "policy", error="policy must be a JSON string or object")),
        ({"policy": {"Statement": []}},
         CarriedPolicy(PolicyKind.KEY, "policy", error="policy Statement must be an object or a non-empty list of objects")),
    ],
)  # fmt: skip
def test_unknown_and_broken_key_policies(props: dict[str, Any], expected: CarriedPolicy) -> None:
    key = with_props(golden(KEY_TYPE), **props)
    assert carried_policies(key) == (expected,)
    assert parsed_documents(key) == ()


def test_unknown_sentinel_decoded_from_the_wire_is_unknown() -> None:
    props = decode_unknowns({"policy": UNKNOWN_STRING_SENTINEL})
    key = with_props(golden(KEY_TYPE), **props)
    assert carried_policies(key) == (CarriedPolicy(PolicyKind.KEY, "policy", unknown=True),)


def test_unknown_inline_policies_and_unknown_inline_entries() -> None:
    role = golden(IAM_ROLE_TYPE)
    assert carried_policies(with_props(role, inlinePolicies=UNKNOWN)) == (
        CarriedPolicy(PolicyKind.IDENTITY, "inlinePolicies", unknown=True),
    )
    assert carried_policies(with_props(role, inlinePolicies=[{"name": "x", "policy": UNKNOWN}])) == (
        CarriedPolicy(PolicyKind.IDENTITY, "inlinePolicies[0].policy", unknown=True),
    )


def test_parsed_documents_keeps_only_documents_that_parse_in_order() -> None:
    role = with_props(
        golden(IAM_ROLE_TYPE),
        inlinePolicies=[{"name": "bad", "policy": "[]"}, {"name": "ok", "policy": golden_identity_policy()}],
    )
    (only,) = parsed_documents(role)
    assert only[0].path == "inlinePolicies[1].policy"
    assert only[1] == parse_policy_document(golden_identity_policy())


def test_object_policies_are_canonicalised_with_sorted_keys() -> None:
    as_object = with_props(golden(KEY_TYPE), policy=golden_key_policy())
    (only,) = parsed_documents(as_object)
    assert only[1] == parse_policy_document(json.dumps(golden_key_policy(), sort_keys=True))
    # Statement order survives; only keys inside objects (such as Condition operators) are sorted.
    assert [s.sid for s in only[1].statements] == [s["Sid"] for s in golden_key_policy()["Statement"]]


def test_object_policy_with_an_unknown_inside_is_unknown_not_a_crash() -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": UNKNOWN}],
    }
    carried = carried_policies(Resource(IAM_POLICY_TYPE, "p", "urn:p", {"policy": policy}))
    assert carried == (CarriedPolicy(PolicyKind.IDENTITY, "policy", unknown=True),)


SSO_INLINE = "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy"
IDENTITY = parse_policy_document(golden_identity_policy())


def test_every_identity_carrier_of_the_facts_table_is_read_at_its_path() -> None:
    assert {t: [c.path for c in carried_policies(golden(t))] for t in IDENTITY_POLICY_DOCUMENTS} == {
        "aws:iam/policy:Policy": ["policy"],
        "aws:iam/rolePolicy:RolePolicy": ["policy"],
        "aws:iam/userPolicy:UserPolicy": ["policy"],
        "aws:iam/groupPolicy:GroupPolicy": ["policy"],
        "aws:iam/role:Role": ["inlinePolicies[0].policy"],
        SSO_INLINE: ["inlinePolicy"],
    }


@pytest.mark.parametrize(
    ("inline", "expected"),
    [
        pytest.param([{"name": "s", "policy": json.dumps(golden_identity_policy())}],
                     (CarriedPolicy(PolicyKind.IDENTITY, "inlinePolicies[0].policy", document=IDENTITY),),
                     id="list_of_blocks_with_json_text"),
        pytest.param([{"name": "o", "policy": golden_identity_policy()}],
                     (CarriedPolicy(PolicyKind.IDENTITY, "inlinePolicies[0].policy", document=IDENTITY),),
                     id="list_of_blocks_with_an_object"),
        pytest.param({"name": "one", "policy": golden_identity_policy()},
                     (CarriedPolicy(PolicyKind.IDENTITY, "inlinePolicies.policy", document=IDENTITY),),
                     id="one_block_without_a_list"),
        pytest.param([{}], (), id="empty_block_removes_out_of_band_policies"),
        pytest.param([], (), id="no_blocks"),
        pytest.param("{}", (CarriedPolicy(PolicyKind.IDENTITY, "inlinePolicies",
                                          error="inlinePolicies must be a list of objects"),), id="fail_text"),
        pytest.param([UNKNOWN], (CarriedPolicy(PolicyKind.IDENTITY, "inlinePolicies[0].policy", unknown=True),),
                     id="unknown_block"),
        pytest.param([{"name": "n", "policy": 7}], (CarriedPolicy(PolicyKind.IDENTITY, "inlinePolicies[0].policy",
                                                                  error="inlinePolicies[0].policy must be a JSON string or object"),),
                     id="fail_number_policy"),
    ],
)  # fmt: skip
def test_role_inline_policies_in_every_shape(inline: Any, expected: tuple[CarriedPolicy, ...]) -> None:
    assert carried_policies(with_props(golden("aws:iam/role:Role"), inlinePolicies=inline)) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(json.dumps(golden_identity_policy()), CarriedPolicy(PolicyKind.IDENTITY, "inlinePolicy", document=IDENTITY),
                     id="json_text"),
        pytest.param(golden_identity_policy(), CarriedPolicy(PolicyKind.IDENTITY, "inlinePolicy", document=IDENTITY),
                     id="object"),
        pytest.param(UNKNOWN, CarriedPolicy(PolicyKind.IDENTITY, "inlinePolicy", unknown=True), id="unknown"),
        pytest.param("", CarriedPolicy(PolicyKind.IDENTITY, "inlinePolicy",
                                       error="inlinePolicy is empty; this resource must carry a document"), id="fail_empty"),
        pytest.param(..., CarriedPolicy(PolicyKind.IDENTITY, "inlinePolicy",
                                        error="inlinePolicy is empty; this resource must carry a document"), id="fail_absent"),
    ],
)  # fmt: skip
def test_permission_set_inline_policy_is_an_identity_policy(value: Any, expected: CarriedPolicy) -> None:
    assert carried_policies(with_props(golden(SSO_INLINE), inlinePolicy=value)) == (expected,)
