"""The interpreters the gate picks, as the Pulumi CLI's Python host would: the pack's from
PulumiPolicy.yaml, the program's from Pulumi.yaml; a named virtualenv that is missing is an error
with its fix, never a fallback. Small virtualenvs in tmp (no pip) keep these fast."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from kmsguard.gate import pack as packs
from kmsguard.gate.errors import GateError
from kmsguard.gate.interpreter import resolve
from kmsguard.gate.project import Project
from tests.gate.helpers import ROOT

PACK = ROOT / "policies"


def make_venv(where: Path, *, with_kmsguard: bool, module: str | None = None) -> Path:
    """A virtualenv without pip; with kmsguard, it also sees the test environment's packages (run as
    a site dir, so kmsguard's editable-install hook works there); `module` exists only in it."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True, timeout=120)
    site = Path(
        subprocess.run(
            [str(where / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    if with_kmsguard:
        (site / "outer.pth").write_text(
            f"import site; site.addsitedir({sysconfig.get_path('purelib')!r})\n", encoding="utf-8"
        )
    if module is not None:
        (site / f"{module}.py").write_text("HERE = True\n", encoding="utf-8")
    return where


def write_pack(folder: Path, options: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "PulumiPolicy.yaml").write_text(
        f"runtime:\n  name: python\n  options:\n{options}", encoding="utf-8"
    )
    return folder


def test_the_repository_pack_runs_on_its_own_virtualenv() -> None:
    python = packs.pack_interpreter(PACK)
    assert (python.python, python.virtualenv) == (PACK / "venv" / "bin" / "python", PACK / "venv")
    assert python.origin == "the virtualenv venv (policies/PulumiPolicy.yaml)"


def test_a_missing_pack_virtualenv_is_an_error_with_the_fix(tmp_path: Path) -> None:
    pack = write_pack(tmp_path / "policies", "    toolchain: pip\n    virtualenv: venv\n")
    with pytest.raises(GateError) as raised:
        packs.pack_interpreter(pack)
    assert (raised.value.problem, raised.value.fix) == (
        f"policies/PulumiPolicy.yaml names the virtualenv venv, but {pack}/venv/bin/python does not exist",
        f"run `pulumi install` in {pack} (it creates the virtualenv and installs the pack's requirements.txt); "
        "in a kmsguard checkout, `make install` does it",
    )


def test_without_a_virtualenv_the_pack_takes_the_ambient_python(tmp_path: Path) -> None:
    python = packs.pack_interpreter(write_pack(tmp_path / "pack", "    toolchain: pip\n"))
    assert (python.python, python.virtualenv) == (Path(sys.executable), None)
    assert python.is_current


@pytest.mark.parametrize(
    ("options", "problem", "fix"),
    [
        pytest.param("    virtualenv: [venv]\n", "pack/PulumiPolicy.yaml: the virtualenv option must be a string",
                     "write it as a folder path", id="virtualenv_a_list"),
        pytest.param("    toolchain: conda\n", "pack/PulumiPolicy.yaml: unsupported toolchain option: conda",
                     "use one of pip, poetry, uv", id="unknown_toolchain"),
    ],
)  # fmt: skip
def test_options_the_cli_refuses_are_refused(tmp_path: Path, options: str, problem: str, fix: str) -> None:
    with pytest.raises(GateError) as raised:
        packs.pack_interpreter(write_pack(tmp_path / "pack", options))
    assert (raised.value.problem, raised.value.fix) == (problem, fix)


def test_uv_takes_the_environment_beside_the_nearest_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    make_venv(tmp_path / ".venv", with_kmsguard=False)
    python = resolve(
        tmp_path / "app", {"name": "python", "options": {"toolchain": "uv"}}, "Pulumi.yaml", "fix"
    )
    assert (python.python, python.virtualenv) == (tmp_path / ".venv" / "bin" / "python", tmp_path / ".venv")


@pytest.mark.slow
def test_the_pack_really_starts_on_its_virtualenv(tmp_path: Path) -> None:
    """A pack that imports a module present only in its own virtualenv starts and serves."""
    pack = write_pack(tmp_path / "pack", "    toolchain: pip\n    virtualenv: venv\n")
    make_venv(pack / "venv", with_kmsguard=True, module="only_in_the_pack_venv")
    (pack / "__main__.py").write_text(
        "import only_in_the_pack_venv\n"
        "from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy\n"
        "PolicyPack(name='t', enforcement_level=EnforcementLevel.ADVISORY, policies=[\n"
        "    ResourceValidationPolicy(name='noop', description='d', validate=lambda args, report: None)])\n",
        encoding="utf-8",
    )
    project = Project(
        name="p", directory=tmp_path, main=tmp_path / "__main__.py", stack="dev", stack_file=tmp_path
    )
    process = packs.PackProcess(pack, project)
    try:
        process.start()
        assert process.port > 0
    finally:
        process.stop()


PROGRAM = """\
import only_in_the_program_venv
import pulumi_aws as aws
aws.kms.Key("k", description="program key")
"""


def write_program(folder: Path) -> Path:
    folder.mkdir()
    (folder / "Pulumi.yaml").write_text(
        "name: own\nruntime:\n  name: python\n  options:\n    toolchain: pip\n    virtualenv: venv\n",
        encoding="utf-8",
    )
    (folder / "Pulumi.dev.yaml").write_text("config: {}\n", encoding="utf-8")
    (folder / "__main__.py").write_text(PROGRAM, encoding="utf-8")
    return folder


def preview(program: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kmsguard.gate.cli", "preview", "--stack", "dev", "--program", str(program),
         "--policy-pack", str(PACK), "--allow-unknowns"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
    )  # fmt: skip


@pytest.mark.slow
def test_the_program_runs_in_its_own_virtualenv(tmp_path: Path) -> None:
    program = write_program(tmp_path / "own")
    make_venv(program / "venv", with_kmsguard=True, module="only_in_the_program_venv")
    done = preview(program)
    assert "No module named" not in done.stderr, done.stderr
    assert "Evaluated: 1 resources" in done.stdout, done.stdout + done.stderr


@pytest.mark.slow
def test_kmsguard_missing_in_the_programs_virtualenv_is_said_clearly(tmp_path: Path) -> None:
    program = write_program(tmp_path / "own")
    make_venv(program / "venv", with_kmsguard=False, module="only_in_the_program_venv")
    done = preview(program)
    assert done.returncode == 2
    assert done.stderr == (
        "kmsguard: error: kmsguard is not installed in the virtualenv venv (Pulumi.yaml), where the gate "
        "runs the program\n"
        f"  install it there: {program}/venv/bin/python -m pip install kmsguard (or add kmsguard to the "
        "program's requirements.txt and run `pulumi install`)\n"
    )


def test_a_missing_program_virtualenv_is_an_error_with_the_fix(tmp_path: Path) -> None:
    program = write_program(tmp_path / "own")
    done = preview(program)
    assert done.returncode == 2
    assert done.stderr == (
        f"kmsguard: error: Pulumi.yaml names the virtualenv venv, but {program}/venv/bin/python does not exist\n"
        f"  run `pulumi install` in {program} (it creates the virtualenv and installs the program's "
        "requirements.txt)\n"
    )
