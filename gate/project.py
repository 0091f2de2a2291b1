"""A Pulumi project and one of its stacks, read the way the CLI reads them.

`Pulumi.yaml` gives the name, the runtime, `main` (a file or a directory) and `stackConfigDir`;
`Pulumi.<stack>.yaml` gives the config. Config reaches the program as the CLI passes it in
`PULUMI_CONFIG`: keys `ns:key` (a bare key takes the project's namespace), every value a string,
objects and lists as JSON.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]

from kmsguard.gate.errors import GateError
from kmsguard.stackfile import yaml_problem

DEFAULT_ACCOUNT = "123456789012"
DEFAULT_PARTITION = "aws"
DEFAULT_REGION = "us-east-1"
#: What an encrypted (`secure:`) config value reads as offline: there is no key to decrypt it with.
SECRET_PLACEHOLDER = "kmsguard-preview-secret"


@dataclass(frozen=True)
class Project:
    name: str
    directory: Path
    #: The file the language host runs (`main` resolved; a directory means its `__main__.py`).
    main: Path
    stack: str
    stack_file: Path
    config: dict[str, str] = field(default_factory=dict)
    secret_keys: tuple[str, ...] = ()
    organization: str = "organization"
    #: Pulumi.yaml's `runtime` as written (`python` or `{name, options}`): it picks the interpreter.
    runtime: Any = "python"

    def get(self, key: str) -> str | None:
        return self.config.get(key)

    def get_json(self, key: str) -> Any:
        raw = self.config.get(key)
        if raw is None:
            return None
        try:
            return json.loads(raw)
        except json.JSONDecodeError:
            return raw

    @property
    def account_id(self) -> str:
        allowed = self.get_json("aws:allowedAccountIds")
        if isinstance(allowed, list) and allowed and isinstance(allowed[0], str | int):
            return str(allowed[0])
        return self.get("kmsguard:accountId") or DEFAULT_ACCOUNT

    @property
    def partition(self) -> str:
        return self.get("kmsguard:partition") or DEFAULT_PARTITION

    @property
    def region(self) -> str:
        return self.get("aws:region") or DEFAULT_REGION


def load(program_dir: Path, stack: str) -> Project:
    directory = program_dir.resolve()
    manifest = _read_yaml(directory / "Pulumi.yaml", "the project file")
    if manifest is None:
        raise GateError(
            f"no Pulumi.yaml in {program_dir}",
            "pass --program with the directory that holds the Pulumi project",
        )
    name = manifest.get("name")
    if not isinstance(name, str) or not name:
        raise GateError(f"{directory / 'Pulumi.yaml'} has no `name`", "add `name: <project>` to it")
    runtime = manifest.get("runtime")
    runtime_name = runtime.get("name") if isinstance(runtime, dict) else runtime
    if runtime_name != "python":
        raise GateError(
            f"project {name} has runtime {runtime_name!r}; the offline gate runs Python programs only",
            "use `pulumi preview --policy-pack policies` with the Pulumi CLI for other runtimes",
        )
    main = _main_file(directory, manifest.get("main"))
    config_dir = directory / str(manifest.get("stackConfigDir") or ".")
    stack_file = config_dir / f"Pulumi.{stack}.yaml"
    stack_doc = _read_yaml(stack_file, "the stack config file")
    if stack_doc is None:
        raise GateError(
            f"stack {stack!r} has no config file {stack_file.relative_to(directory)}",
            f"create it or pick an existing stack (Pulumi.<stack>.yaml in {config_dir.name or '.'})",
        )
    config, secrets = _project_defaults(name, manifest.get("config"))
    stack_config, stack_secrets = _flatten(name, stack_doc.get("config"), stack_file)
    config.update(stack_config)
    return Project(
        name=name,
        directory=directory,
        main=main,
        stack=stack,
        stack_file=stack_file,
        config=config,
        secret_keys=tuple(sorted(secrets | stack_secrets)),
        runtime=runtime,
    )


def _read_yaml(path: Path, what: str) -> dict[str, Any] | None:
    if not path.is_file():
        return None
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        problem = yaml_problem(exc, path).removesuffix("; fix the YAML syntax")
        raise GateError(f"{what} is not valid YAML: {problem}", "fix the YAML syntax") from None
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise GateError(f"{what} {path.name} must be a YAML mapping", "fix its top level")
    return doc


def _main_file(directory: Path, main: object) -> Path:
    target = directory / str(main) if isinstance(main, str) and main else directory
    if target.is_dir():
        target = target / "__main__.py"
    if not target.is_file():
        raise GateError(
            f"the program {target.relative_to(directory)} does not exist",
            "fix `main` in Pulumi.yaml or add the program",
        )
    return target


def _key(project: str, key: str) -> str:
    return key if ":" in key else f"{project}:{key}"


def _value(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value)


def _flatten(project: str, raw: object, source: Path) -> tuple[dict[str, str], set[str]]:
    if raw is None:
        return {}, set()
    if not isinstance(raw, dict):
        raise GateError(f"`config` in {source.name} must be a mapping", "write it as `key: value` lines")
    config: dict[str, str] = {}
    secrets: set[str] = set()
    for key, value in raw.items():
        full = _key(project, str(key))
        if isinstance(value, dict) and set(value) == {"secure"}:
            config[full] = SECRET_PLACEHOLDER
            secrets.add(full)
        else:
            config[full] = _value(value)
    return config, secrets


def _project_defaults(project: str, raw: object) -> tuple[dict[str, str], set[str]]:
    """Defaults declared in Pulumi.yaml's `config` block (`key: {default: ...}` or `key: value`)."""
    if not isinstance(raw, dict):
        return {}, set()
    config: dict[str, str] = {}
    for key, value in raw.items():
        if isinstance(value, dict):
            if "default" in value:
                config[_key(project, str(key))] = _value(value["default"])
            elif "value" in value:
                config[_key(project, str(key))] = _value(value["value"])
        else:
            config[_key(project, str(key))] = _value(value)
    return config, set()
