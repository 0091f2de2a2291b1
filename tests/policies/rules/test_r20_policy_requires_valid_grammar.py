"""KG-R20 kms-policy-requires-valid-grammar: parse failures fail closed; version, actions, Sids."""

import copy
import json
from typing import Any

import pytest

from kmsguard.policies.facts import (
    ALL_POLICY_CARRIER_TYPES,
    IAM_POLICY_TYPE,
    IAM_ROLE_TYPE,
    KEY_POLICY_TYPE,
    KEY_TYPE,
    MFA_PRESENT_KEY,
)
from kmsguard.policies.rule import UNKNOWN, Outcome
from kmsguard.policies.rules.r20_policy_requires_valid_grammar import RULE
from kmsguard.policies.sentinels import UNKNOWN_STRING_SENTINEL
from tests.policies.golden import (
    evaluate,
    fired,
    golden,
    golden_identity_policy,
    golden_key_policy,
    with_policy,
    with_props,
)

KEY = KEY_TYPE
KP = "key policy (policy)"


def _key_policy(**changes: Any) -> dict[str, Any]:
    policy = copy.deepcopy(golden_key_policy())
    policy.update(changes)
    return policy


def _usage_actions(actions: list[str]) -> dict[str, Any]:
    policy = _key_policy()
    policy["Statement"][2]["Action"] = actions
    return policy


@pytest.mark.parametrize("type_", ALL_POLICY_CARRIER_TYPES)
def test_golden_policy_carriers_are_compliant(type_: str) -> None:
    assert evaluate(RULE, golden(type_)).outcome is Outcome.COMPLIANT
    assert fired(golden(type_)) == set()


@pytest.mark.parametrize(
    ("policy", "error"),
    [
        ("{not json", "policy is not valid JSON: Expecting property name enclosed in double quotes at line 1"),
        ("[]", "policy must be a JSON object, got list"),
        (json.dumps({"Version": "2012-10-17"}), "policy has no Statement"),
        (json.dumps({"Version": "2012-10-17", "Statement": []}),
         "policy Statement must be an object or a non-empty list of objects"),
    ],
)  # fmt: skip
def test_unparseable_policy_is_a_violation_never_a_pass(policy: str, error: str) -> None:
    key = with_props(golden(KEY), policy=policy)
    result = evaluate(RULE, key)
    assert result.outcome is Outcome.VIOLATION
    assert result.messages == (f"{KP} does not parse: {error}; fix the document so IAM can read it",)
    assert fired(key) == {"KG-R20"}


def test_invalid_effect_is_a_parse_violation() -> None:
    policy = _key_policy()
    policy["Statement"][2]["Effect"] = "Permit"
    key = with_policy(golden(KEY), policy)
    assert evaluate(RULE, key).messages == (
        f"{KP} does not parse: Statement[2].Effect must be Allow or Deny, got 'Permit'; fix the document "
        "so IAM can read it",
    )
    assert fired(key) == {"KG-R20"}


def test_policy_of_the_wrong_type_is_a_violation() -> None:
    key = with_props(golden(KEY), policy=12.0)
    assert evaluate(RULE, key).messages == (
        f"{KP} does not parse: policy must be a JSON string or object; fix the document so IAM can read it",
    )


def test_single_object_statement_is_valid_grammar() -> None:
    single = golden_identity_policy()
    single["Statement"] = single["Statement"][0]
    policy = with_policy(golden(IAM_POLICY_TYPE), single)
    assert evaluate(RULE, policy).outcome is Outcome.COMPLIANT
    assert fired(policy) == set()
    # On a key policy, keeping only the first statement is grammatical but leaves nobody with
    # PutKeyPolicy, which the lockout rule reports.
    key_single = _key_policy(Statement=golden_key_policy()["Statement"][0])
    assert fired(with_policy(golden(KEY), key_single)) == {"KG-R13"}


def test_policy_given_as_an_object_is_parsed() -> None:
    key = with_props(golden(KEY), policy=golden_key_policy())
    assert evaluate(RULE, key).outcome is Outcome.COMPLIANT


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"Version": ...}, f'{KP} has no Version; add "Version": "2012-10-17" (without it IAM uses '
                           "2008-10-17, which has no policy variables)"),
        ({"Version": "2008-10-17"}, f"{KP} has Version '2008-10-17'; set Version to '2012-10-17'"),
    ],
)  # fmt: skip
def test_version_must_be_2012_10_17(change: dict[str, Any], message: str) -> None:
    policy = _key_policy()
    for k, v in change.items():
        if v is ...:
            del policy[k]
        else:
            policy[k] = v
    key = with_policy(golden(KEY), policy)
    assert evaluate(RULE, key).messages == (message,)
    assert fired(key) == {"KG-R20"}


def test_unknown_kms_action_fires() -> None:
    key = with_policy(golden(KEY), _usage_actions(["kms:Decrypt", "kms:Decrpyt"]))
    assert evaluate(RULE, key).messages == (
        f"{KP} statement 'KeyUsage' names 'kms:Decrpyt', which is not a KMS action; spell it as in the KMS "
        "permissions reference",
    )
    assert fired(key) == {"KG-R20"}


def test_uppercase_kms_action_is_a_real_action() -> None:
    key = with_policy(golden(KEY), _usage_actions(["KMS:Decrypt", "kms:ENCRYPT", "kms:describekey"]))
    assert evaluate(RULE, key).outcome is Outcome.COMPLIANT
    assert fired(key) == set()


def test_wildcard_that_matches_nothing_fires_and_actions_of_other_services_are_ignored() -> None:
    policy = golden_identity_policy()
    policy["Statement"][0]["Action"] = ["kms:Decrpyt*", "s3:GetObject", "s3:Made*Up"]
    iam = with_policy(golden(IAM_POLICY_TYPE), policy)
    assert evaluate(RULE, iam).messages == (
        "IAM policy (policy) statement 'UseOrdersKey' names 'kms:Decrpyt*', which matches no KMS action; "
        "fix the pattern",
    )
    assert fired(iam) == {"KG-R20"}


def test_action_without_service_prefix_fires_on_role_inline_policy() -> None:
    policy = golden_identity_policy()
    policy["Statement"][0]["Action"] = ["Decrypt"]
    role = with_policy(golden(IAM_ROLE_TYPE), policy)
    assert evaluate(RULE, role).messages == (
        "IAM policy (inlinePolicies[0].policy) statement 'UseOrdersKey' names action 'Decrypt' without a "
        "service prefix; write it as service:Action, e.g. kms:Decrypt",
    )
    assert fired(role) == {"KG-R20"}


def test_duplicate_sids_fire() -> None:
    policy = _key_policy()
    policy["Statement"][2]["Sid"] = "KeyAdministration"
    key = with_policy(golden(KEY), policy)
    assert evaluate(RULE, key).messages == (
        f"{KP} uses Sid 'KeyAdministration' for statement #1 and statement #3; give each statement a "
        "unique Sid",
    )
    assert fired(key) == {"KG-R20"}


@pytest.mark.parametrize("policy", [UNKNOWN, json.dumps({"Statement": UNKNOWN_STRING_SENTINEL})])
def test_unknown_document_is_not_applicable_during_preview(policy: Any) -> None:
    result = evaluate(RULE, with_props(golden(KEY), policy=policy))
    assert (result.outcome, result.reason) == (
        Outcome.NOT_APPLICABLE,
        "the policy document is unknown during preview; `pulumi up` checks it with known values",
    )


def test_absent_policy_is_not_applicable() -> None:
    result = evaluate(RULE, with_props(golden(KEY), policy=...))
    assert (result.outcome, result.reason) == (Outcome.NOT_APPLICABLE, "no policy document on this resource")


def test_one_bad_inline_policy_among_good_ones_fires() -> None:
    role = with_props(
        golden(IAM_ROLE_TYPE),
        inlinePolicies=[
            {"name": "ok", "policy": json.dumps(golden_identity_policy())},
            {"name": "later", "policy": UNKNOWN},
            {"name": "bad", "policy": "{"},
        ],
    )
    assert evaluate(RULE, role).messages == (
        "IAM policy (inlinePolicies[2].policy) does not parse: policy is not valid JSON: Expecting property "
        "name enclosed in double quotes at line 1; fix the document so IAM can read it",
    )


def _text_with_statement_prefix(prefix: str) -> str:
    """The golden key policy as text, with `prefix` spliced in as the first members of statement #1."""
    text = json.dumps(golden_key_policy())
    head, sep, tail = text.partition('"Statement": [{')
    return f"{head}{sep}{prefix}, {tail}"


@pytest.mark.parametrize(
    ("text", "error"),
    [
        pytest.param(
            _text_with_statement_prefix('"Principal": "*"'),
            "policy repeats the key 'Principal' in one object; keep one",
            id="fail_public_principal_hidden_by_a_second_principal",
        ),
        pytest.param(
            json.dumps(golden_key_policy())[:-1] + ', "Statement": [{"Effect": "Allow", "Principal": "*", '
            '"Action": "kms:*", "Resource": "*"}]}',
            "policy repeats the key 'Statement' in one object; keep one",
            id="fail_second_statement_list",
        ),
        pytest.param(
            "[" * 100_000,
            "policy is nested too deeply to be a policy document",
            id="fail_deeply_nested_text",
        ),
    ],
)
def test_text_json_cannot_read_safely_is_a_violation(text: str, error: str) -> None:
    key = with_props(golden(KEY), policy=text)
    assert evaluate(RULE, key).messages == (
        f"{KP} does not parse: {error}; fix the document so IAM can read it",
    )
    assert fired(key) == {"KG-R20"}


@pytest.mark.parametrize(
    ("where", "element", "error"),
    [
        pytest.param(
            "document", "statement", "policy has unknown element 'statement'; element names are case-sensitive: "
            "write Statement", id="fail_lower_case_statement",
        ),
        pytest.param(
            "statement", "principal", "Statement[0] has unknown element 'principal'; element names are "
            "case-sensitive: write Principal", id="fail_lower_case_principal",
        ),
        pytest.param(
            "statement", "Conditon", "Statement[0] has unknown element 'Conditon'; use Sid, Effect, Principal, "
            "NotPrincipal, Action, NotAction, Resource, NotResource, Condition", id="fail_misspelt_condition",
        ),
    ],
)  # fmt: skip
def test_unknown_elements_are_not_read_as_absent(where: str, element: str, error: str) -> None:
    policy = _key_policy()
    target = policy if where == "document" else policy["Statement"][0]
    target[element] = {"Bool": {MFA_PRESENT_KEY: "true"}}
    key = with_policy(golden(KEY), policy)
    assert evaluate(RULE, key).messages == (
        f"{KP} does not parse: {error}; fix the document so IAM can read it",
    )
    assert fired(key) == {"KG-R20"}


def test_key_policy_statement_without_principal_fires_but_an_identity_policy_needs_none() -> None:
    policy = _key_policy()
    del policy["Statement"][0]["Principal"]
    key = with_policy(golden(KEY), policy)
    assert evaluate(RULE, key).messages == (
        f"{KP} statement 'KeyAdministration' has no Principal; a key policy statement must name who it "
        "applies to",
    )
    assert evaluate(RULE, golden(IAM_POLICY_TYPE)).outcome is Outcome.COMPLIANT


def test_key_policy_over_32_kb_fires_and_one_at_the_limit_passes() -> None:
    def padded(total: int) -> str:
        policy = _key_policy(Id="")
        base = len(json.dumps(policy, separators=(",", ":")).encode())
        policy["Id"] = "x" * (total - base)
        return json.dumps(policy, separators=(",", ":"))

    at_limit, over = padded(32_768), padded(32_769)
    assert (len(at_limit.encode()), len(over.encode())) == (32_768, 32_769)
    assert evaluate(RULE, with_props(golden(KEY), policy=at_limit)).outcome is Outcome.COMPLIANT
    assert evaluate(RULE, with_props(golden(KEY), policy=over)).messages == (
        f"{KP} is 32769 bytes; KMS accepts at most 32768: split usage into grants or IAM policies",
    )


def test_repeated_empty_sids_are_accepted_as_aws_does() -> None:
    policy = _key_policy()
    for statement in policy["Statement"]:
        statement["Sid"] = ""
    assert evaluate(RULE, with_policy(golden(KEY), policy)).outcome is Outcome.COMPLIANT


@pytest.mark.parametrize(
    ("type_", "value"),
    [
        pytest.param(KEY_POLICY_TYPE, "", id="fail_key_policy_resource_empty"),
        pytest.param(KEY_POLICY_TYPE, None, id="fail_key_policy_resource_null"),
        pytest.param(IAM_POLICY_TYPE, "", id="fail_iam_policy_empty"),
    ],
)
def test_a_resource_that_exists_to_carry_a_policy_must_carry_one(type_: str, value: Any) -> None:
    resource = with_props(golden(type_), policy=value)
    kind = "key policy" if "kms" in type_ else "IAM policy"
    assert evaluate(RULE, resource).messages == (
        f"{kind} (policy) does not parse: policy is empty; this resource must carry a document; fix the "
        "document so IAM can read it",
    )
