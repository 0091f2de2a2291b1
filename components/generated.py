"""The `--write` / `--check` command shared by every file the components generate."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path


def generated_file_main(module: str, path: Path, render: Callable[[], str], argv: list[str] | None) -> int:
    """Write `path` from `render()`, or exit 1 when the committed copy differs (the staleness check)."""
    parser = argparse.ArgumentParser(prog=f"python -m {module}", description=f"Generate {path.name}.")
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", action="store_true", help=f"write {path.name}")
    action.add_argument(
        "--check", action="store_true", help=f"exit 1 when the committed {path.name} is stale"
    )
    args = parser.parse_args(argv)
    text = render()
    if args.write:
        path.write_text(text)
        return 0
    if not path.exists() or path.read_text() != text:
        print(f"{path.name} is stale; run `python -m {module} --write`", file=sys.stderr)
        return 1
    return 0
