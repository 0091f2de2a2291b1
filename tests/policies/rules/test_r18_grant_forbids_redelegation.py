"""KG-R18 kms-grant-forbids-redelegation: re-delegation, unknown operations, context constraints."""

from typing import Any

import pytest

from kmsguard.policies.facts import GRANT_OPERATIONS, GRANT_TYPE
from kmsguard.policies.rule import UNKNOWN, Outcome
from kmsguard.policies.rules.r18_grant_forbids_redelegation import RULE
from tests.policies.golden import USER_ROLE, evaluate, fired, golden, with_props

GRANT = GRANT_TYPE
NO_CONTEXT = (
    f"the grant to {USER_ROLE} has no encryption-context constraint; add constraints with a non-empty "
    "encryptionContextEquals or encryptionContextSubset"
)


def test_golden_grant_is_compliant() -> None:
    assert evaluate(RULE, golden(GRANT)).outcome is Outcome.COMPLIANT
    assert fired(golden(GRANT)) == set()


@pytest.mark.parametrize("operation", ["CreateGrant", "RetireGrant"])
def test_redelegation_operations_fire(operation: str) -> None:
    grant = with_props(golden(GRANT), operations=["Decrypt", operation])
    result = evaluate(RULE, grant)
    assert result.messages == (
        f"operation {operation} lets the grantee re-delegate or retire grants; remove it from operations",
    )
    assert fired(grant) == {"KG-R18"}


@pytest.mark.parametrize("operation", ["decrypt", "kms:Decrypt", "PutKeyPolicy"])
def test_operations_outside_the_grant_list_fire(operation: str) -> None:
    grant = with_props(golden(GRANT), operations=[operation])
    assert evaluate(RULE, grant).messages == (
        f"operation {operation!r} is not a KMS grant operation; use only {', '.join(GRANT_OPERATIONS)}",
    )
    assert fired(grant) == {"KG-R18"}


@pytest.mark.parametrize(
    ("operations", "message"),
    [
        (UNKNOWN, "operations are unknown during preview; list the grant operations literally"),
        (["Decrypt", UNKNOWN], "an operation is unknown during preview; list the grant operations literally"),
        (..., "the grant lists no operations; set operations to the grant operations the grantee needs"),
        ([], "the grant lists no operations; set operations to the grant operations the grantee needs"),
    ],
)
def test_unknown_or_missing_operations_fail_closed(operations: Any, message: str) -> None:
    grant = with_props(golden(GRANT), operations=operations)
    assert evaluate(RULE, grant).messages == (message,)
    assert fired(grant) == {"KG-R18"}


@pytest.mark.parametrize(
    "constraints",
    [..., [], [{}], [{"encryptionContextSubset": {}}], [{"encryptionContextEquals": {}}], "tenant=acme"],
    ids=["absent", "empty-list", "empty-object", "empty-subset", "empty-equals", "wrong-type"],
)
def test_grant_to_a_role_without_context_constraint_fires(constraints: Any) -> None:
    grant = with_props(golden(GRANT), constraints=constraints)
    assert evaluate(RULE, grant).messages == (NO_CONTEXT,)
    assert fired(grant) == {"KG-R18"}


def test_encryption_context_equals_satisfies_the_constraint() -> None:
    grant = with_props(golden(GRANT), constraints=[{"encryptionContextEquals": {"tenant": UNKNOWN}}])
    assert evaluate(RULE, grant).outcome is Outcome.COMPLIANT


def test_service_principal_grantee_needs_no_context_constraint() -> None:
    grant = with_props(golden(GRANT), granteePrincipal="logs.eu-west-1.amazonaws.com", constraints=...)
    assert evaluate(RULE, grant).outcome is Outcome.COMPLIANT


def test_unknown_grantee_is_treated_as_a_person_and_unknown_constraints_fail() -> None:
    unknown_grantee = with_props(golden(GRANT), granteePrincipal=UNKNOWN, constraints=...)
    assert evaluate(RULE, unknown_grantee).messages == (
        "the grant to an unknown grantee has no encryption-context constraint; add constraints with a "
        "non-empty encryptionContextEquals or encryptionContextSubset",
    )
    unknown_constraints = with_props(golden(GRANT), constraints=UNKNOWN)
    assert evaluate(RULE, unknown_constraints).messages == (
        f"constraints of the grant to {USER_ROLE} are unknown during preview; set a literal "
        "encryptionContextEquals or encryptionContextSubset constraint",
    )


def test_applies_to_grants_only() -> None:
    assert RULE.meta.resource_types == (GRANT,)
