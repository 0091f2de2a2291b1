"""The README's quick start, run as written in an empty folder against the wheel installed in a
fresh virtualenv: its blocks are found by their `<!-- quickstart: ... -->` markers, so editing the
README without keeping it working fails here."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.packaging.conftest import ROOT, Installed

MARKED = re.compile(
    r"<!-- quickstart: (?P<what>run|file (?P<path>\S+)) -->\n```\w*\n(?P<body>.*?)```\n", re.DOTALL
)
#: The install block: the session's wheel stands in for `pip install kmsguard` (no index offline).
INSTALL = "python3 -m venv .venv\n. .venv/bin/activate\npip install kmsguard\n"
WORKFLOW = ".github/workflows/kmsguard.yml"


def blocks() -> list[tuple[str, str | None, str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return [(m["what"].split()[0], m["path"], m["body"]) for m in MARKED.finditer(text)]


def test_the_quick_start_has_every_step() -> None:
    assert [(what, path) for what, path, _ in blocks()] == [
        ("run", None),
        ("file", "Pulumi.yaml"),
        ("file", "Pulumi.dev.yaml"),
        ("file", "__main__.py"),
        ("run", None),
        ("file", WORKFLOW),
    ]
    assert blocks()[0][2] == INSTALL


def bash(script: str, cwd: Path, installed: Installed, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-e", "-c", script],
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", "HOME": str(home), "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.mark.slow
def test_the_quick_start_runs_as_written(tmp_path: Path, installed: Installed) -> None:
    project = tmp_path / "orders"
    project.mkdir()
    (project / ".venv").symlink_to(installed.venv)  # what the install block made
    runs: list[str] = []
    for what, path, body in blocks():
        if what == "file":
            assert path is not None
            (project / path).parent.mkdir(parents=True, exist_ok=True)
            (project / path).write_text(body, encoding="utf-8")
        elif body != INSTALL:
            runs.append(body)
    # Each later shell block runs in the shell the install block left: the virtualenv activated.
    for body in runs:
        done = bash(f". .venv/bin/activate\n{body}", project, installed, tmp_path)
        assert done.returncode == 0, done.stdout + done.stderr
        assert done.stdout.rstrip().endswith("PASSED: no policy violations")


@pytest.mark.slow
def test_the_quick_start_workflow_runs_as_written(tmp_path: Path, installed: Installed) -> None:
    """The adopting repository's workflow: its shell steps run in the project checkout (the action
    steps are GitHub's); the install step is the one the wheel stands in for."""
    project = tmp_path / "orders"
    project.mkdir()
    for what, path, body in blocks():
        if what == "file" and path is not None:
            (project / path).parent.mkdir(parents=True, exist_ok=True)
            (project / path).write_text(body, encoding="utf-8")
    workflow = yaml.safe_load((project / WORKFLOW).read_text(encoding="utf-8"))
    steps = workflow["jobs"]["gate"]["steps"]
    assert [s.get("uses") for s in steps if "uses" in s] == [
        "actions/checkout@v4",
        "actions/setup-python@v5",
        "github/codeql-action/upload-sarif@v3",
    ]
    runs = [s["run"] for s in steps if "run" in s]
    assert runs[0] == "python -m venv .venv && .venv/bin/pip install kmsguard"
    (project / ".venv").symlink_to(installed.venv)
    for script in runs[1:]:
        done = bash(script, project, installed, tmp_path)
        assert done.returncode == 0, done.stdout + done.stderr
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif"))
    sarif = json.loads((project / upload["with"]["sarif_file"]).read_text(encoding="utf-8"))
    assert sarif["runs"][0]["results"] == []
    assert sarif["runs"][0]["tool"]["driver"]["name"] == "kmsguard"
