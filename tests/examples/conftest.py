"""The served provider, for the YAML example (tests/components/provider/fixtures.py)."""

from tests.components.provider.fixtures import engine, provider

__all__ = ["engine", "provider"]
