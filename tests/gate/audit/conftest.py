"""A moto server on 127.0.0.1 (a free port), started for the audit tests and stopped after them."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from moto.server import ThreadedMotoServer

from tests.gate.audit import fleet


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    # The server logs every request at INFO; a failing test's report should show the test's own output.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture(scope="session", autouse=True)
def fake_credentials() -> Iterator[None]:
    """moto accepts any credentials; these keep botocore from looking for real ones (session-wide, so
    module fixtures that read keys have them too)."""
    with pytest.MonkeyPatch.context() as patch:
        for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
            patch.delenv(name, raising=False)
        patch.setenv("AWS_ACCESS_KEY_ID", "testing")
        patch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        patch.setenv("AWS_DEFAULT_REGION", "us-east-1")
        patch.setenv("AWS_CONFIG_FILE", "/dev/null")
        patch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        yield


@pytest.fixture(scope="session")
def created(moto_endpoint: str) -> fleet.Fleet:
    """The fleet, created once: alias names are unique per region, so it cannot be created twice."""
    return fleet.create(moto_endpoint)
