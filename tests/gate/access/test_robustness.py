"""Whatever the resources hold, the model answers: junk in any property it reads never raises, and a
key whose policy cannot be read is reported as open to unknown principals (fail closed)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kmsguard.gate.access.document import entries_json
from kmsguard.gate.access.model import UNKNOWN_PRINCIPAL, compute
from kmsguard.gate.access.vocabulary import Capability
from kmsguard.policies.facts import (
    ALIAS_TYPE,
    GRANT_TYPE,
    IAM_POLICY_ATTACHMENT_TYPE,
    IAM_POLICY_TYPE,
    IAM_ROLE_POLICY_ATTACHMENT_TYPE,
    IAM_ROLE_POLICY_TYPE,
    IAM_ROLE_TYPE,
    KEY_POLICY_TYPE,
    KEY_TYPE,
    REPLICA_KEY_TYPE,
)
from kmsguard.policies.rule import UNKNOWN, Resource
from tests.components.spec.baseline import ACCOUNT

junk = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False) | st.text(max_size=8) | st.just(UNKNOWN),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
TYPES = [
    KEY_TYPE, REPLICA_KEY_TYPE, KEY_POLICY_TYPE, GRANT_TYPE,
    ALIAS_TYPE, IAM_ROLE_TYPE, IAM_ROLE_POLICY_TYPE, IAM_POLICY_TYPE,
    IAM_POLICY_ATTACHMENT_TYPE, IAM_ROLE_POLICY_ATTACHMENT_TYPE,
]  # fmt: skip
PROPS = ["arn", "keyId", "id", "policy", "region", "name", "targetKeyId", "granteePrincipal", "operations",
         "constraints", "retiringPrincipal", "role", "roles", "policyArn", "inlinePolicies", "managedPolicyArns"]  # fmt: skip
resources = st.lists(
    st.builds(
        lambda i, type_, props: Resource(type=type_, name=f"r{i}", urn=f"urn:r{i}", props=props),
        st.integers(0, 5),
        st.sampled_from(TYPES),
        st.dictionaries(st.sampled_from(PROPS), junk, max_size=6),
    ),
    max_size=6,
)


@settings(max_examples=300, deadline=None)
@given(resources)
def test_junk_never_raises(found: list[Resource]) -> None:
    entries_json(compute(found, ACCOUNT))


@settings(max_examples=100, deadline=None)
@given(junk.filter(lambda v: v is not None and v != "" and not isinstance(v, dict)))
def test_a_policy_that_is_not_a_document_opens_the_key_to_unknown_principals(value: Any) -> None:
    key = Resource(type=KEY_TYPE, name="k", urn="urn:k", props={"policy": value})
    [entry] = entries_json(compute([key], ACCOUNT))
    assert (entry["principal"], entry["capabilities"]) == (UNKNOWN_PRINCIPAL, [c.value for c in Capability])
