"""A valid baseline key spec and a helper that changes one thing in a copy of it."""

from __future__ import annotations

import copy
from typing import Any

ACCOUNT = "111122223333"
OTHER_ACCOUNT = "444455556666"
DEPLOYER = f"arn:aws:iam::{ACCOUNT}:role/PulumiDeployer"
ADMIN = f"arn:aws:iam::{ACCOUNT}:role/KeyAdministrators"
USER = f"arn:aws:iam::{ACCOUNT}:role/OrdersService"
SERVICE_USER = f"arn:aws:iam::{ACCOUNT}:role/OrdersBucketWriter"

BASELINE: dict[str, Any] = {
    "environment": "prod",
    "function": "orders",
    "team": "payments",
    "description": "Encrypts order records for the payments team",
    "tags": {"owner": "payments-team", "cost_center": "cc-1234", "data_class": "confidential"},
    "kind": {"type": "symmetric"},
    "region": "eu-west-1",
    "deployer": DEPLOYER,
    "principals": {"administrators": [ADMIN], "users": [USER]},
}


def mutate(path: str, value: Any, base: dict[str, Any] | None = None) -> dict[str, Any]:
    """A copy of the baseline with the dotted `path` set to `value` (`...` deletes it)."""
    data = copy.deepcopy(base if base is not None else BASELINE)
    *parents, last = path.split(".")
    node = data
    for part in parents:
        node = node.setdefault(part, {})
    if value is ...:
        del node[last]
    else:
        node[last] = value
    return data
