"""Property values as the engine puts them on the wire, and their readable form for reports.

The SDK serializes a resource's inputs into a `google.protobuf.Struct` already in the engine's
encoding (camelCase keys, numbers as doubles, unknowns and secrets as sentinels), so the gate
keeps that Struct and forwards it; only the engine-internal `__` keys are dropped, as the engine
drops them before Analyze.
"""

from __future__ import annotations

import math
from typing import Any, Final

from google.protobuf import struct_pb2  # type: ignore[import-untyped]

from kmsguard.policies.sentinels import UNKNOWN_SENTINELS

#: Key and value marking a secret: `{SIG_KEY: SECRET_SIG, "value": ...}`.
SIG_KEY: Final = "4dabf18193072939515e22adb298388d"
SECRET_SIG: Final = "1b47061264138c4ac30d75fd1eb44270"
#: How reports show values that cannot or must not be printed.
SECRET_TEXT: Final = "[secret]"
UNKNOWN_TEXT: Final = "[unknown]"


def without_internal_keys(props: struct_pb2.Struct) -> struct_pb2.Struct:
    internal = [k for k in props.fields if k.startswith("__")]
    if not internal:
        return props
    cleaned = struct_pb2.Struct()
    cleaned.CopyFrom(props)
    for key in internal:
        del cleaned.fields[key]
    return cleaned


def to_python(props: struct_pb2.Struct) -> dict[str, Any]:
    """The Struct as plain JSON values, wire encoding kept: what `json_format.MessageToDict` makes
    of it, in the same key order, about twice as fast (reports convert every resource, and the
    generic printer looks each value's field up by descriptor)."""
    fields = props.fields
    return {key: value_to_python(fields[key]) for key in fields}


def value_to_python(item: struct_pb2.Value) -> Any:
    kind = item.WhichOneof("kind")
    if kind == "string_value":
        return item.string_value
    if kind == "bool_value":
        return item.bool_value
    if kind == "struct_value":
        return to_python(item.struct_value)
    if kind == "list_value":
        return [value_to_python(v) for v in item.list_value.values]
    if kind == "number_value":
        number = item.number_value
        # NaN and the infinities have no JSON form (json_format refuses them): their names instead.
        if math.isfinite(number):
            return number
        return "NaN" if math.isnan(number) else ("Infinity" if number > 0 else "-Infinity")
    return None  # null, or a value with no kind set


def from_python(values: dict[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(values)
    return struct


def secret(value: Any) -> dict[str, Any]:
    return {SIG_KEY: SECRET_SIG, "value": value}


def is_secret(value: Any) -> bool:
    return isinstance(value, dict) and value.get(SIG_KEY) == SECRET_SIG


def readable(value: Any) -> Any:
    """For reports: secrets masked (a report is often uploaded), unknowns named, doubles that are
    whole numbers shown as integers."""
    if is_secret(value):
        return SECRET_TEXT
    if isinstance(value, dict):
        return {k: readable(v) for k, v in value.items() if not k.startswith("__")}
    if isinstance(value, list):
        return [readable(v) for v in value]
    if isinstance(value, str) and value in UNKNOWN_SENTINELS:
        return UNKNOWN_TEXT
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
