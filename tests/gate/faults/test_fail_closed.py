"""What a run reports fails closed: unknowns fail, secrets never print, nothing is a silent pass,
no program text forges a line, and every report states the enforcement levels in force."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.gate.faults.test_faults import PACK, PROGRAM
from tests.gate.helpers import ROOT

pytestmark = pytest.mark.slow
KEY = "urn:pulumi:{stack}::faults::aws:kms/key:Key::key"


def _run(
    stack: str, out: Path, *extra: str, fault: str = "", pack: Path = PACK
) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable, "-m", "kmsguard.gate.cli", "preview", "--stack", stack, "--program", str(PROGRAM),
        "--policy-pack", str(pack), "--timeout", "120",
        "--json", str(out / "r.json"), "--sarif", str(out / "r.sarif"), "--junit", str(out / "r.xml"), *extra,
    ]  # fmt: skip
    env = {"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "PYTHONPATH": str(ROOT), "KMSGUARD_FAULT": fault}
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False, timeout=300)


def _json(out: Path) -> dict[str, object]:
    report: dict[str, object] = json.loads((out / "r.json").read_text())
    return report


SECRETS = [
    pytest.param("SecretDescription of the payments key", id="description"),
    pytest.param("alias/secret-alias-name", id="alias_name"),
    pytest.param("arn:aws:iam::444455556666:role/SecretGranteeRole", id="grantee"),
    pytest.param("arn:aws:iam::444455556666:role/SecretPolicyPrincipal", id="principal_inside_a_policy"),
    pytest.param("SecretSid", id="sid_inside_a_policy"),
]


@pytest.fixture(scope="module")
def echoed(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """A pack that quotes every property and a piece of the key policy in its messages."""
    out = tmp_path_factory.mktemp("secrets")
    done = _run("secrets", out, fault="echo")
    assert done.returncode == 1, done.stderr
    everything = (
        done.stdout + done.stderr + "".join((out / n).read_text() for n in ("r.json", "r.sarif", "r.xml"))
    )
    return everything, out


@pytest.mark.parametrize("secret", SECRETS)
def test_a_secret_never_appears_in_any_output(echoed: tuple[str, Path], secret: str) -> None:
    everything, _ = echoed
    assert secret not in everything


def test_a_secret_is_shown_as_secret_where_a_message_quoted_it(echoed: tuple[str, Path]) -> None:
    _, out = echoed
    messages = {v["message"] for v in _json(out)["violations"]}  # type: ignore[attr-defined]
    assert {"principal [secret] may use the key", "key: [secret] [secret]"} <= messages
    assert any(m.startswith("grant: [secret] ") for m in messages)
    assert any(m.startswith("alias: ") and m.endswith(" [secret]") for m in messages)


def test_an_unknown_input_fails_the_gate_naming_the_resource_and_path(tmp_path: Path) -> None:
    done = _run("unknown", tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    report = _json(tmp_path)
    key = KEY.format(stack="unknown")
    found = {(v["rule_id"], v["enforcement"], v["urn"], v["message"]) for v in report["violations"]}  # type: ignore[attr-defined]
    assert found == {
        (
            "KG-G01",
            "mandatory",
            key,
            "not fully evaluated: unknown at policy, tags.Owner; the offline gate cannot check a value only "
            "known after deployment",
        ),
        (
            # The SDK reports a policy that read an unknown as advisory; with no `up` to come, it blocks.
            "fault-resource",
            "mandatory",
            key,
            "can't run policy 'fault-resource' from policy pack 'faults@v0.0.1' during preview: "
            "string value at .policy can't be known during preview",
        ),
    }
    summary = report["summary"]
    assert summary["not_fully_evaluated"] == {key: ["policy", "tags.Owner"]}  # type: ignore[index]
    assert "1 not fully evaluated (unknown inputs)" in done.stdout


def test_allow_unknowns_keeps_them_visible_as_advisory(tmp_path: Path) -> None:
    done = _run("unknown", tmp_path, "--allow-unknowns")
    assert done.returncode == 0, done.stdout + done.stderr
    report = _json(tmp_path)
    assert {(v["rule_id"], v["enforcement"]) for v in report["violations"]} == {  # type: ignore[attr-defined]
        ("KG-G01", "advisory"),
        ("fault-resource", "advisory"),
    }
    warning = "1 resource(s) not fully evaluated (unknown inputs), accepted by --allow-unknowns"
    assert report["summary"]["warnings"] == [warning]  # type: ignore[index]
    assert f"WARNING: {warning}" in done.stdout.splitlines()


def test_the_mocks_know_what_the_provider_computes_so_the_policy_is_judged(tmp_path: Path) -> None:
    # A key policy built inside role.unique_id.apply(...) with a public kms:* statement (issue 9).
    done = _run("unique-id", tmp_path, pack=ROOT / "policies")
    assert done.returncode == 1, done.stdout + done.stderr
    report = _json(tmp_path)
    rules = {v["rule_id"] for v in report["violations"] if v["enforcement"] == "mandatory"}  # type: ignore[attr-defined]
    assert {"KG-R04", "KG-R05"} <= rules
    assert "KG-G01" not in rules
    assert report["summary"]["not_fully_evaluated"] == {}  # type: ignore[index]


def test_a_resource_name_cannot_forge_a_line(tmp_path: Path) -> None:
    done = _run("forged", tmp_path, fault="echo")
    assert done.returncode == 1
    assert "\x1b" not in done.stdout
    lines = done.stdout.splitlines()
    assert [line for line in lines if line.startswith(("PASSED", "FAILED"))] == [
        "FAILED: 4 mandatory violation(s), 0 advisory"
    ]
    assert "  key\\nPASSED: no policy violations\\x1b[32m" in lines
    junit = (tmp_path / "r.xml").read_text()
    assert "\x1b" not in junit


def test_no_resources_is_not_a_silent_pass(tmp_path: Path) -> None:
    done = _run("empty", tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "WARNING: the program registered no resources: nothing was checked" in lines
    assert (
        lines[-1]
        == "NOTHING CHECKED: no mandatory violation, but no resource was judged by an enabled policy"
    )
    summary = _json(tmp_path)["summary"]
    assert summary["evaluated"] == {"resources": 0, "in_scope": 0}  # type: ignore[index]


def test_all_disabled_says_how_many_are_enforced_in_every_report(tmp_path: Path) -> None:
    config = tmp_path / "policy.json"
    config.write_text(json.dumps({"all": "disabled"}))
    done = _run("ok", tmp_path, "--policy-config", str(config))
    assert done.returncode == 0, done.stderr
    levels = "2 policies: 0 mandatory, 0 advisory, 2 disabled"
    assert f"Policies: faults 0.0.1, {levels}" in done.stdout.splitlines()
    assert f"WARNING: no policy is enforced ({levels}): nothing was checked" in done.stdout.splitlines()
    assert done.stdout.splitlines()[-1].startswith("NOTHING CHECKED")
    enforcement = {"mandatory": 0, "advisory": 0, "disabled": 2}
    assert _json(tmp_path)["summary"]["enforcement"] == enforcement  # type: ignore[index]
    sarif = json.loads((tmp_path / "r.sarif").read_text())["runs"][0]
    assert sarif["properties"]["enforcement"] == enforcement
    assert sarif["invocations"][0]["toolExecutionNotifications"][0]["level"] == "warning"
    assert '<property name="enforcement.disabled" value="2" />' in (tmp_path / "r.xml").read_text()


def test_a_pack_and_config_from_a_trusted_checkout_gate_the_program(tmp_path: Path) -> None:
    # The README's workflow: the pack and config from the base branch's checkout, not the PR's own.
    trusted = tmp_path / "trusted"
    shutil.copytree(ROOT / "policies", trusted / "policies", ignore=shutil.ignore_patterns("__pycache__"))
    (trusted / "stacks").mkdir()
    (trusted / "stacks" / "policy-config.json").write_text(
        json.dumps({"kms-key-requires-description-tags": "mandatory"})
    )
    out = tmp_path / "out"
    out.mkdir()
    done = _run(
        "ok",
        out,
        "--policy-config",
        str(trusted / "stacks" / "policy-config.json"),
        pack=trusted / "policies",
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert re.search(
        r"^Policies: kmsguard \S+, \d+ policies: \d+ mandatory, \d+ advisory, 0 disabled$", done.stdout, re.M
    )
    mandatory = {v["rule_id"] for v in _json(out)["violations"] if v["enforcement"] == "mandatory"}  # type: ignore[attr-defined]
    assert mandatory == {"KG-S08", "KG-R19"}  # S08 (no key policy covers the key) is mandatory by default


def test_kmsguards_own_findings_on_secret_values_print_no_secret(tmp_path: Path) -> None:
    done = _run("secrets", tmp_path, "--markdown", str(tmp_path / "r.md"), pack=ROOT / "policies")
    assert done.returncode == 1, done.stderr
    reports = "".join((tmp_path / n).read_text() for n in ("r.json", "r.sarif", "r.xml", "r.md"))
    everything = done.stdout + done.stderr + reports
    for secret in [p.values[0] for p in SECRETS]:
        assert secret not in everything
    assert "444455556666" not in everything  # the account inside a secret principal
