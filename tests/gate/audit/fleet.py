"""Keys created in moto by boto3, each in one good or bad shape, and the policy config they are judged by.

Every key starts from the same least-privilege shape — a policy built by kmsguard's own builders,
rotation on, the required tags, a conventional alias — and each bad key changes one thing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Final

import boto3

from kmsguard.builders import build_key_policy, render_policy
from kmsguard.spec import KmsKeySpec
from tests.components import factories

ACCOUNT: Final = factories.ACCOUNT  # moto's default account
FOREIGN: Final = factories.OTHER_ACCOUNT
PRIMARY_REGION: Final = "us-east-1"
REPLICA_REGION: Final = "eu-west-1"
OPS_ROLE: Final = f"arn:aws:iam::{ACCOUNT}:role/Ops"

GRANT: Final = {
    "name": "batch",
    "grantee": factories.BATCH,
    "operations": ["Decrypt", "Encrypt"],
    "constraints": {"encryption_context_subset": {"tenant": "acme"}},
}

#: What the audit is told: the deployer keeps administration without MFA (as in the stacks' config).
POLICY_CONFIG: Final = {
    "kms-key-policy-requires-mfa": {"deployerPrincipals": [factories.DEPLOYER]},
}


def key_spec(function: str, **changes: Any) -> KmsKeySpec:
    """The factories' base key, one data class per function (as a catalog would make it)."""
    tags = {**factories.BASE["tags"], "data_class": function}
    return factories.spec(function=function, region=PRIMARY_REGION, tags=tags, **changes)


def good_policy(spec: KmsKeySpec, region: str = PRIMARY_REGION) -> dict[str, Any]:
    return build_key_policy(spec, account_id=ACCOUNT, partition="aws", region=region)


def with_statement(policy: dict[str, Any], statement: dict[str, Any]) -> str:
    return json.dumps({**policy, "Statement": [*policy["Statement"], statement]})


@dataclass(frozen=True)
class Fleet:
    """Key ARNs by the shape they were created in."""

    arns: dict[str, str]
    specs: dict[str, KmsKeySpec]


def _tags(spec: KmsKeySpec) -> list[dict[str, str]]:
    return [{"TagKey": k, "TagValue": v} for k, v in spec.all_tags().items()]


def create(endpoint: str) -> Fleet:
    kms = boto3.client("kms", region_name=PRIMARY_REGION, endpoint_url=endpoint)
    arns: dict[str, str] = {}
    specs: dict[str, KmsKeySpec] = {}

    def key(shape: str, spec: KmsKeySpec, policy: str, *, rotate: bool = True, **extra: Any) -> str:
        meta = kms.create_key(
            Policy=policy,
            Description=spec.description,
            Tags=_tags(spec),
            KeySpec=str(spec.key_spec),
            KeyUsage=str(spec.key_usage),
            **extra,
        )
        key_id = meta["KeyMetadata"]["KeyId"]
        if rotate:
            kms.enable_key_rotation(KeyId=key_id)
        kms.create_alias(AliasName=spec.alias_name, TargetKeyId=key_id)
        arns[shape] = meta["KeyMetadata"]["Arn"]
        specs[shape] = spec
        return str(key_id)

    good = key_spec("orders", grants=[GRANT])
    good_id = key("least-privilege", good, render_policy(good_policy(good)))
    kms.create_grant(
        KeyId=good_id,
        Name=GRANT["name"],
        GranteePrincipal=GRANT["grantee"],
        Operations=GRANT["operations"],
        Constraints={"EncryptionContextSubset": GRANT["constraints"]["encryption_context_subset"]},
    )
    public = key_spec("public")
    key(
        "public-policy",
        public,
        with_statement(
            good_policy(public),
            {
                "Sid": "Everyone",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "kms:Decrypt",
                "Resource": "*",
            },
        ),
    )
    unrotated = key_spec("unrotated")
    key("rotation-off", unrotated, render_policy(good_policy(unrotated)), rotate=False)
    star = key_spec("star")
    key(
        "all-actions-to-role",
        star,
        with_statement(
            good_policy(star),
            {
                "Sid": "OpsEverything",
                "Effect": "Allow",
                "Principal": {"AWS": OPS_ROLE},
                "Action": "kms:*",
                "Resource": "*",
            },
        ),
    )
    foreign = key_spec("foreign")
    key(
        "foreign-account",
        foreign,
        with_statement(
            good_policy(foreign),
            {
                "Sid": "ForeignReader",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{FOREIGN}:role/Reader"},
                "Action": "kms:Decrypt",
                "Resource": "*",
            },
        ),
    )
    imported = key_spec("imported", kind={"type": "imported", "valid_to": None})
    key("imported-no-expiry", imported, render_policy(good_policy(imported)), rotate=False, Origin="EXTERNAL")
    replicated = key_spec(
        "replicated",
        multi_region={"replica_regions": [REPLICA_REGION], "reason": "Disaster recovery in eu-west-1"},
    )
    primary_id = key(
        "multi-region-primary", replicated, render_policy(good_policy(replicated)), MultiRegion=True
    )
    replica = kms.replicate_key(
        KeyId=primary_id,
        ReplicaRegion=REPLICA_REGION,
        Policy=render_policy(good_policy(replicated, REPLICA_REGION)),
        Description=replicated.description,
        Tags=_tags(replicated),
    )
    arns["multi-region-replica"] = replica["ReplicaKeyMetadata"]["Arn"]
    doomed = key_spec("doomed")
    doomed_id = key("pending-deletion", doomed, render_policy(good_policy(doomed)))
    kms.schedule_key_deletion(KeyId=doomed_id, PendingWindowInDays=7)
    return Fleet(arns, specs)
