"""The gate reports a pack that is not kmsguard's exactly as it reports its own: ids and resource
types from the policies' tags (GetAnalyzerInfo), skipped cases from Analyze's not-applicable answers.
Nothing in the gate knows the pack's name or imports its rules."""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from tests.gate.helpers import PROGRAMS, ROOT, kmsguard
from tests.gate.test_cli import _multitool_errors

pytestmark = pytest.mark.slow
FOREIGN = Path(__file__).resolve().parent / "pack"
PREFIX = "urn:pulumi:test::badkeys::"
KEY = PREFIX + "acme:security:Vault$aws:kms/key:Key::vault-key"
ALIAS = PREFIX + "acme:security:Vault$aws:kms/alias:Alias::vault-alias"
REPLICA = PREFIX + "aws:kms/replicaKey:ReplicaKey::vault-replica"
STACK = PREFIX + "pulumi:pulumi:Stack::badkeys-test"


@pytest.fixture(scope="module")
def foreign_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("foreign")
    done = kmsguard(
        *("--stack", "test", "--program", str(PROGRAMS / "bad"), "--policy-pack", str(FOREIGN)),
        *("--sarif", str(out / "r.sarif"), "--junit", str(out / "r.xml")),
    )
    return done, out


def _case(element: ET.Element) -> tuple[str | None, list[tuple[str, str, str]], str | None]:
    failures = [(f.get("type", ""), f.get("message", ""), f.text or "") for f in element.iter("failure")]
    skipped = element.find("skipped")
    return element.get("name"), failures, skipped.get("message") if skipped is not None else None


def test_junit_cases_come_from_the_tags_and_not_applicable_answers(
    foreign_run: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    done, out = foreign_run
    assert done.returncode == 1, done.stderr
    root = ET.parse(out / "r.xml").getroot()
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == ("6", "2", "1")
    suites = {s.get("name"): [_case(c) for c in s.iter("testcase")] for s in root.iter("testsuite")}
    anything = ("acme-anything acme-anything", [], None)
    assert suites == {
        "kmsguard settings": [],
        KEY: [
            (
                "ACME-1 acme-key-rotation",
                [("high/mandatory", "rotation is off", f"{KEY}\nrotation is off")],
                None,
            ),
            anything,
        ],
        ALIAS: [("ACME-2 acme-alias-prefix", [], "not applicable"), anything],
        REPLICA: [anything],
        STACK: [
            (
                "ACME-S1 acme-stack",
                [("medium/advisory", "replicas need approval", f"{REPLICA}\nreplicas need approval")],
                None,
            )
        ],
    }
    properties = {p.get("name"): p.get("value") for p in root.iterfind("./testsuite/properties/property")}
    assert properties == {
        "enforcement.mandatory": "1",
        "enforcement.advisory": "3",
        "enforcement.disabled": "0",
        "evaluated.resources": "3",
        "evaluated.in_scope": "3",
        "not_fully_evaluated": "0",
    }


def test_sarif_rules_and_results_come_from_the_protocol(
    foreign_run: tuple[subprocess.CompletedProcess[str], Path], sarif_multitool: Path
) -> None:
    sarif = foreign_run[1] / "r.sarif"
    assert _multitool_errors(sarif_multitool, sarif) == []
    run: dict[str, Any] = json.loads(sarif.read_text())["runs"][0]
    assert run["tool"]["driver"]["version"] == "0.3.0"
    rules = run["tool"]["driver"]["rules"]
    assert [
        (r["id"], r["name"], r["defaultConfiguration"]["level"], r["properties"]["tags"]) for r in rules
    ] == [
        ("ACME-1", "acme-key-rotation", "error", ["security", "ACME-1", "aws:kms/key:Key"]),
        ("ACME-2", "acme-alias-prefix", "note", ["security", "ACME-2", "aws:kms/alias:Alias"]),
        ("acme-anything", "acme-anything", "note", ["security"]),
        ("ACME-S1", "acme-stack", "warning", ["security", "ACME-S1"]),
    ]
    results = [
        (r["ruleId"], r["ruleIndex"], r["level"], r["message"]["text"], r["properties"]["urn"])
        for r in run["results"]
    ]
    assert results == [
        ("ACME-1", 0, "error", "vault-key: rotation is off", KEY),
        ("ACME-S1", 3, "warning", "vault-replica: replicas need approval", REPLICA),
    ]
    assert run["properties"]["evaluated"] == {"resources": 3, "in_scope": 3}


def test_the_gate_names_no_pack_and_imports_no_rule() -> None:
    gate = ROOT / "gate"
    offending = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted(gate.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "pack_name ==" in line or "policies.registry" in line or "policies.rules" in line
    ]
    assert offending == []
