"""Synthetic catalogs. `keys`: N keys, each with an alias and two replicas with their aliases (6
resources). `mixed`: N keys, each with an alias and five consumers encrypted with it (a log group, an
SQS queue, an SNS topic, a Secrets Manager secret and a DynamoDB table: 7 resources), so the consumer
rules (KG-R23, KG-S05…S07) link thousands of consumers to their keys."""

from __future__ import annotations

from pathlib import Path

RESOURCES_PER_KEY = {"keys": 6, "mixed": 7}

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


MIXED_PROGRAM = """
import json
import pulumi
import pulumi_aws as aws

ACCOUNT = "111122223333"
count = int(pulumi.Config("bench").require("keys"))
policy = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": "KeyAdministrators", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/kms-admin"},
     "Action": ["kms:DescribeKey", "kms:PutKeyPolicy"], "Resource": "*"},
    {"Sid": "CloudWatchLogs", "Effect": "Allow", "Principal": {"Service": "logs.us-east-1.amazonaws.com"},
     "Action": ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"], "Resource": "*"}]})
for i in range(count):
    name = f"k{i}"
    tags = {"Environment": "prod", "Owner": "bench", "CostCenter": f"cc{i % 7}", "DataClass": "internal"}
    key = aws.kms.Key(name, description=f"bench key {i} for the orders data of team {i % 7}",
        enable_key_rotation=True, deletion_window_in_days=30, policy=policy, tags=tags)
    aws.kms.Alias(f"{name}-alias", name=f"alias/prod-orders{i}-bench", target_key_id=key.key_id)
    aws.cloudwatch.LogGroup(f"{name}-logs", kms_key_id=key.arn, tags=tags)
    aws.sqs.Queue(f"{name}-queue", kms_master_key_id=key.arn, tags=tags)
    aws.sns.Topic(f"{name}-topic", kms_master_key_id=key.arn, tags=tags)
    aws.secretsmanager.Secret(f"{name}-secret", kms_key_id=key.arn, tags=tags)
    aws.dynamodb.Table(f"{name}-table", hash_key="id", attributes=[{"name": "id", "type": "S"}],
        server_side_encryption={"enabled": True, "kms_key_arn": key.arn}, tags=tags)
"""
PROGRAMS = {"keys": PROGRAM, "mixed": MIXED_PROGRAM}


def write(directory: Path, keys: int, program: str = "keys") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "Pulumi.yaml").write_text("name: bench\nruntime: python\n")
    (directory / "Pulumi.bench.yaml").write_text(
        f"config:\n  aws:region: us-east-1\n  aws:allowedAccountIds: ['111122223333']\n  bench:keys: '{keys}'\n"
    )
    (directory / "__main__.py").write_text(PROGRAMS[program])
    return directory
