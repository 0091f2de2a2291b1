"""KG-S01 kms-stack-requires-key-alias: every key has a conventional alias, matched by outputs or graph."""

from kmsguard.policies.facts import ALIAS_TYPE, EXTERNAL_KEY_TYPE, KEY_TYPE
from kmsguard.policies.rule import UNKNOWN, Outcome, Resource
from kmsguard.policies.rules.s01_stack_requires_key_alias import RULE
from tests.policies.golden import (
    GOLDEN,
    MRK_ARN,
    TAGS,
    golden_context,
    golden_stack,
    stack_fired,
    stack_replace,
    stack_resource,
)

#: KG-S04 reports the stack, not a resource.
UNWATCHED = ""
KEY_URN = "urn:pulumi:prod::kmsguard::kmsguard:index:Key$aws:kms/key:Key::orders"
MESSAGE = (
    "key 'orders' has no alias that follows alias/<env>-<function>-<team>; "
    "add an aws.kms.Alias with such a name targeting it"
)


def _without(resources: list[Resource], name: str) -> list[Resource]:
    return [r for r in resources if r.name != name]


def _preview(resources: list[Resource]) -> list[Resource]:
    """As during preview: key ids, ARNs and alias targets unknown."""
    for name in ("orders", "orders-replica-us-east-1"):
        resources = stack_replace(resources, name, arn=UNKNOWN, keyId=UNKNOWN, id=UNKNOWN)
    for name in ("orders-alias", "orders-alias-us-east-1"):
        resources = stack_replace(resources, name, targetKeyId=UNKNOWN, targetKeyArn=UNKNOWN)
    return resources


def test_golden_stack_passes_every_stack_rule() -> None:
    assert stack_fired(golden_stack()) == {}
    assert (
        RULE.check(golden_stack(), golden_context(RULE.meta.config_defaults())).outcome is Outcome.COMPLIANT
    )


def test_key_without_its_alias_is_blamed() -> None:
    stack = _without(golden_stack(), "orders-alias")
    result = RULE.check(stack, golden_context(RULE.meta.config_defaults()))
    assert [(f.urn, f.message) for f in result.findings] == [(KEY_URN, MESSAGE)]
    assert stack_fired(stack) == {"KG-S01": {KEY_URN}}


def test_only_a_conventional_alias_counts() -> None:
    stack = stack_replace(golden_stack(), "orders-alias", name="alias/orders")
    # KG-S04 too: the monitoring watches DeleteAlias of the conventional name only.
    assert stack_fired(stack) == {"KG-S01": {KEY_URN}, "KG-S04": {UNWATCHED}}


def test_an_alias_of_unknown_name_does_not_count() -> None:
    stack = stack_replace(golden_stack(), "orders-alias", name=UNKNOWN)
    assert stack_fired(stack) == {"KG-S01": {KEY_URN}}


def test_an_alias_targeting_another_key_does_not_count() -> None:
    other = "arn:aws:kms:eu-west-1:111122223333:key/0000abcd-12ab-34cd-56ef-1234567890ab"
    stack = stack_replace(golden_stack(), "orders-alias", targetKeyId=other, targetKeyArn=other)
    # A known mismatch stays a mismatch even though the alias shares the key's component.
    assert stack_fired(stack) == {"KG-S01": {KEY_URN}}


def test_the_replica_alias_does_not_stand_in_for_the_primary() -> None:
    stack = _without(golden_stack(), "orders-alias")
    assert [f.urn for f in RULE.check(stack, golden_context({})).findings] == [KEY_URN]


def test_replicas_need_no_alias_of_their_own() -> None:
    stack = _without(golden_stack(), "orders-alias-us-east-1")
    assert "KG-S01" not in stack_fired(stack)


def test_an_alias_given_by_key_id_or_key_arn_matches() -> None:
    by_arn = stack_replace(golden_stack(), "orders-alias", targetKeyArn=..., targetKeyId=MRK_ARN)
    assert stack_fired(by_arn) == {}
    by_key_id_only = stack_replace(golden_stack(), "orders-alias", targetKeyArn=...)
    assert stack_fired(by_key_id_only) == {}


def test_during_preview_dependencies_link_alias_to_key() -> None:
    assert stack_fired(_preview(golden_stack())) == {}


def test_during_preview_without_dependencies_the_shared_component_links_them() -> None:
    stack = [
        Resource(r.type, r.name, r.urn, r.props, r.parent) for r in _preview(golden_stack())
    ]  # dependencies dropped
    assert stack_fired(stack) == {}


def test_during_preview_an_unrelated_alias_links_to_nothing() -> None:
    stack = [
        Resource(r.type, r.name, r.urn, r.props, None if r.type == ALIAS_TYPE else r.parent)
        for r in _preview(golden_stack())
    ]
    assert stack_fired(stack) == {"KG-S01": {KEY_URN}}


def test_dependencies_take_precedence_over_the_shared_component() -> None:
    # The alias depends on another key of the same component (e.g. the next key generation).
    stack = [
        Resource(
            r.type,
            r.name,
            r.urn,
            r.props,
            r.parent,
            ("urn:other",) if r.name == "orders-alias" else r.dependencies,
        )
        for r in _preview(golden_stack())
    ]
    assert stack_fired(stack) == {"KG-S01": {KEY_URN}}


def test_imported_material_keys_need_an_alias_too() -> None:
    external = stack_resource(
        EXTERNAL_KEY_TYPE,
        "imported",
        {**GOLDEN[EXTERNAL_KEY_TYPE].props, "arn": "arn:aws:kms:eu-west-1:111122223333:key/x",
         "keyId": "x", "id": "x"},
        parent=None,
    )  # fmt: skip
    assert stack_fired([*golden_stack(), external]) == {"KG-S01": {external.urn}, "KG-S04": {UNWATCHED}}


def test_configured_environments_decide_what_is_conventional() -> None:
    assert stack_fired(golden_stack(), config={"KG-S01": {"environments": ["dev"]}}) == {"KG-S01": {KEY_URN}}


def test_a_stack_without_keys_is_compliant() -> None:
    assert RULE.check([], golden_context(RULE.meta.config_defaults())).outcome is Outcome.COMPLIANT


def _generation(name: str, generation: str, key_id: str) -> Resource:
    arn = f"arn:aws:kms:eu-west-1:111122223333:key/{key_id}"
    props = {**GOLDEN[KEY_TYPE].props, "arn": arn, "keyId": key_id, "id": key_id}
    props["tags"] = {**props["tags"], "KeyGeneration": generation}
    return stack_resource(KEY_TYPE, name, props)


def test_a_retired_generation_is_covered_by_the_alias_of_the_active_one() -> None:
    retired = _generation("orders-key-g1", "g1", "1111aaaa-12ab-34cd-56ef-1234567890ab")
    active = _generation("orders-key-g2", "g2", "2222bbbb-12ab-34cd-56ef-1234567890ab")
    alias = stack_resource(
        ALIAS_TYPE,
        "orders-alias",
        {"name": "alias/prod-orders-payments", "targetKeyId": "2222bbbb-12ab-34cd-56ef-1234567890ab"},
    )
    # Keys without monitoring: KG-S04 reports the stack (once, no URN) every time.
    assert stack_fired([retired, active, alias]) == {"KG-S04": {UNWATCHED}}
    # Without the generation tag the old key is just a key nobody can find.
    untagged = Resource(
        retired.type, retired.name, retired.urn, {**retired.props, "tags": dict(TAGS)}, retired.parent
    )
    assert stack_fired([untagged, active, alias]) == {"KG-S01": {untagged.urn}, "KG-S04": {UNWATCHED}}
    # With no aliased generation in the component, every generation is blamed.
    assert stack_fired([retired, active]) == {"KG-S01": {retired.urn, active.urn}, "KG-S04": {UNWATCHED}}
