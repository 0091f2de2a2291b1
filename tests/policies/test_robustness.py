"""Mangled resources never make the pack raise, driven exactly as the SDK's Analyze/AnalyzeStack drive it;
and a value of the wrong type at any property a rule reads is a finding of that rule, never a pass or a
silent not-applicable.

The SDK wraps inputs in `unknown_checking_proxy`; an `UnknownValueError` escaping a policy would make
it report "can't run policy during preview" as advisory, silently downgrading a mandatory rule, so
that counts as a failure here like any other exception. Only the SDK's own not-applicable signal is
an expected way out. Both properties are derandomized: the same examples on every run and in CI.
"""

import contextlib
import json
import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.policy import _NotApplicableError
from pulumi_policy.proxy import unknown_checking_proxy

from kmsguard.policies import facts
from kmsguard.policies.adapter import to_policies
from kmsguard.policies.registry import all_rules
from kmsguard.policies.rule import Outcome, Resource, ResourceRule
from kmsguard.policies.sentinels import UNKNOWN_SENTINELS
from tests.policies.golden import GOLDEN, golden_context, golden_identity_policy, golden_key_policy

EXAMPLES = 10_000
RULES = all_rules()
POLICIES = to_policies(RULES)
RESOURCE_POLICIES = [
    (r, p) for r, p in zip(RULES, POLICIES, strict=True) if isinstance(p, ResourceValidationPolicy)
]
STACK_POLICIES = [
    (r, p) for r, p in zip(RULES, POLICIES, strict=True) if isinstance(p, StackValidationPolicy)
]
RESOURCE_TYPES = sorted({t for r in RULES for t in r.meta.resource_types})

#: Every property a rule reads, plus the ones the golden resources carry.
KNOWN_PROPS = sorted(
    {k for resource in GOLDEN.values() for k in resource.props}
    | {
        "bypassPolicyLockoutSafetyCheck", "constraints", "customKeyStoreId", "customerMasterKeySpec",
        "deletionWindowInDays", "description", "enableKeyRotation", "expirationModel", "granteePrincipal",
        "inlinePolicies", "keyId", "keySpec", "keyUsage", "multiRegion", "name", "namePrefix", "operations",
        "policy", "region", "retiringPrincipal", "rotationPeriodInDays", "tags", "targetKeyId", "validTo",
        "xksKeyId",
    }
)  # fmt: skip

sentinels = st.sampled_from(sorted(UNKNOWN_SENTINELS))
words = st.text(max_size=12) | st.sampled_from(
    ["", "*", "true", "false", "alias/prod-orders-payments", "alias/aws/x", "Decrypt", "CreateGrant",
     "SYMMETRIC_DEFAULT", "HMAC_256", "RSA_2048", "prod", "EXTERNAL", facts.ALL_KEY_TYPES[0],
     "111122223333", "arn:aws:iam::444455556666:role/x", "s3.amazonaws.com", "logs.eu-west-1.amazonaws.com"]
)  # fmt: skip
scalars = st.none() | st.booleans() | st.floats() | st.integers() | words  # NaN and ±Infinity included
leaves = scalars | sentinels


def _nested(depth: int, leaf: Any) -> Any:
    value = leaf
    for level in range(depth):
        value = [value] if level % 2 else {"k": value}
    return value


#: Deeper than the engine's wire format carries (protobuf stops at 100 levels), so deeper than any
#: value a pack can receive.
deep = st.tuples(st.integers(20, 120), leaves).map(lambda pair: _nested(*pair))
json_values = st.recursive(
    leaves,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(words, inner, max_size=3),
    max_leaves=8,
)

actions = st.sampled_from(
    ["kms:*", "KMS:Decrypt", "kms:decrypt", "kms:Decrpyt", "kms:Create*", "*", "Decrypt", "s3:*", "kms:",
     "kms:PutKeyPolicy", "kms:CreateGrant", "kms:?ncrypt"]
) | words  # fmt: skip
principals = (
    st.sampled_from(["*", {"AWS": "*"}, {"Service": "logs.amazonaws.com"}, {"AWS": ["111122223333", "*"]}])
    | st.dictionaries(st.sampled_from(["AWS", "Service", "Federated", "CanonicalUser", "Bogus"]), json_values, max_size=2)
    | json_values
)  # fmt: skip
condition_keys = st.sampled_from(
    ["aws:MultiFactorAuthPresent", "aws: MultiFactorAuthAge", "AWS:multifactorauthage", "kms:ViaService",
     "kms:CallerAccount", "aws:PrincipalOrgID", "kms:GrantIsForAWSResource", "kms:EncryptionContext:k"]
) | words  # fmt: skip
operators = st.sampled_from(
    ["Bool", "BoolIfExists", "StringEquals", "StringLike", "NumericLessThan", "NumericGreaterThan",
     "ForAllValues:StringEquals", "Null", "ArnLike"]
) | words  # fmt: skip
conditions = st.dictionaries(
    operators, st.dictionaries(condition_keys, json_values, max_size=2) | json_values, max_size=2
)
statement_fields = {
    "Sid": words | json_values,
    "Effect": st.sampled_from(["Allow", "Deny", "Permit"]) | json_values,
    "Principal": principals,
    "NotPrincipal": principals,
    "Action": actions | st.lists(actions, max_size=3) | json_values,
    "NotAction": actions | st.lists(actions, max_size=3),
    "Resource": words | st.lists(words, max_size=2) | json_values,
    "NotResource": words,
    "Condition": conditions | json_values,
}
statements = st.fixed_dictionaries(
    {}, optional=dict(statement_fields.items())
)  # every field optional: a statement may miss or mangle any of them
documents = st.fixed_dictionaries(
    {},
    optional={
        "Version": st.sampled_from(["2012-10-17", "2008-10-17"]) | json_values,
        "Statement": statements | st.lists(statements, max_size=3) | json_values,
        "Id": words,
    },
)
golden_documents = st.sampled_from([golden_key_policy(), golden_identity_policy()])
policy_values = st.one_of(
    documents,
    documents.map(json.dumps),
    golden_documents,
    golden_documents.map(json.dumps),
    golden_documents.map(lambda d: json.dumps(d)[:-7]),  # truncated text
    sentinels.map(lambda s: json.dumps({"Version": "2012-10-17", "Statement": s})),  # unknown inside text
    json_values.map(json.dumps),
    json_values,
    st.text(max_size=30),
)
inline_policies = st.lists(
    st.fixed_dictionaries({"name": words}, optional={"policy": policy_values}) | json_values, max_size=2
)
constraints = st.lists(
    st.fixed_dictionaries(
        {}, optional={"encryptionContextEquals": json_values, "encryptionContextSubset": json_values}
    )
    | json_values,
    max_size=2,
)
tags = st.dictionaries(
    words | st.sampled_from([*list(facts.REQUIRED_TAGS), "aws:x"]), json_values, max_size=5
)

#: Properties whose shape matters most get structured mangling on top of random JSON.
SHAPED: dict[str, st.SearchStrategy[Any]] = {
    "policy": policy_values,
    "inlinePolicies": inline_policies,
    "constraints": constraints,
    "operations": st.lists(words | sentinels, max_size=3),
    "tags": tags,
}


@st.composite
def mangled_props(draw: st.DrawFn, resource_type: str) -> dict[str, Any]:
    base = dict(GOLDEN[resource_type].props) if resource_type in GOLDEN and draw(st.booleans()) else {}
    chosen = draw(st.lists(st.sampled_from(KNOWN_PROPS), max_size=6, unique=True))
    for prop in chosen:
        strategy = SHAPED.get(prop, json_values)
        base[prop] = draw(strategy | json_values | sentinels | deep)
    return base


stack_configs = st.sampled_from(
    ["", json.dumps({"aws:allowedAccountIds": '["111122223333"]', "aws:region": "eu-west-1"}), "not json",
     json.dumps({"aws:allowedAccountIds": "[1, 2"}), json.dumps([1])]
)  # fmt: skip


def _options() -> PolicyResourceOptions:
    return PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], None)


def _report(message: str, urn: str | None = None) -> None:
    assert isinstance(message, str)
    assert message


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[str, str, dict[str, Any], list[tuple[str, dict[str, Any]]]]:
    resource_type = draw(st.sampled_from(RESOURCE_TYPES))
    props = draw(mangled_props(resource_type))
    others = draw(
        st.lists(
            st.sampled_from(RESOURCE_TYPES).flatmap(lambda t: mangled_props(t).map(lambda p: (t, p))),
            max_size=2,
        )
    )
    return draw(stack_configs), resource_type, props, others


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(scenarios())
def test_mangled_resources_never_make_the_pack_raise(
    scenario: tuple[str, str, dict[str, Any], list[tuple[str, dict[str, Any]]]],
) -> None:
    stack_config, resource_type, props, others = scenario
    previous = os.environ.get("PULUMI_CONFIG")
    os.environ["PULUMI_CONFIG"] = stack_config
    try:
        urn = f"urn:pulumi:prod::kmsguard::{resource_type}::mangled"
        for rule, policy in RESOURCE_POLICIES:
            args = ResourceValidationArgs(
                resource_type, unknown_checking_proxy(props), urn, "mangled", _options(), None,
                rule.meta.config_defaults(),
            )  # fmt: skip
            with contextlib.suppress(_NotApplicableError):
                policy.validate(args, _report)
        stack = [
            PolicyResource(t, unknown_checking_proxy(p), f"urn:pulumi:prod::kmsguard::{t}::r{i}", f"r{i}",
                           _options(), None, None, [], {})
            for i, (t, p) in enumerate([(resource_type, props), *others])
        ]  # fmt: skip
        for rule, policy in STACK_POLICIES:
            with contextlib.suppress(_NotApplicableError):
                policy.validate(StackValidationArgs(stack, rule.meta.config_defaults()), _report)
    finally:
        if previous is None:
            del os.environ["PULUMI_CONFIG"]
        else:
            os.environ["PULUMI_CONFIG"] = previous


# ---------------------------------------------------------------------------------------------------
# Wrong types fail closed: every property each rule reads, with the kind of value the provider takes.
# ---------------------------------------------------------------------------------------------------

BOOL, STRING, LIST, MAPPING, TIMESTAMP = "bool", "string", "list", "mapping", "timestamp"
KEY_SPECS = tuple(facts.KeySpec)
ROTATION_DAYS = ("days", facts.ROTATION_PERIOD_MIN_DAYS, facts.ROTATION_PERIOD_MAX_DAYS)
DELETION_DAYS = ("days", facts.DELETION_WINDOW_MIN_DAYS, facts.DELETION_WINDOW_MAX_DAYS)
KEY, EXTERNAL = "aws:kms/key:Key", "aws:kms/externalKey:ExternalKey"
ROTATION_READS: dict[str, Any] = {
    "customerMasterKeySpec": ("choice", KEY_SPECS), "customKeyStoreId": STRING, "xksKeyId": STRING,
    "enableKeyRotation": BOOL,
}  # fmt: skip

#: rule id → (resource type, base changes that make the rule read the property, {property path → kind}).
#: Policy documents are the grammar rule's (KG-R20): a document that does not parse, whatever its type,
#: is its finding, and the other document rules say so by name (not applicable, "KG-R20 reports it").
READS: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = {
    "KG-R01": (KEY, {}, ROTATION_READS),
    "KG-R02": (KEY, {}, {**ROTATION_READS, "rotationPeriodInDays": ROTATION_DAYS}),
    "KG-R08": (KEY, {}, {"tags.Environment": STRING}),
    "KG-R10": ("aws:kms/alias:Alias", {}, {"name": STRING, "namePrefix": STRING}),
    "KG-R12": (KEY, {}, {"bypassPolicyLockoutSafetyCheck": BOOL}),
    "KG-R14": (KEY, {}, {"deletionWindowInDays": DELETION_DAYS, "tags.Environment": STRING}),
    "KG-R15": (KEY, {"multiRegion": True}, {"multiRegion": BOOL, "tags": MAPPING, "tags.MultiRegionReason": STRING}),
    "KG-R16": (EXTERNAL, {}, {"validTo": TIMESTAMP}),
    "KG-R18": ("aws:kms/grant:Grant", {}, {"operations": LIST, "granteePrincipal": STRING, "constraints": LIST}),
    "KG-R19": (KEY, {}, {"description": STRING, "tags": MAPPING, **{f"tags.{t}": STRING for t in facts.REQUIRED_TAGS}}),
    "KG-R20": (KEY, {}, {"policy": "document"}),
}  # fmt: skip
RULES_BY_ID = {r.meta.id: r for r in RULES}

finite = st.floats(allow_nan=False, allow_infinity=False)
not_finite = st.sampled_from([float("nan"), float("inf"), float("-inf")])
containers = st.lists(json_values, max_size=2) | st.dictionaries(words, json_values, max_size=2) | deep
not_string = st.booleans() | st.integers() | st.floats() | containers
not_bool = st.integers() | st.floats() | st.text(min_size=1) | containers
wrong: dict[str, st.SearchStrategy[Any]] = {
    BOOL: not_bool,
    STRING: not_string,
    LIST: st.booleans()
    | st.integers()
    | st.floats()
    | st.text(min_size=1)
    | st.dictionaries(words, json_values),
    MAPPING: st.booleans()
    | st.integers()
    | st.floats()
    | st.text(min_size=1)
    | st.lists(json_values, min_size=1),
    TIMESTAMP: not_string
    | st.text(min_size=1).filter(lambda t: t != "" and not t[:4].isdigit())
    | st.sampled_from(["true", "2030-01-01", "2030-13-01T00:00:00Z", "2030-02-30T00:00:00Z", "1893456000"]),
    # Whatever a policy holds that is not a document: KG-R20 names it.
    "document": st.booleans()
    | st.integers()
    | st.floats()
    | st.lists(json_values, min_size=1)
    | st.sampled_from(["{", "[]", "null", "true", '{"Statement": 1}']),
}


def _wrong_for(kind: Any) -> st.SearchStrategy[Any]:
    if isinstance(kind, str):
        return wrong[kind]
    if kind[0] == "choice":
        choices = set(kind[1])
        return (
            not_string
            | st.text(min_size=1).filter(lambda t: t not in choices)
            | st.sampled_from([c.lower() for c in kind[1]])
        )
    _, low, high = kind  # whole days within [low, high]
    return (
        st.booleans() | st.text() .filter(bool) | not_finite | containers
        | finite.filter(lambda f: not f.is_integer() or not low <= f <= high)
        | st.sampled_from([-5.0, 0.0, 2.5, 1e300, float(low) - 1, float(high) + 1, float(low) + 0.5])
    )  # fmt: skip


mangles = st.sampled_from(sorted((rule_id, path) for rule_id, (_, _, paths) in READS.items() for path in paths)).flatmap(
    lambda pair: _wrong_for(READS[pair[0]][2][pair[1]]).map(lambda value: (*pair, value))
)  # fmt: skip


def _set(props: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    head, _, leaf = path.partition(".")
    if not leaf:
        return {**props, head: value}
    inner = props.get(head)
    return {**props, head: {**(inner if isinstance(inner, dict) else {}), leaf: value}}


@settings(max_examples=3_000, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(mangles)
def test_a_wrong_type_at_any_property_a_rule_reads_is_a_finding_of_that_rule(
    mangle: tuple[str, str, Any],
) -> None:
    rule_id, path, value = mangle
    type_, base, _ = READS[rule_id]
    props = _set({**GOLDEN[type_].props, **base}, path, value)
    if path.startswith("tags.") and value in ("", None):
        return  # an empty tag is absent, not wrong: the rules' own fixtures cover it
    resource = Resource(type_, "mangled", f"urn:pulumi:prod::kmsguard::{type_}::mangled", props)
    rule = RULES_BY_ID[rule_id]
    assert isinstance(rule, ResourceRule)
    result = rule.check(resource, golden_context(rule.meta.config_defaults()))
    assert result.outcome is Outcome.VIOLATION, (path, value, result)
    assert any(path in m or path.split(".")[-1] in m for m in result.messages), (path, result.messages)


def test_every_resource_rule_that_reads_a_scalar_property_is_in_the_table() -> None:
    # Document rules read `policy` through the walker (KG-R20 owns its type); R03 reads only its presence;
    # R23 reads consumers through the consumer table (tests/policies/test_consumer_robustness.py).
    document_rules = {"KG-R03", "KG-R04", "KG-R05", "KG-R06", "KG-R07", "KG-R09", "KG-R11", "KG-R13", "KG-R17",
                      "KG-R21", "KG-R22", "KG-R23"}  # fmt: skip
    resource_rules = {r.meta.id for r in RULES if isinstance(r, ResourceRule)}
    assert resource_rules - document_rules == set(READS)
