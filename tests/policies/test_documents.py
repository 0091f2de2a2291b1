"""documents: which policy documents a resource carries, and how absent, unknown and broken ones arrive."""

import json
from typing import Any

import pytest

from kmsguard.policies.documents import (
    CarriedPolicy,
    PolicyKind,
    carried_policies,
    judge_carried,
    judge_documents,
    not_fully_evaluated,
    unknown_paths,
)
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
    assert carried_policies(key)[0].readable is None


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


def test_the_walker_judges_only_documents_that_parse_in_order() -> None:
    role = with_props(
        golden(IAM_ROLE_TYPE),
        inlinePolicies=[{"name": "bad", "policy": "[]"}, {"name": "ok", "policy": golden_identity_policy()}],
    )
    seen: list[tuple[str, Any]] = []
    result = judge_carried(role, lambda c, d: seen.append((c.path, d)) or [])
    assert seen == [("inlinePolicies[1].policy", parse_policy_document(golden_identity_policy()))]
    assert result.reason == "the policy does not parse; KG-R20 reports it"


def test_object_policies_are_canonicalised_with_sorted_keys() -> None:
    as_object = with_props(golden("aws:kms/key:Key"), policy=golden_key_policy())
    (only,) = carried_policies(as_object)
    assert only.document == parse_policy_document(json.dumps(golden_key_policy(), sort_keys=True))
    # Statement order survives; only keys inside objects (such as Condition operators) are sorted.
    assert [s.sid for s in only.document.statements] == [s["Sid"] for s in golden_key_policy()["Statement"]]


def test_object_policy_with_an_unknown_inside_is_partly_known() -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": UNKNOWN}],
    }
    (carried,) = carried_policies(Resource("aws:iam/policy:Policy", "p", "urn:p", {"policy": policy}))
    assert (carried.unknown, carried.document, carried.error) == (True, None, None)
    assert carried.partial is not None
    (statement,) = carried.partial.statements
    assert (statement.actions, statement.resources, statement.unknown) == (("kms:Decrypt",), (), {"Resource"})
    assert unknown_paths(carried) == ("policy Statement[0].Resource",)


PUBLIC = {"Sid": "Public", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*", "Resource": "*"}
UNKNOWN_ROLE = f"arn:aws:iam::{UNKNOWN_STRING_SENTINEL}:role/x"


def _key_with(*statements: Any, as_text: bool = True) -> Resource:
    document = {"Version": "2012-10-17", "Statement": list(statements)}
    return with_props(golden("aws:kms/key:Key"), policy=json.dumps(document) if as_text else document)


def _public_labels(document: Any) -> list[str]:
    return [s.label for s in document.statements if s.has_public_principal]


@pytest.mark.parametrize("as_text", [pytest.param(True, id="text"), pytest.param(False, id="object")])
@pytest.mark.parametrize(
    ("other", "unknown"),
    [
        pytest.param({"Sid": "Other", "Effect": "Allow", "Principal": {"AWS": UNKNOWN_ROLE}, "Action": "kms:Decrypt",
                      "Resource": "*"}, "policy Statement[1].Principal", id="other_statement_principal"),
        pytest.param({"Sid": "Other", "Effect": UNKNOWN_STRING_SENTINEL, "Principal": "*", "Action": "kms:Decrypt",
                      "Resource": "*"}, "policy Statement[1].Effect", id="other_statement_effect"),
        pytest.param({"Sid": "Other", "Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
                      "Condition": {"StringEquals": {"aws:PrincipalArn": UNKNOWN_ROLE}}},
                     "policy Statement[1].Condition", id="other_statement_condition"),
        pytest.param(UNKNOWN_STRING_SENTINEL, "policy Statement[1]", id="other_statement_whole"),
    ],
)  # fmt: skip
def test_a_known_statement_is_judged_beside_an_unknown_one(as_text: bool, other: Any, unknown: str) -> None:
    key = _key_with(PUBLIC, other, as_text=as_text)
    result = judge_documents(key, _public_labels)
    assert result.messages == ("statement 'Public'",)
    # Without the known violation the unknown part is named, never passed.
    quiet = judge_documents(_key_with({**PUBLIC, "Principal": {"AWS": "111122223333"}}, other, as_text=as_text),
                            _public_labels)  # fmt: skip
    assert (quiet.outcome.value, quiet.reason) == ("not-applicable", not_fully_evaluated([unknown]))


@pytest.mark.parametrize(
    ("field", "value"),
    [pytest.param("Sid", UNKNOWN_STRING_SENTINEL, id="unknown_sid"),
     pytest.param("Resource", f"arn:aws:kms:eu-west-1:{UNKNOWN_STRING_SENTINEL}:key/x", id="unknown_resource")],
)  # fmt: skip
def test_an_unknown_sid_or_resource_does_not_stop_the_statement_being_judged(field: str, value: str) -> None:
    result = judge_documents(_key_with({**PUBLIC, field: value}), _public_labels)
    expected = "statement #1" if field == "Sid" else "statement 'Public'"
    assert result.messages == (expected,)
    clean = judge_documents(
        _key_with({**PUBLIC, "Principal": {"AWS": "111122223333"}, field: value}), _public_labels
    )
    assert clean.outcome.value == "compliant"


def test_rules_that_read_resource_do_not_judge_a_statement_whose_resource_is_unknown() -> None:
    key = _key_with({**PUBLIC, "Resource": UNKNOWN_STRING_SENTINEL})
    result = judge_documents(key, _public_labels, reads=frozenset({"Effect", "Resource"}))
    assert result.reason == not_fully_evaluated(["policy Statement[0].Resource"])


def test_a_whole_judgement_skips_a_document_with_any_unknown() -> None:
    key = _key_with(PUBLIC, UNKNOWN_STRING_SENTINEL)
    result = judge_carried(key, lambda c, d: [f"{len(d.statements)} statements"], whole=True)
    assert result.reason == not_fully_evaluated(["policy Statement[1]"])


def test_not_fully_evaluated_wording() -> None:
    assert not_fully_evaluated(["policy Statement[1].Principal", "policy Version"]) == (
        "not fully evaluated: policy Statement[1].Principal, policy Version unknown during preview; checked once "
        "known (`pulumi up`; the offline gate reports it as KG-G01)"
    )


def test_text_that_parses_only_once_known_is_unknown_not_broken() -> None:
    key = with_props(golden("aws:kms/key:Key"), policy='{"Statement": [' + UNKNOWN_STRING_SENTINEL)
    assert carried_policies(key) == (CarriedPolicy(PolicyKind.KEY, "policy", unknown=True),)


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
