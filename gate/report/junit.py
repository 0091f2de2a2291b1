"""`--junit FILE`: one test case per resource x policy evaluated, a failure per violation.

Which policies a resource is evaluated against: for kmsguard's own policies, the resource types in
the rule's metadata; for any other pack, every resource policy (the pack cannot tell us more).
Not-applicable outcomes become skipped test cases.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from functools import cache

from gate.capture import Captured
from gate.model import GateResult, PolicyMeta, Violation
from gate.report.plan import short_message


@cache
def _kmsguard_types() -> dict[str, frozenset[str]]:
    from kmsguard_policies.registry import all_rules  # noqa: PLC0415 - metadata only, loaded on demand

    return {r.meta.name: frozenset(r.meta.resource_types) for r in all_rules()}


def _applies(policy: PolicyMeta, resource: Captured, kmsguard_pack: bool) -> bool:
    if not resource.custom or resource.type.startswith("pulumi:"):
        return False
    types = _kmsguard_types().get(policy.name) if kmsguard_pack else None
    return types is None or resource.type in types


def document(result: GateResult) -> ET.Element:
    kmsguard_pack = result.pack_name == "kmsguard"
    found: dict[tuple[str, str], list[Violation]] = defaultdict(list)
    for v in result.violations:
        found[(v.urn, v.policy)].append(v)
    active = [p for p in result.policies if p.enforcement != "disabled"]
    suites = ET.Element("testsuites", name=f"kmsguard {result.project.name}/{result.project.stack}")
    stack_urn = next((r.urn for r in result.resources if r.type == "pulumi:pulumi:Stack"), "")
    for resource in result.resources:
        cases = [p for p in active if not p.stack_policy and _applies(p, resource, kmsguard_pack)]
        if cases:
            _suite(suites, result, cases, found, name=resource.urn, urn=resource.urn)
    stack_policies = [p for p in active if p.stack_policy]
    if stack_policies:
        _suite(suites, result, stack_policies, found, name=stack_urn or "stack", urn="", stack=True)
    _total(suites)
    return suites


def _suite(
    parent: ET.Element,
    result: GateResult,
    policies: list[PolicyMeta],
    found: dict[tuple[str, str], list[Violation]],
    *,
    name: str,
    urn: str,
    stack: bool = False,
) -> None:
    suite = ET.SubElement(parent, "testsuite", name=name)
    for policy in policies:
        case = ET.SubElement(suite, "testcase", classname=name, name=f"{policy.rule_id} {policy.name}")
        violations = (
            [v for (_, p), vs in found.items() if p == policy.name for v in vs]
            if stack
            else found.get((urn, policy.name), [])
        )
        for v in violations:
            failure = ET.SubElement(
                case, "failure", message=short_message(result, v), type=f"{v.severity}/{v.enforcement}"
            )
            failure.text = f"{v.urn}\n{short_message(result, v)}"
        if not violations and (urn, policy.name) in result.not_applicable:
            ET.SubElement(case, "skipped", message="not applicable")
    _counts(suite)


def _counts(suite: ET.Element) -> None:
    cases = suite.findall("testcase")
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(sum(1 for c in cases if c.find("failure") is not None)))
    suite.set("skipped", str(sum(1 for c in cases if c.find("skipped") is not None)))
    suite.set("errors", "0")


def _total(suites: ET.Element) -> None:
    for attribute in ("tests", "failures", "skipped", "errors"):
        suites.set(attribute, str(sum(int(s.get(attribute, "0")) for s in suites.findall("testsuite"))))


def render(result: GateResult) -> str:
    root = document(result)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
