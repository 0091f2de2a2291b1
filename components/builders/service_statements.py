"""Checks for extra statements that name service principals: their confused-deputy conditions must
name this stack's account, partition and the key's regions.

The spec checks that such an Allow has a confused-deputy condition at all; only the builder knows
the account and the key's regions, so it checks the values here.
"""

from __future__ import annotations

from kmsguard.errors import PolicyBuildError
from kmsguard.policies.facts import ENCRYPTION_CONTEXT_KEY_PREFIX, SOURCE_ACCOUNT_KEY, SOURCE_ARN_KEY
from kmsguard.spec import ExtraStatement, KmsKeySpec

_ARN_KEYS = (SOURCE_ARN_KEY.lower(),)


def check_service_statements(
    spec: KmsKeySpec, *, account_id: str, partition: str, regions: tuple[str, ...]
) -> None:
    """Raise `PolicyBuildError` naming the first extra statement whose conditions reach elsewhere."""
    for i, statement in enumerate(spec.extra_statements):
        if not statement.service_principals or statement.effect != "Allow":
            continue
        problem = _problem(statement, account_id, partition, regions)
        if problem:
            raise PolicyBuildError(f"extra_statements[{i}].conditions: {problem}")


def _problem(statement: ExtraStatement, account: str, partition: str, regions: tuple[str, ...]) -> str | None:
    pins_account = False
    for block in statement.conditions.values():
        for key, raw in block.items():
            values = raw if isinstance(raw, list) else [raw]
            lowered = key.lower()
            if lowered == SOURCE_ACCOUNT_KEY.lower():
                foreign = sorted(v for v in values if v != account)
                if foreign:
                    return (
                        f"{key} names {', '.join(foreign)}, not this stack's account {account}; "
                        "name this account only"
                    )
                pins_account = True
            elif lowered in _ARN_KEYS or lowered.startswith(ENCRYPTION_CONTEXT_KEY_PREFIX.lower()):
                for value in values:
                    if not value.startswith("arn:"):
                        continue
                    problem = _arn_problem(key, value, account, partition, regions)
                    if problem:
                        return problem
                    pins_account = pins_account or value.split(":")[4] == account
    if not pins_account:
        return (
            f"no condition names this stack's account {account}; add aws:SourceAccount = {account} "
            "or an aws:SourceArn of this account"
        )
    return None


def _arn_problem(key: str, value: str, account: str, partition: str, regions: tuple[str, ...]) -> str | None:
    parts = value.split(":", 5)
    if len(parts) < 6:
        return f"{key} value {value!r} is not an ARN; write arn:{partition}:<service>:<region>:<account>:<resource>"
    _, arn_partition, _, region, arn_account, _ = parts
    if arn_partition != partition:
        return f"{key} value {value!r} is not in partition {partition}; use {partition} ARNs"
    if arn_account not in ("", account):
        return (
            f"{key} value {value!r} is not in this stack's account {account}; name this account's resources"
        )
    if region not in ("", *regions):
        return (
            f"{key} value {value!r} is outside the key's regions ({', '.join(regions)}); "
            "name a region the key lives in"
        )
    return None
