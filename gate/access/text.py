"""Access in words, shared by the terminal and Markdown reports: who, what, and under which conditions.

Works on the JSON form (`document.py`), so a baseline's entries read the same as the current ones.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kmsguard.gate.access.model import EVERYONE, UNKNOWN_PRINCIPAL
from kmsguard.policies.facts import ACCOUNT_ID_RE


def who(principal: str, home_account: str | None = None) -> str:
    """`role/Name` for an IAM ARN of the stack's account (with the account otherwise), `account N`,
    `anyone`, or the service principal as written."""
    if principal == EVERYONE:
        return "anyone"
    if principal == UNKNOWN_PRINCIPAL:
        return "unknown principals"
    if ACCOUNT_ID_RE.match(principal):
        return f"account {principal}"
    parts = principal.split(":", 5)
    if len(parts) == 6 and parts[0] == "arn":
        return parts[5] if parts[4] == home_account else f"{parts[5]} in account {parts[4]}"
    return principal


def alternatives_text(alternatives: Sequence[Sequence[Mapping[str, Any]]]) -> str:
    return " or ".join(", ".join(str(r["summary"]) for r in alternative) for alternative in alternatives)


def capabilities_text(entry: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(capabilities, conditions) groups: capabilities sharing their conditions are listed together,
    unconditional ones first."""
    groups: dict[str, list[str]] = {}
    conditions = entry.get("conditions") or {}
    for capability in entry["capabilities"]:
        groups.setdefault(alternatives_text(conditions.get(capability) or []), []).append(capability)
    return [(", ".join(caps), when) for when, caps in sorted(groups.items(), key=lambda g: g[0] != "")]


def holds_text(entry: Mapping[str, Any]) -> str:
    return "; ".join(f"{caps} ({when})" if when else caps for caps, when in capabilities_text(entry))


_VERB = {
    "gained": "can now",
    "lost": "can no longer",
    "narrowed": "can now only",
    "widened": "can now more widely",
    "changed": "holds under new conditions:",
}


def change_line(change: Mapping[str, Any], home_account: str | None = None) -> str:
    """`+ role/EventsPipeline can now decrypt prod-analytics (via S3 only)`."""
    sign = "-" if change["change"] in ("lost", "narrowed") else "+"
    groups = capabilities_text(change)
    head, when = groups[0]
    text = f"{sign} {who(change['principal'], home_account)} {_VERB[change['change']]} {head} {change['key_name']}"
    if when:
        text += f" ({when})"
    for caps, more in groups[1:]:
        text += f"; {caps}" + (f" ({more})" if more else "")
    previous = change.get("previous_conditions")
    if previous is not None:
        before = {alternatives_text(v) for v in previous.values()} or {""}
        text += " — was " + " / ".join(sorted(b or "unconditional" for b in before))
    return text


def key_names(entries: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    return {e["key"]: e["key_name"] for e in entries}


def controllers(entries: Sequence[Mapping[str, Any]], key: str, home_account: str | None) -> list[str]:
    """Who can change the key's policy, with the conditions under which they can."""
    out = []
    for e in entries:
        if e["key"] != key or not e["controls_key"]:
            continue
        when = alternatives_text((e.get("conditions") or {}).get("change-policy") or [])
        out.append(who(e["principal"], home_account) + (f" ({when})" if when else ""))
    return out
