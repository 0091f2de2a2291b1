"""R23: every resource that stores data at rest encrypts it with a customer managed key."""

from __future__ import annotations

from typing import Any, Final

from .. import props
from ..consumers import Verdict, consumer_types, slot_uses
from ..facts import production_defaults
from ..props import CannotJudge
from ..rule import (
    AWS_FSBP,
    CIS_AWS,
    PCI_DSS,
    Context,
    Framework,
    Resource,
    ResourceRule,
    Result,
    RuleMeta,
    Severity,
    compliant,
    not_applicable,
    per_environment,
    per_environment_schema,
    violations,
)

DEFAULT_REQUIRED: Final = production_defaults(True, False)

#: Shared with the stack rule that resolves keys unknown during preview (KG-S05).
REQUIRE_CUSTOMER_KEY_SCHEMA: Final = per_environment_schema(
    {"type": "boolean"},
    DEFAULT_REQUIRED,
    "Whether data at rest must be encrypted with a customer managed key, per environment (`*` for the rest).",
)

META = RuleMeta(
    id="KG-R23",
    name="kms-consumer-requires-customer-key",
    title="Data at rest is encrypted with a customer managed key",
    description=(
        "Where the environment requires it (`requireCustomerKey`, default: prod and production), every "
        "resource that stores data at rest and takes a KMS key encrypts it with a customer managed key: S3 "
        "default encryption (the separate resource, the bucket's inline form and the deprecated BucketV2's "
        "nested one), S3 objects, EBS volumes, encryption by default and its default key, launch "
        "templates' block devices, RDS, Aurora, DocumentDB and Neptune storage and Performance Insights, "
        "RDS backup replication, DynamoDB, Redshift and Redshift Serverless, ElastiCache, MemoryDB, "
        "OpenSearch, Secrets Manager, SSM SecureString parameters, Lambda environment variables, "
        "CloudWatch Logs, CloudTrail trails and Lake, SNS, SQS, Kinesis, Firehose, Kinesis Video, EventBridge buses, MSK, EFS, FSx, ECR, "
        "Backup vaults, SageMaker, Timestream, EKS secrets, CodeCommit, CodeArtifact, DMS, Managed "
        "Prometheus and Grafana, Location, MWAA, Mail Manager, WorkMail, Storage Gateway and more (the "
        "table in `facts.CONSUMERS`). It fails "
        "when encryption is off, when the provider's default applies (SSE-S3/AES256, SSE-SQS, an AWS "
        "owned key), when the AWS managed key `alias/aws/<service>` is used by name, ARN or by leaving "
        "the key out, and when the key setting names no key at all. A key id, key ARN, alias name or "
        "alias ARN of any other key passes. A bucket without the inline form is not applicable here: "
        "KG-S05 checks that a separate configuration covers it; likewise EBS encryption by default "
        "passes here when on, and KG-S05 checks that the region's default key is set in the stack. An "
        "S3 object without its own `serverSideEncryption` takes its bucket's default encryption."
    ),
    rationale=(
        "Only a customer managed key has a policy you control: who may decrypt, separation of duties, "
        "rotation you can prove, a deletion window, and one key per class of data. AWS managed and AWS "
        "owned keys let anyone the service lets in read the data, and SSE-S3 or an unencrypted store "
        "gives no key-level control at all."
    ),
    remediation=(
        "Create a key with the library's `KmsKey` component and pass its ARN (or alias) to the consumer's "
        "key property (`kms_key_id`, `kms_master_key_id`, `kms_key_arn` …), with encryption switched on "
        '(`storage_encrypted`, `encrypted`, `sse_algorithm = "aws:kms"` …).'
    ),
    url="https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#customer-cmk",
    severity=Severity.HIGH,
    resource_types=consumer_types(),
    unknowns=(
        "A key reference unknown during preview (the ARN of a key created in the same update) is not "
        "applicable here and is judged by KG-S05 from the stack's graph. An unknown encryption switch, "
        "an unknown list of encryption rules, a value of the wrong type or an unrecognised setting is a "
        "violation: it cannot be judged."
    ),
    frameworks=(
        Framework(PCI_DSS, "3.2.1", "3.4", "Render PAN unreadable anywhere it is stored"),
        Framework(CIS_AWS, "1.4.0", "3.7", "Ensure CloudTrail logs are encrypted at rest using KMS CMKs"),
        Framework(AWS_FSBP, "1.0.0", "CloudTrail.2", "CloudTrail should have encryption at-rest enabled"),
        Framework(AWS_FSBP, "1.0.0", "EC2.7", "EBS default encryption should be enabled"),
        Framework(AWS_FSBP, "1.0.0", "RDS.3", "RDS DB instances should have encryption at-rest enabled"),
    ),
    config_schema={"requireCustomerKey": REQUIRE_CUSTOMER_KEY_SCHEMA},
)


def required(resource: Resource, context: Context) -> bool:
    """Whether the resource's environment requires a customer key; an unusable setting requires it."""
    configured: Any = context.config.get("requireCustomerKey", DEFAULT_REQUIRED)
    value = (
        per_environment(configured, context.environment_of(resource))
        if isinstance(configured, dict)
        else None
    )
    return value if isinstance(value, bool) else True


def check(resource: Resource, context: Context) -> Result:
    environment = props.environment(resource, context.stack)
    if isinstance(environment, CannotJudge):
        return violations(
            [f"{environment.message}; whether a customer managed key is required depends on it"]
        )
    if not required(resource, context):
        environment = context.environment_of(resource) or "(no environment)"
        return not_applicable(f"customer managed keys are not required in environment {environment!r}")
    uses = slot_uses(resource)
    findings = [u.message for u in uses if u.verdict is Verdict.FINDING]
    if findings:
        return violations(findings)
    if any(u.verdict is Verdict.UNKNOWN_KEY for u in uses):
        return not_applicable("the key is unknown during preview; KG-S05 judges it from the stack's graph")
    if uses and all(u.verdict is Verdict.NOT_STORED for u in uses):
        return not_applicable("; ".join(u.message for u in uses))
    return compliant()


RULE = ResourceRule(META, check)
