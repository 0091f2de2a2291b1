"""The monitoring component's own trail, for accounts that no organisation trail covers.

Children of the `KeyMonitoring` component `<m>`:

- `<m>-trail-bucket`, `-encryption`, `-public-access`, `-policy`: the S3 bucket of the log files,
  encrypted by default with the catalog key, public access blocked, and AWS's bucket policy that lets
  only this trail write under `AWSLogs/<account>/`;
- `<m>-trail-logs`: the CloudWatch Logs group the trail delivers to, encrypted with the catalog key;
- `<m>-trail-role`, `<m>-trail-role-policy`: the role CloudTrail assumes to write to that group only;
- `<m>-trail`: the trail — every region, global service events, log file validation, the catalog key.

The catalog key lets CloudTrail and CloudWatch Logs use it through the service presets, which
`monitored_catalog` adds to the named data class before the catalog is built.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from kmsguard.builders.trail import (
    bucket_policy,
    cloudtrail_logs_policy,
    cloudtrail_trust_policy,
    log_group_arn,
    trail_arn,
)
from kmsguard.catalog_spec import CatalogSpec, DataClass
from kmsguard.errors import KmsGuardError
from kmsguard.monitoring_spec import MonitoringSpec, TrailSpec
from kmsguard.spec import KmsKeySpec
from kmsguard.spec.integrations import ServiceIntegrations
from kmsguard.spec.lifecycle import KeyState


def monitored_catalog(catalog: CatalogSpec, spec: MonitoringSpec | None, *, path: str = "") -> CatalogSpec:
    """The catalog whose trail key lets CloudTrail and CloudWatch Logs use it (the service presets
    `cloudtrail` and `cloudwatch_logs`, narrowed to the trail and its log group); unchanged without a trail."""
    if spec is None or spec.trail is None:
        return catalog
    trail = spec.trail
    where = f"{path}.trail.data_class" if path else "trail.data_class"
    names = [d.name for d in catalog.data_classes]
    if trail.data_class not in names:
        raise KmsGuardError(
            f"{where}: {trail.data_class!r} is not a data class of the catalog; name one of {', '.join(names)}"
        )
    chosen = catalog.data_classes[names.index(trail.data_class)]
    if chosen.lifecycle is not None and chosen.lifecycle.state is not KeyState.IN_USE:
        raise KmsGuardError(
            f"{where}: the key of {trail.data_class!r} is {chosen.lifecycle.state}, and a trail encrypts new "
            "log files; name a data class in use"
        )
    classes = tuple(_with_trail(d, trail) if d.name == trail.data_class else d for d in catalog.data_classes)
    return catalog.model_copy(update={"data_classes": classes})


def _with_trail(data_class: DataClass, trail: TrailSpec) -> DataClass:
    integrations = (
        data_class.integrations.model_dump(exclude_unset=True, mode="json") if data_class.integrations else {}
    )
    cloudtrail = dict(integrations.get("cloudtrail") or {})
    cloudtrail["trail_names"] = sorted({*cloudtrail.get("trail_names", ()), trail.name})
    integrations["cloudtrail"] = cloudtrail
    logs = integrations.get("cloudwatch_logs")
    # An empty list already admits every log group of the account in the key's regions.
    if logs is None or logs.get("log_group_names"):
        named = (logs or {}).get("log_group_names", ())
        integrations["cloudwatch_logs"] = {"log_group_names": sorted({*named, trail.log_group})}
    return data_class.model_copy(update={"integrations": ServiceIntegrations.model_validate(integrations)})


def check_trail_key(spec: TrailSpec, key: KmsKeySpec) -> None:
    """The catalog was built from `monitored_catalog`: the key lets this trail and its log group use it."""
    cloudtrail, logs = key.integrations.cloudtrail, key.integrations.cloudwatch_logs
    if (
        cloudtrail is None
        or spec.name not in cloudtrail.trail_names
        or logs is None
        or (logs.log_group_names and spec.log_group not in logs.log_group_names)
    ):
        raise KmsGuardError(
            f"trail.data_class: the key of {spec.data_class!r} does not let trail {spec.name!r} and log group "
            f"{spec.log_group!r} use it; build the catalog from monitored_catalog(catalog_spec, monitoring_spec)"
        )


@dataclass(frozen=True)
class TrailResources:
    trail: aws.cloudtrail.Trail
    log_group: aws.cloudwatch.LogGroup


def register_trail(
    name: str,
    spec: TrailSpec,
    *,
    key_arn: pulumi.Output[str],
    environment: str,
    region: str,
    account_id: str,
    partition: str,
    parent: pulumi.Resource,
) -> TrailResources:
    child = pulumi.ResourceOptions(parent=parent)
    tags = {"Environment": environment}
    bucket = aws.s3.Bucket(f"{name}-bucket", aws.s3.BucketArgs(region=region, tags=tags), opts=child)
    encryption = aws.s3.BucketServerSideEncryptionConfiguration(
        f"{name}-bucket-encryption",
        bucket=bucket.id,
        rules=[
            {
                "apply_server_side_encryption_by_default": {
                    "sse_algorithm": "aws:kms",
                    "kms_master_key_id": key_arn,
                },
                # Without a bucket key CloudTrail needs no kms:Decrypt to create the trail.
                "bucket_key_enabled": False,
            }
        ],
        region=region,
        opts=child,
    )
    public_access = aws.s3.BucketPublicAccessBlock(
        f"{name}-bucket-public-access",
        aws.s3.BucketPublicAccessBlockArgs(
            bucket=bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            region=region,
        ),
        opts=child,
    )
    arn = trail_arn(spec.name, region=region, account_id=account_id, partition=partition)
    policy = aws.s3.BucketPolicy(
        f"{name}-bucket-policy",
        aws.s3.BucketPolicyArgs(
            bucket=bucket.id,
            policy=bucket.arn.apply(
                lambda bucket_arn: json.dumps(
                    bucket_policy(bucket_arn=bucket_arn, trail=arn, account_id=account_id)
                )
            ),
            region=region,
        ),
        # A public access block and a bucket policy written at once conflict on S3's side.
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[public_access]),
    )
    log_group = aws.cloudwatch.LogGroup(
        f"{name}-logs",
        aws.cloudwatch.LogGroupArgs(name=spec.log_group, kms_key_id=key_arn, region=region, tags=tags),
        opts=child,
    )
    group_arn = log_group_arn(spec.log_group, region=region, account_id=account_id, partition=partition)
    role = aws.iam.Role(
        f"{name}-role",
        aws.iam.RoleArgs(
            description="kmsguard: CloudTrail delivers the trail's events to its CloudWatch Logs group",
            assume_role_policy=json.dumps(cloudtrail_trust_policy()),
            tags=tags,
        ),
        opts=child,
    )
    role_policy = aws.iam.RolePolicy(
        f"{name}-role-policy",
        aws.iam.RolePolicyArgs(
            role=role.id,
            policy=json.dumps(cloudtrail_logs_policy(log_group=group_arn, account_id=account_id)),
        ),
        opts=child,
    )
    trail = aws.cloudtrail.Trail(
        name,
        aws.cloudtrail.TrailArgs(
            name=spec.name,
            s3_bucket_name=bucket.id,
            kms_key_id=key_arn,
            is_multi_region_trail=True,
            include_global_service_events=True,
            enable_log_file_validation=True,
            enable_logging=True,
            # CloudTrail wants the log group's ARN with its streams (`:*`).
            cloud_watch_logs_group_arn=f"{group_arn}:*",
            cloud_watch_logs_role_arn=role.arn,
            region=region,
            tags=tags,
        ),
        # CloudTrail checks the bucket policy, the role and the log group when the trail is created.
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[policy, encryption, role_policy, log_group]),
    )
    return TrailResources(trail, log_group)
