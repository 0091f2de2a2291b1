"""Where a config value sits in its stack file: `stacks/Pulumi.dev.yaml:23:11`, for messages a stack
owner can act on.

The CLI hands a program its configuration without saying where it came from, so the file is found
the way the CLI finds it (`Pulumi.yaml` beside the program's root, its `stackConfigDir`, the stack's
name) and read with positions (PyYAML's node graph). Key paths are those of error messages and
origins: `kmsguard:catalog.data_classes[2].rotation.period_days`.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

# PyYAML ships without types.
import yaml  # type: ignore[import-untyped]

from kmsguard.errors import KmsGuardError

#: A key path, as error messages write it: `ns:key`, then `.field` and `[index]` steps.
_STEP: Final = re.compile(r"\[(\d+)\]|\.")
#: A line of an error message that starts with a key path (`<path>: <what to do>`), and the
#: relative paths some messages nest after it (`kmsguard:catalog.data_classes[1]: principals.users: …`).
_LEADING_PATH: Final = re.compile(r"^([A-Za-z][\w-]*:[\w.\[\]-]+): ")
_RELATIVE_PATH: Final = re.compile(r"^([A-Za-z_]\w*(?:\.[A-Za-z_]\w*|\[\d+\])*): ")


class StackFileError(KmsGuardError):
    """A stack or project file is not valid YAML; the message names the file, line and column."""


@dataclass(frozen=True)
class Position:
    """A place in a file; line and column count from 1."""

    path: Path
    line: int
    column: int

    def shown(self, root: Path | None = None) -> str:
        return f"{shown_path(self.path, root)}:{self.line}:{self.column}"


def shown_path(path: Path, root: Path | None = None) -> str:
    """`path` as a user would type it: relative to `root` (default: the working directory) when
    inside it, else absolute."""
    relative = os.path.relpath(path, root or Path.cwd())
    return str(path) if relative.startswith("..") else Path(relative).as_posix()


def yaml_problem(exc: yaml.YAMLError, path: Path, root: Path | None = None) -> str:
    """A YAML syntax error as `file:line:column: problem (context)`."""
    mark = getattr(exc, "problem_mark", None)
    where = shown_path(path, root) + (f":{mark.line + 1}:{mark.column + 1}" if mark is not None else "")
    problem = getattr(exc, "problem", None) or str(exc)
    context, context_mark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
    if context and context_mark is not None and (mark is None or context_mark.line != mark.line):
        problem += f" ({context} that starts on line {context_mark.line + 1})"
    elif context:
        problem += f" ({context})"
    return f"{where}: {problem}; fix the YAML syntax"


def find_project_file(directory: Path) -> Path | None:
    return next((directory / n for n in ("Pulumi.yaml", "Pulumi.yml") if (directory / n).is_file()), None)


def find(root: Path, stack: str) -> Path | None:
    """`Pulumi.<stack>.yaml` as the CLI finds it: in `stackConfigDir` of the project file in
    `root`, with that file's extension. None when there is no such file."""
    project_file = find_project_file(root)
    if project_file is None:
        return None
    try:
        manifest = yaml.safe_load(project_file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None
    config_dir = manifest.get("stackConfigDir") if isinstance(manifest, dict) else None
    # The CLI names a stack file by the stack's name, `/` (of an org-qualified name) as `-`.
    name = f"Pulumi.{stack.replace('/', '-')}{project_file.suffix}"
    path = root / (config_dir if isinstance(config_dir, str) else "") / name
    return path if path.is_file() else None


class StackFile:
    """One stack file's `config:` block with the position of every value."""

    def __init__(self, path: Path, text: str, namespace: str, root: Path | None = None) -> None:
        self.path = path
        self.namespace = namespace
        try:
            document = yaml.compose(text, Loader=yaml.SafeLoader)
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise StackFileError(yaml_problem(exc, path, root)) from None
        self._config_key: yaml.Node | None = None
        self._entries: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        self._values: dict[str, Any] = {}
        if isinstance(document, yaml.MappingNode):
            for key, value in document.value:
                if key.value == "config" and isinstance(value, yaml.MappingNode):
                    self._config_key = key
                    for entry_key, entry_value in value.value:
                        self._entries[self._full(str(entry_key.value))] = (entry_key, entry_value)
        if isinstance(data, dict) and isinstance(data.get("config"), dict):
            self._values = {self._full(str(k)): v for k, v in data["config"].items()}

    @classmethod
    def read(cls, path: Path, namespace: str, root: Path | None = None) -> StackFile:
        return cls(path, path.read_text(encoding="utf-8"), namespace, root)

    def _full(self, key: str) -> str:
        # A bare key takes the project's namespace, as the CLI reads it.
        return key if ":" in key else f"{self.namespace}:{key}"

    def agrees(self, key: str, given: str | None) -> bool:
        """Whether the file holds the value the program was given for `key` (the CLI may have taken
        it elsewhere: `--config-file`, an environment): only then do its lines describe it."""
        if key not in self._values:
            return given is None
        if given is None:
            return False
        value = self._values[key]
        if isinstance(value, dict) and set(value) == {"secure"}:
            return True  # the program sees the decrypted value, which the file cannot show
        return bool(_normal(given) == _normal(_as_config_string(value)))

    def position(self, key_path: str) -> Position:
        """The deepest node of `key_path` the file has: the value itself, else the entry that
        should hold it (a missing field points at its parent), else the `config:` line."""
        node = self._node(key_path)
        if node is None:
            node = self._config_key
        if node is None:
            return Position(self.path, 1, 1)
        return Position(self.path, node.start_mark.line + 1, node.start_mark.column + 1)

    def _node(self, key_path: str) -> yaml.Node | None:
        top = max((k for k in self._entries if _prefixes(k, key_path)), key=len, default=None)
        if top is None:
            return None
        found, value = self._entries[top]
        rest = key_path[len(top) :]
        while rest:
            step = _STEP.match(rest)
            if step is None:
                break
            if step.group(1) is not None:
                index = int(step.group(1))
                if not isinstance(value, yaml.SequenceNode) or index >= len(value.value):
                    break
                found = value = value.value[index]
                rest = rest[step.end() :]
                continue
            rest = rest[1:]
            if not isinstance(value, yaml.MappingNode):
                break
            match = max(
                ((k, v) for k, v in value.value if _prefixes(str(k.value), rest)),
                key=lambda kv: len(str(kv[0].value)),
                default=None,
            )
            if match is None:
                break
            found, value = match
            rest = rest[len(str(found.value)) :]
        return found

    def locate(self, message: str, values: Mapping[str, str | None], root: Path | None = None) -> str:
        """Each line of `message` that starts with a key path, prefixed with that path's position
        when the file holds the value the program was given."""
        return "\n".join(self._located(line, values, root) for line in message.splitlines())

    def _located(self, line: str, values: Mapping[str, str | None], root: Path | None) -> str:
        leading = _LEADING_PATH.match(line)
        if leading is None:
            return line
        path, rest = leading.group(1), line[leading.end() :]
        top = max((k for k in values if _prefixes(k, path)), key=len, default=None)
        if top is None or not self.agrees(top, values.get(top)):
            return line
        while (nested := _RELATIVE_PATH.match(rest)) is not None:
            path, rest = f"{path}.{nested.group(1)}", rest[nested.end() :]
        return f"{self.position(path).shown(root)}: {line}"


def _prefixes(key: str, path: str) -> bool:
    return path.startswith(key) and (len(path) == len(key) or path[len(key)] in ".[")


def _as_config_string(value: Any) -> str:
    """A file value as the CLI hands it to the program (strings as they are, the rest as JSON)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value)


def _normal(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text
