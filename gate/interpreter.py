"""Which Python runs a program or a policy pack: the rules of the Pulumi CLI's Python host.

`runtime.options` of Pulumi.yaml / PulumiPolicy.yaml, as pulumi-language-python reads them
(`parseOptions` and `toolchain.ResolveToolchain` in the pulumi/pulumi repository):
- `virtualenv` (relative to the file's folder, or absolute): its `bin/python`, with the environment
  activated (`VIRTUAL_ENV`, `PATH`, no `PYTHONHOME`). A missing one is an error, never a fallback.
- `toolchain: uv` (or none set and a `uv.lock` above): `virtualenv`, else `$UV_PROJECT_ENVIRONMENT` or
  `.venv` beside the nearest `uv.lock`, else the nearest `pyproject.toml`, else the folder itself.
- `toolchain: poetry` (or none set and a `poetry.lock` above): poetry's environment for the folder.
- `pip` (or nothing) without `virtualenv`: the CLI takes the ambient Python. The gate's ambient Python
  is its own interpreter: `kmsguard` was started from the environment the user has active.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from kmsguard.gate.errors import GateError

TOOLCHAINS: Final = ("pip", "poetry", "uv")


@dataclass(frozen=True)
class Interpreter:
    python: Path
    #: The virtualenv the CLI would activate; None for the ambient Python (the gate's own).
    virtualenv: Path | None
    #: Where the choice comes from, for messages: "the virtualenv .venv (Pulumi.yaml)".
    origin: str

    @property
    def is_current(self) -> bool:
        """Whether this is the environment the gate runs in (nothing to switch to)."""
        return self.virtualenv is None or _same(self.virtualenv, Path(sys.prefix))

    def environ(self, base: Mapping[str, str]) -> dict[str, str]:
        """`base` with the virtualenv activated as the CLI does (`toolchain.ActivateVirtualEnv`)."""
        env = {k: v for k, v in base.items() if k not in ("PYTHONHOME", "VIRTUAL_ENV")}
        if self.virtualenv is not None:
            env["VIRTUAL_ENV"] = str(self.virtualenv)
            env["PATH"] = os.pathsep.join(filter(None, (str(self.virtualenv / "bin"), base.get("PATH", ""))))
        return env


def ambient(origin: str) -> Interpreter:
    return Interpreter(Path(sys.executable), None, origin)


def resolve(folder: Path, runtime: object, manifest: str, fix_missing: str) -> Interpreter:
    """The interpreter the CLI would run `folder`'s program or pack with, from its `runtime`.

    `manifest` names the file (`Pulumi.yaml`, `policies/PulumiPolicy.yaml`) in messages; `fix_missing`
    is the fix printed when the named virtualenv does not exist."""
    options = runtime.get("options") if isinstance(runtime, Mapping) else None
    options = options if isinstance(options, Mapping) else {}
    virtualenv = options.get("virtualenv")
    if virtualenv is not None and not isinstance(virtualenv, str):
        raise GateError(f"{manifest}: the virtualenv option must be a string", "write it as a folder path")
    toolchain = options.get("toolchain")
    if toolchain is not None and toolchain not in TOOLCHAINS:
        raise GateError(
            f"{manifest}: unsupported toolchain option: {toolchain}", f"use one of {', '.join(TOOLCHAINS)}"
        )
    if toolchain is None:
        toolchain = (
            "uv"
            if _search_up(folder, "uv.lock")
            else "poetry"
            if _search_up(folder, "poetry.lock")
            else "pip"
        )
    if toolchain == "poetry":
        return _poetry(folder, manifest)
    if virtualenv:
        path = Path(virtualenv) if Path(virtualenv).is_absolute() else folder / virtualenv
        origin = f"the virtualenv {virtualenv} ({manifest})"
    elif toolchain == "uv":
        path = _uv_environment(folder)
        origin = f"uv's environment {path} ({manifest}: toolchain uv)"
    else:
        return ambient(f"the ambient Python ({manifest} names no virtualenv)")
    python = path / "bin" / "python"
    if not python.exists():
        raise GateError(f"{manifest} names {origin.split(' (')[0]}, but {python} does not exist", fix_missing)
    return Interpreter(python, path, origin)


def _uv_environment(folder: Path) -> Path:
    base = _search_up(folder, "uv.lock") or _search_up(folder, "pyproject.toml") or folder
    configured = os.environ.get("UV_PROJECT_ENVIRONMENT")
    if configured:
        return Path(configured) if Path(configured).is_absolute() else base / configured
    return base / ".venv"


def _poetry(folder: Path, manifest: str) -> Interpreter:
    poetry = shutil.which("poetry")
    if poetry is None:
        raise GateError(
            f"{manifest} selects the poetry toolchain, but poetry is not on PATH", "install poetry"
        )
    done = subprocess.run(
        [poetry, "env", "info", "--path"], cwd=folder, capture_output=True, text=True, check=False
    )
    path = Path(done.stdout.strip()) if done.returncode == 0 and done.stdout.strip() else None
    if path is None or not (path / "bin" / "python").exists():
        raise GateError(
            f"{manifest} selects the poetry toolchain, but poetry has no environment for {folder}",
            f"run `pulumi install` (or `poetry install`) in {folder}",
        )
    return Interpreter(path / "bin" / "python", path, f"poetry's environment {path} ({manifest})")


def _search_up(folder: Path, name: str) -> Path | None:
    for candidate in (folder, *folder.parents):
        if (candidate / name).exists():
            return candidate
    return None


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def has_module(interpreter: Interpreter, module: str) -> bool:
    """Whether `module` is importable by the interpreter (found, not imported: cheap)."""
    done = subprocess.run(
        [
            str(interpreter.python),
            "-c",
            f"import importlib.util, sys; sys.exit(importlib.util.find_spec({module!r}) is None)",
        ],
        env=interpreter.environ(os.environ),
        capture_output=True,
        check=False,
    )
    return done.returncode == 0
