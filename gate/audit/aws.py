"""Clients for the audit: read-only by construction, patient with throttling, counted.

Every client gets a `before-parameter-build` hook that refuses any operation whose name does not start
with List, Describe or Get — before a request is even signed — so no code path of the audit can change
an account, whatever the credentials allow. Throttling (`ThrottlingException`) is retried by botocore's
adaptive mode, which also rate-limits the client on the client side once AWS starts throttling.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Final

import botocore.session
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, ProfileNotFound

from kmsguard.gate.errors import GateError

#: The only operation-name prefixes the audit may call.
READ_ONLY_PREFIXES: Final = ("List", "Describe", "Get")
#: Attempts per call, first included: adaptive mode backs off exponentially between them.
MAX_ATTEMPTS: Final = 10
RETRIES: Final = Config(
    retries={"mode": "adaptive", "total_max_attempts": MAX_ATTEMPTS},
    user_agent_extra="kmsguard-audit",
)


class WriteRefused(GateError):
    """An operation that is not List/Describe/Get was attempted through an audit client."""


def refuse_writes(model: Any, **_: Any) -> None:
    name = str(model.name)
    if not name.startswith(READ_ONLY_PREFIXES):
        raise WriteRefused(
            f"the audit refused to call {model.service_model.service_name}:{name}",
            "kmsguard audit only lists, describes and gets; this is a bug in kmsguard",
        )


@dataclass
class CallCounter:
    """API calls by operation name (retries not included), for the benchmark and the summary."""

    calls: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, model: Any, **_: Any) -> None:
        with self._lock:
            self.calls[str(model.name)] += 1

    @property
    def total(self) -> int:
        return sum(self.calls.values())


class Clients:
    """One botocore session (profile, credentials) and its read-only clients, by service and region."""

    def __init__(self, profile: str | None = None, endpoint_url: str | None = None) -> None:
        try:
            self.session = botocore.session.Session(profile=profile)
            self.session.get_scoped_config()  # an unknown profile fails here, not at the first call
        except ProfileNotFound:
            raise GateError(f"AWS profile {profile!r} is not configured", "check --profile") from None
        self.endpoint_url = endpoint_url
        self.counter = CallCounter()
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def client(self, service: str, region: str) -> Any:
        with self._lock:
            found = self._clients.get((service, region))
            if found is None:
                found = self.session.create_client(
                    service, region_name=region, endpoint_url=self.endpoint_url, config=RETRIES
                )
                found.meta.events.register("before-parameter-build.*.*", refuse_writes)
                found.meta.events.register("before-parameter-build.*.*", self.counter)
                self._clients[(service, region)] = found
            return found

    def default_region(self) -> str:
        region = self.session.get_config_variable("region")
        return str(region) if region else "us-east-1"


def enabled_regions(clients: Clients) -> list[str]:
    """The account's enabled regions (DescribeRegions lists only those unless asked for all)."""
    try:
        regions = clients.client("ec2", clients.default_region()).describe_regions()["Regions"]
    except (ClientError, BotoCoreError) as exc:
        raise GateError(
            f"cannot list the account's regions: {exc}", "pass --region, or allow ec2:DescribeRegions"
        ) from None
    return sorted(r["RegionName"] for r in regions)


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))
