"""Key specs for component tests: one valid base, changed one field at a time."""

from __future__ import annotations

import copy
from typing import Any

from kmsguard.spec import KmsKeySpec, parse_key_spec
from tests.components.mocks import MOCK_ACCOUNT

ACCOUNT = MOCK_ACCOUNT
OTHER_ACCOUNT = "444455556666"
REGION = "eu-west-1"
DEPLOYER = f"arn:aws:iam::{ACCOUNT}:role/pulumi/PulumiDeployer"
ADMIN = f"arn:aws:iam::{ACCOUNT}:role/KeyAdministrators"
USER = f"arn:aws:iam::{ACCOUNT}:role/OrdersApi"
SERVICE_USER = f"arn:aws:iam::{ACCOUNT}:role/OrdersArchiveWriter"
BATCH = f"arn:aws:iam::{ACCOUNT}:role/OrdersBatch"

BASE: dict[str, Any] = {
    "environment": "dev",
    "function": "orders",
    "team": "payments",
    "description": "Order records of the payments team",
    "tags": {"owner": "payments-team", "cost_center": "cc-1001", "data_class": "orders"},
    "kind": {"type": "symmetric"},
    "region": REGION,
    "deployer": DEPLOYER,
    "principals": {"administrators": [ADMIN], "users": [USER]},
}


def spec(**changes: Any) -> KmsKeySpec:
    """The base spec with top-level fields replaced (a value of None removes the field)."""
    data = copy.deepcopy(BASE)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return parse_key_spec(data)


def full_symmetric(**changes: Any) -> KmsKeySpec:
    """Every optional child in use: a replica, an extra alias, a grant, a service user, another account."""
    return spec(
        **{
            "extra_aliases": ["alias/orders/current"],
            "multi_region": {"replica_regions": ["us-east-1"], "reason": "Disaster recovery in us-east-1"},
            "principals": {
                "administrators": [ADMIN],
                "users": [USER],
                "service_users": [{"principal": SERVICE_USER, "services": ["s3"]}],
            },
            "grants": [
                {
                    "name": "batch",
                    "grantee": BATCH,
                    "operations": ["Decrypt", "Encrypt"],
                    "constraints": {"encryption_context_subset": {"tenant": "acme"}},
                }
            ],
            "cross_account": [{"account_id": OTHER_ACCOUNT, "role": "decrypt_only_users"}],
            **changes,
        }
    )
