"""Fixtures shared by the component tests."""

from tests.components.moto_server import moto_endpoint

__all__ = ["moto_endpoint"]
