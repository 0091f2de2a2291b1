"""Shared paths and a CLI runner for the gate's tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROGRAMS = Path(__file__).resolve().parent / "programs"
PACK = ROOT / "policies"


def kmsguard(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """The console script as a user runs it (a separate process: the program runs in-process there)."""
    return subprocess.run(
        [sys.executable, "-m", "kmsguard.gate.cli", "preview", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "PYTHONPATH": str(ROOT)},
    )
