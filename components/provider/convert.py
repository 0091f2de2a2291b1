"""What the component provider passes (`kmsguard.provider.args`) back into validated specs.

The provider hands a component a plain dict keyed by the spec's own field names, enum values as
enum members, and an `Output` wherever the program passed a value that is secret, unknown or
depends on another resource. The spec is validated before anything is registered, so it needs
every value now: an `Output` is refused with its path rather than guessed at.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

import pulumi
from pydantic import ValidationError

from kmsguard.catalog_spec import CatalogSpec
from kmsguard.errors import KmsGuardError, SpecError
from kmsguard.spec import KmsKeySpec, parse_key_spec


def key_spec_from_args(args: Mapping[str, Any]) -> KmsKeySpec:
    """Raises `SpecError` (every problem by field path) or `KmsGuardError` (a value not known yet)."""
    return parse_key_spec(plain_data(args))


def catalog_spec_from_args(args: Mapping[str, Any]) -> CatalogSpec:
    try:
        return CatalogSpec.model_validate(plain_data(args))
    except ValidationError as exc:
        raise SpecError.from_validation_error(exc) from None


def plain_data(value: Any, path: str = "") -> Any:
    """Enum members as their values, all the way down; an `Output` anywhere raises."""
    if isinstance(value, pulumi.Output):
        raise KmsGuardError(
            f"{path or 'args'}: is an output (secret, unknown at preview, or another resource's); "
            "kmsguard validates the spec before it registers anything, so pass a plain value"
        )
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Mapping):
        return {k: plain_data(v, f"{path}.{k}" if path else str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain_data(v, f"{path}[{i}]") for i, v in enumerate(value)]
    return value
