"""`render` writes the XML text itself: it must be what ElementTree makes of `document`."""

import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

from kmsguard.gate import wire
from kmsguard.gate.capture import Captured
from kmsguard.gate.model import GateResult, PolicyMeta, Violation
from kmsguard.gate.project import Project
from kmsguard.gate.report import junit
from kmsguard.policies.facts import KEY_TYPE, REPLICA_KEY_TYPE

PREFIX = "urn:pulumi:dev::p::"
STACK = PREFIX + "pulumi:pulumi:Stack::p-dev"
KEY = PREFIX + "aws:kms/key:Key::k&<1>"
ALIAS = PREFIX + "aws:kms/alias:Alias::a"
COMPONENT = PREFIX + "acme:security:Vault::v"


def resource(urn: str, custom: bool = True) -> Captured:
    type_ = urn.removeprefix(PREFIX).split("::")[0]
    empty = wire.from_python({})
    return Captured(urn, type_, urn.rsplit("::", 1)[-1], custom, "", empty, empty)


def policy(
    name: str, rule: str, stack: bool = False, enforcement: str = "mandatory", types: tuple[str, ...] = ()
) -> PolicyMeta:
    return PolicyMeta(
        name=name,
        title=name,
        description=f"{name} description",
        severity="high",
        enforcement=enforcement,
        stack_policy=stack,
        tags=("kms", rule, *types),
    )


def violation(policy: PolicyMeta, urn: str, message: str) -> Violation:
    return Violation(policy.name, policy.rule_id, "high", policy.enforcement, urn, message)


def result(rotation_types: tuple[str, ...] = ()) -> GateResult:
    rotation = policy("rotation", "KG-R01", types=rotation_types)
    tags = policy("tags", "KG-R19", enforcement="advisory")
    disabled = policy("disabled", "KG-R02", enforcement="disabled")
    alias, unique = policy("alias", "KG-S01", stack=True), policy("unique", "KG-S02", stack=True)
    project = Project("p", Path("/p"), Path("/p/__main__.py"), "dev", Path("/p/Pulumi.dev.yaml"))
    return GateResult(
        project=project,
        pack_name="any",
        pack_version="1.0.0",
        policies=[rotation, disabled, tags, alias, unique],
        resources=[resource(STACK), resource(COMPONENT, custom=False), resource(KEY), resource(ALIAS)],
        violations=[
            violation(rotation, KEY, 'rotation description\nrotation is "off" & <unset>\r\tfix it'),
            violation(tags, KEY, "no tags"),
            violation(tags, KEY, "no description"),
            violation(alias, KEY, "key has no alias"),
            violation(alias, ALIAS, "alias description\nbad alias"),
            violation(alias, KEY, "second key finding"),
            violation(unique, "", "duplicated"),
        ],
        not_applicable={(ALIAS, "rotation"), (KEY, "tags"), ("", "alias"), ("", "unique"), ("", "x")},
    )


def element_tree_text(found: GateResult) -> str:
    root = junit.document(found)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def test_render_is_the_indented_element_tree_of_the_document() -> None:
    found = result()
    text = junit.render(found)
    assert text == element_tree_text(found)
    root = ET.fromstring(text)
    assert [s.get("name") for s in root] == [junit.SETTINGS_SUITE, KEY, ALIAS, STACK]
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == ("6", "4", "1")


def test_a_stack_policy_fails_with_every_violation_it_reported_grouped_by_resource_first_seen() -> None:
    root = ET.fromstring(junit.render(result()))
    case = root.find(f"./testsuite[@name='{STACK}']/testcase[@name='KG-S01 alias']")
    assert case is not None
    assert [f.text for f in case.findall("failure")] == [
        f"{KEY}\nkey has no alias",
        f"{KEY}\nsecond key finding",
        f"{ALIAS}\nbad alias",
    ]


def test_a_policy_tagged_with_type_tokens_is_evaluated_on_those_types_only() -> None:
    # The rotation policy names the key type in its tags: the alias gets no rotation case.
    found = result(rotation_types=(KEY_TYPE, REPLICA_KEY_TYPE))
    text = junit.render(found)
    assert text == element_tree_text(found)
    root = ET.fromstring(text)
    assert [c.get("name") for c in root.findall(f"./testsuite[@name='{ALIAS}']/testcase")] == ["KG-R19 tags"]
    assert [c.get("name") for c in root.findall(f"./testsuite[@name='{KEY}']/testcase")] == [
        "KG-R01 rotation",
        "KG-R19 tags",
    ]
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == ("5", "4", "0")


def test_a_policy_that_flags_a_type_it_did_not_name_is_still_a_failed_case() -> None:
    found = result(rotation_types=(REPLICA_KEY_TYPE,))
    text = junit.render(found)
    assert text == element_tree_text(found)
    root = ET.fromstring(text)
    assert [c.get("name") for c in root.findall(f"./testsuite[@name='{KEY}']/testcase")] == [
        "KG-R01 rotation",
        "KG-R19 tags",
    ]
    assert [c.get("name") for c in root.findall(f"./testsuite[@name='{ALIAS}']/testcase")] == ["KG-R19 tags"]


def test_render_matches_element_tree_without_any_suite() -> None:
    found = result(rotation_types=(KEY_TYPE,))
    found.policies = [replace(p, enforcement="disabled") for p in found.policies]
    text = junit.render(found)
    assert text == element_tree_text(found)
    root = ET.fromstring(text)
    assert (root.get("tests"), [s.get("name") for s in root]) == ("0", [junit.SETTINGS_SUITE])
    properties = {p.get("name"): p.get("value") for p in root.iterfind("./testsuite/properties/property")}
    disabled = str(len(found.policies))
    assert properties == {
        "enforcement.mandatory": "0",
        "enforcement.advisory": "0",
        "enforcement.disabled": disabled,
        "evaluated.resources": "2",
        "evaluated.in_scope": "0",
        "not_fully_evaluated": "0",
        "warning.1": f"no policy is enforced ({disabled} policies: 0 mandatory, 0 advisory, {disabled} disabled): "
        "nothing was checked",
    }
