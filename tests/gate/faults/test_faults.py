"""Fault injection: every way a run can break ends in exit 2 with a one-line reason, within the
`--timeout`, with no pack process left and every report recording the failure (never a stale one).

One program (`program/`, one fault per stack) and one pack (`pack/`, one fault per
`KMSGUARD_FAULT`). Timeouts are kept short with `--timeout`; no test asserts a wall time.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import jsonschema  # type: ignore[import-untyped]
import pytest

from kmsguard.gate.report.schema import report_schema
from tests.gate.helpers import ROOT

pytestmark = pytest.mark.slow
HERE = Path(__file__).resolve().parent
PROGRAM, PACK = HERE / "program", HERE / "pack"
TIMEOUT_HINT = "  find what never finishes (a program that loops, an Output that never resolves, a slow rule) or raise --timeout"
RULE_HINT = "  run the pack under `pulumi preview --policy-pack` or fix the rule that fails"
RAISE_LINE = next(
    n
    for n, line in enumerate((PROGRAM / "__main__.py").read_text().splitlines(), 1)
    if "the catalog is broken" in line
)
STACK_URN = "urn:pulumi:ok::faults::pulumi:pulumi:Stack::faults-ok"


def _command(stack: str, out: Path, timeout: str) -> list[str]:
    return [
        sys.executable, "-m", "kmsguard.gate.cli", "preview", "--stack", stack, "--program", str(PROGRAM),
        "--policy-pack", str(PACK), "--timeout", timeout,
        "--json", str(out / "r.json"), "--sarif", str(out / "r.sarif"), "--junit", str(out / "r.xml"),
    ]  # fmt: skip


def _env(fault: str, pidfile: Path) -> dict[str, str]:
    return {
        "PATH": "/usr/bin:/bin",
        "NO_COLOR": "1",
        "PYTHONPATH": str(ROOT),
        "KMSGUARD_FAULT": fault,
        "KMSGUARD_FAULT_PIDFILE": str(pidfile),
    }


def _stale(out: Path) -> None:
    for name in ("r.json", "r.sarif", "r.xml"):
        (out / name).write_text("stale PASSED report of an earlier run\n")


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _packs_running() -> list[int]:
    """Every live process whose working directory is the fault pack: what the gate starts there."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cwd = os.readlink(entry / "cwd")
        except OSError:
            continue
        if Path(cwd) == PACK and _alive(int(entry.name)):
            found.append(int(entry.name))
    return found


def _assert_failed_closed(
    done: subprocess.CompletedProcess[str], out: Path, pidfile: Path, reason: str
) -> None:
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    first = done.stderr.splitlines()[0]
    assert re.fullmatch(re.escape("kmsguard: error: ") + reason, first), first
    message = first.removeprefix("kmsguard: error: ")
    if pidfile.exists():
        assert not _alive(int(pidfile.read_text()))
    assert _packs_running() == []
    report = json.loads((out / "r.json").read_text())
    assert report == {
        "stack": report["stack"],
        "project": "faults",
        "status": "error",
        "error": message,
        "resources": [],
        "violations": [],
        "access": [],
        "summary": {"passed": False},
    }
    jsonschema.Draft202012Validator(report_schema()).validate(report)
    sarif = json.loads((out / "r.sarif").read_text())
    invocation = sarif["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"] == [{"level": "error", "message": {"text": message}}]
    assert sarif["runs"][0]["results"] == []
    junit = (out / "r.xml").read_text()
    assert 'errors="1"' in junit
    assert "stale" not in junit


@pytest.fixture
def out(tmp_path: Path) -> Path:
    _stale(tmp_path)
    return tmp_path


PROGRAM_FAULTS = [
    pytest.param(
        "raises",
        re.escape(
            f"the Pulumi program failed at __main__.py:{RAISE_LINE}: RuntimeError: the catalog is broken"
        ),
        id="program_raises",
    ),
    pytest.param(
        "hangs", re.escape("timed out after 3 s (--timeout) while the program ran"), id="program_hangs"
    ),
    pytest.param(
        "never-resolves",
        re.escape("timed out after 3 s (--timeout) while the program ran"),
        id="output_never_resolves",
    ),
    pytest.param(
        "swallows",
        re.escape("timed out after 3 s (--timeout); the run did not stop when asked"),
        id="program_swallows_the_abort",
    ),
    pytest.param(
        "nan",
        re.escape("the Pulumi program failed: ValueError: cannot convert float NaN to integer"),
        id="nan_property",
    ),
    pytest.param(
        "deep",
        re.escape(
            "the policy pack failed during Analyze of urn:pulumi:deep::faults::aws:kms/key:Key::deep: UNKNOWN: "
            "Exception calling application: maximum recursion depth exceeded while decoding a JSON array"
        )
        + ".*",
        id="policy_of_100000_nested_brackets",
    ),
]


@pytest.mark.parametrize(("stack", "reason"), PROGRAM_FAULTS)
def test_a_program_fault_exits_2(out: Path, stack: str, reason: str) -> None:
    pidfile = out / "pack.pid"
    done = subprocess.run(
        _command(stack, out, "3"),
        env=_env("", pidfile),
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    _assert_failed_closed(done, out, pidfile, reason)


PACK_FAULTS = [
    pytest.param(
        "resource-raises",
        re.escape(
            f"the policy pack failed during Analyze of {STACK_URN}: UNKNOWN: "
            "Exception calling application: resource policy exploded"
        ),
        id="resource_policy_raises",
    ),
    pytest.param(
        "stack-raises",
        re.escape(
            "the policy pack failed during AnalyzeStack: UNKNOWN: Exception calling application: stack policy exploded"
        ),
        id="stack_policy_raises",
    ),
    pytest.param(
        "dies",
        re.escape(f"the policy pack was killed by SIGKILL during Analyze of {STACK_URN}"),
        id="pack_killed_mid_run",
    ),
    pytest.param(
        "wrong-port",
        re.escape("the policy pack does not answer on port 1 during ConfigureStack (")
        + ".*Connection refused.*",
        id="pack_prints_a_wrong_port",
    ),
    pytest.param(
        "garbage-port",
        re.escape(
            "the policy pack in pack/ did not start: printed 'listening on a port' where its port should be"
        ),
        id="pack_prints_no_port",
    ),
    pytest.param(
        "rule-hangs",
        re.escape("timed out after 8 s (--timeout) ")
        + "(while the policy pack analysed the resources|waiting for the policy pack .*)",
        id="rule_never_returns",
    ),
]


@pytest.mark.parametrize(("fault", "reason"), PACK_FAULTS)
def test_a_pack_fault_exits_2(out: Path, fault: str, reason: str) -> None:
    pidfile = out / "pack.pid"
    done = subprocess.run(
        _command("ok", out, "8"),
        env=_env(fault, pidfile),
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    _assert_failed_closed(done, out, pidfile, reason)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "sigint"])
def test_a_signal_stops_the_pack_and_exits_2(out: Path, signum: signal.Signals) -> None:
    pidfile = out / "pack.pid"
    gate = subprocess.Popen(
        _command("ok", out, "300"),
        env=_env("rule-hangs", pidfile),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    while not pidfile.exists() or not pidfile.read_text():  # the pack is up: its cleanup is what is tested
        assert gate.poll() is None, gate.communicate()
        time.sleep(0.1)
    gate.send_signal(signum)
    stdout, stderr = gate.communicate(timeout=120)
    done = subprocess.CompletedProcess(gate.args, gate.returncode, stdout, stderr)
    _assert_failed_closed(done, out, pidfile, re.escape(f"terminated by {signum.name}"))


def test_a_gate_killed_outright_leaves_no_pack_behind(out: Path) -> None:
    """SIGKILL runs no cleanup in the gate: its guardian sees the pipe close and ends the pack."""
    pidfile = out / "pack.pid"
    gate = subprocess.Popen(
        _command("ok", out, "300"),
        env=_env("rule-hangs", pidfile),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    while not pidfile.exists() or not pidfile.read_text():
        assert gate.poll() is None
        time.sleep(0.1)
    pack = int(pidfile.read_text())
    gate.kill()
    gate.wait(timeout=60)
    for _ in range(600):  # a bound on the wait, not a timing assertion
        if not _alive(pack):
            break
        time.sleep(0.1)
    assert not _alive(pack)
    assert _packs_running() == []


def test_a_usage_error_replaces_the_reports_it_names(out: Path) -> None:
    command = [*_command("ok", out, "60"), "--no-such-flag"]
    done = subprocess.run(
        command, env=_env("", out / "pack.pid"), capture_output=True, text=True, check=False
    )
    assert done.returncode == 2
    assert "error: unrecognized arguments: --no-such-flag" in done.stderr
    reason = "invalid command line (see `kmsguard --help`)"
    assert json.loads((out / "r.json").read_text())["error"] == reason
    invocation = json.loads((out / "r.sarif").read_text())["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert 'errors="1"' in (out / "r.xml").read_text()


def test_a_passing_run_records_a_successful_invocation(out: Path) -> None:
    done = subprocess.run(
        _command("ok", out, "60"),
        env=_env("", out / "pack.pid"),
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads((out / "r.sarif").read_text())["runs"][0]["invocations"] == [
        {"executionSuccessful": True}
    ]
    assert json.loads((out / "r.json").read_text())["status"] == "passed"
    assert _packs_running() == []


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        pytest.param(
            "resource-raises",
            re.escape(
                "the policy pack failed during Analyze of urn:pulumi:many::faults::pulumi:pulumi:Stack::faults-many: "
                "UNKNOWN: Exception calling application: resource policy exploded"
            ),
            id="resource_policy_raises_while_the_program_runs",
        ),
        pytest.param(
            "dies",
            re.escape(
                "the policy pack was killed by SIGKILL during Analyze of "
                "urn:pulumi:many::faults::pulumi:pulumi:Stack::faults-many"
            ),
            id="pack_killed_while_the_program_runs",
        ),
    ],
)
def test_a_pack_fault_during_a_long_program_ends_it(out: Path, fault: str, reason: str) -> None:
    # 1,500 resources: the pack fails while the program still registers (issue 9 saw exit 1 here).
    pidfile = out / "pack.pid"
    done = subprocess.run(
        _command("many", out, "120"),
        env=_env(fault, pidfile),
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    _assert_failed_closed(done, out, pidfile, reason)
