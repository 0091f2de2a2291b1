"""Synthetic catalogs: N keys, each with an alias and two replicas with their aliases (6 resources)."""

from __future__ import annotations

from pathlib import Path

RESOURCES_PER_KEY = 6

PROGRAM = """
import json
import pulumi
import pulumi_aws as aws

ACCOUNT = "111122223333"
REPLICAS = ("us-west-2", "eu-west-1")
count = int(pulumi.Config("bench").require("keys"))
policy = json.dumps({"Version": "2012-10-17", "Statement": [{"Sid": "KeyAdministrators", "Effect": "Allow",
    "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/kms-admin"}, "Action": ["kms:DescribeKey", "kms:PutKeyPolicy"],
    "Resource": "*"}]})
for i in range(count):
    name = f"k{i}"
    key = aws.kms.Key(name, description=f"bench key {i} for the orders data of team {i % 7}",
        enable_key_rotation=True, deletion_window_in_days=30, multi_region=True, policy=policy,
        tags={"Environment": "dev", "Owner": "bench", "CostCenter": "cc1", "DataClass": "internal",
              "MultiRegionReason": "disaster recovery"})
    aws.kms.Alias(f"{name}-alias", name=f"alias/dev-orders{i}-bench", target_key_id=key.key_id)
    for region in REPLICAS:
        replica = aws.kms.ReplicaKey(f"{name}-{region}", primary_key_arn=key.arn, region=region, policy=policy,
            description=f"bench key {i} replica in {region}", deletion_window_in_days=30,
            tags={"Environment": "dev", "Owner": "bench", "CostCenter": "cc1", "DataClass": "internal"})
        aws.kms.Alias(f"{name}-alias-{region}", name=f"alias/dev-orders{i}-bench", target_key_id=replica.key_id,
            region=region)
"""


def write(directory: Path, keys: int) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "Pulumi.yaml").write_text("name: bench\nruntime: python\n")
    (directory / "Pulumi.bench.yaml").write_text(
        f"config:\n  aws:region: us-east-1\n  aws:allowedAccountIds: ['111122223333']\n  bench:keys: '{keys}'\n"
    )
    (directory / "__main__.py").write_text(PROGRAM)
    return directory
