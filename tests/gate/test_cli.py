"""`kmsguard preview` end to end: exit codes, the exact rules that fire, and every report format."""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.gate.helpers import PACK, PROGRAMS, ROOT, kmsguard

pytestmark = pytest.mark.slow
BAD = ("--stack", "test", "--program", str(PROGRAMS / "bad"), "--policy-pack", str(PACK))
KEY = "urn:pulumi:test::badkeys::acme:security:Vault$aws:kms/key:Key::vault-key"
ALIAS = "urn:pulumi:test::badkeys::acme:security:Vault$aws:kms/alias:Alias::vault-alias"
REPLICA = "urn:pulumi:test::badkeys::aws:kms/replicaKey:ReplicaKey::vault-replica"
BAD_MAIN = "tests/gate/programs/bad/__main__.py"
# The lead reconciles this set once every rule of issue 4 has landed.
EXPECTED_FINDINGS = {
    ("KG-R01", "mandatory", KEY),
    ("KG-R05", "mandatory", KEY),
    ("KG-R09", "mandatory", KEY),
    ("KG-R19", "advisory", KEY),
    ("KG-S01", "advisory", KEY),
    ("KG-R10", "advisory", ALIAS),
    ("KG-R03", "mandatory", REPLICA),
    ("KG-R19", "advisory", REPLICA),
}


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("reports")
    done = kmsguard(
        *BAD, "--json", str(out / "r.json"), "--sarif", str(out / "r.sarif"), "--junit", str(out / "r.xml")
    )
    return done, out


def test_bad_program_fails_with_exactly_the_expected_rules(
    bad_run: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    done, out = bad_run
    assert done.returncode == 1, done.stderr
    report = json.loads((out / "r.json").read_text())
    assert {(v["rule_id"], v["enforcement"], v["urn"]) for v in report["violations"]} == EXPECTED_FINDINGS
    assert "FAILED: 4 mandatory violation(s)" in done.stdout


def test_terminal_report_is_plain_without_a_tty(
    bad_run: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    done, _ = bad_run
    assert "\x1b[" not in done.stdout
    assert (
        "  vault-key\n    aliases:  alias/MyVault (eu-west-1)\n    regions:  eu-west-1, us-west-2\n"
        in done.stdout
    )
    assert "    rotation: off\n    roles:    Everything\n" in done.stdout
    assert "    fix: Set `enable_key_rotation=True` on the key" in done.stdout
    assert (
        f"  [mandatory] KG-R01 kms-key-requires-rotation\n    resource: {KEY}\n    at:       {BAD_MAIN}:17\n"
        in done.stdout
    )


def test_json_shape(bad_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    report = json.loads((bad_run[1] / "r.json").read_text())
    assert set(report) == {
        "stack",
        "project",
        "status",
        "error",
        "resources",
        "violations",
        "access",
        "summary",
    }
    assert (report["status"], report["error"]) == ("failed", None)
    assert (report["stack"], report["project"]) == ("test", "badkeys")
    assert all(set(r) == {"urn", "type", "name", "parent", "props"} for r in report["resources"])
    assert all(
        set(v) == {"policy", "rule_id", "severity", "enforcement", "urn", "message", "location"}
        for v in report["violations"]
    )
    key = next(r for r in report["resources"] if r["urn"] == KEY)
    assert key["props"]["deletionWindowInDays"] == 7
    assert key["parent"] == "urn:pulumi:test::badkeys::acme:security:Vault::vault"
    rotation = next(v for v in report["violations"] if v["rule_id"] == "KG-R01")
    assert rotation == {
        "policy": "kms-key-requires-rotation",
        "rule_id": "KG-R01",
        "severity": "high",
        "enforcement": "mandatory",
        "urn": KEY,
        "message": "automatic rotation is off; set enableKeyRotation to true",
        # The program's own line that created the key (inside its Vault component).
        "location": {"file": f"{BAD_MAIN}", "line": 17, "column": None, "config_key": None},
    }
    assert report["summary"]["resources"] == 5
    advisory = sum(1 for v in report["violations"] if v["enforcement"] == "advisory")
    summary = report["summary"]
    assert (summary["mandatory"], summary["advisory"], summary["passed"]) == (4, advisory, False)
    assert summary["violations"] == len(report["violations"]) == 4 + advisory


def test_junit_one_case_per_resource_and_policy(
    bad_run: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    root = ET.parse(bad_run[1] / "r.xml").getroot()
    cases = root.findall("./testsuite/testcase")
    assert int(root.get("tests", "-1")) == len(cases)
    failed = {
        (c.get("classname"), c.get("name", "").split()[0]) for c in cases if c.find("failure") is not None
    }
    assert failed == {
        (
            urn
            if not rule.startswith("KG-S")
            else "urn:pulumi:test::badkeys::pulumi:pulumi:Stack::badkeys-test",
            rule,
        )
        for rule, _, urn in EXPECTED_FINDINGS
    }
    rotation = next(c for c in cases if c.get("classname") == KEY and c.get("name", "").startswith("KG-R01 "))
    failure = rotation.find("failure")
    assert failure is not None
    assert failure.get("type") == "high/mandatory"
    assert (rotation.get("file"), rotation.get("line")) == (BAD_MAIN, "17")


def test_sarif_validates_against_the_2_1_0_schema(
    bad_run: tuple[subprocess.CompletedProcess[str], Path], sarif_multitool: Path
) -> None:
    sarif = bad_run[1] / "r.sarif"
    assert _multitool_errors(sarif_multitool, sarif) == []
    doc = json.loads(sarif.read_text())
    run = doc["runs"][0]
    assert {r["ruleId"] for r in run["results"]} == {rule for rule, _, _ in EXPECTED_FINDINGS}
    rotation = next(r for r in run["results"] if r["ruleId"] == "KG-R01")
    assert rotation["level"] == "error"
    # A program that is not config-driven: each result points at the line that created its resource.
    assert {
        (r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
         r["locations"][0]["physicalLocation"]["region"]["startLine"])
        for r in run["results"]
    } == {
        ("KG-R01", BAD_MAIN, 17), ("KG-R05", BAD_MAIN, 17), ("KG-R09", BAD_MAIN, 17), ("KG-R19", BAD_MAIN, 17),
        ("KG-S01", BAD_MAIN, 17), ("KG-R10", BAD_MAIN, 39), ("KG-R03", BAD_MAIN, 49), ("KG-R19", BAD_MAIN, 49),
    }  # fmt: skip
    assert rotation["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == KEY
    rule = run["tool"]["driver"]["rules"][rotation["ruleIndex"]]
    assert (rule["id"], rule["properties"]["severity"]) == ("KG-R01", "high")
    assert rule["help"]["text"].startswith("Set `enable_key_rotation=True`")


def test_the_validator_rejects_a_broken_sarif_file(sarif_multitool: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.sarif"
    broken.write_text(json.dumps({"version": "2.1.0", "runs": [{"tool": {"driver": {}}, "results": [{}]}]}))
    assert _multitool_errors(sarif_multitool, broken) != []


def _multitool_errors(tool: Path, sarif: Path) -> list[str]:
    log = sarif.with_suffix(".validation.sarif")
    subprocess.run(
        [str(tool), "validate", str(sarif), "--output", str(log), "--log", "ForceOverwrite"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    results = json.loads(log.read_text())["runs"][0].get("results", [])
    return [r["message"].get("text", r["ruleId"]) for r in results if r.get("level", "warning") == "error"]


def test_failing_program_exits_2_with_its_message() -> None:
    done = kmsguard("--stack", "test", "--program", str(PROGRAMS / "raises"), "--policy-pack", str(PACK))
    assert done.returncode == 2
    assert done.stderr.splitlines()[0] == (
        "kmsguard: error: the Pulumi program failed at catalog.py:5: ValueError: catalog entry 'payments': "
        "deletion_window_in_days must be between 7 and 30, got 3"
    )
    assert "Traceback" not in done.stderr + done.stdout


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({"kms-key-requires-rotaton": "advisory"}, "unknown policy 'kms-key-requires-rotaton'"),
        ({"kms-key-requires-rotation": {"maxDays": 3}}, "kms-key-requires-rotation.maxDays is not a setting"),
    ],
)
def test_bad_policy_config_exits_2_naming_the_key(
    tmp_path: Path, config: dict[str, object], expected: str
) -> None:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(config))
    done = kmsguard(*BAD, "--policy-config", str(path))
    assert done.returncode == 2
    assert expected in done.stderr


def test_policy_config_can_downgrade_to_a_pass(tmp_path: Path) -> None:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps({"all": "advisory"}))
    done = kmsguard(*BAD, "--policy-config", str(path), "--json", str(tmp_path / "r.json"))
    assert done.returncode == 0, done.stderr
    violations = json.loads((tmp_path / "r.json").read_text())["violations"]
    assert {v["enforcement"] for v in violations} == {"advisory"}
    assert f"PASSED with {len(violations)} advisory violation(s)" in done.stdout


STACKS = ("dev", "staging", "prod")


@pytest.mark.parametrize("stack", STACKS)
def test_each_stack_passes_with_no_policy_config(stack: str, tmp_path: Path) -> None:
    """Issue 13: the deployer and the partner accounts are stated once, in the stack file; the pack
    reads them from the stack's config, so no policy-config file repeats them."""
    assert list((ROOT / "stacks").glob("policy-config*")) == []
    done = kmsguard("--stack", stack, "--json", str(tmp_path / "r.json"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.rstrip().endswith("PASSED: no policy violations")
    assert json.loads((tmp_path / "r.json").read_text())["violations"] == []
