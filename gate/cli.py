"""`kmsguard preview`: the offline preview and policy gate.

Exit codes: 0 no mandatory violation; 1 mandatory violations; 2 the gate could not reach a verdict
(bad usage or configuration, the program or the pack failed, the `--timeout` passed, a signal).
Exit 2 prints one line of reason, leaves no pack process behind and writes every requested report
as a record of the failure — never an earlier run's file. (argparse already exits 2 on bad usage.)
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Final

import kmsguard
import kmsguard.policies
from kmsguard.gate import interpreter as interpreters
from kmsguard.gate import pack as packs
from kmsguard.gate import project as projects
from kmsguard.gate.access.baseline import read_baseline
from kmsguard.gate.access.diff import diff
from kmsguard.gate.audit import adopt as live_adopt
from kmsguard.gate.audit import command as live_audit
from kmsguard.gate.deadline import DEFAULT_TIMEOUT_S, Deadline
from kmsguard.gate.errors import GateAbort, GateError
from kmsguard.gate.model import GateFailure, GateResult
from kmsguard.gate.policyconfig import read_file
from kmsguard.gate.report import jsonreport, junit, markdown, sarif, terminal
from kmsguard.gate.run import Progress, run
from kmsguard.gate.text import printable
from kmsguard.gate.tuning import batch_runtime

EXIT_OK, EXIT_VIOLATIONS, EXIT_ERROR = 0, 1, 2
#: Set in the run `_in_program_environment` starts: it is already in the program's environment.
PROGRAM_ENVIRONMENT: Final = "KMSGUARD_PROGRAM_ENVIRONMENT"
#: After the deadline (or a signal), how long the run gets to unwind before the watchdog ends the
#: process itself: for code that swallows the abort or blocks outside Python.
HARD_EXIT_GRACE_S: Final = 5.0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="kmsguard", description="Offline Pulumi preview and policy gate.")
    top.add_argument("--version", action="version", version=f"kmsguard {kmsguard.__version__}")
    commands = top.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "policy-pack-path",
        help="print the bundled pack's folder (for the Pulumi CLI, copy it and run `pulumi install` in the "
        "copy, which creates the virtualenv its PulumiPolicy.yaml names)",
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
    preview.add_argument(
        "--allow-unknowns",
        action="store_true",
        help="accept values unknown at preview as advisory findings (default: each fails the run, "
        "as the offline gate has no `pulumi up` stage to check them later)",
    )
    preview.add_argument(
        "--timeout",
        type=_seconds,
        default=DEFAULT_TIMEOUT_S,
        metavar="SECONDS",
        help=f"end the whole run with exit 2 after SECONDS (default: {DEFAULT_TIMEOUT_S:g})",
    )
    live_audit.add_arguments(
        commands.add_parser(
            "audit",
            help="judge the customer-managed KMS keys of an AWS account with the policy pack (read-only)",
            description="List every customer-managed key, read it (List/Describe/Get only) and gate it.",
        )
    )
    live_adopt.add_arguments(
        commands.add_parser(
            "adopt",
            help="write catalog entries and a `pulumi import` file for existing keys",
            description="Reproduce existing keys as catalog entries and bring them under the components.",
        )
    )
    return top


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number of seconds")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:
        if exc.code:  # a usage error: argparse printed it; the reports it named must say so too
            _fail_unparsed(sys.argv[1:] if argv is None else list(argv))
        raise
    if args.command == "policy-pack-path":
        print(bundled_pack())
        return EXIT_OK
    if args.command in ("audit", "adopt"):
        return _live(args)
    # An earlier run's report must never outlive this one: if this run dies before it writes, CI
    # finds no file rather than a stale pass.
    _remove_reports(args)
    try:
        delegated = _in_program_environment(argv)
    except GateError as exc:
        return _fail(args, exc.problem, exc.fix)
    if delegated is not None:
        return delegated
    deadline = Deadline(args.timeout)
    watchdog = _Watchdog(args, deadline.seconds + HARD_EXIT_GRACE_S)
    try:
        with _signals_abort(watchdog):
            return _preview(args, deadline)
    except (GateError, GateAbort) as exc:
        return _fail(args, exc.problem, exc.fix)
    except KeyboardInterrupt:
        return _fail(args, "interrupted (SIGINT)")
    except Exception as exc:  # a bug of the gate is still no verdict: exit 2, not 1
        return _fail(args, f"internal error: {type(exc).__name__}: {exc}", "please report it")
    finally:
        watchdog.cancel()
        packs.kill_all()


def _in_program_environment(argv: Sequence[str] | None) -> int | None:
    """Runs this preview again inside the program's own environment when Pulumi.yaml names one
    (`virtualenv`, `toolchain`) other than this interpreter's, as `pulumi preview` would run the
    program there: a package installed only in the program's virtualenv must import. The gate runs
    the program in-process, so kmsguard has to be installed there too. Returns that run's exit code,
    or None to go on here. A project that cannot be read is left to the run here to report."""
    if os.environ.get(PROGRAM_ENVIRONMENT):
        return None
    args = parser().parse_args(argv)
    try:
        project = projects.load(args.program, args.stack)
    except GateError:
        return None
    python = interpreters.resolve(
        project.directory,
        project.runtime,
        "Pulumi.yaml",
        f"run `pulumi install` in {project.directory} (it creates the virtualenv and installs the "
        "program's requirements.txt)",
    )
    if python.is_current:
        return None
    if not interpreters.has_module(python, "kmsguard"):
        raise GateError(
            f"kmsguard is not installed in {python.origin}, where the gate runs the program",
            f"install it there: {python.python} -m pip install kmsguard "
            "(or add kmsguard to the program's requirements.txt and run `pulumi install`)",
        )
    env = python.environ(os.environ)
    env[PROGRAM_ENVIRONMENT] = str(python.virtualenv)
    command = [str(python.python), "-m", "kmsguard.gate.cli", *(sys.argv[1:] if argv is None else argv)]
    child = subprocess.Popen(command, env=env)
    # The run is the child's: a SIGTERM meant for this process is passed on (the child then stops
    # its packs and writes its failure reports), and a Ctrl-C reaches the child's group by itself.
    forward = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, lambda signum, _: child.send_signal(signum)) if forward else None
    try:
        while True:
            try:
                return child.wait()
            except KeyboardInterrupt:
                continue
    finally:
        if forward:
            signal.signal(signal.SIGTERM, previous)


def _live(args: argparse.Namespace) -> int:
    """`audit` and `adopt` read a live account: no program to time out, the same exit codes."""
    try:
        if args.command == "audit":
            with batch_runtime():
                return live_audit.audit(args, report)
        return live_adopt.adopt(args)
    except GateError as exc:
        sys.stdout.flush()
        print(f"kmsguard: error: {printable(str(exc))}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("kmsguard: error: interrupted (SIGINT)", file=sys.stderr)
        return EXIT_ERROR
    finally:
        packs.kill_all()


def _fail(args: argparse.Namespace, problem: str, fix: str = "") -> int:
    _write_failure(args, printable(problem))
    sys.stdout.flush()
    # A program's message may span lines (one per config problem): each is escaped on its own and
    # indented, so none can pass for a line of the gate's.
    shown = "\n    ".join(printable(line) for line in problem.splitlines() or [""])
    print(f"kmsguard: error: {shown}" + (f"\n  {printable(fix)}" if fix else ""), file=sys.stderr)
    return EXIT_ERROR


def _report_paths(args: argparse.Namespace) -> list[tuple[Path, Callable[[GateFailure], str]]]:
    renderers = (
        (args.json, jsonreport.render_failure),
        (args.sarif, sarif.render_failure),
        (args.junit, junit.render_failure),
        (args.markdown, markdown.render_failure),
    )
    return [(path, render) for path, render in renderers if path]


def _fail_unparsed(argv: list[str]) -> None:
    """Reports named on a command line that did not parse still record the failure: no stale pass."""
    lenient = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    for flag in ("--json", "--sarif", "--junit", "--markdown", "--program", "--stack"):
        lenient.add_argument(flag)
    try:
        known, _ = lenient.parse_known_args(argv)
    except argparse.ArgumentError:
        return  # not even the report flags parse: there is no path to write
    args = argparse.Namespace(
        **{name: Path(value) if value and name != "stack" else value for name, value in vars(known).items()}
    )
    args.program = args.program or Path(".")
    args.stack = args.stack or ""
    _write_failure(args, "invalid command line (see `kmsguard --help`)")


def _remove_reports(args: argparse.Namespace) -> None:
    for path, _ in _report_paths(args):
        path.unlink(missing_ok=True)


def _write_failure(args: argparse.Namespace, reason: str) -> None:
    failure = GateFailure(reason, project=_project_name(args), stack=str(args.stack))
    for path, render in _report_paths(args):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(render(failure), encoding="utf-8")
        except OSError:
            path.unlink(missing_ok=True)  # at least no stale file


def _project_name(args: argparse.Namespace) -> str:
    try:
        return projects.load(args.program, args.stack).name
    except (GateError, OSError):
        return ""


class _Watchdog:
    """The last resort: if the run has not ended `seconds` after it began (or `grace` after a
    signal), whatever holds the main thread — a program that catches every exception, a call
    blocked outside Python — the watchdog records the failure, kills the packs and exits 2."""

    def __init__(self, args: argparse.Namespace, seconds: float) -> None:
        self.args = args
        self.timer = self._arm(seconds, f"timed out after {args.timeout:g} s (--timeout)")

    def _arm(self, seconds: float, reason: str) -> threading.Timer:
        timer = threading.Timer(seconds, self._fire, (reason,))
        timer.daemon = True
        timer.start()
        return timer

    def soon(self, reason: str) -> None:
        self.timer.cancel()
        self.timer = self._arm(HARD_EXIT_GRACE_S, reason)

    def cancel(self) -> None:
        self.timer.cancel()

    def _fire(self, reason: str) -> None:
        packs.kill_all()
        try:
            _fail(self.args, f"{reason}; the run did not stop when asked")
        finally:
            os._exit(EXIT_ERROR)


@contextmanager
def _signals_abort(watchdog: _Watchdog) -> Iterator[None]:
    """SIGTERM and SIGINT end the run through the same path as any failure (packs stopped,
    failure reports written, exit 2)."""

    def abort(signum: int, _frame: FrameType | None) -> None:
        name = signal.Signals(signum).name
        watchdog.soon(f"terminated by {name}")
        raise GateAbort(f"terminated by {name}")

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.signal(s, abort) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _preview(args: argparse.Namespace, deadline: Deadline) -> int:
    # Reporting walks the whole result too: it keeps the run's interpreter settings.
    with batch_runtime():
        return _gate(args, deadline)


def _gate(args: argparse.Namespace, deadline: Deadline) -> int:
    project = projects.load(args.program, args.stack)
    pack_dir = args.policy_pack if args.policy_pack is not None else default_pack(project.directory)
    user_config = read_file(args.policy_config) if args.policy_config is not None else {}
    source = args.policy_config.name if args.policy_config is not None else "policy config"
    if args.fail_on_new_access and args.baseline is None:
        raise GateError("--fail-on-new-access needs --baseline", "pass the base branch's --json report")
    baseline = read_baseline(args.baseline) if args.baseline is not None else None
    with _progress() as progress:
        result = run(
            project,
            pack_dir,
            user_config,
            source,
            progress,
            deadline=deadline,
            allow_unknowns=args.allow_unknowns,
        )
    if baseline is not None:
        result.access_changes = diff(baseline, result.access)
    code = report(result, args)
    if args.fail_on_new_access and result.access_changes and result.access_changes["added"]:
        return EXIT_VIOLATIONS
    return code


def report(result: GateResult, args: argparse.Namespace) -> int:
    """Every report the arguments ask for (terminal always), and the exit code: shared by preview and audit."""
    begin = time.perf_counter()
    terminal.render(result, sys.stdout)
    _write(args.json, lambda: jsonreport.render(result))
    _write(args.sarif, lambda: sarif.render(result))
    _write(args.junit, lambda: junit.render(result))
    _write(args.markdown, lambda: markdown.render(result))
    result.timings["reporting"] = time.perf_counter() - begin
    return result_exit_code(result)


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
