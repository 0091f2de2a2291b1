"""The result model: rule ids and resource types read from a policy's tags, and policies looked up by name."""

from pathlib import Path

from kmsguard.gate.model import GateResult, PolicyMeta
from kmsguard.gate.project import Project
from kmsguard.policies.facts import ALIAS_TYPE, KEY_TYPE, REPLICA_KEY_TYPE


def meta(name: str, *tags: str, title: str = "t") -> PolicyMeta:
    return PolicyMeta(
        name=name, title=title, description="d", severity="low", enforcement="advisory", tags=tags
    )


def result(policies: list[PolicyMeta]) -> GateResult:
    project = Project("p", Path("/p"), Path("/p/__main__.py"), "dev", Path("/p/Pulumi.dev.yaml"))
    return GateResult(project, "kmsguard", "1.0.0", policies, [], [])


def test_rule_id_is_the_first_tag_shaped_like_an_id_else_the_name() -> None:
    assert meta("rotation", "kms", "PCI DSS 3.6.4", "KG-R01", "KG-R02").rule_id == "KG-R01"
    assert meta("stack", "KG-S01").rule_id == "KG-S01"
    assert meta("other", "AB-12").rule_id == "AB-12"
    assert meta("plain", "kms", "A-1", "KG-R01x", "kg-r01").rule_id == "plain"
    assert meta("untagged").rule_id == "untagged"


def test_resource_types_are_the_tags_shaped_like_type_tokens() -> None:
    tagged = meta("rotation", "kms", "KG-R01", "PCI DSS 3.6.4", KEY_TYPE, REPLICA_KEY_TYPE)
    assert tagged.resource_types == {KEY_TYPE, REPLICA_KEY_TYPE}
    assert tagged.judges(KEY_TYPE) is True
    assert tagged.judges(ALIAS_TYPE) is False
    # Not type tokens: two parts, a space, an empty type, a URN.
    untyped = meta("plain", "aws:kms", "CIS AWS 3.7", "aws:kms/key:", "urn:pulumi:dev::p::aws:kms/key:Key::k")
    assert untyped.resource_types == frozenset()
    assert untyped.judges(ALIAS_TYPE) is True


def test_a_policy_copied_through_its_dict_is_equal() -> None:
    # kmsguard.gate.run rebuilds each policy as PolicyMeta(**{**p.__dict__, ...}): no extra instance state.
    policy = meta("rotation", "KG-R01")
    assert PolicyMeta(**policy.__dict__) == policy


def test_policy_is_the_first_of_that_name_and_none_for_an_unknown_name() -> None:
    first, second = meta("alias", "KG-R10"), meta("alias", "KG-R99", title="shadowed")
    rotation = meta("rotation", "KG-R01")
    found = result([rotation, first, second])
    assert found.policy("alias") is first
    assert found.policy("rotation") is rotation
    assert found.policy("nope") is None


def test_policy_sees_the_policies_list_as_it_is_now() -> None:
    found = result([meta("rotation", "KG-R01")])
    assert found.policy("alias") is None
    alias = meta("alias", "KG-R10")
    found.policies.append(alias)
    assert found.policy("alias") is alias
    replacement = meta("rotation", "KG-R02")
    found.policies[0] = replacement
    assert found.policy("rotation") is replacement
    found.policies = []
    assert found.policy("rotation") is None
