"""Serves `KmsKey` and `KeyCatalog` to every Pulumi language through Pulumi's Python component
provider, and keeps the reviewed schema (`provider/schema.json`) in step with what it serves.

The plugin folder `provider/` (PulumiPlugin.yaml, `__main__.py`) calls `serve()`; the CLI reads the
port it prints. The schema is inferred from the components' annotations (`kmsguard.provider.args`
for inputs, the class attributes for outputs). `python -m kmsguard.provider.host --write` rewrites
the reviewed copy after a change; `--check` exits 1 when it is stale (a test does too), so every
change to what other languages see shows up in review.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pulumi
from pulumi.provider.experimental.component import ComponentProvider
from pulumi.provider.experimental.host import component_provider_host

import kmsguard
from kmsguard.catalog import KeyCatalog
from kmsguard.generated import generated_file_main
from kmsguard.key import KmsKey

#: The package name other languages add (`pulumi package add`) and every type token starts with.
PACKAGE = "kmsguard"
COMPONENTS: list[type[pulumi.ComponentResource]] = [KmsKey, KeyCatalog]
#: The plugin folder the CLI runs, with the reviewed schema beside its PulumiPlugin.yaml.
PLUGIN_DIR = Path(__file__).resolve().parents[2] / "provider"
SCHEMA_PATH = PLUGIN_DIR / "schema.json"


def schema() -> dict[str, object]:
    """The schema the provider serves (GetSchema), from the same analysis the host runs."""
    served = ComponentProvider(COMPONENTS, PACKAGE, None, kmsguard.__version__).schema
    assert served is not None  # ComponentProvider always infers one
    loaded: dict[str, object] = json.loads(served)
    return loaded


def render() -> str:
    return json.dumps(schema(), indent=2, ensure_ascii=False) + "\n"


def serve() -> None:
    """Serve the components over gRPC until the engine stops the process (argv: the engine address)."""
    component_provider_host(COMPONENTS, PACKAGE, version=kmsguard.__version__)


def main(argv: list[str] | None = None) -> int:
    return generated_file_main("kmsguard.provider.host", SCHEMA_PATH, render, argv)


if __name__ == "__main__":
    sys.exit(main())
