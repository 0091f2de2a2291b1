"""Fixtures of the provider tests (shared with tests/examples)."""

from tests.components.provider.fixtures import engine, provider, served_schema

__all__ = ["engine", "provider", "served_schema"]
