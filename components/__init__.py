"""kmsguard's module catalog: typed specs, pure builders and Pulumi components for AWS KMS keys.

`from kmsguard import KmsKey, KeyCatalog, KmsKeySpec, parse_key_spec, CatalogSpec` is the public
surface. The names resolve on first use: the gate and the pack import `kmsguard.gate` and
`kmsguard.policies`, and must not pay for importing pulumi_aws and the components they never use.
"""

from __future__ import annotations

import importlib
import importlib.resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kmsguard.catalog import KeyCatalog
    from kmsguard.catalog_spec import CatalogSpec, DataClass
    from kmsguard.config import ConfigError, StackConfig, parse_stack_config
    from kmsguard.errors import KmsGuardError, SpecError
    from kmsguard.key import KmsKey
    from kmsguard.spec import KmsKeySpec, parse_key_spec

#: One version for the package, the pack (PulumiPolicy.yaml) and the SARIF driver: the pack folder's
#: VERSION file, which pyproject.toml reads too (the pack must publish alone, so the file lives there).
__version__ = importlib.resources.files("kmsguard.policies").joinpath("VERSION").read_text("utf-8").strip()

_EXPORTS = {
    "KmsKey": "kmsguard.key",
    "KeyCatalog": "kmsguard.catalog",
    "CatalogSpec": "kmsguard.catalog_spec",
    "DataClass": "kmsguard.catalog_spec",
    "ConfigError": "kmsguard.config",
    "StackConfig": "kmsguard.config",
    "parse_stack_config": "kmsguard.config",
    "KmsGuardError": "kmsguard.errors",
    "SpecError": "kmsguard.errors",
    "KmsKeySpec": "kmsguard.spec",
    "parse_key_spec": "kmsguard.spec",
}

__all__ = [
    "CatalogSpec",
    "ConfigError",
    "DataClass",
    "KeyCatalog",
    "KmsGuardError",
    "KmsKey",
    "KmsKeySpec",
    "SpecError",
    "StackConfig",
    "__version__",
    "parse_key_spec",
    "parse_stack_config",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'kmsguard' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
