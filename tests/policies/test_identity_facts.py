"""The identity-policy table (`facts.IDENTITY_POLICY_DOCUMENTS`) against the installed pulumi-aws: every
type token exists, every document path walks through real wire names, and every property of an IAM or
IAM Identity Center resource that holds a policy document is either in the table or reviewed below, so
a provider upgrade that adds a carrier fails here."""

import re

import pytest

from kmsguard.policies.facts import IDENTITY_POLICY_DOCUMENTS
from tests.policies.test_consumer_facts import provider

#: A wire name that may hold a policy document (not an ARN, a name or a list of names; flags such as
#: `forceDetachPolicies` are told apart by their boolean type).
_DOCUMENT_PROPERTY = re.compile(r"^(\w*P|p)olic(y|ies)$")
#: Reviewed: properties that hold a policy document that is not an identity policy.
NOT_IDENTITY_POLICIES = frozenset({("aws:iam/role:Role", "assumeRolePolicy")})


@pytest.mark.parametrize(("token", "path"), sorted(IDENTITY_POLICY_DOCUMENTS.items()))
def test_every_carrier_exists_and_its_path_is_made_of_wire_names(token: str, path: str) -> None:
    assert provider()["problems"][token] == []


def test_every_policy_document_property_of_iam_and_identity_center_is_reviewed() -> None:
    sweep = provider()
    found = {
        (token, name)
        for token, names in sweep["wire_names"].items()
        if token.startswith(("aws:iam/", "aws:ssoadmin/"))
        for name in names
        if _DOCUMENT_PROPERTY.match(name) and name not in sweep["flags"][token]
    }
    listed = {(token, path.partition("[*]")[0]) for token, path in IDENTITY_POLICY_DOCUMENTS.items()}
    assert found == listed | NOT_IDENTITY_POLICIES
