"""`--markdown FILE`: the pull-request summary (GitHub's job summary), leading with what changed.

Order: the verdict, the access changes against the baseline, who controls each key, then each key's
full access table. GitHub refuses a job summary over 1 MiB, so the per-key tables stop before that
and say how many were left out (the JSON report has them all).
"""

from __future__ import annotations

import re
from itertools import groupby
from typing import Any, Final

from kmsguard.gate.access.text import change_line, controllers, holds_text, who
from kmsguard.gate.model import GateResult
from kmsguard.gate.report.terminal import verdict

#: Below GitHub's 1 MiB job-summary limit, with room for what other steps append.
BUDGET_BYTES: Final = 900 * 1024
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f]")


def cell(text: str) -> str:
    """Text safe inside a table cell: no control characters, pipes and Markdown markup escaped."""
    text = _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return re.sub(r"([\\`*_{}\[\]<>|#!~])", r"\\\1", text)


def render(result: GateResult) -> str:
    home = result.project.account_id
    p = result.project
    out = [f"# kmsguard preview: {cell(p.name)} / {cell(p.stack)}", "", f"**{cell(verdict(result))}**", ""]
    out += _changes(result, home)
    by_key = [(k, list(g)) for k, g in groupby(result.access, key=lambda e: e["key"])]
    if by_key:
        out += ["## Who controls each key", "", "| key | can change its policy |", "| --- | --- |"]
        for key, entries in by_key:
            owners = controllers(entries, key, home)
            out.append(
                f"| {cell(entries[0]['key_name'])} | {cell('; '.join(owners) or 'nobody in this stack')} |"
            )
        out.append("")
        out += ["## Access by key", ""]
    size = sum(len(line.encode()) + 1 for line in out)
    for shown, (key, entries) in enumerate(by_key):
        block = _key_table(key, entries, home)
        block_size = sum(len(line.encode()) + 1 for line in block)
        if size + block_size > BUDGET_BYTES:
            out.append(f"_{len(by_key) - shown} more keys are in the JSON report (`--json`)._")
            break
        out += block
        size += block_size
    return "\n".join(out).rstrip() + "\n"


def _changes(result: GateResult, home: str) -> list[str]:
    changes = result.access_changes
    if changes is None:
        return ["## Access changes", "", "_No baseline given (`--baseline BASE.json`)._", ""]
    found = [*changes["removed"], *changes["added"]]
    if not found:
        return ["## Access changes", "", "No access changed against the baseline.", ""]
    head = f"## Access changes: {len(changes['added'])} added, {len(changes['removed'])} removed"
    # A `diff` block: GitHub colours + and - lines, and nothing inside needs Markdown escaping.
    lines = [_CONTROL.sub("?", change_line(c, home)).replace("`", "'") for c in found]
    return [head, "", "```diff", *lines, "```", ""]


def _key_table(key: str, entries: list[dict[str, Any]], home: str) -> list[str]:
    lines = [
        f"### {cell(entries[0]['key_name'])}",
        "",
        "`" + key.replace("`", "'") + "`",
        "",
        "| principal | controls | capabilities (conditions) | note |",
        "| --- | --- | --- | --- |",
    ]
    for e in entries:
        lines.append(
            f"| {cell(who(e['principal'], home))} | {'yes' if e['controls_key'] else ''} "
            f"| {cell(holds_text(e))} | {cell(e['unresolved'] or '')} |"
        )
    return [*lines, ""]
