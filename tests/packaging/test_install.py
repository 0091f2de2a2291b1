"""kmsguard as a user gets it: one import package, one version, the pack in the wheel."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

import kmsguard
from kmsguard.gate import cli
from tests.packaging.conftest import Installed, wheel_names

ROOT = Path(__file__).resolve().parents[2]
VERSION = (ROOT / "policies" / "VERSION").read_text(encoding="utf-8").strip()

# Import names a user's own project may well have; kmsguard must never claim them.
GENERIC = ("components", "gate", "policies", "kmsguard_policies", "rule", "facts", "registry", "docs")


def test_one_version_for_package_pack_and_cli(capsys: pytest.CaptureFixture[str]) -> None:
    manifest = yaml.safe_load((ROOT / "policies" / "PulumiPolicy.yaml").read_text(encoding="utf-8"))
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert kmsguard.__version__ == VERSION
    assert str(manifest["version"]) == VERSION
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {"file": "policies/VERSION"}
    with pytest.raises(SystemExit) as exited:
        cli.main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out == f"kmsguard {VERSION}\n"


def test_policy_pack_path_prints_the_bundled_pack(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["policy-pack-path"]) == 0
    printed = Path(capsys.readouterr().out.strip())
    assert printed == (ROOT / "policies").resolve()
    assert (printed / "PulumiPolicy.yaml").is_file()
    assert (printed / "__main__.py").is_file()


def test_license_is_the_apache_2_0_text_pyproject_names() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["license"] == "Apache-2.0"
    assert pyproject["project"]["license-files"] == ["LICENSE"]
    assert text.split()[:4] == ["Apache", "License", "Version", "2.0,"]
    assert "END OF TERMS AND CONDITIONS" in text


def test_public_names_resolve_from_the_top_package() -> None:
    from kmsguard import KeyCatalog, KmsKey, KmsKeySpec, parse_key_spec  # noqa: PLC0415
    from kmsguard.catalog import KeyCatalog as CatalogClass  # noqa: PLC0415
    from kmsguard.key import KmsKey as KeyClass  # noqa: PLC0415
    from kmsguard.spec import KmsKeySpec as SpecClass  # noqa: PLC0415
    from kmsguard.spec import parse_key_spec as parse  # noqa: PLC0415

    assert (KmsKey, KeyCatalog, KmsKeySpec, parse_key_spec) == (KeyClass, CatalogClass, SpecClass, parse)
    assert sorted(kmsguard.__all__) == sorted([*kmsguard._EXPORTS, "__version__"])
    with pytest.raises(AttributeError, match="has no attribute 'Nope'"):
        _ = kmsguard.Nope  # type: ignore[attr-defined]


def test_importing_kmsguard_claims_no_generic_import_name() -> None:
    # A fresh interpreter outside the repository: nothing already imported can hide a stray import.
    code = (
        "import sys, kmsguard, kmsguard.gate.cli, kmsguard.policies.registry\n"
        "from kmsguard import KmsKey, KeyCatalog, KmsKeySpec, parse_key_spec\n"
        "kmsguard.policies.registry.all_rules()\n"
        f"print(sorted(set({GENERIC!r}) & set(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd="/", capture_output=True, text=True, check=True, timeout=300
    )
    assert out.stdout == "[]\n"


def test_the_gate_does_not_import_the_components() -> None:
    code = (
        "import sys, kmsguard.gate.cli\nprint('pulumi_aws' in sys.modules, 'kmsguard.key' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd="/", capture_output=True, text=True, check=True, timeout=300
    )
    assert out.stdout == "False False\n"


USER_MAIN = '''\
"""A user's program beside its own `components` and `gate` packages."""
import components
import gate
from kmsguard import KeyCatalog, KmsKey, KmsKeySpec, parse_key_spec
from kmsguard.program import main

assert components.MINE and gate.MINE
assert all(callable(thing) for thing in (KeyCatalog, KmsKey, KmsKeySpec, parse_key_spec))
main()
'''


@pytest.mark.slow
def test_the_wheel_carries_the_pack_and_no_virtualenv(installed: Installed) -> None:
    """The pack folder travels whole, but never the virtualenv `make install` creates inside it."""
    names = wheel_names(installed.wheel)
    assert installed.wheel.name.startswith(f"kmsguard-{VERSION}-")
    assert {"kmsguard/policies/PulumiPolicy.yaml", "kmsguard/policies/__main__.py"} <= set(names)
    assert (ROOT / "policies" / "venv" / "bin" / "python").exists()  # made by `make install`
    assert [n for n in names if "/venv/" in n or n.startswith("venv/")] == []


@pytest.mark.slow
def test_the_wheel_installed_in_a_fresh_virtualenv_gates_a_users_program(
    tmp_path: Path, installed: Installed
) -> None:
    """Non-editable: the wheel alone must carry the pack (PulumiPolicy.yaml, __main__.py, VERSION)."""
    venv, python = installed.venv, installed.python
    project = tmp_path / "project"
    for package in ("components", "gate"):
        (project / package).mkdir(parents=True)
        (project / package / "__init__.py").write_text("MINE = True\n", encoding="utf-8")
    (project / "__main__.py").write_text(USER_MAIN, encoding="utf-8")
    (project / "Pulumi.yaml").write_text("name: payments\nruntime: python\n", encoding="utf-8")
    shutil.copy(ROOT / "stacks" / "Pulumi.dev.yaml", project / "Pulumi.dev.yaml")

    env = installed.env(tmp_path)
    where = subprocess.run(
        [
            str(python),
            "-c",
            "import kmsguard, kmsguard.policies; print(kmsguard.__file__); print(kmsguard.policies.__file__)",
        ],
        cwd=project,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert all(Path(path).is_relative_to(venv) for path in where), where
    pack = subprocess.run(
        [str(venv / "bin" / "kmsguard"), "policy-pack-path"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert Path(pack).is_relative_to(venv)
    assert {"PulumiPolicy.yaml", "__main__.py", "VERSION"} <= set(os.listdir(pack))

    gated = subprocess.run(
        [str(venv / "bin" / "kmsguard"), "preview", "--stack", "dev", "--sarif", str(tmp_path / "r.sarif")],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert gated.returncode == 0, gated.stdout + gated.stderr
    sarif = json.loads((tmp_path / "r.sarif").read_text(encoding="utf-8"))
    assert sarif["runs"][0]["tool"]["driver"]["version"] == VERSION
    _assert_one_installed_version(venv, Path(pack), env, gated.stdout)


def _assert_one_installed_version(venv: Path, pack: Path, env: dict[str, str], report: str) -> None:
    """The wheel's metadata, `kmsguard --version`, the pack's version as the CLI and the gate report
    it (PulumiPolicy.yaml: the Python policy SDK's GetAnalyzerInfo always says 0.0.1, and the CLI
    reads the file instead) and the SARIF driver (checked above) all say VERSION."""
    metadata = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import importlib.metadata as m; print(m.version('kmsguard'))"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    shown = subprocess.run(
        [str(venv / "bin" / "kmsguard"), "--version"], env=env, check=True, capture_output=True, text=True
    ).stdout
    manifest = yaml.safe_load((pack / "PulumiPolicy.yaml").read_text(encoding="utf-8"))
    assert (metadata, shown, str(manifest["version"])) == (f"{VERSION}\n", f"kmsguard {VERSION}\n", VERSION)
    assert f"Policies: kmsguard {VERSION}, " in report
