"""`kmsguard preview --baseline/--markdown/--fail-on-new-access` end to end on the dev stack."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import jsonschema
import pytest

from kmsguard.gate.report.schema import report_schema
from tests.gate.helpers import PACK, PROGRAMS, kmsguard

pytestmark = pytest.mark.slow
API = "arn:aws:iam::123456789012:role/PaymentsApi"


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The dev stack's report as a base branch without PaymentsApi would have produced it."""
    out = tmp_path_factory.mktemp("base")
    done = kmsguard("--stack", "dev", "--json", str(out / "head.json"))
    assert done.returncode == 0, done.stderr
    report = json.loads((out / "head.json").read_text())
    report["access"] = [e for e in report["access"] if e["principal"] != API]
    (out / "base.json").write_text(json.dumps(report))
    return out / "base.json"


def run(
    base: Path, tmp: Path, *extra: str
) -> tuple[subprocess.CompletedProcess[str], dict[str, object], str]:
    done = kmsguard("--stack", "dev", "--baseline", str(base), "--json", str(tmp / "r.json"),
                    "--markdown", str(tmp / "r.md"), *extra)  # fmt: skip
    return done, json.loads((tmp / "r.json").read_text()), (tmp / "r.md").read_text()


def test_new_access_is_reported_first_and_the_exit_code_is_unchanged(base: Path, tmp_path: Path) -> None:
    done, report, summary = run(base, tmp_path)
    assert done.returncode == 0, done.stderr
    line = (
        "+ role/PaymentsApi can now encrypt, decrypt, re-encrypt-from, re-encrypt-to, generate-data-keys, "
        "describe dev-app-payments"
    )
    assert done.stdout.splitlines()[2:4] == [
        "Access changes against the baseline: 1 added, 0 removed",
        f"  {line}",
    ]
    changes = report["access_changes"]
    assert isinstance(changes, dict)
    assert [(c["principal"], c["change"]) for c in changes["added"]] == [(API, "gained")]
    assert changes["removed"] == []
    jsonschema.Draft202012Validator(report_schema()).validate(report)
    assert summary.index(line) < summary.index("## Who controls each key")


def test_fail_on_new_access_exits_1(base: Path, tmp_path: Path) -> None:
    done, _, _ = run(base, tmp_path, "--fail-on-new-access")
    assert done.returncode == 1, done.stderr


def test_a_report_as_its_own_baseline_changes_nothing(tmp_path: Path) -> None:
    first = kmsguard("--stack", "dev", "--json", str(tmp_path / "base.json"))
    assert first.returncode == 0, first.stderr
    done, report, _ = run(tmp_path / "base.json", tmp_path, "--fail-on-new-access")
    assert done.returncode == 0, done.stderr
    assert report["access_changes"] == {"added": [], "removed": []}


def test_fail_on_new_access_without_baseline_and_an_unreadable_baseline_exit_2(tmp_path: Path) -> None:
    alone = kmsguard("--stack", "dev", "--fail-on-new-access")
    assert (alone.returncode, alone.stderr) == (
        2,
        "kmsguard: error: --fail-on-new-access needs --baseline\n  pass the base branch's --json report\n",
    )
    missing = kmsguard("--stack", "dev", "--baseline", str(tmp_path / "nope.json"))
    assert missing.returncode == 2
    assert "cannot read the baseline" in missing.stderr


def test_the_bad_programs_report_validates_and_names_the_delegated_account(tmp_path: Path) -> None:
    done = kmsguard("--stack", "test", "--program", str(PROGRAMS / "bad"), "--policy-pack", str(PACK),
                    "--json", str(tmp_path / "r.json"))  # fmt: skip
    assert done.returncode == 1, done.stderr
    report = json.loads((tmp_path / "r.json").read_text())
    jsonschema.Draft202012Validator(report_schema()).validate(report)
    assert {(e["key_name"], e["principal"], e["controls_key"]) for e in report["access"]} == {
        ("MyVault", "111122223333", True),
        ("vault-replica", "111122223333", True),
    }
