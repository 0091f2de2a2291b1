"""KG-S03 kms-stack-requires-single-data-class: alias names and replicas never span data classes."""

from kmsguard.policies.facts import KEY_TYPE
from kmsguard.policies.rule import UNKNOWN, Context, Outcome, Resource
from kmsguard.policies.rules.s03_stack_requires_single_data_class import RULE
from tests.policies.golden import (
    ACCOUNT,
    GOLDEN,
    TAGS,
    golden_context,
    golden_stack,
    stack_fired,
    stack_replace,
    stack_resource,
)

PREFIX = "urn:pulumi:prod::kmsguard::kmsguard:index:Key$"
ALIAS_URN = PREFIX + "aws:kms/alias:Alias::orders-alias"
REPLICA_ALIAS_URN = PREFIX + "aws:kms/alias:Alias::orders-alias-us-east-1"
REPLICA_URN = PREFIX + "aws:kms/replicaKey:ReplicaKey::orders-replica-us-east-1"
SPANS = (
    "alias name 'alias/prod-orders-payments' points at keys of data classes confidential, public; "
    "give each data class its own key and alias name"
)
REPLICA = (
    "replica key 'orders-replica-us-east-1' has DataClass 'public' but its primary 'orders' has "
    "'confidential'; they share key material, so tag the replica 'confidential'"
)
PUBLIC_TAGS = {**TAGS, "DataClass": "public"}


def _ctx() -> Context:
    return golden_context(RULE.meta.config_defaults())


def test_golden_stack_has_one_data_class() -> None:
    assert stack_fired(golden_stack()) == {}


def test_replica_with_another_data_class_is_blamed_with_the_alias_name_it_splits() -> None:
    stack = stack_replace(golden_stack(), "orders-replica-us-east-1", tags=PUBLIC_TAGS)
    result = RULE.check(stack, _ctx())
    assert [(f.urn, f.message) for f in result.findings] == [
        (ALIAS_URN, SPANS),
        (REPLICA_ALIAS_URN, SPANS),
        (REPLICA_URN, REPLICA),
    ]
    assert stack_fired(stack) == {"KG-S03": {ALIAS_URN, REPLICA_ALIAS_URN, REPLICA_URN}}


def _public_key_in_us_east_1() -> Resource:
    arn = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/5678abcd-12ab-34cd-56ef-1234567890ab"
    return stack_resource(
        KEY_TYPE,
        "catalog",
        {**GOLDEN[KEY_TYPE].props, "tags": PUBLIC_TAGS, "region": "us-east-1", "arn": arn,
         "keyId": arn.rsplit("/", 1)[1], "id": arn.rsplit("/", 1)[1]},
        parent=None,
    )  # fmt: skip


def test_two_keys_of_different_classes_sharing_an_alias_name_across_regions() -> None:
    other = _public_key_in_us_east_1()
    stack = stack_replace(
        [*golden_stack(), other], "orders-alias-us-east-1", targetKeyId=other.props["arn"], targetKeyArn=...
    )
    assert RULE.check(stack, _ctx()).messages == (SPANS, SPANS)
    assert stack_fired(stack)["KG-S03"] == {ALIAS_URN, REPLICA_ALIAS_URN}


def test_keys_without_a_known_data_class_are_left_out() -> None:
    for tags in ({k: v for k, v in TAGS.items() if k != "DataClass"}, {**TAGS, "DataClass": UNKNOWN}):
        stack = stack_replace(golden_stack(), "orders-replica-us-east-1", tags=tags)
        assert RULE.check(stack, _ctx()).outcome is Outcome.COMPLIANT


def test_during_preview_the_graph_links_replica_and_primary() -> None:
    stack = stack_replace(golden_stack(), "orders-replica-us-east-1", tags=PUBLIC_TAGS, primaryKeyArn=UNKNOWN)
    stack = stack_replace(stack, "orders", arn=UNKNOWN, keyId=UNKNOWN, id=UNKNOWN)
    assert REPLICA in RULE.check(stack, _ctx()).messages


def test_a_replica_of_another_primary_is_not_compared() -> None:
    other_primary = "arn:aws:kms:eu-west-1:111122223333:key/mrk-ffff"
    stack = stack_replace(
        golden_stack(), "orders-replica-us-east-1", tags=PUBLIC_TAGS, primaryKeyArn=other_primary
    )
    assert REPLICA not in RULE.check(stack, _ctx()).messages
