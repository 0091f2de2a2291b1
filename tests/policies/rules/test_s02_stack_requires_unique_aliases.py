"""KG-S02 kms-stack-requires-unique-aliases: alias names unique per region."""

from kmsguard.policies.rule import UNKNOWN, Context, Outcome
from kmsguard.policies.rules.s02_stack_requires_unique_aliases import RULE
from tests.policies.golden import golden_stack, stack_fired, stack_replace

PREFIX = "urn:pulumi:prod::kmsguard::kmsguard:index:Key$aws:kms/alias:Alias::"
ALIAS_URN = PREFIX + "orders-alias"
REPLICA_ALIAS_URN = PREFIX + "orders-alias-us-east-1"
KEY_URN = "urn:pulumi:prod::kmsguard::kmsguard:index:Key$aws:kms/key:Key::orders"
CLASH = (
    "alias name 'alias/prod-orders-payments' is used by 2 aliases in region {region} "
    "(orders-alias, orders-alias-us-east-1); alias names must be unique per region, so rename all but one"
)


def test_the_same_name_in_two_regions_is_fine() -> None:
    assert stack_fired(golden_stack()) == {}


def test_the_same_name_twice_in_one_region_blames_both_aliases() -> None:
    stack = stack_replace(golden_stack(), "orders-alias-us-east-1", region="eu-west-1")
    result = RULE.check(stack, Context())
    assert [(f.urn, f.message) for f in result.findings] == [
        (ALIAS_URN, CLASH.format(region="eu-west-1")),
        (REPLICA_ALIAS_URN, CLASH.format(region="eu-west-1")),
    ]
    assert stack_fired(stack) == {"KG-S02": {ALIAS_URN, REPLICA_ALIAS_URN}}


def test_an_alias_without_region_is_in_the_stack_region() -> None:
    stack = stack_replace(golden_stack(), "orders-alias", region=...)
    in_us_east = Context(stack="prod", stack_config={"aws:region": "us-east-1"})
    assert RULE.check(stack, in_us_east).messages == (
        CLASH.format(region="us-east-1"),
        CLASH.format(region="us-east-1"),
    )
    in_eu_west = Context(stack="prod", stack_config={"aws:region": "eu-west-1"})
    assert RULE.check(stack, in_eu_west).outcome is Outcome.COMPLIANT


def test_aliases_of_unknown_region_or_name_are_left_out() -> None:
    no_region = stack_replace(golden_stack(), "orders-alias", region=...)
    assert RULE.check(no_region, Context(stack="prod")).outcome is Outcome.COMPLIANT
    clash_but_unknown = stack_replace(
        stack_replace(golden_stack(), "orders-alias-us-east-1", region="eu-west-1"),
        "orders-alias",
        name=UNKNOWN,
    )
    # Only KG-S01 fires: an alias of unknown name does not count as the key's conventional alias.
    assert stack_fired(clash_but_unknown) == {"KG-S01": {KEY_URN}}


def test_names_compare_exactly() -> None:
    stack = stack_replace(
        golden_stack(), "orders-alias-us-east-1", region="eu-west-1", name="alias/prod-orders-payments2"
    )
    assert stack_fired(stack) == {}
