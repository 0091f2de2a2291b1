"""`--baseline`: a report that cannot serve as one is an error naming the file and why, never empty."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kmsguard.gate.access.baseline import read_baseline
from kmsguard.gate.errors import GateError

REPORT = {
    "stack": "dev", "project": "p", "resources": [], "violations": [],
    "access": [{"key": "urn:k", "key_name": "k", "principal": "111122223333", "principal_kind": "account",
                "capabilities": ["decrypt"], "controls_key": False, "conditions": {}, "unresolved": None}],
    "summary": {"resources": 0, "resources_by_type": {}, "policies": 0, "violations": 0, "mandatory": 0,
                "advisory": 0, "by_severity": {}, "passed": True},
}  # fmt: skip


def test_a_valid_report_gives_its_access_list(tmp_path: Path) -> None:
    path = tmp_path / "base.json"
    path.write_text(json.dumps(REPORT))
    assert read_baseline(path) == REPORT["access"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(None, "cannot read the baseline {path}: No such file or directory", id="missing"),
        pytest.param("{", "the baseline {path} is not JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)", id="not_json"),
        pytest.param(json.dumps({k: v for k, v in REPORT.items() if k != "access"}), "the baseline {path} has no `access` list", id="older_report_without_access"),
        pytest.param(json.dumps({**REPORT, "access": [{**REPORT["access"][0], "capabilities": ["teleport"]}]}), "the baseline {path} is not a kmsguard JSON report: at access/0/capabilities/0: 'teleport' is not one of", id="capability_outside_vocabulary"),
    ],
)  # fmt: skip
def test_an_unusable_baseline_is_an_error(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "base.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(GateError) as caught:
        read_baseline(path)
    assert str(caught.value).startswith(message.format(path=path))
