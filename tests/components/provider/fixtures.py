"""One provider process and one engine server per test directory that imports these (its conftest);
both always stop."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.components.provider.harness import Engine, ServedProvider


@pytest.fixture(scope="session")
def engine() -> Iterator[Engine]:
    served = Engine()
    yield served
    served.stop()


@pytest.fixture(scope="session")
def provider(engine: Engine) -> Iterator[ServedProvider]:
    served = ServedProvider(engine)
    yield served
    served.close()


@pytest.fixture(scope="session")
def served_schema(provider: ServedProvider) -> dict[str, Any]:
    return provider.schema()
