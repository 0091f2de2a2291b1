"""The plan: roles from the key policy's Sids (read with the pack's own parser), regions and aliases."""

import json
from pathlib import Path
from typing import Any

from kmsguard.gate import wire
from kmsguard.gate.capture import Captured
from kmsguard.gate.model import GateResult
from kmsguard.gate.project import Project
from kmsguard.gate.report.plan import _outputs, _roles, keys
from kmsguard.policies.facts import ALIAS_TYPE, KEY_TYPE, REPLICA_KEY_TYPE


def test_roles_are_the_sids_of_every_statement_including_a_single_object_statement() -> None:
    single = {
        "Version": "2012-10-17",
        "Statement": {"Sid": "KeyUsage", "Effect": "Allow", "Action": "kms:Decrypt"},
    }
    listed = {"Version": "2012-10-17", "Statement": [
        {"Sid": "KeyAdministration", "Effect": "Allow", "Action": "kms:DescribeKey"},
        {"Effect": "Allow", "Action": "kms:Encrypt"},
    ]}  # fmt: skip
    assert _roles(json.dumps(single)) == ["KeyUsage"]
    assert _roles(listed) == ["KeyAdministration"]


def test_a_policy_that_does_not_parse_is_named_and_an_absent_one_has_no_roles() -> None:
    assert _roles("{not json") == ["(unparseable policy)"]
    assert _roles(None) == []


def test_roles_of_a_policy_text_are_a_new_list_each_time() -> None:
    text = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Sid": "KeyUsage", "Effect": "Allow", "Action": "kms:Decrypt"}],
        }
    )
    first = _roles(text)
    first.append("changed by a caller")
    assert _roles(text) == ["KeyUsage"]


def test_keys_reads_the_outputs_it_needs_as_wire_converts_them() -> None:
    key = resource(
        KEY_TYPE,
        "k",
        {
            "arn": "arn:key",
            "region": "us-east-1",
            "enableKeyRotation": True,
            "rotationPeriodInDays": 90.0,
            "policy": {
                "Version": "2012-10-17",
                "Statement": {"Sid": "Admins", "Effect": "Allow", "Action": "kms:DescribeKey"},
            },
            "tags": {"Owner": "team"},
        },
    )
    replica = resource(
        REPLICA_KEY_TYPE,
        "r",
        {"primaryKeyArn": "arn:key", "arn": "arn:replica", "region": "eu-west-1"},
    )
    aliases = [
        resource(ALIAS_TYPE, "a", {"name": "alias/a", "targetKeyId": "arn:key", "region": "us-east-1"}),
        resource(ALIAS_TYPE, "b", {"name": "alias/b", "targetKeyArn": "arn:replica", "region": None}),
        resource(ALIAS_TYPE, "c", {"name": "alias/c", "targetKeyId": "arn:elsewhere"}),
    ]
    assert _outputs(key, ("region", "rotationPeriodInDays", "policy", "absent")) == {
        k: v
        for k, v in wire.to_python(key.outputs).items()
        if k in ("region", "rotationPeriodInDays", "policy")
    }
    [line] = keys(result([aliases[0], key, replica, *aliases[1:]]))
    assert (line.name, line.regions, line.rotation, line.roles) == (
        "k",
        ["us-east-1", "eu-west-1"],
        "every 90 days",
        ["Admins"],
    )
    assert line.aliases == ["alias/a (us-east-1)", "alias/b (None)"]


def resource(type_: str, name: str, outputs: dict[str, Any]) -> Captured:
    urn = f"urn:pulumi:dev::p::{type_}::{name}"
    return Captured(urn, type_, name, True, "", wire.from_python({}), wire.from_python(outputs))


def result(resources: list[Captured]) -> GateResult:
    project = Project("p", Path("/p"), Path("/p/__main__.py"), "dev", Path("/p/Pulumi.dev.yaml"))
    return GateResult(project, "kmsguard", "1.0.0", [], resources, [])
