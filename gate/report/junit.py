"""`--junit FILE`: one test case per resource x policy evaluated, a failure per violation.

Which policies a resource is evaluated against: those whose pack tags them with the resource's type
token, or that name no type (every resource), or that flagged it. Not-applicable outcomes (the
pack's `not_applicable` answers to Analyze) become skipped test cases.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from typing import Final, NamedTuple
from xml.sax.saxutils import escape

from kmsguard.gate.locations import Location
from kmsguard.gate.model import GateFailure, GateResult, PolicyMeta, Violation
from kmsguard.gate.report.evaluation import applicable, evaluate
from kmsguard.gate.report.plan import short_message
from kmsguard.gate.text import printable
from kmsguard.stackfile import shown_path

_Found = dict[tuple[str, str], list[Violation]]
_COUNTS: Final = ("tests", "failures", "skipped", "errors")
_DECLARATION: Final = '<?xml version="1.0" encoding="UTF-8"?>\n'


class _Case(NamedTuple):
    name: str
    failures: Sequence[Violation]
    skipped: bool


class _Suite(NamedTuple):
    name: str
    cases: list[_Case]
    #: Where the resource comes from; test viewers link each case to it (`file`, `line`).
    location: Location | None = None

    def counts(self) -> dict[str, int]:
        failures = sum(1 for c in self.cases if c.failures)
        skipped = sum(1 for c in self.cases if c.skipped)
        return {"tests": len(self.cases), "failures": failures, "skipped": skipped, "errors": 0}


def _suites(result: GateResult) -> Iterator[_Suite]:
    """One suite at a time, so the tens of thousands of test cases of a large stack are never all
    alive at once: less work for the garbage collector."""
    found: _Found = defaultdict(list)
    for v in result.violations:
        found[(v.urn, v.policy)].append(v)
    active = [*(p for p in result.policies if p.enforcement != "disabled"), *result.checks]
    resource_policies = [p for p in active if not p.stack_policy]
    flagged: dict[str, set[str]] = defaultdict(set)
    for urn, policy in found:
        flagged[urn].add(policy)
    # Which policies apply depends only on whether a resource is custom and on its type…
    by_kind: dict[tuple[bool, str], tuple[set[str], list[tuple[str, str]]]] = {}
    for resource in result.resources:
        kind = (resource.custom, resource.type)
        if kind not in by_kind:
            policies = applicable(resource_policies, resource)
            by_kind[kind] = ({p.name for p in policies}, _checks(policies))
        names, checks = by_kind[kind]
        # …and a policy that flagged a resource judged it, whatever types it declared.
        if resource.urn in flagged and not flagged[resource.urn] <= names:
            names = names | flagged[resource.urn]
            checks = _checks([p for p in resource_policies if p.name in names])
        if checks:
            yield _suite(
                result, checks, found, name=resource.urn, urn=resource.urn, location=resource.location
            )
    stack_policies = [p for p in active if p.stack_policy]
    if stack_policies:
        # A stack policy's failures are all its violations, whichever resource each names.
        stack_found: _Found = defaultdict(list)
        for (_, policy), vs in found.items():
            stack_found[("", policy)].extend(vs)
        stack_urn = next((r.urn for r in result.resources if r.type == "pulumi:pulumi:Stack"), "")
        yield _suite(result, _checks(stack_policies), stack_found, name=stack_urn or "stack", urn="")


def _checks(policies: list[PolicyMeta]) -> list[tuple[str, str]]:
    """Each policy's name and the name of its test cases."""
    return [(p.name, f"{p.rule_id} {p.name}") for p in policies]


def _suite(
    result: GateResult,
    checks: list[tuple[str, str]],
    found: _Found,
    *,
    name: str,
    urn: str,
    location: Location | None = None,
) -> _Suite:
    cases = []
    for policy, case in checks:
        violations = found.get((urn, policy), ())
        skipped = not violations and (urn, policy) in result.not_applicable
        cases.append(_Case(case, violations, skipped))
    return _Suite(name, cases, location)


def _where(location: Location | None) -> dict[str, str]:
    return {} if location is None else {"file": shown_path(location.path), "line": str(location.line)}


#: The suite that carries what the run judged and at which enforcement levels (no test cases).
SETTINGS_SUITE: Final = "kmsguard settings"


def _settings(result: GateResult) -> list[tuple[str, str]]:
    evaluation = evaluate(result)
    found = [(f"enforcement.{level}", str(n)) for level, n in evaluation.enforcement.items()]
    found += [
        ("evaluated.resources", str(evaluation.resources)),
        ("evaluated.in_scope", str(evaluation.in_scope)),
        ("not_fully_evaluated", str(evaluation.not_fully_evaluated)),
    ]
    return found + [(f"warning.{i}", printable(w)) for i, w in enumerate(evaluation.warnings, 1)]


def _title(result: GateResult) -> str:
    return f"kmsguard {result.project.name}/{result.project.stack}"


def document(result: GateResult) -> ET.Element:
    root = ET.Element("testsuites", name=_title(result))
    totals = dict.fromkeys(_COUNTS, 0)
    settings = ET.SubElement(root, "testsuite", name=SETTINGS_SUITE)
    properties = ET.SubElement(settings, "properties")
    for name, value in _settings(result):
        ET.SubElement(properties, "property", name=name, value=value)
    for attribute in _COUNTS:
        settings.set(attribute, "0")
    for suite in _suites(result):
        counts = suite.counts()
        for attribute in _COUNTS:
            totals[attribute] += counts[attribute]
        element = ET.SubElement(root, "testsuite", name=printable(suite.name))
        for case in suite.cases:
            attributes = {"classname": printable(suite.name), "name": case.name, **_where(suite.location)}
            testcase = ET.SubElement(element, "testcase", attributes)
            for v in case.failures:
                message = printable(short_message(result, v))
                failure = ET.SubElement(
                    testcase, "failure", message=message, type=f"{v.severity}/{v.enforcement}"
                )
                failure.text = f"{printable(v.urn)}\n{message}"
            if case.skipped:
                ET.SubElement(testcase, "skipped", message="not applicable")
        for attribute in _COUNTS:
            element.set(attribute, str(counts[attribute]))
    for attribute in _COUNTS:
        root.set(attribute, str(totals[attribute]))
    return root


def render(result: GateResult) -> str:
    """The text of `ET.tostring` after `ET.indent` of `document`, written directly: ElementTree
    spends most of a large report building and serialising tens of thousands of elements."""
    zero = dict.fromkeys(_COUNTS, 0)
    body: list[str] = [f'  <testsuite name="{SETTINGS_SUITE}"{_counts(zero)}>\n    <properties>\n']
    body += [
        f'      <property name="{_attribute(name)}" value="{_attribute(value)}" />\n'
        for name, value in _settings(result)
    ]
    body.append("    </properties>\n  </testsuite>\n")
    totals = dict.fromkeys(_COUNTS, 0)
    case_names: dict[str, str] = {}  # escaped once: the same few names recur in every suite
    for suite in _suites(result):
        counts = suite.counts()
        for attribute in _COUNTS:
            totals[attribute] += counts[attribute]
        classname = _attribute(printable(suite.name))
        where = "".join(f' {k}="{_attribute(v)}"' for k, v in _where(suite.location).items())
        body.append(f'  <testsuite name="{classname}"{_counts(counts)}>\n')
        for case in suite.cases:
            if case.name not in case_names:
                case_names[case.name] = _attribute(case.name)
            opening = f'    <testcase classname="{classname}" name="{case_names[case.name]}"{where}'
            if not case.failures and not case.skipped:
                body.append(f"{opening} />\n")
                continue
            body.append(f"{opening}>\n")
            for v in case.failures:
                message = printable(short_message(result, v))
                kind = _attribute(f"{v.severity}/{v.enforcement}")
                text = _text(f"{printable(v.urn)}\n{message}")
                body.append(
                    f'      <failure message="{_attribute(message)}" type="{kind}">{text}</failure>\n'
                )
            if case.skipped:
                body.append('      <skipped message="not applicable" />\n')
            body.append("    </testcase>\n")
        body.append("  </testsuite>\n")
    root = f'<testsuites name="{_attribute(_title(result))}"{_counts(totals)}'
    return "".join([_DECLARATION, f"{root}>\n", *body, "</testsuites>\n"])


def render_failure(failure: GateFailure) -> str:
    """A run that reached no verdict: one test case in error, carrying the reason, so a CI test
    view shows a red gate rather than an empty (green) suite."""
    title = _attribute(f"kmsguard {failure.project}/{failure.stack}")
    reason = _attribute(failure.reason)
    counts = {"tests": 1, "failures": 0, "skipped": 0, "errors": 1}
    return "".join(
        [
            _DECLARATION,
            f'<testsuites name="{title}"{_counts(counts)}>\n',
            f'  <testsuite name="kmsguard"{_counts(counts)}>\n',
            '    <testcase classname="kmsguard" name="gate run">\n',
            f'      <error message="{reason}" type="gate-error">{_text(failure.reason)}</error>\n',
            "    </testcase>\n",
            "  </testsuite>\n",
            "</testsuites>\n",
        ]
    )


def _counts(counts: Mapping[str, int]) -> str:
    return "".join(f' {attribute}="{counts[attribute]}"' for attribute in _COUNTS)


#: Beyond &, < and >: what ElementTree also replaces in attribute values, so a value survives a
#: parser's attribute normalisation.
_ATTRIBUTE_ENTITIES: Final = {'"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"}


def _attribute(value: str) -> str:
    return escape(value, _ATTRIBUTE_ENTITIES)


def _text(value: str) -> str:
    return escape(value)
