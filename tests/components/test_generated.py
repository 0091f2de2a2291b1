"""The shared --write/--check command: write creates the file, check fails exactly when it is stale."""

from pathlib import Path

import pytest

from kmsguard.generated import generated_file_main


def test_write_then_check_then_stale(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "OUT.md"
    assert generated_file_main("kmsguard.x", target, lambda: "v1\n", ["--check"]) == 1
    assert generated_file_main("kmsguard.x", target, lambda: "v1\n", ["--write"]) == 0
    assert target.read_text() == "v1\n"
    assert generated_file_main("kmsguard.x", target, lambda: "v1\n", ["--check"]) == 0
    assert generated_file_main("kmsguard.x", target, lambda: "v2\n", ["--check"]) == 1
    assert capsys.readouterr().err.splitlines()[-1] == "OUT.md is stale; run `python -m kmsguard.x --write`"
