"""Run as `python -m tests.policies.provider_sweep`: import every resource module of the installed
pulumi-aws and print, as JSON, what the consumer-table tests need to know of it.

A separate process, because importing the whole provider registers every resource class and output
type with Pulumi's runtime, and that changes how later tests of the same process build resources
(`aws.kms.Grant` among them)."""

from __future__ import annotations

import importlib
import json
import re
import sys
import warnings
from pathlib import Path
from typing import Any

import pulumi_aws

_TOKEN = re.compile(r"super\((\w+), __self__\)\.__init__\(\s*'(aws:[^']+)'")
_OUTPUT_TYPE = re.compile(r"outputs\.(\w+)")


def provider_classes() -> dict[str, type]:
    """Type token → resource class, for every resource of the installed provider."""
    root = Path(pulumi_aws.__file__).parent
    found: dict[str, type] = {}
    for path in sorted(root.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for class_name, token in _TOKEN.findall(text):
            module = ".".join(("pulumi_aws", *path.relative_to(root).with_suffix("").parts))
            with warnings.catch_warnings():
                # Importing every module of the provider announces each deprecated resource.
                warnings.simplefilter("ignore", DeprecationWarning)
                found[token] = getattr(importlib.import_module(module), class_name)
    return found


def wire_names(cls: type) -> dict[str, Any]:
    """Wire name → getter, for a resource or output type."""
    names: dict[str, Any] = {}
    for attribute in vars(cls).values():
        if isinstance(attribute, property) and attribute.fget is not None:
            name = getattr(attribute.fget, "_pulumi_name", None)
            if name:
                names[name] = attribute.fget
    return names


def walk(cls: type, path: str) -> str | None:
    """Why the dotted wire path does not exist on the class (following nested output types); None if it does."""
    current = cls
    parts = path.split(".")
    for i, part in enumerate(parts):
        names = wire_names(current)
        if part not in names:
            return f"{cls.__name__}: {'.'.join(parts[: i + 1])} is not a wire name"
        if i == len(parts) - 1:
            return None
        annotation = repr(names[part].__annotations__.get("return"))
        match = _OUTPUT_TYPE.search(annotation)
        if match is None:
            return f"{cls.__name__}: {part} is not an object ({annotation})"
        outputs = importlib.import_module(current.__module__.rsplit(".", 1)[0] + ".outputs")
        current = getattr(outputs, match.group(1))
    return None


def sweep(paths: dict[str, list[str]]) -> dict[str, Any]:
    """Every type's top-level wire names (and which of them are flags), and for each (type, path) asked, why it does not walk."""
    classes = provider_classes()
    problems: dict[str, list[str]] = {}
    for token, wanted in paths.items():
        cls = classes.get(token)
        if cls is None:
            problems[token] = [f"{token} is not a resource of pulumi-aws"]
            continue
        problems[token] = [p for p in (walk(cls, path) for path in wanted) if p is not None]
    return {
        "wire_names": {token: sorted(wire_names(cls)) for token, cls in classes.items()},
        "flags": {
            token: sorted(
                name
                for name, getter in wire_names(cls).items()
                if "bool" in repr(getter.__annotations__.get("return"))
            )
            for token, cls in classes.items()
        },
        "problems": problems,
    }


if __name__ == "__main__":
    json.dump(sweep(json.load(sys.stdin)), sys.stdout)
