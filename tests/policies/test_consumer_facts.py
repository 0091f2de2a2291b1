"""The consumer table (`facts.CONSUMERS`) against the installed pulumi-aws: every type token exists, every
property path walks through real wire names, and every resource type with a top-level KMS key property
is either in the table or in the reviewed list below, so a provider upgrade that adds one fails here."""

import json
import re
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from pulumi_aws.sqs import Queue

from kmsguard.policies import facts
from kmsguard.policies.facts import CONSUMERS, IDENTITY_POLICY_DOCUMENTS, PUBLISHERS, Consumer
from tests.policies import provider_sweep

ROOT = Path(__file__).parents[2]
#: Top-level wire names that carry a KMS key on a resource.
_KEY_PROPERTY = re.compile(r"^(kms\w*|\w*KmsKey\w*|\w*kmsKey\w*|encryptionKey\w*|keyArn)$")

#: Resource types with a top-level KMS key property that the table does not judge, each with the
#: reason on its line (`type  # why`). Move a type into facts.CONSUMERS to judge it.
NOT_IN_TABLE = {
    line.split("#", 1)[0].strip(): line.split("#", 1)[1].strip() if "#" in line else ""
    for line in (Path(__file__).parent / "consumer_types_not_in_table.txt").read_text(encoding="utf-8").splitlines()
    if line.split("#", 1)[0].strip()
}  # fmt: skip


@cache
def provider() -> dict[str, Any]:
    """The provider sweep, run in a child process (see tests/policies/provider_sweep.py for why)."""
    paths = {c.type: _paths(c) for c in CONSUMERS.values()}
    for publisher in PUBLISHERS:
        extra = [publisher.only_when[0]] if publisher.only_when is not None else []
        paths.setdefault(publisher.type, []).extend([*publisher.targets, *extra])
    for token, path in IDENTITY_POLICY_DOCUMENTS.items():
        paths.setdefault(token, []).append(path.replace("[*]", ""))
    done = subprocess.run(
        [sys.executable, "-m", "tests.policies.provider_sweep"],
        input=json.dumps(paths),
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _paths(consumer: Consumer) -> list[str]:
    paths: list[str] = []
    for slot in consumer.slots:
        prefix = f"{slot.each}." if slot.each else ""
        if slot.each:
            paths.append(slot.each)
        if slot.key:
            paths.append(prefix + slot.key)
        paths.extend(prefix + s.path for s in slot.switches)
        if slot.fallback is not None:
            paths.append(prefix + slot.fallback.path)
    return paths


@pytest.mark.parametrize("consumer", list(CONSUMERS.values()), ids=list(CONSUMERS))
def test_every_path_of_the_table_is_a_wire_name_of_the_provider(consumer: Consumer) -> None:
    assert provider()["problems"][consumer.type] == []


@pytest.mark.parametrize("publisher", PUBLISHERS, ids=[p.type for p in PUBLISHERS])
def test_every_publisher_path_is_a_wire_name_of_the_provider(publisher: facts.Publisher) -> None:
    assert provider()["problems"][publisher.type] == []


def test_the_sweep_reports_a_path_that_does_not_exist() -> None:
    assert provider_sweep.walk(Queue, "kmsMasterKeyId") is None
    assert provider_sweep.walk(Queue, "kmsMasterKeyIdd") == "Queue: kmsMasterKeyIdd is not a wire name"
    assert provider_sweep.walk(Queue, "kmsMasterKeyId.x") == (
        "Queue: kmsMasterKeyId is not an object (pulumi.output.Output[typing.Optional[str]])"
    )


def test_every_resource_with_a_kms_key_property_is_judged_or_listed() -> None:
    with_key = {
        token
        for token, names in provider()["wire_names"].items()
        if any(_KEY_PROPERTY.match(name) for name in names)
    }
    unreviewed = with_key - set(CONSUMERS) - set(NOT_IN_TABLE)
    assert sorted(unreviewed) == []
    assert sorted(set(NOT_IN_TABLE) & set(CONSUMERS)) == []
    assert sorted(set(NOT_IN_TABLE) - with_key) == []


def test_every_listed_type_says_why_it_is_not_judged() -> None:
    assert sorted(t for t, why in NOT_IN_TABLE.items() if not why) == []


def test_the_issue_s_consumers_are_all_in_the_table() -> None:
    asked = {
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws:s3/bucket:Bucket", "aws:ebs/volume:Volume", "aws:ebs/encryptionByDefault:EncryptionByDefault",
        "aws:ebs/defaultKmsKey:DefaultKmsKey", "aws:ec2/launchTemplate:LaunchTemplate", "aws:rds/instance:Instance",
        "aws:rds/cluster:Cluster", "aws:dynamodb/table:Table", "aws:secretsmanager/secret:Secret",
        "aws:ssm/parameter:Parameter", "aws:lambda/function:Function", "aws:cloudwatch/logGroup:LogGroup",
        "aws:sns/topic:Topic", "aws:sqs/queue:Queue", "aws:cloudtrail/trail:Trail", "aws:kinesis/stream:Stream",
        "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "aws:efs/fileSystem:FileSystem",
        "aws:ecr/repository:Repository", "aws:backup/vault:Vault", "aws:redshift/cluster:Cluster",
        "aws:elasticache/replicationGroup:ReplicationGroup", "aws:opensearch/domain:Domain",
        "aws:sagemaker/notebookInstance:NotebookInstance",
    }  # fmt: skip
    assert sorted(asked - set(CONSUMERS)) == []


def test_every_type_token_of_the_facts_is_a_resource_of_the_provider() -> None:
    """Each `*_TYPE` constant is the one definition of its token: it names a real pulumi-aws resource."""
    tokens = {
        name: value
        for name, value in vars(facts).items()
        if name.endswith("_TYPE") and isinstance(value, str) and value.startswith("aws:")
    }
    assert len(tokens) == 35
    assert sorted(n for n, t in tokens.items() if t not in provider()["wire_names"]) == []
    assert len(set(tokens.values())) == len(tokens), "a token is defined twice"
