"""URNs follow the engine's rule: the parent chain of types joined by `$`, the root stack left out."""

from kmsguard.gate import urns
from kmsguard.policies.facts import ALIAS_TYPE, KEY_TYPE

STACK = "urn:pulumi:dev::kmsguard::pulumi:pulumi:Stack::kmsguard-dev"


def test_top_level_resource_leaves_the_stack_out() -> None:
    assert urns.qualified_type(STACK, KEY_TYPE) == KEY_TYPE


def test_child_carries_every_ancestor_type() -> None:
    parent = urns.make("dev", "kmsguard", "kmsguard:kms:Catalog$kmsguard:kms:Key", "payments")
    assert urns.qualified_type(parent, ALIAS_TYPE) == (
        "kmsguard:kms:Catalog$kmsguard:kms:Key$aws:kms/alias:Alias"
    )


def test_root_has_no_parent() -> None:
    assert urns.qualified_type("", urns.STACK_TYPE) == urns.STACK_TYPE
    assert urns.make("dev", "p", urns.STACK_TYPE, "p-dev") == "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev"


def test_name_may_contain_double_colons() -> None:
    urn = urns.make("dev", "p", KEY_TYPE, "a::b")
    assert urns.type_of(urn) == KEY_TYPE
    assert urns.name_of(urn) == "a::b"
