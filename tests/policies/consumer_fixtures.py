"""Consumer fixtures: for every type of `facts.CONSUMERS`, a compliant resource (encrypted with the
customer key KEY_ARN), and one failing mutation with the exact message KG-R23 gives for it."""

from __future__ import annotations

from typing import Any

from kmsguard.policies.facts import (
    EBS_DEFAULT_KEY_TYPE,
    EVENT_TARGET_TYPE,
    LOG_GROUP_TYPE,
    S3_BUCKET_SSE_TYPE,
    S3_BUCKET_SSE_V2_TYPE,
    S3_BUCKET_TYPE,
    SNS_TOPIC_TYPE,
    SQS_QUEUE_TYPE,
    TOPIC_SUBSCRIPTION_TYPE,
    TRAIL_TYPE,
)
from kmsguard.policies.rule import Resource
from tests.policies.golden import ACCOUNT, KEY_ARN, REGION, TAGS

ALIAS = "alias/prod-orders-payments"
ALIAS_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:{ALIAS}"
KEY_ID = KEY_ARN.rsplit("/", 1)[1]
MANAGED = "alias/aws/{}"


def sse(algorithm: str, key: str | None = KEY_ARN) -> dict[str, Any]:
    by_default: dict[str, Any] = {"sseAlgorithm": algorithm}
    if key is not None:
        by_default["kmsMasterKeyId"] = key
    return {"applyServerSideEncryptionByDefault": by_default, "bucketKeyEnabled": True}


def sse_v2(algorithm: str, key: str | None = KEY_ARN) -> dict[str, Any]:
    """A rule of the deprecated BucketV2's inline form, whose blocks are all lists."""
    by_default: dict[str, Any] = {"sseAlgorithm": algorithm}
    if key is not None:
        by_default["kmsMasterKeyId"] = key
    return {"applyServerSideEncryptionByDefaults": [by_default], "bucketKeyEnabled": True}


#: type → (compliant props, failing props, exact message of the failure)
CASES: dict[str, tuple[dict[str, Any], dict[str, Any], str]] = {
    S3_BUCKET_SSE_TYPE: (
        {"bucket": "orders", "rules": [sse("aws:kms")]},
        {"bucket": "orders", "rules": [sse("AES256", None)]},
        "default encryption (rules[0]): encrypted with the provider's default, SSE-S3 (AES256) "
        "(rules[0].applyServerSideEncryptionByDefault.sseAlgorithm is 'AES256'); name a customer managed key "
        "in rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId",
    ),
    S3_BUCKET_SSE_V2_TYPE: (
        {"bucket": "orders", "rules": [sse("aws:kms:dsse", ALIAS)]},
        {"bucket": "orders", "rules": [sse("aws:kms", None)]},
        "default encryption (rules[0]): encrypted with the AWS managed key alias/aws/s3 "
        "(rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId is not set); name a customer managed key "
        "in rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId",
    ),
    S3_BUCKET_TYPE: (
        {"bucket": "orders", "serverSideEncryptionConfiguration": {"rule": sse("aws:kms", ALIAS_ARN)}},
        {"bucket": "orders", "serverSideEncryptionConfiguration": {"rule": sse("aws:kms", MANAGED.format("s3"))}},
        "default encryption (serverSideEncryptionConfiguration): encrypted with the AWS managed key "
        "alias/aws/s3 (serverSideEncryptionConfiguration.rule.applyServerSideEncryptionByDefault.kmsMasterKeyId "
        "is 'alias/aws/s3'); name a customer managed key in "
        "serverSideEncryptionConfiguration.rule.applyServerSideEncryptionByDefault.kmsMasterKeyId",
    ),
    "aws:s3/bucketV2:BucketV2": (
        {"bucket": "orders", "serverSideEncryptionConfigurations": [{"rules": [sse_v2("aws:kms", KEY_ID)]}]},
        {"bucket": "orders", "serverSideEncryptionConfigurations": [
            {"rules": [sse_v2("aws:kms", KEY_ARN), sse_v2("AES256", None)]}]},
        "default encryption (serverSideEncryptionConfigurations[0].rules[1].applyServerSideEncryptionByDefaults[0]): "
        "encrypted with the provider's default, SSE-S3 (AES256) (serverSideEncryptionConfigurations[0].rules[1]."
        "applyServerSideEncryptionByDefaults[0].sseAlgorithm is 'AES256'); name a customer managed key in "
        "serverSideEncryptionConfigurations[0].rules[1].applyServerSideEncryptionByDefaults[0].kmsMasterKeyId",
    ),
    "aws:ebs/volume:Volume": (
        {"availabilityZone": "eu-west-1a", "size": 8.0, "encrypted": True, "kmsKeyId": KEY_ARN},
        {"availabilityZone": "eu-west-1a", "size": 8.0},
        "storage: not encrypted (encrypted is not set); name a customer managed key in kmsKeyId",
    ),
    "aws:ebs/encryptionByDefault:EncryptionByDefault": (
        {"enabled": True},
        {"enabled": False},
        "new volumes: not encrypted (enabled is False); turn encryption on",
    ),
    EBS_DEFAULT_KEY_TYPE: (
        {"keyArn": KEY_ARN},
        {"keyArn": f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/aws/ebs"},
        f"new volumes: encrypted with the AWS managed key alias/aws/ebs (keyArn is "
        f"'arn:aws:kms:{REGION}:{ACCOUNT}:alias/aws/ebs'); name a customer managed key in keyArn",
    ),
    "aws:ec2/launchTemplate:LaunchTemplate": (
        {"blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {"encrypted": "true", "kmsKeyId": KEY_ARN}},
                                 {"deviceName": "/dev/sdb", "virtualName": "ephemeral0"}]},
        {"blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {"encrypted": "false"}}]},
        "block device (blockDeviceMappings[0]): not encrypted (blockDeviceMappings[0].ebs.encrypted is 'false'); "
        "name a customer managed key in blockDeviceMappings[0].ebs.kmsKeyId",
    ),
    "aws:rds/instance:Instance": (
        {"engine": "postgres", "storageEncrypted": True, "kmsKeyId": KEY_ARN, "performanceInsightsEnabled": True,
         "performanceInsightsKmsKeyId": KEY_ARN},
        {"engine": "postgres", "storageEncrypted": True, "kmsKeyId": KEY_ARN, "performanceInsightsEnabled": True},
        "Performance Insights: encrypted with the AWS managed key alias/aws/rds (performanceInsightsKmsKeyId is "
        "not set); name a customer managed key in performanceInsightsKmsKeyId",
    ),
    "aws:rds/cluster:Cluster": (
        {"engine": "aurora-postgresql", "storageEncrypted": True, "kmsKeyId": KEY_ARN},
        {"engine": "aurora-postgresql", "storageEncrypted": False},
        "storage: not encrypted (storageEncrypted is False); name a customer managed key in kmsKeyId",
    ),
    "aws:rds/clusterInstance:ClusterInstance": (
        {"clusterIdentifier": "orders", "performanceInsightsEnabled": True, "performanceInsightsKmsKeyId": KEY_ID},
        {"clusterIdentifier": "orders", "performanceInsightsEnabled": True, "performanceInsightsKmsKeyId": "aws/rds"},
        "Performance Insights: performanceInsightsKmsKeyId 'aws/rds' is not a KMS key ARN, key id, alias name or "
        "alias ARN; name a customer managed key in performanceInsightsKmsKeyId",
    ),
    "aws:docdb/cluster:Cluster": (
        {"storageEncrypted": True, "kmsKeyId": KEY_ARN},
        {"storageEncrypted": True},
        "storage: encrypted with the AWS managed key alias/aws/rds (kmsKeyId is not set); name a customer "
        "managed key in kmsKeyId",
    ),
    "aws:neptune/cluster:Cluster": (
        {"storageEncrypted": True, "kmsKeyArn": KEY_ARN},
        {},
        "storage: not encrypted (storageEncrypted is not set); name a customer managed key in kmsKeyArn",
    ),
    "aws:dynamodb/table:Table": (
        {"hashKey": "id", "serverSideEncryption": {"enabled": True, "kmsKeyArn": KEY_ARN}},
        {"hashKey": "id"},
        "storage: encrypted with the provider's default, an AWS owned key (serverSideEncryption.enabled is not "
        "set); name a customer managed key in serverSideEncryption.kmsKeyArn",
    ),
    "aws:dynamodb/tableReplica:TableReplica": (
        {"globalTableArn": "arn:aws:dynamodb:us-east-1:111122223333:table/orders", "kmsKeyArn": KEY_ARN},
        {"globalTableArn": "arn:aws:dynamodb:us-east-1:111122223333:table/orders"},
        "storage: encrypted with the AWS managed key alias/aws/dynamodb (kmsKeyArn is not set); name a "
        "customer managed key in kmsKeyArn",
    ),
    "aws:redshift/cluster:Cluster": (
        {"encrypted": "true", "kmsKeyId": KEY_ARN},
        {},
        "storage: encrypted with the AWS managed key alias/aws/redshift (kmsKeyId is not set); name a customer "
        "managed key in kmsKeyId",
    ),
    "aws:elasticache/replicationGroup:ReplicationGroup": (
        {"atRestEncryptionEnabled": True, "kmsKeyId": KEY_ARN},
        {"atRestEncryptionEnabled": False, "kmsKeyId": KEY_ARN},
        "storage: not encrypted (atRestEncryptionEnabled is False); name a customer managed key in kmsKeyId",
    ),
    "aws:elasticache/serverlessCache:ServerlessCache": (
        {"engine": "valkey", "kmsKeyId": KEY_ARN},
        {"engine": "valkey"},
        "storage: encrypted with the provider's default, an AWS owned key (kmsKeyId is not set); name a "
        "customer managed key in kmsKeyId",
    ),
    "aws:memorydb/cluster:Cluster": (
        {"kmsKeyArn": KEY_ARN},
        {"kmsKeyArn": ""},
        "storage: encrypted with the provider's default, an AWS owned key (kmsKeyArn is not set); name a "
        "customer managed key in kmsKeyArn",
    ),
    "aws:opensearch/domain:Domain": (
        {"encryptAtRest": {"enabled": True, "kmsKeyId": KEY_ID}},
        {"encryptAtRest": {"enabled": True, "kmsKeyId": f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/aws/es"}},
        f"storage: encrypted with the AWS managed key alias/aws/es (encryptAtRest.kmsKeyId is "
        f"'arn:aws:kms:{REGION}:{ACCOUNT}:alias/aws/es'); name a customer managed key in encryptAtRest.kmsKeyId",
    ),
    "aws:secretsmanager/secret:Secret": (
        {"name": "orders-db", "kmsKeyId": ALIAS},
        {"name": "orders-db"},
        "storage: encrypted with the AWS managed key alias/aws/secretsmanager (kmsKeyId is not set); name a "
        "customer managed key in kmsKeyId",
    ),
    "aws:ssm/parameter:Parameter": (
        {"type": "SecureString", "value": "x", "keyId": ALIAS},
        {"type": "SecureString", "value": "x"},
        "SecureString value: encrypted with the AWS managed key alias/aws/ssm (keyId is not set); name a "
        "customer managed key in keyId",
    ),
    "aws:lambda/function:Function": (
        {"runtime": "python3.12", "environment": {"variables": {"TABLE": "orders"}}, "kmsKeyArn": KEY_ARN},
        {"runtime": "python3.12", "environment": {"variables": {"TABLE": "orders"}}},
        "environment variables: encrypted with the AWS managed key alias/aws/lambda (kmsKeyArn is not set); "
        "name a customer managed key in kmsKeyArn",
    ),
    LOG_GROUP_TYPE: (
        {"name": "/orders/app", "kmsKeyId": KEY_ARN},
        {"name": "/orders/app"},
        "storage: encrypted with the provider's default, CloudWatch Logs' own key (kmsKeyId is not set); name "
        "a customer managed key in kmsKeyId",
    ),
    TRAIL_TYPE: (
        {"s3BucketName": "orders-trail", "kmsKeyId": KEY_ARN},
        {"s3BucketName": "orders-trail"},
        "log files: encrypted with the provider's default, SSE-S3 (AES256) (kmsKeyId is not set); name a "
        "customer managed key in kmsKeyId",
    ),
    SNS_TOPIC_TYPE: (
        {"name": "orders", "kmsMasterKeyId": ALIAS},
        {"name": "orders", "kmsMasterKeyId": "alias/aws/sns"},
        "messages: encrypted with the AWS managed key alias/aws/sns (kmsMasterKeyId is 'alias/aws/sns'); name "
        "a customer managed key in kmsMasterKeyId",
    ),
    SQS_QUEUE_TYPE: (
        {"name": "orders", "kmsMasterKeyId": KEY_ARN},
        {"name": "orders"},
        "messages: encrypted with the provider's default, SSE-SQS (kmsMasterKeyId is not set and "
        "sqsManagedSseEnabled is not set); name a customer managed key in kmsMasterKeyId",
    ),
    "aws:kinesis/stream:Stream": (
        {"encryptionType": "KMS", "kmsKeyId": ALIAS},
        {"encryptionType": "KMS", "kmsKeyId": "alias/aws/kinesis"},
        "records: encrypted with the AWS managed key alias/aws/kinesis (kmsKeyId is 'alias/aws/kinesis'); name "
        "a customer managed key in kmsKeyId",
    ),
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": (
        {"serverSideEncryption": {"enabled": True, "keyType": "CUSTOMER_MANAGED_CMK", "keyArn": KEY_ARN}},
        {"serverSideEncryption": {"enabled": True}},
        "records: encrypted with the provider's default, an AWS owned key (serverSideEncryption.keyType is not "
        "set); name a customer managed key in serverSideEncryption.keyArn",
    ),
    "aws:kinesis/videoStream:VideoStream": (
        {"kmsKeyId": KEY_ARN},
        {},
        "storage: encrypted with the AWS managed key alias/aws/kinesisvideo (kmsKeyId is not set); name a "
        "customer managed key in kmsKeyId",
    ),
    "aws:cloudwatch/eventBus:EventBus": (
        {"name": "orders", "kmsKeyIdentifier": KEY_ARN},
        {"name": "orders"},
        "events: encrypted with the provider's default, an AWS owned key (kmsKeyIdentifier is not set); name a "
        "customer managed key in kmsKeyIdentifier",
    ),
    "aws:msk/cluster:Cluster": (
        {"encryptionInfo": {"encryptionAtRestKmsKeyArn": KEY_ARN}},
        {"encryptionInfo": {}},
        "storage: encrypted with the AWS managed key alias/aws/kafka (encryptionInfo.encryptionAtRestKmsKeyArn "
        "is not set); name a customer managed key in encryptionInfo.encryptionAtRestKmsKeyArn",
    ),
    "aws:efs/fileSystem:FileSystem": (
        {"encrypted": True, "kmsKeyId": KEY_ARN},
        {"encrypted": False},
        "storage: not encrypted (encrypted is False); name a customer managed key in kmsKeyId",
    ),
    "aws:ecr/repository:Repository": (
        {"name": "orders", "encryptionConfigurations": [{"encryptionType": "KMS", "kmsKey": KEY_ARN}]},
        {"name": "orders"},
        "images: encrypted with the provider's default, SSE-S3 (AES256) (encryptionConfigurations is not set); "
        "name a customer managed key in encryptionConfigurations[*].kmsKey",
    ),
    "aws:backup/vault:Vault": (
        {"name": "orders", "kmsKeyArn": KEY_ARN},
        {"name": "orders"},
        "recovery points: encrypted with the AWS managed key alias/aws/backup (kmsKeyArn is not set); name a "
        "customer managed key in kmsKeyArn",
    ),
    "aws:fsx/lustreFileSystem:LustreFileSystem": (
        {"kmsKeyId": KEY_ARN}, {},
        "storage: encrypted with the AWS managed key alias/aws/fsx (kmsKeyId is not set); name a customer "
        "managed key in kmsKeyId",
    ),
    "aws:fsx/windowsFileSystem:WindowsFileSystem": (
        {"kmsKeyId": KEY_ARN}, {},
        "storage: encrypted with the AWS managed key alias/aws/fsx (kmsKeyId is not set); name a customer "
        "managed key in kmsKeyId",
    ),
    "aws:fsx/ontapFileSystem:OntapFileSystem": (
        {"kmsKeyId": KEY_ARN}, {},
        "storage: encrypted with the AWS managed key alias/aws/fsx (kmsKeyId is not set); name a customer "
        "managed key in kmsKeyId",
    ),
    "aws:fsx/openZfsFileSystem:OpenZfsFileSystem": (
        {"kmsKeyId": KEY_ARN}, {},
        "storage: encrypted with the AWS managed key alias/aws/fsx (kmsKeyId is not set); name a customer "
        "managed key in kmsKeyId",
    ),
    "aws:sagemaker/notebookInstance:NotebookInstance": (
        {"kmsKeyId": KEY_ID}, {},
        "storage: encrypted with the AWS managed key alias/aws/sagemaker (kmsKeyId is not set); name a "
        "customer managed key in kmsKeyId",
    ),
    "aws:sagemaker/domain:Domain": (
        {"kmsKeyId": KEY_ARN}, {},
        "home directories: encrypted with the provider's default, an AWS owned key (kmsKeyId is not set); "
        "name a customer managed key in kmsKeyId",
    ),
    "aws:sagemaker/endpointConfiguration:EndpointConfiguration": (
        {"kmsKeyArn": KEY_ARN}, {},
        "model volumes: encrypted with the provider's default, an AWS owned key (kmsKeyArn is not set); name "
        "a customer managed key in kmsKeyArn",
    ),
    "aws:timestreamwrite/database:Database": (
        {"kmsKeyId": KEY_ARN}, {},
        "storage: encrypted with the AWS managed key alias/aws/timestream (kmsKeyId is not set); name a "
        "customer managed key in kmsKeyId",
    ),
    "aws:eks/cluster:Cluster": (
        {"encryptionConfig": {"provider": {"keyArn": KEY_ARN}, "resources": ["secrets"]}},
        {},
        "Kubernetes secrets: not encrypted, no envelope encryption (encryptionConfig is not set); name a "
        "customer managed key in encryptionConfig[*].provider.keyArn",
    ),
}  # fmt: skip


def _named_key(key: str, what: str, value: str, managed: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    """A store whose one key property names an AWS managed key (by name or ARN) in the failing case."""
    return (
        {key: KEY_ARN},
        {key: value},
        f"{what}: encrypted with the AWS managed key {managed} ({key} is {value!r}); name a customer managed key "
        f"in {key}",
    )


def _owned_key(key: str, what: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    """A store that falls back to an AWS owned key when its key property is left out."""
    return (
        {key: ALIAS},
        {},
        f"{what}: encrypted with the provider's default, an AWS owned key ({key} is not set); name a customer "
        f"managed key in {key}",
    )


def _gateway(key: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    return (
        {"kmsEncrypted": True, key: KEY_ARN},
        {"kmsEncrypted": False, key: KEY_ARN},
        f"storage: encrypted with the provider's default, SSE-S3 (AES256) (kmsEncrypted is False); name a customer "
        f"managed key in {key}",
    )


def _object() -> tuple[dict[str, Any], dict[str, Any], str]:
    return (
        {"bucket": "orders", "key": "a", "serverSideEncryption": "aws:kms", "kmsKeyId": KEY_ID},
        {"bucket": "orders", "key": "a", "serverSideEncryption": "AES256"},
        "object: encrypted with the provider's default, SSE-S3 (AES256) (serverSideEncryption is 'AES256'); name a "
        "customer managed key in kmsKeyId",
    )


MANAGED_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/aws/{{}}"

CASES.update({
    "aws:amp/workspace:Workspace": _owned_key("kmsKeyArn", "metrics"),
    "aws:backup/logicallyAirGappedVault:LogicallyAirGappedVault": _owned_key("encryptionKeyArn", "recovery points"),
    "aws:cloudtrail/eventDataStore:EventDataStore": _owned_key("kmsKeyId", "events"),
    "aws:cloudwatch/eventArchive:EventArchive": _owned_key("kmsKeyIdentifier", "archived events"),
    "aws:codeartifact/domain:Domain": _named_key("encryptionKey", "packages", MANAGED_ARN.format("codeartifact"),
                                                 "alias/aws/codeartifact"),
    "aws:codecommit/repository:Repository": _named_key("kmsKeyId", "repository", "alias/aws/codecommit",
                                                       "alias/aws/codecommit"),
    "aws:docdb/elasticCluster:ElasticCluster": _owned_key("kmsKeyId", "storage"),
    "aws:docdb/clusterInstance:ClusterInstance": (
        {"enablePerformanceInsights": True, "performanceInsightsKmsKeyId": KEY_ARN},
        {"enablePerformanceInsights": "true"},
        "Performance Insights: encrypted with the AWS managed key alias/aws/rds (performanceInsightsKmsKeyId is not "
        "set); name a customer managed key in performanceInsightsKmsKeyId",
    ),
    "aws:dms/replicationInstance:ReplicationInstance": _named_key("kmsKeyArn", "storage", MANAGED_ARN.format("dms"),
                                                                  "alias/aws/dms"),
    "aws:fsx/fileCache:FileCache": _named_key("kmsKeyId", "storage", "alias/aws/fsx", "alias/aws/fsx"),
    "aws:grafana/workspace:Workspace": _owned_key("kmsKeyId", "workspace data"),
    "aws:location/geofenceCollection:GeofenceCollection": _owned_key("kmsKeyId", "geofences"),
    "aws:location/tracker:Tracker": _owned_key("kmsKeyId", "positions"),
    "aws:m2/environment:Environment": _owned_key("kmsKeyId", "storage"),
    "aws:m2/application:Application": _owned_key("kmsKeyId", "application data"),
    "aws:mailmanager/archive:Archive": _owned_key("kmsKeyArn", "archived mail"),
    "aws:mwaa/environment:Environment": _owned_key("kmsKey", "environment data"),
    "aws:neptunegraph/graph:Graph": _owned_key("kmsKeyIdentifier", "storage"),
    "aws:redshiftserverless/namespace:Namespace": _owned_key("kmsKeyId", "storage"),
    "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication": _named_key(
        "kmsKeyId", "replicated backups", MANAGED_ARN.format("rds"), "alias/aws/rds"),
    "aws:workmail/organization:Organization": _named_key("kmsKeyArn", "mailboxes", "alias/aws/workmail",
                                                         "alias/aws/workmail"),
    "aws:storagegateway/cachesIscsiVolume:CachesIscsiVolume": _gateway("kmsKey"),
    "aws:storagegateway/storedIscsiVolume:StoredIscsiVolume": _gateway("kmsKey"),
    "aws:storagegateway/nfsFileShare:NfsFileShare": _gateway("kmsKeyArn"),
    "aws:storagegateway/smbFileShare:SmbFileShare": _gateway("kmsKeyArn"),
    "aws:s3/bucketObject:BucketObject": _object(),
    "aws:s3/bucketObjectv2:BucketObjectv2": _object(),
    "aws:s3/objectCopy:ObjectCopy": _object(),
})  # fmt: skip


def consumer(
    type_: str, props: dict[str, Any], name: str = "orders", tags: dict[str, Any] | None = None
) -> Resource:
    full = {**props, "tags": dict(TAGS if tags is None else tags)}
    return Resource(type_, name, f"urn:pulumi:prod::kmsguard::{type_}::{name}", full)


# ---------------------------------------------------------------------------------------------
# A stack whose consumers use the golden multi-region key (KG-S05…S07): outputs as AnalyzeStack sends
# them, with the key policy statements each service needs. Every stack rule passes on it.
# ---------------------------------------------------------------------------------------------

import copy  # noqa: E402
import json  # noqa: E402

from kmsguard.policies.rule import Context  # noqa: E402
from tests.policies.golden import (  # noqa: E402
    COMPONENT_TYPE,
    MRK_ARN,
    MRK_ID,
    STACK_CONFIG,
    golden_key_policy,
    golden_stack,
    stack_replace,
    stack_resource,
)

TOPIC_ARN = f"arn:aws:sns:{REGION}:{ACCOUNT}:orders-alerts"
QUEUE_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders-queue"
LOGS = f"logs.{REGION}.amazonaws.com"
USE = ["kms:Decrypt", "kms:GenerateDataKey"]


def service_statement(principal: str, actions: list[str], sid: str) -> dict[str, Any]:
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"Service": principal},
        "Action": actions,
        "Resource": "*",
    }


SERVICE_STATEMENTS = [
    service_statement(LOGS, ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*",
                             "kms:ReEncrypt*"], "CloudWatchLogs"),
    service_statement("cloudtrail.amazonaws.com", ["kms:DescribeKey", "kms:GenerateDataKey*"], "CloudTrail"),
    service_statement("events.amazonaws.com", USE, "EventBridge"),
    service_statement("sns.amazonaws.com", USE, "Sns"),
]  # fmt: skip


def key_policy(statements: list[dict[str, Any]] | None = None) -> str:
    policy = golden_key_policy()
    policy["Statement"] += SERVICE_STATEMENTS if statements is None else statements
    return json.dumps(policy)


def _app(type_: str, name: str, props: dict[str, Any], dependencies: tuple[str, ...] = ()) -> Resource:
    return stack_resource(type_, name, {"region": REGION, "tags": dict(TAGS), **props}, parent=None,
                          dependencies=dependencies)  # fmt: skip


def consumer_stack() -> list[Resource]:
    """The golden stack, its primary key's policy admitting the services, and its consumers."""
    stack = stack_replace(golden_stack(), "orders", policy=key_policy())
    key_urn, alias_urn = urn_of(stack, "orders"), urn_of(stack, "orders-alias")
    return [
        *stack,
        _app(LOG_GROUP_TYPE, "orders-logs", {"kmsKeyId": MRK_ARN}, (key_urn,)),
        _app(TRAIL_TYPE, "orders-trail", {"kmsKeyId": ALIAS, "s3BucketName": "t"}, (alias_urn,)),
        _app(SNS_TOPIC_TYPE, "orders-alerts", {"arn": TOPIC_ARN, "kmsMasterKeyId": f"arn:aws:kms:{REGION}:{ACCOUNT}:{ALIAS}"}),
        _app(EVENT_TARGET_TYPE, "orders-alerts-target", {"arn": TOPIC_ARN, "rule": "r"}),
        _app(SQS_QUEUE_TYPE, "orders-queue", {"arn": QUEUE_ARN, "kmsMasterKeyId": MRK_ID}),
        _app(TOPIC_SUBSCRIPTION_TYPE, "orders-queue-sub",
             {"protocol": "sqs", "endpoint": QUEUE_ARN, "topic": TOPIC_ARN}),
        _app("aws:rds/instance:Instance", "orders-db", {"storageEncrypted": True, "kmsKeyId": MRK_ARN}),
    ]  # fmt: skip


def context(
    meta_defaults: dict[str, Any], stack: str = "prod", region: str | None = None, **config: Any
) -> Context:
    stack_config = {**STACK_CONFIG, **({"aws:region": region} if region else {})}
    return Context(
        stack=stack, project="kmsguard", config={**meta_defaults, **config}, stack_config=stack_config
    )


def urn_of(resources: list[Resource], name: str) -> str:
    """The URN of the named resource; the component that shares the key's name is skipped."""
    return next(r.urn for r in resources if r.name == name and r.type != COMPONENT_TYPE)


def deepcopy_stack(resources: list[Resource]) -> list[Resource]:
    return copy.deepcopy(resources)
