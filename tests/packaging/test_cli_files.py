"""Pulumi.yaml and policies/PulumiPolicy.yaml hold only what the Pulumi CLI reads, name only
virtualenvs `make install` creates, and `pulumi install` has something to install in each folder.

The field sets are the CLI's (pulumi/pulumi: sdk/go/common/workspace/project.go, `Project` and
`PolicyPackProject`; the Python host's `parseOptions` in sdk/python/cmd/pulumi-language-python).
The CLI reads both files leniently, so a misspelt field would be ignored silently: hence this test.
"""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

import yaml

from kmsguard.gate.interpreter import TOOLCHAINS, resolve
from tests.packaging.conftest import ROOT

PROJECT_FIELDS = {
    "name", "runtime", "main", "description", "author", "website", "license", "config", "stackConfigDir",
    "template", "backend", "options", "packages", "plugins", "requiredPulumiVersion",
}  # fmt: skip
POLICY_PACK_FIELDS = {"runtime", "version", "main", "description", "author", "website", "license"}
PYTHON_OPTIONS = {"virtualenv", "toolchain", "typechecker"}


def read(path: Path) -> dict[str, object]:
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def requirement_lines(path: Path) -> list[str]:
    return [
        line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")
    ]


def test_pulumi_yaml_holds_only_fields_the_cli_reads() -> None:
    project = read(ROOT / "Pulumi.yaml")
    assert set(project) <= PROJECT_FIELDS
    runtime = project["runtime"]
    assert isinstance(runtime, dict)
    assert runtime["name"] == "python"
    assert set(runtime["options"]) <= PYTHON_OPTIONS
    assert runtime["options"]["toolchain"] in TOOLCHAINS
    assert (ROOT / str(project["main"]) / "__main__.py").is_file()
    assert sorted(p.name for p in (ROOT / str(project["stackConfigDir"])).glob("Pulumi.*.yaml")) == [
        "Pulumi.dev.yaml",
        "Pulumi.prod.yaml",
        "Pulumi.staging.yaml",
    ]


def test_pulumi_policy_yaml_holds_only_fields_the_cli_reads() -> None:
    pack = read(ROOT / "policies" / "PulumiPolicy.yaml")
    # No `name`: the CLI takes the pack's name from PolicyPack(name=...) over GetAnalyzerInfo.
    assert set(pack) <= POLICY_PACK_FIELDS
    assert isinstance(pack["version"], str)
    assert re.fullmatch(r"[a-zA-Z0-9-_.]{1,100}", pack["version"])  # the service's version tag
    runtime = pack["runtime"]
    assert isinstance(runtime, dict)
    assert set(runtime["options"]) <= PYTHON_OPTIONS
    assert runtime["options"] == {"toolchain": "pip", "virtualenv": "venv"}


def test_make_install_created_every_virtualenv_the_files_name() -> None:
    program = resolve(ROOT, read(ROOT / "Pulumi.yaml")["runtime"], "Pulumi.yaml", "make install")
    assert program.is_current  # the tests run in it
    pack = resolve(
        ROOT / "policies", read(ROOT / "policies" / "PulumiPolicy.yaml")["runtime"], "p", "make install"
    )
    done = subprocess.run(
        [str(pack.python), "-c", "import pulumi_policy, pulumi; print('ok')"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout) == (0, "ok\n"), done.stderr


def test_pulumi_install_has_something_to_install() -> None:
    """`pulumi install` at the root installs requirements.txt into .venv: kmsguard itself; in
    policies/ it installs the pack's requirements.txt into policies/venv: the pins kmsguard has."""
    assert requirement_lines(ROOT / "requirements.txt") == ["-e ."]
    pins = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    pack_pins = [pin for pin in pins if re.match(r"pulumi(-policy)?[<>=]", pin)]
    assert requirement_lines(ROOT / "policies" / "requirements.txt") == pack_pins


def test_the_packs_virtualenv_is_kept_out_of_git() -> None:
    done = subprocess.run(
        ["git", "-C", str(ROOT), "check-ignore", "-q", "policies/venv/bin/python"], check=False
    )
    assert done.returncode == 0
