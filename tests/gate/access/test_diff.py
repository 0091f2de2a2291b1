"""`--baseline`: adding, removing and narrowing access each show up exactly once; an unrelated change
shows nothing."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kmsguard.gate.access.diff import diff
from kmsguard.gate.access.document import entries_json
from kmsguard.gate.access.model import compute
from kmsguard.gate.access.text import change_line
from kmsguard.policies.facts import ALIAS_TYPE
from tests.components.spec.baseline import ACCOUNT
from tests.gate.access.matrix import KEY_ARN, KEY_URN, key, policy, resource

PIPELINE = f"arn:aws:iam::{ACCOUNT}:role/EventsPipeline"
ORDERS = f"arn:aws:iam::{ACCOUNT}:role/OrdersService"
VIA_S3 = {"StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}}
VIA_S3_JSON = [[{"kind": "via-service", "summary": "via S3 only", "operator": "StringEquals", "key": "kms:ViaService", "values": ["s3.eu-west-1.amazonaws.com"]}]]  # fmt: skip
BASE = [
    {"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/PulumiDeployer"},
     "Action": ["kms:PutKeyPolicy", "kms:DescribeKey"], "Resource": "*"},
    {"Sid": "Use", "Effect": "Allow", "Principal": {"AWS": ORDERS}, "Action": ["kms:Encrypt", "kms:Decrypt"],
     "Resource": "*"},
]  # fmt: skip


def access(statements: list[dict[str, Any]], tags: dict[str, str] | None = None) -> list[dict[str, Any]]:
    k = key(policy(*statements))
    k = type(k)(type=k.type, name=k.name, urn=k.urn, props={**k.props, "tags": tags or {}})
    alias = resource(ALIAS_TYPE, "a", name="alias/prod-analytics", targetKeyId=KEY_ARN.rsplit("/", 1)[-1])
    return entries_json(compute([k, alias], ACCOUNT))


def changed(statements: list[dict[str, Any]], **kw: Any) -> dict[str, list[dict[str, Any]]]:
    return diff(access(BASE), access(statements, **kw))


def test_adding_access_shows_once_as_gained() -> None:
    head = [
        *BASE,
        {
            "Effect": "Allow",
            "Principal": {"AWS": PIPELINE},
            "Action": "kms:Decrypt",
            "Resource": "*",
            "Condition": VIA_S3,
        },
    ]
    changes = changed(head)
    assert changes == {
        "added": [
            {"key": KEY_URN, "key_name": "prod-analytics", "principal": PIPELINE, "change": "gained",
             "capabilities": ["decrypt"], "conditions": {"decrypt": VIA_S3_JSON}}
        ],
        "removed": [],
    }  # fmt: skip
    assert (
        change_line(changes["added"][0], ACCOUNT)
        == "+ role/EventsPipeline can now decrypt prod-analytics (via S3 only)"
    )


def test_removing_access_shows_once_as_lost_with_every_capability() -> None:
    changes = changed(BASE[:1])
    assert changes == {
        "added": [],
        "removed": [
            {"key": KEY_URN, "key_name": "prod-analytics", "principal": ORDERS, "change": "lost",
             "capabilities": ["encrypt", "decrypt"], "conditions": {}}
        ],
    }  # fmt: skip
    assert (
        change_line(changes["removed"][0], ACCOUNT)
        == "- role/OrdersService can no longer encrypt, decrypt prod-analytics"
    )


def test_narrowing_access_shows_once_as_narrowed_with_the_old_conditions() -> None:
    head = copy.deepcopy(BASE)
    head[1]["Condition"] = VIA_S3
    changes = changed(head)
    assert changes == {
        "added": [],
        "removed": [
            {"key": KEY_URN, "key_name": "prod-analytics", "principal": ORDERS, "change": "narrowed",
             "capabilities": ["encrypt", "decrypt"], "conditions": {"encrypt": VIA_S3_JSON, "decrypt": VIA_S3_JSON},
             "previous_conditions": {}}
        ],
    }  # fmt: skip
    assert change_line(changes["removed"][0], ACCOUNT) == (
        "- role/OrdersService can now only encrypt, decrypt prod-analytics (via S3 only) — was unconditional"
    )


def test_widening_is_the_reverse_of_narrowing() -> None:
    narrow = copy.deepcopy(BASE)
    narrow[1]["Condition"] = VIA_S3
    changes = diff(access(narrow), access(BASE))
    assert [(c["change"], c["principal"]) for c in changes["added"]] == [("widened", ORDERS)]
    assert changes["removed"] == []


def test_a_deny_added_narrows_only_what_it_denies() -> None:
    deny = {"Effect": "Deny", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}  # fmt: skip
    changes = changed([*BASE, deny])
    assert [(c["change"], c["principal"], c["capabilities"]) for c in changes["removed"]] == [
        ("narrowed", ORDERS, ["decrypt"])
    ]
    assert changes["added"] == []


@pytest.mark.parametrize(
    "head",
    [
        pytest.param(list(reversed(BASE)), id="statements_reordered"),
        pytest.param([{**s, "Sid": s["Sid"] + "Renamed"} for s in BASE], id="sids_renamed"),
        pytest.param([{**BASE[0], "Action": ["kms:DescribeKey", "kms:putkeypolicy"]}, BASE[1]], id="actions_reordered_and_recased"),
        pytest.param([*BASE[:1], {**BASE[1], "Principal": {"AWS": [ORDERS, ORDERS]}}], id="principal_repeated"),
    ],
)  # fmt: skip
def test_an_unrelated_change_shows_nothing(head: list[dict[str, Any]]) -> None:
    assert changed(head) == {"added": [], "removed": []}


def test_a_tag_change_shows_nothing() -> None:
    assert changed(BASE, tags={"Owner": "someone-else"}) == {"added": [], "removed": []}


def test_a_capability_unknown_to_this_version_is_kept_not_dropped() -> None:
    base = access(BASE)
    future = [
        {**e, "capabilities": [*e["capabilities"], "quantum-decrypt"]} if e["principal"] == ORDERS else e
        for e in base
    ]
    changes = diff(base, future)
    assert [(c["change"], c["capabilities"]) for c in changes["added"]] == [("gained", ["quantum-decrypt"])]
