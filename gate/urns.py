"""URNs by the engine's rule, not the mock monitor's (which keeps the Stack prefix and one parent)."""

from __future__ import annotations

STACK_TYPE = "pulumi:pulumi:Stack"


def qualified_type(parent_urn: str, own_type: str) -> str:
    """Parent's qualified type + `$` + own type; the root stack is left out."""
    if not parent_urn:
        return own_type
    parent_qualified = type_of(parent_urn)
    if parent_qualified == STACK_TYPE:
        return own_type
    return f"{parent_qualified}${own_type}"


def make(stack: str, project: str, qualified: str, name: str) -> str:
    return f"urn:pulumi:{stack}::{project}::{qualified}::{name}"


def type_of(urn: str) -> str:
    """The qualified type of a URN (`a$b$c`); names may contain `::`, types never do."""
    parts = urn.split("::", 3)
    return parts[2] if len(parts) == 4 else ""


def name_of(urn: str) -> str:
    parts = urn.split("::", 3)
    return parts[3] if len(parts) == 4 else ""
