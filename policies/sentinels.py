"""How the engine spells an unknown value on the wire: a sentinel string per kind of value. A wire
concern, for the adapters (the SDK adapter, the gate, the live audit) that turn what they receive into
the `UNKNOWN` rules test for; the values are the SDK's (`pulumi_policy.proxy`), which
`tests/policies/test_sentinels.py` checks. Written out rather than imported because importing the SDK
pulls in pulumi, which the components' builders never import.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from .rule import UNKNOWN

#: How the engine spells "unknown string"; an unknown interpolated into a longer text appears as it.
UNKNOWN_STRING_SENTINEL: Final = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
#: Every wire sentinel for an unknown value (strings, booleans, numbers, arrays, assets, archives, objects).
UNKNOWN_SENTINELS: Final = frozenset(
    {
        UNKNOWN_STRING_SENTINEL,
        "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
        "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
        "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
        "030794c1-ac77-496b-92df-f27374a8bd58",
        "e48ece36-62e2-4504-bad9-02848725956a",
        "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
    }
)


def decode_unknowns(value: Any) -> Any:
    """Replace the wire's unknown sentinels with `UNKNOWN`, recursively, so rules test for it explicitly."""
    if isinstance(value, str):
        return UNKNOWN if value in UNKNOWN_SENTINELS else value
    if isinstance(value, Mapping):
        return {k: decode_unknowns(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [decode_unknowns(v) for v in value]
    return value


def embeds_unknown(text: str) -> bool:
    """True when an unknown was interpolated into `text` (`arn:…:key/<unknown>`): not judgeable yet."""
    return UNKNOWN_STRING_SENTINEL in text
