"""Which stack-config entry a resource comes from, so reports can point at the line to change.

A config-driven program registers its resources far from any line of its own (here, inside the
components); it says where their configuration came from by registering them inside
`config_origin("ns:key")`, and the components narrow that to the item they build
(`…data_classes[2]`). Whatever watches registrations (the offline gate) reads `current_origin()`;
outside the gate it costs one context variable.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from kmsguard.errors import join_path

_ORIGIN: ContextVar[str | None] = ContextVar("kmsguard_config_origin", default=None)


@contextmanager
def config_origin(path: str) -> Iterator[None]:
    """Resources registered inside come from the config entry at `path` (`ns:key.field[i]`)."""
    token = _ORIGIN.set(path)
    try:
        yield
    finally:
        _ORIGIN.reset(token)


@contextmanager
def config_item(step: str) -> Iterator[None]:
    """Narrows the enclosing origin to one of its parts (`data_classes[2]`); does nothing without
    one (the spec was written in code, not read from config)."""
    base = _ORIGIN.get()
    if base is None:
        yield
        return
    with config_origin(join_path(base, step)):
        yield


def current_origin() -> str | None:
    """The config entry the resource being registered now comes from, if the program said."""
    return _ORIGIN.get()
