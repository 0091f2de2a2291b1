"""`--sarif FILE`: SARIF 2.1.0 for GitHub code scanning and other SARIF readers.

A finding is about a resource; its location is the line that produced the resource (the stack
config entry of a config-driven program, else the program's own line: `kmsguard.gate.locations`),
else line 1 of the stack config file. The resource URN travels as a logical location.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Final

from kmsguard.gate.locations import Location
from kmsguard.gate.model import GateFailure, GateResult, PolicyMeta, Violation
from kmsguard.gate.report.evaluation import evaluate
from kmsguard.gate.report.plan import short_message
from kmsguard.gate.text import printable

SCHEMA: Final = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI: Final = "https://github.com/kmsguard/kmsguard"
#: GitHub ranks code-scanning alerts by this property (0.0-10.0).
SECURITY_SEVERITY: Final = {
    "critical": "9.5",
    "high": "8.0",
    "medium": "5.5",
    "low": "3.0",
    "unspecified": "1.0",
}


def level(severity: str, enforcement: str) -> str:
    """Mandatory findings block the PR (error); advisory ones warn, low advisory ones are notes."""
    if enforcement == "mandatory":
        return "error"
    return "note" if severity in ("low", "unspecified") else "warning"


def document(result: GateResult, root: Path | None = None) -> dict[str, Any]:
    rules = [*(p for p in result.policies if p.enforcement != "disabled"), *result.checks]
    index = {p.name: i for i, p in enumerate(rules)}
    root = root or Path.cwd()
    fallback = {
        "artifactLocation": {"uri": _uri(result.project.stack_file, root)},
        "region": {"startLine": 1},
    }
    evaluation = evaluate(result)
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if evaluation.warnings:
        invocation["toolExecutionNotifications"] = [
            {"level": "warning", "message": {"text": printable(w)}} for w in evaluation.warnings
        ]
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "kmsguard",
                        "informationUri": INFORMATION_URI,
                        "version": result.pack_version or "0.0.0",
                        "rules": [_rule(p) for p in rules],
                    }
                },
                "automationDetails": {"id": f"kmsguard/{result.project.name}/{result.project.stack}/"},
                "invocations": [invocation],
                "properties": {
                    "enforcement": evaluation.enforcement,
                    "evaluated": {"resources": evaluation.resources, "in_scope": evaluation.in_scope},
                    "notFullyEvaluated": evaluation.not_fully_evaluated,
                },
                "results": [
                    _result(result, v, index, _physical(v.location, root) if v.location else fallback)
                    for v in result.violations
                    if v.policy in index
                ],
            }
        ],
    }


def _rule(policy: PolicyMeta) -> dict[str, Any]:
    help_text = policy.remediation or policy.description
    rule: dict[str, Any] = {
        "id": policy.rule_id,
        "name": policy.name,
        "shortDescription": {"text": policy.title},
        "fullDescription": {"text": policy.description or policy.title},
        "help": {
            "text": help_text,
            "markdown": f"**{policy.title}**\n\n{policy.description}\n\n**Fix:** {help_text}",
        },
        "defaultConfiguration": {"level": level(policy.severity, policy.enforcement)},
        "properties": {
            "security-severity": SECURITY_SEVERITY.get(policy.severity, "1.0"),
            "severity": policy.severity,
            "enforcement": policy.enforcement,
            "tags": ["security", *policy.tags],
        },
    }
    if policy.url:
        rule["helpUri"] = policy.url
    return rule


def _result(
    result: GateResult, violation: Violation, index: dict[str, int], physical: dict[str, Any]
) -> dict[str, Any]:
    fingerprint = hashlib.sha256(
        f"{violation.rule_id}|{violation.urn}|{violation.message}".encode()
    ).hexdigest()
    return {
        "ruleId": violation.rule_id,
        "ruleIndex": index[violation.policy],
        "level": level(violation.severity, violation.enforcement),
        "message": {
            "text": printable(
                f"{violation.urn.rsplit('::', 1)[-1] or 'stack'}: {short_message(result, violation)}"
            )
        },
        "locations": [
            {
                "physicalLocation": physical,
                "logicalLocations": [{"fullyQualifiedName": violation.urn, "kind": "resource"}],
            }
        ],
        "partialFingerprints": {"kmsguardFinding/v1": fingerprint},
        "properties": {
            "urn": violation.urn,
            "enforcement": violation.enforcement,
            "severity": violation.severity,
        },
    }


def _physical(location: Location, root: Path) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": location.line}
    if location.column:
        region["startColumn"] = location.column
    return {"artifactLocation": {"uri": _uri(location.path, root)}, "region": region}


def _uri(path: Path, root: Path) -> str:
    """Relative to the checkout root when inside it (what code scanning expects), else a file URI."""
    relative = os.path.relpath(path, root)
    if relative.startswith(".."):
        return path.resolve().as_uri()
    return Path(relative).as_posix()


def failure_document(failure: GateFailure) -> dict[str, Any]:
    """A run that reached no verdict: no results, and an invocation that says it failed and why
    (code scanning shows the notification instead of treating the empty run as clean)."""
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "kmsguard", "informationUri": INFORMATION_URI, "rules": []}},
                "automationDetails": {"id": f"kmsguard/{failure.project}/{failure.stack}/"},
                "invocations": [
                    {
                        "executionSuccessful": False,
                        "exitCode": 2,
                        "toolExecutionNotifications": [
                            {"level": "error", "message": {"text": failure.reason}}
                        ],
                    }
                ],
                "results": [],
            }
        ],
    }


def render_failure(failure: GateFailure) -> str:
    return json.dumps(failure_document(failure), indent=2) + "\n"


def render(result: GateResult, root: Path | None = None) -> str:
    return json.dumps(document(result, root), indent=2) + "\n"
