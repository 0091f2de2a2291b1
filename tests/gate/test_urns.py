"""URNs follow the engine's rule: the parent chain of types joined by `$`, the root stack left out."""

from kmsguard.gate import urns

STACK = "urn:pulumi:dev::kmsguard::pulumi:pulumi:Stack::kmsguard-dev"


def test_top_level_resource_leaves_the_stack_out() -> None:
    assert urns.qualified_type(STACK, "aws:kms/key:Key") == "aws:kms/key:Key"


def test_child_carries_every_ancestor_type() -> None:
    parent = urns.make("dev", "kmsguard", "kmsguard:kms:Catalog$kmsguard:kms:Key", "payments")
    assert urns.qualified_type(parent, "aws:kms/alias:Alias") == (
        "kmsguard:kms:Catalog$kmsguard:kms:Key$aws:kms/alias:Alias"
    )


def test_root_has_no_parent() -> None:
    assert urns.qualified_type("", urns.STACK_TYPE) == urns.STACK_TYPE
    assert urns.make("dev", "p", urns.STACK_TYPE, "p-dev") == "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev"


def test_name_may_contain_double_colons() -> None:
    urn = urns.make("dev", "p", "aws:kms/key:Key", "a::b")
    assert urns.type_of(urn) == "aws:kms/key:Key"
    assert urns.name_of(urn) == "a::b"
