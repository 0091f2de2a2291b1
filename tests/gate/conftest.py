"""The SARIF Multitool (Microsoft's validator, ships the SARIF 2.1.0 schema), installed once per machine
into a cache outside the repository."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SARIF_TOOL = "@microsoft/sarif-multitool-linux@5.7.0"


@pytest.fixture(scope="session")
def sarif_multitool() -> Path:
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip(
            "npm is not installed, so the SARIF Multitool (npm @microsoft/sarif-multitool-linux) cannot run"
        )
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kmsguard" / "sarif-multitool"
    tool = cache / "node_modules" / ".bin" / "sarif-multitool-linux"
    if not tool.exists():
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--silent", "--prefix", str(cache), SARIF_TOOL],
            check=True,
            timeout=600,
        )
    return tool
