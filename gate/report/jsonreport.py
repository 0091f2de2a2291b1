"""`--json FILE`: the machine-readable result (shape fixed by issue 5)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from kmsguard.gate import wire
from kmsguard.gate.locations import Location
from kmsguard.gate.model import GateFailure, GateResult
from kmsguard.gate.report.evaluation import evaluate
from kmsguard.gate.report.plan import by_type, short_message
from kmsguard.stackfile import shown_path


def document(result: GateResult) -> dict[str, Any]:
    return {
        "stack": result.project.stack,
        "project": result.project.name,
        "status": "failed" if result.mandatory_count else "passed",
        "error": None,
        "resources": [
            {
                "urn": r.urn,
                "type": r.type,
                "name": r.name,
                "parent": r.parent or None,
                "props": wire.readable(wire.to_python(r.inputs)),
            }
            for r in result.resources
        ],
        "violations": [
            {
                "policy": v.policy,
                "rule_id": v.rule_id,
                "severity": v.severity,
                "enforcement": v.enforcement,
                "urn": v.urn,
                "message": short_message(result, v),
                "location": location(v.location),
            }
            for v in result.violations
        ],
        "access": result.access,
        **({} if result.access_changes is None else {"access_changes": result.access_changes}),
        "summary": summary(result),
    }


def location(found: Location | None) -> dict[str, Any] | None:
    """Where the resource comes from: the file relative to the working directory when inside it."""
    if found is None:
        return None
    return {
        "file": shown_path(found.path),
        "line": found.line,
        "column": found.column or None,
        "config_key": found.config_key or None,
    }


def summary(result: GateResult) -> dict[str, Any]:
    severities = Counter(v.severity for v in result.violations)
    evaluation = evaluate(result)
    return {
        "resources": len(result.resources),
        "resources_by_type": by_type(result),
        "policies": len(result.policies),
        "violations": len(result.violations),
        "mandatory": result.mandatory_count,
        "advisory": len(result.violations) - result.mandatory_count,
        "by_severity": dict(sorted(severities.items())),
        "passed": result.mandatory_count == 0,
        "enforcement": evaluation.enforcement,
        "evaluated": {"resources": evaluation.resources, "in_scope": evaluation.in_scope},
        "not_fully_evaluated": dict(result.unknown_paths),
        "unknowns_allowed": result.allow_unknowns,
        "warnings": evaluation.warnings,
    }


def failure_document(failure: GateFailure) -> dict[str, Any]:
    """The same shape as a verdict's, with no verdict: `status` "error" and the one-line reason."""
    return {
        "stack": failure.stack,
        "project": failure.project,
        "status": "error",
        "error": failure.reason,
        "resources": [],
        "violations": [],
        "access": [],
        "summary": {"passed": False},
    }


def render_failure(failure: GateFailure) -> str:
    return json.dumps(failure_document(failure)) + "\n"


def render(result: GateResult) -> str:
    # One line: the file holds every resource's properties (60,000 resources at the benchmark's
    # largest size), it is read by tools, and indenting it tripled the time to write it.
    return json.dumps(document(result)) + "\n"
