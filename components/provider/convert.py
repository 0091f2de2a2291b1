"""What the component provider passes (`kmsguard.provider.args`) back into validated specs.

The provider hands a component a plain dict keyed by the spec's own field names, enum values as
enum members, numbers as floats, and an `Output` wherever the program passed a value that is secret, unknown or
depends on another resource. The spec is validated before anything is registered, so it needs
every value now: an `Output` is refused with its path rather than guessed at.
"""

from __future__ import annotations

import enum
import typing
from collections.abc import Mapping
from typing import Any

import pulumi
from pydantic import ValidationError

from kmsguard.catalog_spec import CatalogSpec
from kmsguard.errors import KmsGuardError, SpecError
from kmsguard.provider.args import KeyCatalogArgs, KmsKeyArgs
from kmsguard.spec import KmsKeySpec, parse_key_spec


def key_spec_from_args(args: Mapping[str, Any]) -> KmsKeySpec:
    """Raises `SpecError` (every problem by field path) or `KmsGuardError` (a value not known yet)."""
    return parse_key_spec(plain_data(args, KmsKeyArgs))


def catalog_spec_from_args(args: Mapping[str, Any]) -> CatalogSpec:
    try:
        return CatalogSpec.model_validate(plain_data(args, KeyCatalogArgs))
    except ValidationError as exc:
        raise SpecError.from_validation_error(exc) from None


def plain_data(value: Any, hint: Any = Any, path: str = "") -> Any:
    """`value` as spec data, guided by its args type `hint`: enum members as their values, whole
    numbers where the type says int (the wire carries every number as a float, and the SDK's own
    conversion is overwritten, pulumi 3.272), an `Output` anywhere refused. A fractional number
    stays as it is, for the spec to refuse with its own message."""
    if isinstance(value, pulumi.Output):
        raise KmsGuardError(
            f"{path or 'args'}: is an output (secret, unknown at preview, or another resource's); "
            "kmsguard validates the spec before it registers anything, so pass a plain value"
        )
    if isinstance(value, enum.Enum):
        return value.value
    if hint is int and isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        fields = typing.get_type_hints(hint) if typing.is_typeddict(hint) else {}
        values = typing.get_args(hint)[1] if typing.get_origin(hint) is dict else Any
        return {
            k: plain_data(v, fields.get(k, values), f"{path}.{k}" if path else str(k))
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        items = typing.get_args(hint)[0] if typing.get_origin(hint) is list else Any
        return [plain_data(v, items, f"{path}[{i}]") for i, v in enumerate(value)]
    return value
