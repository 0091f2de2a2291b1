"""Every rule of the pack is complete: unique, well named, documented, tested, and adaptable to the SDK.

Name grammar, defined precisely: `<prefix>-<resource…>-<verb>-<object…>` where the prefix is `kms` or
`iam`, the resource is one or two lowercase words, the verb is one of requires/forbids/limits, and at
least one lowercase word names the object. So the verb is the second or third word after the prefix
(`kms-key-requires-rotation`, `kms-key-policy-forbids-public-principal`).
"""

import dataclasses
import importlib
import pkgutil
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from pulumi_policy import EnforcementLevel, Policy, PolicyComplianceFramework
from pulumi_policy import Severity as SdkSeverity

from kmsguard.policies import facts
from kmsguard.policies import rules as rules_package
from kmsguard.policies.adapter import to_policies
from kmsguard.policies.docs import render
from kmsguard.policies.registry import all_rules, discover
from kmsguard.policies.rule import Enforcement, ResourceRule, Rule, Severity, StackRule

NAME_RE = re.compile(r"^(kms|iam)-[a-z]+(-[a-z]+)*$")
VERBS = frozenset({"requires", "forbids", "limits"})
RESOURCE_TYPES = (
    frozenset(facts.ALL_POLICY_CARRIER_TYPES)
    | {facts.ALIAS_TYPE, facts.GRANT_TYPE}
    | frozenset(facts.CONSUMERS)
    | {
        facts.EVENT_RULE_TYPE,
        facts.EVENT_TARGET_TYPE,
        facts.LOG_METRIC_FILTER_TYPE,
        facts.METRIC_ALARM_TYPE,
    }
)
EXPECTED_IDS = {f"KG-R{n:02d}" for n in range(1, 24)} | {f"KG-S{n:02d}" for n in range(1, 8)}
RULE_TESTS = Path(__file__).parent / "rules"
ALL = all_rules()


def _ids(rule: Rule) -> str:
    return rule.meta.id


def _name_is_well_formed(name: str) -> bool:
    if not NAME_RE.match(name):
        return False
    words = name.split("-")[1:]
    verb_positions = [i for i, w in enumerate(words) if w in VERBS]
    return bool(verb_positions) and verb_positions[0] in (1, 2) and verb_positions[0] < len(words) - 1


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("kms-key-requires-rotation", True),
        ("kms-key-policy-forbids-public-principal", True),
        ("iam-policy-limits-kms-access", True),
        ("kms-requires-rotation", False),  # no resource
        ("kms-key-policy-thing-forbids-x", False),  # verb too late
        ("kms-key-requires", False),  # no object
        ("kms-key-enforces-rotation", False),  # verb outside the closed list
        ("kms-Key-requires-rotation", False),
        ("s3-bucket-requires-encryption", False),
    ],
)
def test_name_grammar_itself(name: str, ok: bool) -> None:
    assert _name_is_well_formed(name) is ok


def test_every_expected_rule_id_is_present() -> None:
    assert {r.meta.id for r in ALL} == EXPECTED_IDS


def test_ids_and_names_are_unique() -> None:
    ids = [r.meta.id for r in ALL]
    names = [r.meta.name for r in ALL]
    assert len(ids) == len(set(ids))
    assert len(names) == len(set(names))


@pytest.mark.parametrize("rule", ALL, ids=_ids)
def test_id_matches_kind_and_name_follows_the_grammar(rule: Rule) -> None:
    assert re.fullmatch(r"KG-[RS]\d{2}", rule.meta.id)
    assert rule.meta.id.startswith("KG-S") == isinstance(rule, StackRule)
    assert _name_is_well_formed(rule.meta.name), rule.meta.name


@pytest.mark.parametrize("rule", ALL, ids=_ids)
def test_every_metadata_field_is_filled(rule: Rule) -> None:
    meta = rule.meta
    for field in ("id", "name", "title", "description", "rationale", "remediation", "url", "unknowns"):
        value = getattr(meta, field)
        assert isinstance(value, str), f"{meta.id}.{field} is not text"
        assert value.strip(), f"{meta.id}.{field} is empty"
    assert meta.url.startswith("https://")
    assert isinstance(meta.severity, Severity)
    assert meta.default_enforcement is (
        Enforcement.MANDATORY if meta.severity in (Severity.HIGH, Severity.CRITICAL) else Enforcement.ADVISORY
    )
    assert len(meta.resource_types) >= 1
    assert set(meta.resource_types) <= RESOURCE_TYPES
    for framework in meta.frameworks:
        assert framework.name
        assert framework.version
        assert framework.reference
    assert isinstance(rule, ResourceRule | StackRule)
    if meta.remediable:
        assert isinstance(rule, ResourceRule)
        assert rule.remediate is not None


@pytest.mark.parametrize("rule", [r for r in ALL if r.meta.config_schema], ids=_ids)
def test_config_properties_have_valid_defaults_and_descriptions(rule: Rule) -> None:
    for name, schema in rule.meta.config_schema.items():
        assert "default" in schema, f"{rule.meta.id}.{name} has no default"
        assert isinstance(schema.get("description"), str)
        assert schema["description"].strip()
        jsonschema.Draft7Validator.check_schema(dict(schema))
        jsonschema.validate(schema["default"], dict(schema))


def test_every_rule_module_has_a_test_module() -> None:
    modules = [m.name for m in pkgutil.iter_modules(rules_package.__path__)]
    assert modules
    missing = [m for m in modules if not (RULE_TESTS / f"test_{m}.py").is_file()]
    assert missing == []


def test_every_rule_module_is_named_for_its_id_and_name() -> None:
    for info in pkgutil.iter_modules(rules_package.__path__):
        module = importlib.import_module(f"{rules_package.__name__}.{info.name}")
        assert info.name == module.RULE.meta.module_name


@pytest.mark.parametrize(
    ("rule_id", "name", "module"),
    [
        pytest.param("KG-R18", "kms-grant-forbids-redelegation", "r18_grant_forbids_redelegation", id="kms"),
        pytest.param("KG-R06", "iam-policy-limits-kms-access", "r06_iam_policy_limits_kms_access", id="iam"),
        pytest.param("KG-S01", "kms-stack-requires-key-alias", "s01_stack_requires_key_alias", id="stack"),
    ],
)
def test_module_name_derives_from_id_and_name(rule_id: str, name: str, module: str) -> None:
    meta = dataclasses.replace(ALL[0].meta, id=rule_id, name=name)
    assert meta.module_name == module


def _write_rule_package(root: Path, package: str, module: str, rule_id: str, name: str) -> None:
    folder = root / package
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    (folder / f"{module}.py").write_text(
        "import dataclasses\n"
        "from kmsguard.policies.registry import all_rules, discover\n"
        f"RULE = dataclasses.replace(all_rules()[0], meta=dataclasses.replace("
        f"all_rules()[0].meta, id={rule_id!r}, name={name!r}))\n"
    )


def test_discovery_refuses_a_module_named_otherwise(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write_rule_package(
        tmp_path, "misnamed_rules", "r18_grant_constraints", "KG-R18", "kms-grant-forbids-redelegation"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(RuntimeError) as raised:
        discover(importlib.import_module("misnamed_rules"))
    assert str(raised.value) == (
        "rule module misnamed_rules.r18_grant_constraints holds KG-R18 kms-grant-forbids-redelegation:"
        " name it r18_grant_forbids_redelegation"
    )


def test_discovery_accepts_a_module_named_for_its_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write_rule_package(
        tmp_path, "named_rules", "r18_grant_forbids_redelegation", "KG-R18", "kms-grant-forbids-redelegation"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    found = discover(importlib.import_module("named_rules"))
    assert [(r.meta.id, r.meta.name) for r in found] == [("KG-R18", "kms-grant-forbids-redelegation")]


def test_every_rule_appears_in_the_generated_docs() -> None:
    text = render()
    for rule in ALL:
        assert f'<a id="{rule.meta.id.lower()}"></a>' in text
        assert f"`{rule.meta.name}`" in text


_SDK_SEVERITY = {
    Severity.LOW: SdkSeverity.LOW,
    Severity.MEDIUM: SdkSeverity.MEDIUM,
    Severity.HIGH: SdkSeverity.HIGH,
    Severity.CRITICAL: SdkSeverity.CRITICAL,
}


@pytest.mark.parametrize(
    ("rule", "policy"), list(zip(ALL, to_policies(ALL), strict=True)), ids=[_ids(r) for r in ALL]
)
def test_adapter_builds_a_complete_sdk_policy(rule: Rule, policy: Policy) -> None:
    meta = rule.meta
    assert policy.name == meta.name
    assert policy.description == meta.description
    assert policy.severity is _SDK_SEVERITY[meta.severity]
    assert policy.enforcement_level is (
        EnforcementLevel.MANDATORY
        if meta.default_enforcement is Enforcement.MANDATORY
        else EnforcementLevel.ADVISORY
    )
    assert policy.remediation_steps == meta.remediation
    assert policy.url == meta.url
    if meta.frameworks:
        first = meta.frameworks[0]
        assert isinstance(policy.framework, PolicyComplianceFramework)
        assert (policy.framework.name, policy.framework.version, policy.framework.reference) == (
            first.name,
            first.version,
            first.reference,
        )
    else:
        assert policy.framework is None
    tags: Any = policy.tags
    assert "kms" in tags
    assert meta.id in tags
    if meta.config_schema:
        assert set(policy.config_schema.properties) == set(meta.config_schema)


def test_every_rule_maps_to_a_framework() -> None:
    """The brief asks every SDK policy to carry `framework`; the adapter sets it from the first mapping."""
    assert [r.meta.id for r in ALL if not r.meta.frameworks] == []
