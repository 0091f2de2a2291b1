"""kmsguard as a user gets it: one import package, one version, the pack in the wheel."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest
import yaml

import kmsguard
from kmsguard.gate import cli

ROOT = Path(__file__).resolve().parents[2]
VERSION = (ROOT / "policies" / "VERSION").read_text(encoding="utf-8").strip()

#: What a checkout holds besides its sources: environments, caches, earlier builds.
UNSHIPPED = (".git", ".venv", "venv", "build", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis")

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
def test_the_wheel_installed_in_a_fresh_virtualenv_gates_a_users_program(tmp_path: Path) -> None:
    """Non-editable: the wheel alone must carry the pack (PulumiPolicy.yaml, __main__.py, VERSION)."""
    wheels = tmp_path / "wheels"
    # setuptools reuses build/lib in the tree it builds, stale modules included (a renamed rule
    # would ship twice): build from a copy that holds only the sources.
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*UNSHIPPED))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheels),
            str(source),
        ],
        check=True,
        timeout=300,
        capture_output=True,
    )
    (wheel,) = wheels.glob("kmsguard-*.whl")
    assert wheel.name.startswith(f"kmsguard-{VERSION}-")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # The dependencies come from the test environment's site-packages, appended after the venv's
    # own (a plain path: its editable-install hook for kmsguard is not run), so no index is needed.
    (Path(site) / "deps.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-q",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        check=True,
        timeout=300,
        capture_output=True,
    )

    project = tmp_path / "project"
    for package in ("components", "gate"):
        (project / package).mkdir(parents=True)
        (project / package / "__init__.py").write_text("MINE = True\n", encoding="utf-8")
    (project / "__main__.py").write_text(USER_MAIN, encoding="utf-8")
    (project / "Pulumi.yaml").write_text("name: payments\nruntime: python\n", encoding="utf-8")
    shutil.copy(ROOT / "stacks" / "Pulumi.dev.yaml", project / "Pulumi.dev.yaml")

    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "NO_COLOR": "1", "HOME": str(tmp_path)}
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
