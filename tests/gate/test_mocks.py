"""The mocks give every output the provider computes a realistic value, read from pulumi_aws itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws  # noqa: F401 - registers the aws resource modules the schema is read from
import pytest

from kmsguard.gate.mocks import RealisticMocks
from kmsguard.gate.project import Project
from kmsguard.gate.schema import computed_outputs
from kmsguard.policies.facts import (
    ALIAS_TYPE,
    EVENT_RULE_TYPE,
    GRANT_TYPE,
    IAM_ROLE_TYPE,
    IAM_USER_TYPE,
    KEY_TYPE,
    S3_BUCKET_TYPE,
    SNS_TOPIC_TYPE,
    SQS_QUEUE_TYPE,
)

PROJECT = Project(
    name="p",
    directory=Path("."),
    main=Path("__main__.py"),
    stack="dev",
    stack_file=Path("Pulumi.dev.yaml"),
    config={"aws:region": "eu-west-1", "kmsguard:accountId": "111122223333"},
)


def _state(typ: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    mocks = RealisticMocks(PROJECT)
    _, state = mocks.new_resource(pulumi.runtime.MockResourceArgs(typ, name, inputs, "", "", True))
    return state


def test_computed_outputs_are_read_from_the_sdk_classes() -> None:
    assert computed_outputs(IAM_ROLE_TYPE) == (
        ("arn", "str"),
        ("createDate", "str"),
        ("tagsAll", "map"),
        ("uniqueId", "str"),
    )
    assert computed_outputs(GRANT_TYPE) == (("grantId", "str"), ("grantToken", "str"))
    assert computed_outputs("acme:security:Vault") == ()
    assert computed_outputs("not-a-token") == ()


def test_a_role_gets_its_unique_id_date_and_tags() -> None:
    state = _state(IAM_ROLE_TYPE, "app", {"name": "app", "tags": {"Team": "payments"}})
    assert state["arn"] == "arn:aws:iam::111122223333:role/app"
    assert state["uniqueId"].startswith("AROA")
    assert len(state["uniqueId"]) == 21
    assert state["uniqueId"][4:].isalnum()
    assert state["createDate"] == "2024-01-01T00:00:00Z"
    assert state["tagsAll"] == {"Team": "payments"}
    assert _state(IAM_ROLE_TYPE, "app", {"name": "app"})["uniqueId"] == state["uniqueId"]


@pytest.mark.parametrize(
    "typ",
    [
        IAM_ROLE_TYPE,
        IAM_USER_TYPE,
        KEY_TYPE,
        ALIAS_TYPE,
        S3_BUCKET_TYPE,
        SQS_QUEUE_TYPE,
        SNS_TOPIC_TYPE,
        "aws:dynamodb/table:Table",
    ],
)
def test_every_computed_output_has_a_value(typ: str) -> None:
    state = _state(typ, "r", {})
    missing = {name for name, _ in computed_outputs(typ)} - set(state)
    assert missing == set()


def test_an_input_wins_over_a_made_up_output() -> None:
    state = _state(SQS_QUEUE_TYPE, "q", {"tagsAll": {"A": "b"}})
    assert state["tagsAll"] == {"A": "b"}
    assert state["url"].startswith("https://q-")


def test_a_resource_the_provider_names_gets_a_name_when_the_program_gives_none() -> None:
    # An EventTarget's `rule=key_events.name` is known at a real preview: the provider's Check names it.
    named = _state(EVENT_RULE_TYPE, "key-events", {})
    assert named["name"].startswith("key-events-")
    assert len(named["name"]) == len("key-events-") + 7
    assert _state(EVENT_RULE_TYPE, "e", {"name": "given"})["name"] == "given"
    assert "name" not in _state(KEY_TYPE, "k", {})
