"""Values the gate could not know: found on the wire, so it fails closed whatever the pack does.

Under `pulumi preview` an unknown input is checked again at `pulumi up`, when it is known. The
offline gate has no `up`: a resource with an unknown input was not fully evaluated, and that is a
mandatory finding of the gate's own check unless the user opts out (`--allow-unknowns`, which keeps
it as an advisory finding). A pack that could not run a policy because of an unknown (the SDK's
"can't run policy … during preview", which it reports as advisory) is treated the same way.
"""

from __future__ import annotations

from typing import Any, Final

from kmsguard.gate import wire
from kmsguard.gate.capture import Captured
from kmsguard.gate.model import PolicyMeta
from kmsguard.policies.sentinels import UNKNOWN_SENTINELS

POLICY: Final = PolicyMeta(
    name="gate-fully-evaluated",
    title="Every input is known to the offline gate",
    description="The offline gate has no `pulumi up` stage: a value unknown at preview is never checked.",
    severity="high",
    enforcement="mandatory",
    remediation=(
        "Make the value known at preview (a literal, config, or an output the gate's mocks resolve), "
        "or pass --allow-unknowns to accept it unchecked."
    ),
    tags=("KG-G01",),
)
#: The start of the SDK's diagnostic for a policy that read an unknown value.
SDK_UNKNOWN_PREFIX: Final = "can't run policy '"
_SENTINEL_BYTES: Final = tuple(s.encode() for s in UNKNOWN_SENTINELS)
#: Paths listed in one finding; the rest are counted.
SHOWN: Final = 5


def unknown_paths(resource: Captured) -> list[str]:
    """Where the resource's inputs hold an unknown (`policy`, `tags.Owner`, `grantees[1]`)."""
    raw = resource.inputs.SerializeToString()
    if not any(s in raw for s in _SENTINEL_BYTES):
        return []
    found: list[str] = []
    _walk(wire.to_python(resource.inputs), "", found)
    return found


def _walk(value: Any, path: str, found: list[str]) -> None:
    if isinstance(value, str):
        if value in UNKNOWN_SENTINELS:
            found.append(path or "(the whole resource)")
    elif wire.is_secret(value):
        _walk(value.get("value"), path, found)
    elif isinstance(value, dict):
        for key, item in value.items():
            _walk(item, f"{path}.{key}" if path else key, found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk(item, f"{path}[{index}]", found)


def message(paths: list[str]) -> str:
    shown = ", ".join(paths[:SHOWN]) + (f" and {len(paths) - SHOWN} more" if len(paths) > SHOWN else "")
    return (
        f"not fully evaluated: unknown at {shown}; the offline gate cannot check a value only known "
        "after deployment"
    )


def is_sdk_unknown(message_text: str) -> bool:
    return SDK_UNKNOWN_PREFIX in message_text and " during preview" in message_text
