"""Policy configuration reconciled the way the CLI does before it calls Configure.

Per policy: its enforcement level and the `default` of each config-schema property, then the
pack's `initialConfig`, then the user's file (`--policy-config`, the `--policy-pack-config`
format). In each layer the key `all` sets every policy's level before per-policy entries apply.
The user's file is checked against the schemas first, so a typo fails the run instead of being
silently ignored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import jsonschema  # type: ignore[import-untyped]

from kmsguard.gate.errors import GateError
from kmsguard.gate.model import PolicyMeta

LEVELS: Final = ("advisory", "mandatory", "remediate", "disabled")
ALL: Final = "all"
_LEVEL_KEY: Final = "enforcementLevel"


@dataclass
class PolicySettings:
    enforcement: str
    properties: dict[str, Any] = field(default_factory=dict)


def read_file(path: Path) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GateError(
            f"policy config file {path} does not exist", "check the --policy-config path"
        ) from None
    except json.JSONDecodeError as exc:
        raise GateError(
            f"policy config file {path.name} is not valid JSON (line {exc.lineno}: {exc.msg})",
            "fix the JSON syntax",
        ) from None
    if not isinstance(doc, dict):
        raise GateError(
            f"policy config file {path.name} must hold a JSON object", "map policy names to settings"
        )
    return doc


def reconcile(
    policies: list[PolicyMeta], initial: dict[str, Any], user: dict[str, Any], source: str = "policy config"
) -> dict[str, PolicySettings]:
    by_name = {p.name: p for p in policies}
    validate(by_name, user, source)
    settings = {
        p.name: PolicySettings(
            p.enforcement,
            {k: v["default"] for k, v in p.config_schema.items() if isinstance(v, dict) and "default" in v},
        )
        for p in policies
    }
    for layer in (initial, user):
        if ALL in layer:
            level = _level_of(layer[ALL])
            if level is not None:
                for entry in settings.values():
                    entry.enforcement = level
        for name, value in layer.items():
            if name == ALL or name not in settings:
                continue
            level = _level_of(value)
            if level is not None:
                settings[name].enforcement = level
            if isinstance(value, dict):
                settings[name].properties.update({k: v for k, v in value.items() if k != _LEVEL_KEY})
    return settings


def validate(policies: dict[str, PolicyMeta], user: dict[str, Any], source: str) -> None:
    for name, value in user.items():
        if name != ALL and name not in policies:
            raise GateError(
                f"{source}: unknown policy {name!r}",
                f"use one of the pack's policy names (or `all`); e.g. {', '.join(sorted(policies)[:3])}",
            )
        if isinstance(value, str):
            _check_level(name, value, source)
            continue
        if not isinstance(value, dict):
            raise GateError(
                f"{source}: {name!r} must be an enforcement level or an object, got {json.dumps(value)}",
                f'write e.g. "{name}": "mandatory"',
            )
        if _LEVEL_KEY in value:
            _check_level(f"{name}.{_LEVEL_KEY}", value[_LEVEL_KEY], source)
        properties = {k: v for k, v in value.items() if k != _LEVEL_KEY}
        if name == ALL:
            if properties:
                raise GateError(
                    f"{source}: `all` takes only an enforcement level", "move the properties to a policy"
                )
            continue
        _check_properties(policies[name], properties, source)


def _check_properties(policy: PolicyMeta, properties: dict[str, Any], source: str) -> None:
    schema = policy.config_schema
    for key in properties:
        if key not in schema:
            allowed = ", ".join(sorted(schema)) or "none"
            raise GateError(
                f"{source}: {policy.name}.{key} is not a setting of policy {policy.name!r}",
                f"its settings are: {allowed}",
            )
    validator = jsonschema.Draft7Validator({"type": "object", "properties": schema})
    errors = sorted(validator.iter_errors(properties), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        path = ".".join(str(p) for p in first.absolute_path)
        raise GateError(
            f"{source}: {policy.name}.{path} is invalid: {first.message}",
            f"see the policy's config schema ({schema.get(str(first.absolute_path[0]), {}).get('description', 'no description')})"
            if first.absolute_path
            else "see the policy's config schema",
        )


def _check_level(key: str, value: Any, source: str) -> None:
    if value not in LEVELS:
        raise GateError(
            f"{source}: {key} = {json.dumps(value)} is not an enforcement level",
            f"use one of {', '.join(LEVELS)}",
        )


def _level_of(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get(_LEVEL_KEY), str):
        return str(value[_LEVEL_KEY])
    return None
