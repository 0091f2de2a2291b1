"""The capture records what the engine would send: URNs, parents, dependencies, wire values."""

import asyncio
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from google.protobuf import struct_pb2
from pulumi.runtime import resource as sdk_resource
from pulumi.runtime import rpc

from kmsguard.gate import capture, project, wire
from kmsguard.gate.capture import Captured
from kmsguard.policies.facts import KEY_TYPE
from kmsguard.policies.sentinels import UNKNOWN_STRING_SENTINEL
from tests.gate.helpers import PROGRAMS

SECRETIVE = """
import pulumi
import pulumi_aws as aws

key = aws.kms.Key("k", description=pulumi.Output.secret("confidential"), enable_key_rotation=True)
# multiRegion is not an input, so the mock leaves it out: unknown during preview, as in a real one.
aws.kms.Alias("a", name=key.multi_region.apply(lambda _: "alias/dev-x-y"), target_key_id=key.key_id)
ident = aws.get_caller_identity()
part = aws.get_partition()
aws.iam.Policy("p", policy=f"{part.partition}:{ident.account_id}")
"""


def _run(directory: Path, stack: str = "test") -> list[Captured]:
    return capture.run_program(project.load(directory, stack), lambda _: None)


def test_bad_program_urns_parents_and_dependencies() -> None:
    seen: list[str] = []
    loaded = project.load(PROGRAMS / "bad", "test")
    resources = capture.run_program(loaded, lambda r: seen.append(r.urn))
    by_name = {r.name: r for r in resources}
    stack_urn = "urn:pulumi:test::badkeys::pulumi:pulumi:Stack::badkeys-test"
    key_urn = "urn:pulumi:test::badkeys::acme:security:Vault$aws:kms/key:Key::vault-key"
    assert sorted(seen) == sorted(r.urn for r in resources)
    assert [by_name[n].urn for n in ("badkeys-test", "vault-key")] == [stack_urn, key_urn]
    assert by_name["vault"].parent == stack_urn
    assert by_name["vault-key"].parent == "urn:pulumi:test::badkeys::acme:security:Vault::vault"
    assert by_name["vault-alias"].dependencies == [key_urn]
    assert by_name["vault-alias"].property_dependencies["targetKeyId"] == [key_urn]
    assert by_name["vault-replica"].protect is True
    key_inputs = wire.to_python(by_name["vault-key"].inputs)
    assert key_inputs["deletionWindowInDays"] == 7.0
    assert key_inputs["enableKeyRotation"] is False
    replica = wire.to_python(by_name["vault-replica"].outputs)
    key_id = wire.to_python(by_name["vault-key"].outputs)["keyId"]
    assert replica["arn"] == f"arn:aws:kms:us-west-2:111122223333:key/{key_id}"


def test_secrets_unknowns_and_invokes_encoded_as_on_the_wire(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: s\nruntime: python\n")
    (tmp_path / "Pulumi.test.yaml").write_text(
        "config:\n  kmsguard:accountId: '444455556666'\n  kmsguard:partition: aws-us-gov\n"
    )
    (tmp_path / "__main__.py").write_text(SECRETIVE)
    by_name = {r.name: r for r in _run(tmp_path)}
    assert wire.to_python(by_name["k"].inputs)["description"] == wire.secret("confidential")
    assert wire.to_python(by_name["a"].inputs)["name"] == UNKNOWN_STRING_SENTINEL
    assert wire.to_python(by_name["p"].inputs)["policy"] == "aws-us-gov:444455556666"


def test_program_failure_shows_its_own_message_and_location() -> None:
    with pytest.raises(capture.ProgramError) as caught:
        _run(PROGRAMS / "raises")
    assert caught.value.problem == (
        "the Pulumi program failed at catalog.py:5: ValueError: catalog entry 'payments': deletion_window_in_days must be between 7 and 30, got 3"
    )


def test_capture_leaves_the_callers_event_loop_in_place() -> None:
    # In-process embedders (and the rest of this test suite) keep using the main thread's loop.
    previous = asyncio.get_event_loop_policy().get_event_loop()
    mine = asyncio.new_event_loop()
    asyncio.set_event_loop(mine)
    try:
        _run(PROGRAMS / "bad")
        assert asyncio.get_event_loop_policy().get_event_loop() is mine
    finally:
        asyncio.set_event_loop(previous)
        mine.close()


def test_the_locator_stands_in_for_the_sdks_stack_traces_during_the_run_only() -> None:
    original = sdk_resource._get_stack_trace
    during: list[object] = []
    loaded = project.load(PROGRAMS / "bad", "test")
    capture.run_program(loaded, lambda _: during.append(sdk_resource._get_stack_trace))
    with pytest.raises(capture.ProgramError):
        capture.run_program(project.load(PROGRAMS / "raises", "test"), lambda _: None)

    assert during
    assert {getattr(f, "__qualname__", "") for f in during} == {"Locator.stack_trace"}
    assert sdk_resource._get_stack_trace is original


def test_a_second_program_gets_its_own_sibling_modules(tmp_path: Path) -> None:
    """Two programs with a `names.py` each, run in one process: each sees its own module."""
    for name in ("first", "second"):
        program = tmp_path / name
        program.mkdir()
        (program / "Pulumi.yaml").write_text(f"name: {name}\nruntime: python\n", encoding="utf-8")
        (program / "Pulumi.test.yaml").write_text("config: {}\n", encoding="utf-8")
        (program / "names.py").write_text(f"KEY = {name!r}\n", encoding="utf-8")
        (program / "__main__.py").write_text(
            "import pulumi_aws as aws\nfrom names import KEY\naws.kms.Key(KEY, enable_key_rotation=True)\n",
            encoding="utf-8",
        )
    keys = [{r.name for r in _run(tmp_path / n) if r.type == KEY_TYPE} for n in ("first", "second")]
    assert keys == [{"first"}, {"second"}]
    assert "names" not in sys.modules


TARGETS = """
import pulumi_aws as aws

topic = aws.sns.Topic("t")
aws.cloudwatch.EventTarget("to-topic", rule="r", arn=topic.arn)
"""


def test_an_arn_passed_as_input_is_reported_back_unchanged(tmp_path: Path) -> None:
    # An EventTarget's `arn` names its target: the consumer rules link it to the topic by that value.
    (tmp_path / "Pulumi.yaml").write_text("name: t\nruntime: python\n")
    (tmp_path / "Pulumi.test.yaml").write_text("config: {}\n")
    (tmp_path / "__main__.py").write_text(TARGETS)
    by_name = {r.name: wire.to_python(r.outputs) for r in _run(tmp_path)}
    assert by_name["t"]["arn"].startswith("arn:aws:sns:")
    assert by_name["to-topic"]["arn"] == by_name["t"]["arn"]


def _wire_state() -> dict[str, object]:
    """A mock state as the capture builds one: the program's inputs as the SDK deserializes them."""
    sent = struct_pb2.Struct()
    sent.update(
        {
            "description": wire.secret("confidential"),
            "aliasName": UNKNOWN_STRING_SENTINEL,
            "tags": {"Team": "payments", "CostCenter": "cc-1"},
            "regions": ["eu-west-1", "eu-central-1"],
            "deletionWindowInDays": 30,
            "enableKeyRotation": True,
        }
    )
    return dict(rpc.deserialize_properties(sent, keep_unknowns=True))


def test_a_state_of_plain_values_serializes_without_an_event_loop_as_the_sdk_would() -> None:
    state = _wire_state()
    reference = asyncio.new_event_loop()  # not asyncio.run: it would leave the main thread without a loop
    try:
        by_sdk = reference.run_until_complete(rpc.serialize_properties(state, {}))
    finally:
        reference.close()

    def serialize_on_a_thread_without_a_loop() -> struct_pb2.Struct:
        serialized = capture._serialized(state)
        with pytest.raises(RuntimeError, match="no current event loop"):
            asyncio.get_event_loop()  # the SDK's way would have made this thread one
        return serialized

    with ThreadPoolExecutor(1) as thread:
        by_capture = thread.submit(serialize_on_a_thread_without_a_loop).result()

    assert by_capture == by_sdk
    assert wire.to_python(by_capture)["description"] == wire.secret("confidential")


def test_a_state_that_awaits_is_serialized_by_the_event_loop() -> None:
    previous = asyncio.get_event_loop_policy().get_event_loop()
    loop = asyncio.new_event_loop()
    try:
        asyncio.set_event_loop(loop)
        resolving = loop.create_future()
        loop.call_soon(resolving.set_result, "arn:aws:sns:eu-west-1:111122223333:later")

        outputs = capture._serialized({"topicArn": resolving})

        assert wire.to_python(outputs) == {"topicArn": "arn:aws:sns:eu-west-1:111122223333:later"}
    finally:
        asyncio.set_event_loop(previous)  # the next test expects the main thread's loop
        loop.close()
