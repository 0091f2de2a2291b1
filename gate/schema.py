"""The outputs a provider's schema declares for a resource type, read from its Python SDK.

A pulumi_aws resource class exposes every output as a property (`@pulumi.getter(name="uniqueId")`)
typed `Output[T]`; its `…Args` class exposes the inputs. What the class has and the Args class has
not is computed by the provider (`arn`, `uniqueId`, `createDate`, `tagsAll` …): the mocks must fill
those, or every use of them in a program stays unknown and the gate cannot judge what depends on
them. Read once per type, from whichever SDK the program imported.
"""

from __future__ import annotations

import importlib
import inspect
import typing
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, Final, Literal

from pulumi.runtime import rpc

Kind = Literal["str", "bool", "number", "list", "map", "object"]
_SCALARS: Final[dict[Any, Kind]] = {str: "str", bool: "bool", int: "number", float: "number"}


@lru_cache(maxsize=512)
def computed_outputs(type_token: str) -> tuple[tuple[str, Kind], ...]:
    """(wire name, kind) of each output the provider computes for `type_token`; empty when the
    type's SDK class cannot be found (a component, a package the program did not import)."""
    found = _classes(type_token)
    if found is None:
        return ()
    resource_class, args_class = found
    inputs = {name for name, _ in _getters(args_class)} if args_class is not None else set()
    return tuple(
        (name, _kind(annotation)) for name, annotation in _getters(resource_class) if name not in inputs
    )


@lru_cache(maxsize=512)
def autonamed(type_token: str) -> bool:
    """Whether the provider names the resource when the program does not: `name` is an input and
    an output that is always set (typed `Output[str]`, not Optional). The real preview knows that
    name (the provider's Check generates it), so the mocks must too."""
    found = _classes(type_token)
    if found is None:
        return False
    resource_class, args_class = found
    if args_class is None:
        return False
    output = dict(_getters(resource_class)).get("name")
    inputs = {name for name, _ in _getters(args_class)}
    return "name" in inputs and typing.get_args(output) == (str,)


def _classes(type_token: str) -> tuple[type, type | None] | None:
    parts = type_token.split(":")
    if len(parts) != 3:
        return None
    package, module_path, class_name = parts
    module = rpc.get_resource_module(package, module_path, "")
    info = getattr(module, "mod_info", None)
    if not isinstance(info, dict) or not isinstance(info.get("fqn"), str):
        return None
    try:
        python_module = importlib.import_module(info["fqn"])
    except ImportError:
        return None
    resource_class = getattr(python_module, str(info.get("classes", {}).get(type_token, class_name)), None)
    if not inspect.isclass(resource_class):
        return None
    args_class = getattr(python_module, f"{resource_class.__name__}Args", None)
    return resource_class, args_class if inspect.isclass(args_class) else None


def _getters(cls: type) -> list[tuple[str, Any]]:
    found = []
    for member in vars(cls).values():
        getter = member.fget if isinstance(member, property) else None
        name = getattr(getter, "_pulumi_name", None)
        if isinstance(name, str):
            found.append((name, getattr(getter, "__annotations__", {}).get("return")))
    return found


def _kind(annotation: Any) -> Kind:
    args = typing.get_args(annotation)  # Output[T] -> T
    inner = args[0] if args else annotation
    if typing.get_origin(inner) is typing.Union:
        inner = next((a for a in typing.get_args(inner) if a is not type(None)), inner)
    origin = typing.get_origin(inner) or inner
    if origin in _SCALARS:
        return _SCALARS[origin]
    if inspect.isclass(origin) and issubclass(origin, Mapping):
        return "map"
    if inspect.isclass(origin) and issubclass(origin, Sequence) and origin is not str:
        return "list"
    return "object"
