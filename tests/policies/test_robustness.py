"""Mangled resources never make the pack raise, driven exactly as the SDK's Analyze/AnalyzeStack drive it.

The SDK wraps inputs in `unknown_checking_proxy`; an `UnknownValueError` escaping a policy would make
it report "can't run policy during preview" as advisory, silently downgrading a mandatory rule, so
that counts as a failure here like any other exception. Only the SDK's own not-applicable signal is
an expected way out.
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
from kmsguard.policies.sentinels import UNKNOWN_SENTINELS
from tests.policies.golden import GOLDEN, golden_identity_policy, golden_key_policy

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
scalars = st.none() | st.booleans() | st.floats(allow_nan=False, allow_infinity=False) | st.integers() | words
leaves = scalars | sentinels
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
        base[prop] = draw(strategy | json_values | sentinels)
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
