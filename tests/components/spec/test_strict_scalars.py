"""Every number and switch a stack file can set is strict: "365" or `true` is never coerced to 365 or 1.

Walks every model reachable from the stack configuration, so a field added later cannot slip back
into pydantic's lax coercion.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator

from pydantic import BaseModel
from pydantic.types import Strict

from kmsguard.config import StackConfig


def _models(annotation: object) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in typing.get_args(annotation):
        yield from _models(arg)


def _reachable(root: type[BaseModel]) -> set[type[BaseModel]]:
    seen: set[type[BaseModel]] = set()
    todo = [root]
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        for field in model.model_fields.values():
            todo.extend(_models(field.annotation))
    return seen


def _scalar(annotation: object) -> bool:
    """int or bool, alone or in an Optional."""
    if annotation in (int, bool):
        return True
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return any(_scalar(a) for a in typing.get_args(annotation) if a is not type(None))
    return False


def test_every_number_and_switch_in_the_stack_config_is_strict() -> None:
    lax = sorted(
        f"{model.__name__}.{name}"
        for model in _reachable(StackConfig)
        for name, field in model.model_fields.items()
        if _scalar(field.annotation) and not any(isinstance(m, Strict) for m in field.metadata)
    )
    assert lax == []


def test_the_walk_reaches_the_key_spec_fields() -> None:
    names = {model.__name__ for model in _reachable(StackConfig)}
    assert {"StackConfig", "CatalogSpec", "RotationSpec", "MfaSpec"} <= names
