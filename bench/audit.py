"""`python -m bench.audit [--keys 1000]`: `kmsguard audit` of an account holding N keys, against moto.

The keys are created first (not timed): each with a kmsguard-built policy, rotation on, the required
tags and a conventional alias, every tenth with a grant. Then one audit of the region, timed: wall time,
the share spent reading (List/Describe/Get), judging (Analyze, AnalyzeStack), and API calls per key.
moto answers locally, so the read time is a floor: on AWS each call costs a network round trip and
KMS's request quotas apply (the adaptive retry mode absorbs throttling).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import time

import boto3
from moto.server import ThreadedMotoServer

from kmsguard.builders import build_key_policy, render_policy
from kmsguard.gate.audit.aws import Clients
from kmsguard.gate.audit.command import BUNDLED_PACK, run_audit
from kmsguard.spec import parse_key_spec

ACCOUNT = "123456789012"  # moto's default account
REGION = "us-east-1"


def _create(endpoint: str, keys: int) -> None:
    kms = boto3.client("kms", region_name=REGION, endpoint_url=endpoint)
    for i in range(keys):
        spec = parse_key_spec(
            {
                "environment": "dev",
                "function": f"k{i}",
                "team": "bench",
                "description": f"Benchmark key number {i}",
                "tags": {"owner": "bench-team", "cost_center": "cc-0000", "data_class": f"k{i}"},
                "kind": {"type": "symmetric"},
                "region": REGION,
                "deployer": f"arn:aws:iam::{ACCOUNT}:role/pulumi/PulumiDeployer",
                "principals": {
                    "administrators": [f"arn:aws:iam::{ACCOUNT}:role/KeyAdministrators"],
                    "users": [f"arn:aws:iam::{ACCOUNT}:role/App{i % 7}"],
                },
            }
        )
        policy = render_policy(build_key_policy(spec, account_id=ACCOUNT, partition="aws", region=REGION))
        tags = [{"TagKey": k, "TagValue": v} for k, v in spec.all_tags().items()]
        created = kms.create_key(Policy=policy, Description=spec.description, Tags=tags)
        key_id = created["KeyMetadata"]["KeyId"]
        kms.enable_key_rotation(KeyId=key_id)
        kms.create_alias(AliasName=spec.alias_name, TargetKeyId=key_id)
        if i % 10 == 0:
            kms.create_grant(
                KeyId=key_id,
                Name="batch",
                GranteePrincipal=f"arn:aws:iam::{ACCOUNT}:role/Batch",
                Operations=["Decrypt"],
                Constraints={"EncryptionContextSubset": {"tenant": "bench"}},
            )


def main() -> None:
    options = argparse.ArgumentParser(prog="python -m bench.audit")
    options.add_argument("--keys", type=int, default=1000)
    args = options.parse_args()
    os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        begin = time.perf_counter()
        _create(endpoint, args.keys)
        created = time.perf_counter() - begin
        clients = Clients(endpoint_url=endpoint)
        begin = time.perf_counter()
        result, reads = run_audit(clients, regions=[REGION], pack_dir=BUNDLED_PACK, user_config={})
        wall = time.perf_counter() - begin
    finally:
        server.stop()
    judged = result.timings["analyze"] + result.timings["analyze_stack"]
    keys = sum(len(r.keys) for r in reads)
    print(
        json.dumps(
            {
                "keys": keys,
                "resources": len(result.resources),
                "setup_s": round(created, 1),
                "audit_wall_s": round(wall, 2),
                "read_s": round(wall - judged, 2),
                "judge_s": round(judged, 2),
                "api_calls": clients.counter.total,
                "api_calls_per_key": round(clients.counter.total / max(1, keys), 2),
                "calls": dict(sorted(clients.counter.calls.items())),
                "violations": len(result.violations),
            }
        )
    )


if __name__ == "__main__":
    main()
