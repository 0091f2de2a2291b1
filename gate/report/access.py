"""The access model in the terminal report: the changes first, a table per key after the plan."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from kmsguard.gate.access.text import change_line, holds_text, who
from kmsguard.gate.model import GateResult


def _home(result: GateResult) -> str:
    return result.project.account_id


def change_lines(result: GateResult) -> list[str]:
    changes = result.access_changes
    if changes is None:
        return []
    found = [*changes["removed"], *changes["added"]]
    if not found:
        return ["Access changes against the baseline: none", ""]
    head = f"Access changes against the baseline: {len(changes['added'])} added, {len(changes['removed'])} removed"
    return [head, *(f"  {change_line(c, _home(result))}" for c in found), ""]


def _by_key(result: GateResult) -> list[tuple[str, list[dict[str, Any]]]]:
    return [(key, list(entries)) for key, entries in groupby(result.access, key=lambda e: e["key"])]


def plain_tables(result: GateResult) -> list[str]:
    if not result.access:
        return []
    lines = ["", "Access (who can do what with each key; * controls the key):"]
    for key, entries in _by_key(result):
        lines.append(f"  {entries[0]['key_name']}  {key}")
        for e in entries:
            mark = "*" if e["controls_key"] else " "
            lines.append(f"   {mark} {who(e['principal'], _home(result))}: {holds_text(e)}")
            if e["unresolved"]:
                lines.append(f"      note: {e['unresolved']}")
    return lines


def rich_changes(result: GateResult, console: Console) -> None:
    for line in change_lines(result):
        style = (
            "red" if line.lstrip().startswith("+") else "green" if line.lstrip().startswith("-") else "bold"
        )
        console.print(line, style=style, markup=False, highlight=False)


def rich_tables(result: GateResult, console: Console) -> None:
    for key, entries in _by_key(result):
        # Text, not str: policy values may hold `[…]`, which rich would read as markup.
        table = Table(
            title=Text(f"Access: {entries[0]['key_name']}"), caption=Text(key), title_justify="left"
        )
        for column in ("principal", "controls", "capabilities (conditions)", "note"):
            table.add_column(column)
        for e in entries:
            table.add_row(
                Text(who(e["principal"], _home(result))),
                "yes" if e["controls_key"] else "",
                Text("\n".join(holds_text(e).split("; "))),
                Text(e["unresolved"] or ""),
            )
        console.print(table)
