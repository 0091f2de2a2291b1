"""KG-S08 kms-stack-requires-key-policy: a key without its own policy is covered by an aws.kms.KeyPolicy
of the stack, linked by keyId against the key's id/keyId/arn, else through the graph."""

from typing import Any

import pytest

from kmsguard.policies.rule import UNKNOWN, Outcome, Resource
from kmsguard.policies.rules.s08_stack_requires_key_policy import RULE
from tests.policies.golden import (
    MRK_ARN,
    MRK_ID,
    golden_context,
    golden_key_policy,
    golden_stack,
    stack_replace,
    stack_resource,
)

KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy"


def _uncovered(name: str) -> str:
    return (
        f"key {name!r} sets no policy and no aws.kms.KeyPolicy of this stack sets one for it (matched by id, "
        "keyId, arn, else the dependency graph), so AWS's default gives the account root kms:*; set policy on "
        "the key, or add an aws.kms.KeyPolicy whose keyId is the key's id with the key's policy"
    )


def _check(stack: list[Resource]) -> tuple[Outcome, dict[str, str]]:
    result = RULE.check(stack, golden_context(RULE.meta.config_defaults()))
    return result.outcome, {f.urn or "": f.message for f in result.findings}


def _bare_stack() -> list[Resource]:
    """The golden stack with the primary key's own policy removed (the replica keeps its own)."""
    return stack_replace(golden_stack(), "orders", policy=...)


def _with_key_policy(
    stack: list[Resource], parent: str | None = None, deps: tuple[str, ...] = (), **props: Any
) -> list[Resource]:
    policy = stack_resource(
        KEY_POLICY, "orders-policy", {"policy": golden_key_policy(), **props}, parent, deps
    )
    return [*stack, policy]


def _urn(stack: list[Resource], name: str) -> str:
    return next(r.urn for r in stack if r.name == name and r.type.startswith("aws:"))


def test_pass_golden_stack_every_key_sets_its_own_policy() -> None:
    assert _check(golden_stack()) == (Outcome.COMPLIANT, {})


@pytest.mark.parametrize(
    "key_id", [pytest.param(MRK_ID, id="pass_by_key_id"), pytest.param(MRK_ARN, id="pass_by_key_arn")]
)
def test_pass_key_policy_names_the_key(key_id: str) -> None:
    assert _check(_with_key_policy(_bare_stack(), keyId=key_id)) == (Outcome.COMPLIANT, {})


def test_pass_unknown_key_id_linked_through_the_dependency_graph() -> None:
    stack = _bare_stack()
    linked = _with_key_policy(stack, deps=(_urn(stack, "orders"),), keyId=UNKNOWN)
    assert _check(linked) == (Outcome.COMPLIANT, {})


def test_pass_unknown_key_id_linked_through_the_parent_component() -> None:
    stack = _bare_stack()
    parent = next(r.parent for r in stack if r.name == "orders" and r.type == "aws:kms/key:Key")
    assert _check(_with_key_policy(stack, parent=parent, keyId=UNKNOWN)) == (Outcome.COMPLIANT, {})


def test_pass_unknown_policy_on_a_linked_key_policy_sets_one() -> None:
    assert _check(_with_key_policy(_bare_stack(), keyId=MRK_ID, policy=UNKNOWN)) == (Outcome.COMPLIANT, {})


def test_fail_no_key_policy_at_all() -> None:
    stack = _bare_stack()
    assert _check(stack) == (Outcome.VIOLATION, {_urn(stack, "orders"): _uncovered("orders")})


@pytest.mark.parametrize(
    "props",
    [
        pytest.param({"keyId": "1234abcd-0000-0000-0000-000000000000"}, id="fail_key_policy_for_another_key"),
        pytest.param({"keyId": MRK_ID, "policy": ""}, id="fail_key_policy_with_empty_policy"),
        pytest.param({"keyId": MRK_ID, "policy": None}, id="fail_key_policy_with_null_policy"),
        pytest.param({"keyId": UNKNOWN}, id="fail_unknown_key_id_and_no_graph_link"),
    ],
)
def test_fail_a_key_policy_that_does_not_cover_the_key(props: dict[str, Any]) -> None:
    stack = _bare_stack()
    outcome, findings = _check(_with_key_policy(stack, **props))
    assert (outcome, findings) == (Outcome.VIOLATION, {_urn(stack, "orders"): _uncovered("orders")})


def test_fail_known_key_id_of_another_key_is_not_rescued_by_the_graph() -> None:
    # A known mismatch stays a mismatch even when the KeyPolicy depends on the key.
    stack = _bare_stack()
    other = _with_key_policy(
        stack, deps=(_urn(stack, "orders"),), keyId="1234abcd-0000-0000-0000-000000000000"
    )
    assert _check(other) == (Outcome.VIOLATION, {_urn(stack, "orders"): _uncovered("orders")})


@pytest.mark.parametrize(
    "key_id", [pytest.param(123.0, id="fail_key_id_number"), pytest.param([MRK_ID], id="fail_key_id_list")]
)
def test_fail_key_policy_whose_key_id_cannot_be_judged(key_id: object) -> None:
    stack = _with_key_policy(_bare_stack(), keyId=key_id)
    outcome, findings = _check(stack)
    assert outcome is Outcome.VIOLATION
    assert findings == {
        _urn(
            stack, "orders-policy"
        ): f"cannot judge: keyId is {key_id!r}, expected a string; set keyId to the id "
        "or ARN of the key it sets",
        _urn(stack, "orders"): _uncovered("orders"),
    }


def test_only_keys_no_policy_covers_are_flagged() -> None:
    stack = stack_replace(_bare_stack(), "orders-replica-us-east-1", policy=None)
    # The replica shares the primary's key id, so a KeyPolicy naming that id covers both.
    assert _check(_with_key_policy(stack, keyId=MRK_ARN)) == (Outcome.VIOLATION, {
        _urn(stack, "orders-replica-us-east-1"): _uncovered("orders-replica-us-east-1"),
    })  # fmt: skip
    assert _check(_with_key_policy(stack, keyId=MRK_ID)) == (Outcome.COMPLIANT, {})
