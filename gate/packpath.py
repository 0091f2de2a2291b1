"""`kmsguard policy-pack-path`: a pack folder the Pulumi CLI can start as it is.

The CLI starts a Python pack with the virtualenv its PulumiPolicy.yaml names (`venv`, next to the
file). A checkout has one (`make install`); the pack inside an installed wheel cannot, since nothing
may be created inside site-packages. For that pack the command prints a copy in the user's cache
whose `venv` is the environment kmsguard is installed in, which holds the pack's requirements by
construction (pulumi-policy is a kmsguard dependency). The copy is keyed by version and environment,
written beside its final place and renamed into it, so concurrent calls never see half a folder.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
from pathlib import Path

import kmsguard
from kmsguard.gate.pack import installed_pack

#: The folder the pack's virtualenv is in, as PulumiPolicy.yaml names it.
VENV_NAME = "venv"


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kmsguard"


def policy_pack_path(pack: Path) -> Path:
    """`pack` itself when the CLI can start it there, else the cached copy described above."""
    if pack.resolve() != installed_pack():
        return pack
    environment = Path(sys.prefix).resolve()
    tag = hashlib.sha256(str(environment).encode()).hexdigest()[:12]
    target = cache_root() / f"policy-pack-{kmsguard.__version__}-{tag}"
    if (target / "PulumiPolicy.yaml").is_file() and (target / VENV_NAME / "bin" / "python").exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        shutil.copytree(pack, staging / "pack", ignore=shutil.ignore_patterns("__pycache__", VENV_NAME))
        _link_environment(staging / "pack" / VENV_NAME, environment)
        try:
            (staging / "pack").rename(target)
        except OSError:  # another call won the race: its copy is the same
            if not (target / "PulumiPolicy.yaml").is_file():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _link_environment(venv: Path, environment: Path) -> None:
    if (environment / "pyvenv.cfg").is_file():
        # The virtualenv itself: its python finds its site-packages through its own pyvenv.cfg.
        venv.symlink_to(environment, target_is_directory=True)
        return
    # Not a virtualenv (a system or --user install): the interpreter alone finds its packages.
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").symlink_to(sys.executable)
