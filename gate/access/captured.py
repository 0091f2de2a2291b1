"""The gate's captured resources in the shape the access model reads (the pack's `Resource`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kmsguard.gate import wire
from kmsguard.gate.access.document import entries_json
from kmsguard.gate.access.model import compute
from kmsguard.gate.capture import Captured
from kmsguard.gate.project import Project
from kmsguard.policies.rule import Resource, decode_unknowns


def as_resources(captured: Sequence[Captured]) -> list[Resource]:
    """Outputs over inputs: ARNs and key ids exist only as outputs, and the audit's live resources
    carry everything there."""
    return [
        Resource(
            type=c.type,
            name=c.name,
            urn=c.urn,
            props=decode_unknowns({**wire.to_python(c.inputs), **wire.to_python(c.outputs)}),
            parent=c.parent or None,
            dependencies=tuple(c.dependencies),
        )
        for c in captured
        if c.custom
    ]


def access_of(captured: Sequence[Captured], project: Project) -> list[dict[str, Any]]:
    """The stack's access model in the JSON report's form: computed once per run, read by every report."""
    return entries_json(compute(as_resources(captured), project.account_id, project.partition))
