"""The gate finds unknown inputs itself, wherever they sit."""

from __future__ import annotations

from google.protobuf import struct_pb2  # type: ignore[import-untyped]

from kmsguard.gate import unknowns, wire
from kmsguard.gate.capture import Captured
from kmsguard.policies.facts import KEY_TYPE
from kmsguard.policies.sentinels import UNKNOWN_SENTINELS, UNKNOWN_STRING_SENTINEL

OTHER_SENTINEL = sorted(UNKNOWN_SENTINELS - {UNKNOWN_STRING_SENTINEL})[0]


def _resource(props: dict[str, object]) -> Captured:
    return Captured("u", KEY_TYPE, "k", True, "", wire.from_python(props), struct_pb2.Struct())


def test_every_unknown_is_found_with_its_path() -> None:
    props = {
        "policy": UNKNOWN_STRING_SENTINEL,
        "tags": {"Owner": OTHER_SENTINEL, "Team": "payments"},
        "grants": ["x", UNKNOWN_STRING_SENTINEL],
        "description": wire.secret(UNKNOWN_STRING_SENTINEL),
    }
    assert unknowns.unknown_paths(_resource(props)) == ["policy", "tags.Owner", "grants[1]", "description"]


def test_a_fully_known_resource_has_none() -> None:
    assert unknowns.unknown_paths(_resource({"policy": "{}", "tags": {"Team": "payments"}})) == []


def test_the_message_lists_five_paths_and_counts_the_rest() -> None:
    paths = [f"p{i}" for i in range(7)]
    assert unknowns.message(paths) == (
        "not fully evaluated: unknown at p0, p1, p2, p3, p4 and 2 more; the offline gate cannot check a value "
        "only known after deployment"
    )
