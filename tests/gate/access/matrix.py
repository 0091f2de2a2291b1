"""Helpers for access tests: resources in the pack's shape, and a compact exact form of the model."""

from __future__ import annotations

import json
from typing import Any

from kmsguard.gate.access.document import entries_json
from kmsguard.gate.access.model import compute
from kmsguard.policies.facts import KEY_TYPE
from kmsguard.policies.rule import Resource
from tests.components.spec.baseline import ACCOUNT

KEY_ARN = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
KEY_URN = "urn:pulumi:test::p::aws:kms/key:Key::orders"


def key(policy: Any, *, arn: str = KEY_ARN, urn: str = KEY_URN, name: str = "orders") -> Resource:
    props: dict[str, Any] = {"arn": arn, "keyId": arn.rsplit("/", 1)[-1]}
    if policy is not None:
        props["policy"] = policy if isinstance(policy, str) else json.dumps(policy)
    return Resource(type=KEY_TYPE, name=name, urn=urn, props=props)


def resource(type_: str, name: str, /, **props: Any) -> Resource:
    return Resource(type=type_, name=name, urn=f"urn:pulumi:test::p::{type_}::{name}", props=props)


def short(principal: str) -> str:
    return principal.removeprefix(f"arn:aws:iam::{ACCOUNT}:")


def matrix(resources: list[Resource], account: str | None = ACCOUNT) -> dict[str, dict[str, str]]:
    """principal → capability → its conditions: alternatives joined by ` | `, requirements by ` & `,
    `""` when it holds unconditionally. Principals of the home account lose their ARN prefix."""
    out: dict[str, dict[str, str]] = {}
    for e in entries_json(compute(resources, account)):
        conditions = e["conditions"]
        out[short(e["principal"])] = {
            c: " | ".join(" & ".join(r["summary"] for r in alt) for alt in conditions.get(c, []))
            for c in e["capabilities"]
        }
    return out


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}
