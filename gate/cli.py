"""`kmsguard preview`: the offline preview and policy gate.

Exit codes: 0 no mandatory violation; 1 mandatory violations; 2 bad usage, bad configuration or a
failed program (argparse already exits 2 on bad usage).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import kmsguard
import kmsguard.policies
from kmsguard.gate import project as projects
from kmsguard.gate.access.baseline import read_baseline
from kmsguard.gate.access.diff import diff
from kmsguard.gate.errors import GateError
from kmsguard.gate.model import GateResult
from kmsguard.gate.policyconfig import read_file
from kmsguard.gate.report import jsonreport, junit, markdown, sarif, terminal
from kmsguard.gate.run import Progress, run
from kmsguard.gate.tuning import batch_runtime

EXIT_OK, EXIT_VIOLATIONS, EXIT_ERROR = 0, 1, 2


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="kmsguard", description="Offline Pulumi preview and policy gate.")
    top.add_argument("--version", action="version", version=f"kmsguard {kmsguard.__version__}")
    commands = top.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "policy-pack-path",
        help='print the bundled pack\'s folder, for `pulumi preview --policy-pack "$(kmsguard policy-pack-path)"`',
    )
    preview = commands.add_parser(
        "preview",
        help="run the program under Pulumi's mock runtime and check it with the policy pack",
        description="Run a Pulumi Python program without credentials and gate it with a CrossGuard pack.",
    )
    preview.add_argument("--stack", required=True, help="stack name: reads Pulumi.<stack>.yaml")
    preview.add_argument(
        "--program", type=Path, default=Path("."), help="Pulumi project directory (default: .)"
    )
    preview.add_argument(
        "--policy-pack",
        type=Path,
        default=None,
        help="policy pack folder (default: <program>/policies, else the kmsguard pack installed with this command)",
    )
    preview.add_argument("--policy-config", type=Path, help="JSON file in the --policy-pack-config format")
    preview.add_argument("--json", type=Path, help="write the result as JSON to FILE")
    preview.add_argument("--sarif", type=Path, help="write SARIF 2.1.0 to FILE")
    preview.add_argument("--junit", type=Path, help="write JUnit XML to FILE")
    preview.add_argument(
        "--markdown", type=Path, help="write a pull-request summary (Markdown, leading with access changes)"
    )
    preview.add_argument(
        "--baseline",
        type=Path,
        help="an earlier --json report (the base branch's): report access gained and lost since then",
    )
    preview.add_argument(
        "--fail-on-new-access",
        action="store_true",
        help="exit 1 when --baseline shows access added (gained, widened or changed)",
    )
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "policy-pack-path":
        print(bundled_pack())
        return EXIT_OK
    try:
        return _preview(args)
    except GateError as exc:
        sys.stdout.flush()
        print(f"kmsguard: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("kmsguard: interrupted", file=sys.stderr)
        return EXIT_ERROR


def _preview(args: argparse.Namespace) -> int:
    # Reporting walks the whole result too: it keeps the run's interpreter settings.
    with batch_runtime():
        return _gate(args)


def _gate(args: argparse.Namespace) -> int:
    project = projects.load(args.program, args.stack)
    pack_dir = args.policy_pack if args.policy_pack is not None else default_pack(project.directory)
    user_config = read_file(args.policy_config) if args.policy_config is not None else {}
    source = args.policy_config.name if args.policy_config is not None else "policy config"
    if args.fail_on_new_access and args.baseline is None:
        raise GateError("--fail-on-new-access needs --baseline", "pass the base branch's --json report")
    baseline = read_baseline(args.baseline) if args.baseline is not None else None
    with _progress() as progress:
        result = run(project, pack_dir, user_config, source, progress)
    if baseline is not None:
        result.access_changes = diff(baseline, result.access)
    begin = time.perf_counter()
    terminal.render(result, sys.stdout)
    _write(args.json, lambda: jsonreport.render(result))
    _write(args.sarif, lambda: sarif.render(result))
    _write(args.junit, lambda: junit.render(result))
    _write(args.markdown, lambda: markdown.render(result))
    result.timings["reporting"] = time.perf_counter() - begin
    if args.fail_on_new_access and result.access_changes and result.access_changes["added"]:
        return EXIT_VIOLATIONS
    return EXIT_VIOLATIONS if result.mandatory_count else EXIT_OK


def default_pack(program: Path) -> Path:
    """The program's own `policies/` pack when it has one, else kmsguard's pack (this package's
    `policies/`), so a program elsewhere, such as examples/consumers, is gated with the same rules."""
    own = program / "policies"
    return own if (own / "PulumiPolicy.yaml").is_file() else bundled_pack()


def bundled_pack() -> Path:
    """The pack installed with this command: the `kmsguard.policies` folder itself."""
    return Path(kmsguard.policies.__file__).resolve().parent


def _write(path: Path | None, render: Callable[[], str]) -> None:
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(), encoding="utf-8")
    except OSError as exc:
        raise GateError(f"cannot write {path}: {exc.strerror}", "pick a writable path") from None


@contextmanager
def _progress() -> Iterator[Progress | None]:
    """A live count on an interactive terminal (large catalogs take a while); nothing otherwise."""
    if not terminal.use_rich(sys.stderr):
        yield None
        return
    from rich.progress import Progress as Bar  # noqa: PLC0415 - only on interactive terminals
    from rich.progress import SpinnerColumn, TextColumn  # noqa: PLC0415

    with Bar(SpinnerColumn(), TextColumn("{task.description}"), transient=True) as bar:
        task = bar.add_task("running the program…")

        def update(registered: int, analyzed: int) -> None:
            if analyzed % 25 == 0:
                bar.update(task, description=f"{registered} resources registered, {analyzed} analysed")

        yield update


def result_exit_code(result: GateResult) -> int:
    return EXIT_VIOLATIONS if result.mandatory_count else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
