"""Values the program marked secret never reach a report, whoever echoes them.

The gate sees the wire: a secret is `{SIG_KEY: SECRET_SIG, "value": ...}` in a resource's inputs or
outputs. A pack may quote any of it in a violation message (its rules receive secrets unwrapped), so
every message is masked here, not trusted to the pack:
- the whole secret value, in any message (a policy text, an alias name, a grantee ARN);
- each string inside a structured secret (a secret policy document's principals, Sids, actions), in
  the messages about the resource that holds it — masking those everywhere would blank common words
  such as `Allow` in every other resource's findings.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from kmsguard.gate import wire
from kmsguard.gate.capture import Captured

#: Shorter strings (`*`, `kms`) are too common to mask without garbling every message.
MIN_MASKED: Final = 3
_SIG_BYTES: Final = wire.SECRET_SIG.encode()
#: Values a policy document's grammar allows only a few of: masking them hides nothing.
_GRAMMAR: Final = frozenset({"Allow", "Deny", "2012-10-17", "2008-10-17"})


@dataclass
class Masker:
    whole: set[str] = field(default_factory=set)
    parts: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, resources: Iterable[Captured]) -> Masker:
        masker = cls()
        for resource in resources:
            for props in (resource.inputs, resource.outputs):
                # The wire bytes are searched first: walking every property of a large stack is slow.
                if _SIG_BYTES in props.SerializeToString():
                    masker._collect(resource.urn, wire.to_python(props))
        return masker

    def __bool__(self) -> bool:
        return bool(self.whole)

    def _collect(self, urn: str, value: Any) -> None:
        if wire.is_secret(value):
            secret = value.get("value")
            self.whole.update(_forms(secret))
            self.parts.setdefault(urn, set()).update(_leaves(secret))
        elif isinstance(value, dict):
            for item in value.values():
                self._collect(urn, item)
        elif isinstance(value, list):
            for item in value:
                self._collect(urn, item)

    def mask(self, text: str, urn: str = "") -> str:
        # Longest first, so a secret that contains another is masked whole.
        for secret in sorted(self.whole | self.parts.get(urn, set()), key=len, reverse=True):
            if secret in text:
                text = text.replace(secret, wire.SECRET_TEXT)
        return text


def _forms(secret: Any) -> set[str]:
    """How a secret may appear in a message: itself, or a structured one as JSON or Python repr."""
    if isinstance(secret, str):
        forms = {secret}
    elif isinstance(secret, dict | list):
        forms = {json.dumps(secret), json.dumps(secret, indent=2), repr(secret), str(secret)}
    else:
        forms = {str(secret)}
    return {f for f in forms if len(f) >= MIN_MASKED}


def _leaves(secret: Any) -> set[str]:
    if isinstance(secret, str):
        try:
            secret = json.loads(secret)  # a policy document travels as text
        except (ValueError, RecursionError):
            return {secret} if len(secret) >= MIN_MASKED else set()
    found: set[str] = set()
    stack = [secret]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())  # keys are the document's grammar (`Statement`), not secrets
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str) and len(item) >= MIN_MASKED and item not in _GRAMMAR:
            found.add(item)
            found.update(_arn_parts(item))
    return found


def _arn_parts(text: str) -> set[str]:
    """A rule that quotes an ARN's account or resource (`names account 444455556666`) quotes the
    secret too: those parts of a secret ARN are masked as well."""
    parts = text.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return set()
    return {p for p in (parts[4], parts[5]) if len(p) >= MIN_MASKED}
