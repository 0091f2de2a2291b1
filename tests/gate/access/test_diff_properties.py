"""Properties of the diff over random key policies: nothing against itself, each changed capability
in exactly one entry, and the two directions mirror each other."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kmsguard.gate.access.diff import diff
from kmsguard.gate.access.document import entries_json
from kmsguard.gate.access.model import compute
from tests.components.spec.baseline import ACCOUNT
from tests.gate.access.matrix import key, policy

PRINCIPALS = [f"arn:aws:iam::{ACCOUNT}:role/{n}" for n in ("A", "B")] + [f"arn:aws:iam::{ACCOUNT}:root"]
ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:PutKeyPolicy", "kms:Sign", "kms:GenerateDataKey*"]
CONDITIONS = [
    None,
    {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
    {"StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}},
    {"StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
]
statements = st.builds(
    lambda effect, who, actions, condition: {
        "Effect": effect, "Principal": {"AWS": who}, "Action": actions, "Resource": "*",
        **({"Condition": condition} if condition else {}),
    },
    st.sampled_from(["Allow", "Allow", "Deny"]),
    st.lists(st.sampled_from(PRINCIPALS), min_size=1, max_size=2, unique=True),
    st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=3, unique=True),
    st.sampled_from(CONDITIONS),
)  # fmt: skip
policies = st.lists(statements, min_size=1, max_size=4)


def access(statements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return entries_json(compute([key(policy(*statements))], ACCOUNT))


def atoms(changes: dict[str, list[dict[str, Any]]]) -> list[tuple[str, str, str]]:
    return [(c["principal"], cap, c["change"]) for side in ("added", "removed") for c in changes[side] for cap in c["capabilities"]]  # fmt: skip


MIRROR = {
    "gained": "lost",
    "lost": "gained",
    "narrowed": "widened",
    "widened": "narrowed",
    "changed": "changed",
}


@settings(max_examples=150, deadline=None)
@given(policies, policies)
def test_diff_properties(base: list[dict[str, Any]], head: list[dict[str, Any]]) -> None:
    old, new = access(base), access(head)
    assert diff(old, old) == {"added": [], "removed": []}
    forward, backward = atoms(diff(old, new)), atoms(diff(new, old))
    assert len({a[:2] for a in forward}) == len(forward)  # one entry per changed capability
    assert sorted((p, c, MIRROR[k]) for p, c, k in forward) == sorted(backward)
