"""Generated reference of every component input and output → `components/REFERENCE.md`.

The tables come from the models' JSON schemas (field descriptions included), so documentation and
code cannot drift: `python -m kmsguard.docs --write` regenerates the file, `--check` exits 1 when
it is stale, and generation fails when a field has no description.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from kmsguard import key
from kmsguard.catalog import CATALOG_TYPE_TOKEN
from kmsguard.catalog_spec import CatalogSpec
from kmsguard.config import StackConfig
from kmsguard.generated import generated_file_main
from kmsguard.interface import (
    KeyCatalogArgs,
    KeyCatalogOutputs,
    KeyMonitoringArgs,
    KeyMonitoringOutputs,
    KmsKeyArgs,
    KmsKeyOutputs,
)
from kmsguard.monitoring import MONITORING_TYPE_TOKEN
from kmsguard.monitoring import __doc__ as MONITORING_DOC
from kmsguard.monitoring_spec import MonitoringSpec
from kmsguard.spec import KmsKeySpec

REFERENCE_PATH = Path(__file__).resolve().parent / "REFERENCE.md"
_STACK_KEYS = frozenset(f.alias or n for n, f in StackConfig.model_fields.items())


class MissingDescriptionError(Exception):
    """Some fields have no description; the message lists them."""


@dataclass(frozen=True)
class Row:
    path: str
    type: str
    default: str
    description: str


def model_rows(model: type[BaseModel], *, by_alias: bool = False) -> list[Row]:
    schema = model.model_json_schema(by_alias=by_alias, mode="validation")
    rows: list[Row] = []
    _walk(schema, schema.get("$defs", {}), "", rows, frozenset())
    missing = [r.path for r in rows if not r.description]
    if missing:
        raise MissingDescriptionError(f"{model.__name__}: no description for {', '.join(missing)}; add one")
    return rows


def _resolve(prop: dict[str, Any], defs: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    ref = prop.get("$ref")
    if ref is None:
        return None, prop
    name = ref.rsplit("/", 1)[-1]
    return name, defs[name]


def _walk(
    schema: dict[str, Any], defs: dict[str, Any], prefix: str, rows: list[Row], seen: frozenset[str]
) -> None:
    for name, prop in schema.get("properties", {}).items():
        path = f"{prefix}.{name}" if prefix else name
        default = json.dumps(prop["default"], ensure_ascii=False) if "default" in prop else ""
        rows.append(Row(path, _type(prop, defs), default, prop.get("description", "")))
        for sub_path, sub in _nested(prop, defs, path):
            ref_name = sub.get("title", "")
            if ref_name not in seen:
                _walk(sub, defs, sub_path, rows, seen | {ref_name})


def _nested(prop: dict[str, Any], defs: dict[str, Any], path: str) -> list[tuple[str, dict[str, Any]]]:
    """The object schemas below a property: itself, list items, map values, union members."""
    name, resolved = _resolve(prop, defs)
    if name is not None:
        return _nested(resolved, defs, path) if "properties" not in resolved else [(path, resolved)]
    if "properties" in resolved:
        return [(path, resolved)]
    if resolved.get("type") == "array" and isinstance(resolved.get("items"), dict):
        return _nested(resolved["items"], defs, f"{path}[]")
    if isinstance(resolved.get("additionalProperties"), dict):
        return _nested(resolved["additionalProperties"], defs, f"{path}{{}}")
    members = resolved.get("oneOf") or resolved.get("anyOf") or []
    found: list[tuple[str, dict[str, Any]]] = []
    discriminated = "discriminator" in resolved or "oneOf" in resolved
    for member in members:
        _, target = _resolve(member, defs)
        tag = target.get("properties", {}).get("type", {}).get("const")
        sub_path = f"{path}[type={tag}]" if discriminated and tag else path
        found.extend(_nested(member, defs, sub_path))
    return found


def _type(prop: dict[str, Any], defs: dict[str, Any]) -> str:
    if "x-python-type" in prop:
        return str(prop["x-python-type"])
    name, resolved = _resolve(prop, defs)
    if name is not None:
        if "enum" in resolved:
            return " \\| ".join(str(v) for v in resolved["enum"])
        return name
    if "const" in resolved:
        return json.dumps(resolved["const"])
    if "enum" in resolved:
        return " \\| ".join(str(v) for v in resolved["enum"])
    for union in ("oneOf", "anyOf"):
        if union in resolved:
            return " \\| ".join(_type(m, defs) for m in resolved[union])
    kind = resolved.get("type", "any")
    if kind == "array":
        return f"list of {_type(resolved.get('items', {}), defs)}"
    if kind == "object" and isinstance(resolved.get("additionalProperties"), dict):
        return f"map of {_type(resolved['additionalProperties'], defs)}"
    return str(kind)


def _table(rows: list[Row]) -> str:
    lines = ["| field | type | default | description |", "|---|---|---|---|"]
    for r in rows:
        cells = (f"`{r.path}`", r.type, f"`{r.default}`" if r.default else "", r.description)
        lines.append(
            "| "
            + " | ".join(c.replace("\n", " ").replace("|", "\\|").replace("\\\\|", "\\|") for c in cells)
            + " |"
        )
    return "\n".join(lines)


def render() -> str:
    naming = (key.__doc__ or "").split("\n\n", 1)[1].strip()
    sections = [
        "# Component reference",
        "",
        "Generated by `python -m kmsguard.docs --write` from the models' field descriptions; do not edit.",
        "",
        f"## KmsKey (`{key.KEY_TYPE_TOKEN}`)",
        "",
        naming,
        "",
        "### Arguments",
        "",
        _table(model_rows(KmsKeyArgs)),
        "",
        "### Spec (`kmsguard.spec.KmsKeySpec`)",
        "",
        _table(model_rows(KmsKeySpec)),
        "",
        "### Outputs",
        "",
        _table(model_rows(KmsKeyOutputs, by_alias=True)),
        "",
        f"## KeyCatalog (`{CATALOG_TYPE_TOKEN}`)",
        "",
        "One KmsKey per data class, named `<catalog>-<data class>`; defaults merged into every class.",
        "",
        "### Arguments",
        "",
        _table(model_rows(KeyCatalogArgs)),
        "",
        "### Spec (`kmsguard.catalog_spec.CatalogSpec`)",
        "",
        _table(model_rows(CatalogSpec)),
        "",
        "### Outputs",
        "",
        _table(model_rows(KeyCatalogOutputs, by_alias=True)),
        "",
        f"## KeyMonitoring (`{MONITORING_TYPE_TOKEN}`)",
        "",
        (MONITORING_DOC or "").split("\n\n", 1)[1].strip(),
        "",
        "### Arguments",
        "",
        _table(model_rows(KeyMonitoringArgs)),
        "",
        "### Spec (`kmsguard.monitoring_spec.MonitoringSpec`)",
        "",
        _table(model_rows(MonitoringSpec)),
        "",
        "### Outputs",
        "",
        _table(model_rows(KeyMonitoringOutputs, by_alias=True)),
        "",
        "## Stack configuration (`stacks/Pulumi.<stack>.yaml`, `config:`)",
        "",
        "Schema: `stacks/config.schema.json` (`python -m kmsguard.schema --write`).",
        "",
        # Only the keys: the catalog's fields are the CatalogSpec table above.
        _table([r for r in model_rows(StackConfig, by_alias=True) if r.path in _STACK_KEYS]),
        "",
    ]
    return "\n".join(sections)


def main(argv: list[str] | None = None) -> int:
    return generated_file_main("kmsguard.docs", REFERENCE_PATH, render, argv)


if __name__ == "__main__":
    sys.exit(main())
