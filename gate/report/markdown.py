"""`--markdown FILE`: the pull-request summary (GitHub's job summary), leading with what changed.

Order: the verdict, the access changes against the baseline, the findings (each with the line that
produced its resource), who controls each key, then each key's full access table. GitHub refuses a job summary over 1 MiB, so the per-key tables stop before that
and say how many were left out (the JSON report has them all).
"""

from __future__ import annotations

import re
from itertools import groupby
from typing import Any, Final

from kmsguard.gate.access.text import change_line, controllers, holds_text, who
from kmsguard.gate.model import GateFailure, GateResult
from kmsguard.gate.report.evaluation import enforcement_text, evaluate
from kmsguard.gate.report.plan import short_message
from kmsguard.gate.report.terminal import verdict

#: Below GitHub's 1 MiB job-summary limit, with room for the notes and what other steps append.
BUDGET_BYTES: Final = 900 * 1024
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f]")


def cell(text: str) -> str:
    """Text safe inside a table cell: no control characters, pipes and Markdown markup escaped."""
    text = _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return re.sub(r"([\\`*_{}\[\]<>|#!~])", r"\\\1", text)


class _Page:
    """Lines under a byte budget; each section says how much it left out once the budget is spent."""

    def __init__(self, budget: int) -> None:
        self.lines: list[str] = []
        self.left = budget

    def add(self, *lines: str, keep: int = 0) -> bool:
        """Add the lines if they fit, leaving `keep` bytes for the sections after this one."""
        size = sum(len(line.encode()) + 1 for line in lines)
        if size > self.left - keep:
            return False
        self.force(*lines)
        return True

    def force(self, *lines: str) -> None:
        # Notes and closing fences are short and always added: the budget keeps room for them
        # below GitHub's limit.
        self.lines += lines
        self.left -= sum(len(line.encode()) + 1 for line in lines)

    def note(self, text: str) -> None:
        self.force(text, "")


def render(result: GateResult) -> str:
    home = result.project.account_id
    p = result.project
    page = _Page(BUDGET_BYTES)
    page.add(f"# kmsguard preview: {cell(p.name)} / {cell(p.stack)}", "", f"**{cell(verdict(result))}**", "")
    evaluation = evaluate(result)
    page.add(f"Policies in force: {cell(enforcement_text(result))}", "")
    if evaluation.warnings:
        page.add(*[f"> **Warning:** {cell(w)}" for w in evaluation.warnings], "")
    _changes(page, result, home)
    _findings(page, result)
    by_key = [(k, list(g)) for k, g in groupby(result.access, key=lambda e: e["key"])]
    if not by_key:
        return "\n".join(page.lines).rstrip() + "\n"
    page.add("## Who controls each key", "", "| key | can change its policy |", "| --- | --- |")
    for shown, (key, entries) in enumerate(by_key):
        owners = "; ".join(controllers(entries, key, home)) or "nobody in this stack"
        if not page.add(f"| {cell(entries[0]['key_name'])} | {cell(owners)} |"):
            page.add("")
            page.note(f"_{len(by_key) - shown} more keys are in the JSON report (`--json`)._")
            break
    else:
        page.add("")
    page.add("## Access by key", "")
    for shown, (key, entries) in enumerate(by_key):
        if not page.add(*_key_table(key, entries, home)):
            page.note(f"_{len(by_key) - shown} more keys are in the JSON report (`--json`)._")
            break
    return "\n".join(page.lines).rstrip() + "\n"


def render_failure(failure: GateFailure) -> str:
    """A run that reached no verdict says so, instead of an earlier run's summary."""
    title = f"# kmsguard preview: {cell(failure.project)} / {cell(failure.stack)}"
    return "\n".join([title, "", f"**ERROR: no verdict: {cell(failure.reason)}**", ""])


def _findings(page: _Page, result: GateResult) -> None:
    if not result.violations:
        return
    page.add(
        "## Findings",
        "",
        "| rule | enforcement | resource | where | finding |",
        "| --- | --- | --- | --- | --- |",
    )
    keep = page.left // 2  # the access tables below get at least half of what is left
    for shown, v in enumerate(result.violations):
        where = v.location.shown() if v.location is not None else ""
        row = f"| {cell(v.rule_id)} | {v.enforcement} | {cell(v.urn.rsplit('::', 1)[-1] or 'stack')} | {cell(where)} "
        if not page.add(row + f"| {cell(short_message(result, v))} |", keep=keep):
            page.add("")
            page.note(f"_{len(result.violations) - shown} more findings are in the JSON report (`--json`)._")
            return
    page.add("")


def _changes(page: _Page, result: GateResult, home: str) -> None:
    changes = result.access_changes
    if changes is None:
        page.add("## Access changes", "", "_No baseline given (`--baseline BASE.json`)._", "")
        return
    found = [*changes["removed"], *changes["added"]]
    if not found:
        page.add("## Access changes", "", "No access changed against the baseline.", "")
        return
    page.add(f"## Access changes: {len(changes['added'])} added, {len(changes['removed'])} removed", "")
    # A `diff` block: GitHub colours + and - lines, and nothing inside needs Markdown escaping.
    page.add("```diff")
    # The changes lead, but leave half the page to who controls each key and the tables.
    keep = page.left // 2
    for shown, change in enumerate(found):
        if not page.add(_CONTROL.sub("?", change_line(change, home)).replace("`", "'"), keep=keep):
            page.force(f"… {len(found) - shown} more changes are in the JSON report (access_changes)")
            break
    page.force("```", "")


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
