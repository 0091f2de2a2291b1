"""The IAM policy each external account must attach to use the key (a key policy alone is not
enough across accounts: the other account's IAM must allow the call too)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kmsguard.builders.key_policy import encryption_context_condition
from kmsguard.builders.roles import usage_actions
from kmsguard.errors import PolicyBuildError
from kmsguard.policies.facts import POLICY_VERSION
from kmsguard.spec import KmsKeySpec

#: Sid of the consumer statement; `...Describe` holds DescribeKey when an encryption context applies.
CONSUMER_SID = "UseKmsKey"
CONSUMER_DESCRIBE_SID = "DescribeKmsKey"


def build_consumer_policies(spec: KmsKeySpec, *, key_arns: Sequence[str]) -> dict[str, dict[str, Any]]:
    """External account id → the identity policy that account attaches to the principals it lets in.

    `key_arns` are the key's ARNs (primary and replicas); aliases cannot authorise, so ARNs only.
    """
    arns = sorted(set(key_arns))
    if not arns or any(not a.startswith("arn:") or ":key/" not in a for a in arns):
        raise PolicyBuildError(
            "key_arns: pass the key ARNs (arn:<partition>:kms:<region>:<account>:key/<id>)"
        )
    context = encryption_context_condition(spec) if spec.kind.symmetric_encryption else {}
    out: dict[str, dict[str, Any]] = {}
    for access in sorted(spec.cross_account, key=lambda a: a.account_id):
        actions = [f"kms:{a}" for a in usage_actions(spec, access.role)]
        statements: list[dict[str, Any]] = []
        if context:
            rest = [a for a in actions if a != "kms:DescribeKey"]
            statements.append(_allow(CONSUMER_SID, rest, arns, context))
            statements.append(_allow(CONSUMER_DESCRIBE_SID, ["kms:DescribeKey"], arns, None))
        else:
            statements.append(_allow(CONSUMER_SID, actions, arns, None))
        out[access.account_id] = {"Version": POLICY_VERSION, "Statement": statements}
    return out


def _allow(sid: str, actions: list[str], resources: list[str], condition: Any) -> dict[str, Any]:
    statement: dict[str, Any] = {"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": resources}
    if condition:
        statement["Condition"] = condition
    return statement
