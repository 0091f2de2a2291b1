"""The report a person reads: rich tables on a capable terminal, plain text otherwise.

Plain text when stdout is not a TTY, when NO_COLOR is set or TERM is `dumb` — CI logs stay greppable.
"""

from __future__ import annotations

import os
from typing import IO

from rich.console import Console
from rich.table import Table

from kmsguard.gate.model import GateResult
from kmsguard.gate.report import access
from kmsguard.gate.report.evaluation import Evaluation, enforcement_text, evaluate
from kmsguard.gate.report.plan import by_type, grouped, keys, short_message
from kmsguard.gate.text import printable

_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan", "unspecified": "white"}


def use_rich(stream: IO[str]) -> bool:
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return stream.isatty()


def render(result: GateResult, stream: IO[str]) -> None:
    if use_rich(stream):
        _rich(result, Console(file=stream, highlight=False))
    else:
        stream.write(plain(result))


def verdict(result: GateResult, evaluation: Evaluation | None = None) -> str:
    total, mandatory = len(result.violations), result.mandatory_count
    if mandatory:
        return f"FAILED: {mandatory} mandatory violation(s), {total - mandatory} advisory"
    if (evaluation or evaluate(result)).nothing_checked:
        return "NOTHING CHECKED: no mandatory violation, but no resource was judged by an enabled policy"
    if total:
        return f"PASSED with {total} advisory violation(s)"
    return "PASSED: no policy violations"


def evaluated(result: GateResult, evaluation: Evaluation) -> list[str]:
    """What was judged, and by what: every run says it, a pass over nothing included."""
    lines = [
        f"Policies: {result.pack_name} {result.pack_version}, {enforcement_text(result)}",
        f"Evaluated: {evaluation.resources} resources, {evaluation.in_scope} in the scope of an enabled policy; "
        f"{evaluation.not_fully_evaluated} not fully evaluated (unknown inputs)",
    ]
    return lines + [f"WARNING: {w}" for w in evaluation.warnings]


def plain(result: GateResult) -> str:
    p = result.project
    lines = [f"kmsguard preview — project {p.name}, stack {p.stack} ({len(result.resources)} resources)", ""]
    lines += access.change_lines(result)
    lines.append("Resources by type:")
    lines += [f"  {count:>6}  {type_}" for type_, count in by_type(result).items()]
    key_lines = keys(result)
    if key_lines:
        lines += ["", "KMS keys:"]
        for k in key_lines:
            lines.append(f"  {k.name}")
            lines.append(f"    aliases:  {', '.join(k.aliases) or '(none)'}")
            lines.append(f"    regions:  {', '.join(k.regions)}")
            lines.append(f"    rotation: {k.rotation}")
            lines.append(f"    roles:    {', '.join(k.roles) or '(none)'}")
    lines += access.plain_tables(result)
    evaluation = evaluate(result)
    lines += ["", *evaluated(result, evaluation)]
    for severity, found in grouped(result.violations):
        lines += ["", f"{severity.upper()} ({len(found)}):"]
        for v in found:
            lines.append(f"  [{v.enforcement}] {v.rule_id} {v.policy}")
            lines.append(f"    resource: {v.urn}")
            if v.location is not None:
                lines.append(f"    at:       {v.location.shown()}")
            lines.append(f"    {short_message(result, v)}")
            meta = result.policy(v.policy)
            if meta is not None and meta.remediation:
                lines.append(f"    fix: {meta.remediation}")
    lines += ["", verdict(result, evaluation), ""]
    # Each line escaped whole: a name or message from the program cannot start a line of its own.
    return "\n".join(printable(line) for line in lines)


def _rich(result: GateResult, console: Console) -> None:
    p = result.project
    console.rule(f"kmsguard preview · {p.name} · stack {p.stack}")
    access.rich_changes(result, console)
    types = Table(title=f"Resources ({len(result.resources)})", title_justify="left")
    types.add_column("type")
    types.add_column("count", justify="right")
    for type_, count in by_type(result).items():
        types.add_row(printable(type_), str(count))
    console.print(types)
    key_lines = keys(result)
    if key_lines:
        table = Table(title="KMS keys", title_justify="left")
        for column in ("key", "aliases", "regions", "rotation", "roles"):
            table.add_column(column)
        for k in key_lines:
            table.add_row(
                printable(k.name),
                "\n".join(printable(a) for a in k.aliases) or "-",
                printable(", ".join(k.regions)),
                k.rotation,
                printable(", ".join(k.roles)) or "-",
            )
        console.print(table)
    access.rich_tables(result, console)
    evaluation = evaluate(result)
    for line in evaluated(result, evaluation):
        console.print(
            printable(line), markup=False, style="bold yellow" if line.startswith("WARNING") else ""
        )
    for severity, found in grouped(result.violations):
        console.print(f"\n[{_STYLE[severity]}]{severity.upper()} ({len(found)})[/]")
        for v in found:
            console.print(f"  {v.enforcement}", style=_STYLE[severity], markup=False, end=" ")
            console.print(printable(f"{v.rule_id} {v.policy}"), markup=False)
            console.print(printable(f"    {v.urn}"), markup=False)
            if v.location is not None:
                console.print(printable(f"    at {v.location.shown()}"), markup=False)
            console.print(printable(f"    {short_message(result, v)}"), markup=False)
            meta = result.policy(v.policy)
            if meta is not None and meta.remediation:
                console.print(printable(f"    fix: {meta.remediation}"), markup=False, style="dim")
    style = (
        "bold red"
        if result.mandatory_count
        else "bold yellow"
        if evaluation.nothing_checked
        else "bold green"
    )
    console.print()
    console.print(verdict(result, evaluation), style=style, markup=False)
