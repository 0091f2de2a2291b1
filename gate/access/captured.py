"""The gate's captured resources in the shape the access model reads (the pack's `Resource`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from google.protobuf import struct_pb2  # type: ignore[import-untyped]

from kmsguard.gate import wire
from kmsguard.gate.access.document import entries_json
from kmsguard.gate.access.model import compute
from kmsguard.gate.access.stack import READS
from kmsguard.gate.capture import Captured
from kmsguard.gate.project import Project
from kmsguard.policies.rule import Resource
from kmsguard.policies.sentinels import decode_unknowns


def as_resources(captured: Sequence[Captured]) -> list[Resource]:
    """Outputs over inputs (ARNs and key ids exist only as outputs, and the audit's live resources
    carry everything there), for the resources and properties the model reads."""
    found = []
    for c in captured:
        if not c.custom or c.type not in READS:
            continue
        names = READS[c.type]
        props = {**_props(c.inputs, names), **_props(c.outputs, names)}
        found.append(
            Resource(
                type=c.type,
                name=c.name,
                urn=c.urn,
                props=decode_unknowns(props),
                parent=c.parent or None,
                dependencies=tuple(c.dependencies),
            )
        )
    return found


def _props(struct: struct_pb2.Struct, names: tuple[str, ...] | None) -> dict[str, Any]:
    if names is None:
        return wire.to_python(struct)
    fields = struct.fields
    return {n: wire.value_to_python(fields[n]) for n in names if n in fields}


def access_of(captured: Sequence[Captured], project: Project) -> list[dict[str, Any]]:
    """The stack's access model in the JSON report's form: computed once per run, read by every report."""
    return entries_json(compute(as_resources(captured), project.account_id, project.partition))
