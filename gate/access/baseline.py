"""Reading `--baseline BASE.json`: an earlier `--json` report, checked before the run starts.

A baseline that cannot be read is an error (exit 2), never an empty one: an empty baseline would
report every access as new, and a silently skipped one would report none.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]

from kmsguard.gate.errors import GateError
from kmsguard.gate.report.schema import report_schema


def read_baseline(path: Path) -> list[dict[str, Any]]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise GateError(
            f"cannot read the baseline {path}: {exc.strerror}", "pass an earlier --json report"
        ) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise GateError(f"the baseline {path} is not JSON: {exc}", "pass an earlier --json report") from None
    if not isinstance(document, dict) or "access" not in document:
        raise GateError(
            f"the baseline {path} has no `access` list",
            "produce it with a kmsguard that reports access (`kmsguard preview --json`)",
        )
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(report_schema()).iter_errors(document)
    )
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise GateError(
            f"the baseline {path} is not a kmsguard JSON report: at {where}: {error.message}",
            "pass an earlier --json report",
        )
    access: list[dict[str, Any]] = document["access"]
    return access
