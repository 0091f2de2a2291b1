"""Masking: whole secrets everywhere, the pieces of a structured secret in its own resource's messages."""

from __future__ import annotations

import json

from google.protobuf import struct_pb2  # type: ignore[import-untyped]

from kmsguard.gate import wire
from kmsguard.gate.capture import Captured
from kmsguard.gate.secrets import Masker
from kmsguard.policies.facts import KEY_TYPE

POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "Readers", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}}
        ],
    }
)


def _resource(urn: str, props: dict[str, object]) -> Captured:
    return Captured(urn, KEY_TYPE, urn, True, "", wire.from_python(props), struct_pb2.Struct())


def _masker() -> Masker:
    return Masker.of(
        [
            _resource("a", {"policy": wire.secret(POLICY), "description": wire.secret("top secret words")}),
            _resource("b", {"tags": {"Owner": wire.secret("alice-the-owner")}, "description": "public"}),
        ]
    )


def test_a_whole_secret_is_masked_in_any_message() -> None:
    masker = _masker()
    assert masker.mask("about b: top secret words", "b") == "about b: [secret]"
    assert masker.mask(f"policy {POLICY}", "b") == "policy [secret]"
    assert masker.mask("owner alice-the-owner", "a") == "owner [secret]"


def test_a_piece_of_a_structured_secret_is_masked_in_its_resources_messages_only() -> None:
    masker = _masker()
    assert (
        masker.mask("Readers lets arn:aws:iam::444455556666:root Allow", "a")
        == "[secret] lets [secret] Allow"
    )
    assert (
        masker.mask("Readers lets arn:aws:iam::444455556666:root", "b")
        == "Readers lets arn:aws:iam::444455556666:root"
    )


def test_no_secret_means_nothing_to_mask() -> None:
    masker = Masker.of([_resource("b", {"description": "public"})])
    assert not masker
    assert masker.mask("public", "b") == "public"
