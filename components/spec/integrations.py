"""AWS services that use the key as service principals: one typed preset per integration.

Each preset becomes the key-policy statements AWS documents for that service (the builders in
`kmsguard.builders.integrations` record the source beside each), scoped to the stack's account
and to the key's regions, replicas included. The names given here narrow the statements further
(one trail, one log group, …); the service's own naming rules are checked so a typo fails here,
not at `pulumi up`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, field_validator, model_validator

from kmsguard.spec.types import STRICT, PrincipalArn, spec_error

SnsPublisher = Literal["eventbridge", "cloudwatch_alarms", "s3"]


def _unique(values: tuple[str, ...], what: str) -> tuple[str, ...]:
    duplicates = sorted({v for v in values if values.count(v) > 1})
    if duplicates:
        raise ValueError(f"lists {', '.join(duplicates)} more than once; list each {what} once")
    return values


def _no_wildcard(value: str) -> str:
    if "*" in value or "?" in value:
        raise ValueError(f"{value!r} contains a wildcard; name the resource (leave the list empty for all)")
    return value


# Patterns are each service's documented naming rules (CloudTrail CreateTrail, CloudWatch Logs
# CreateLogGroup, SNS CreateTopic, EventBridge CreateEventBus, S3 bucket naming, Route 53 ids).
TrailName = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{1,126}[A-Za-z0-9]$",
        description="CloudTrail trail name (3-128 letters, digits, . _ -; starts and ends alphanumeric).",
    ),
]
LogGroupName = Annotated[
    str,
    AfterValidator(_no_wildcard),
    Field(pattern=r"^[A-Za-z0-9._/#-]{1,512}$", description="CloudWatch Logs log group name."),
]
TopicName = Annotated[
    str,
    Field(pattern=r"^[A-Za-z0-9_-]{1,251}(\.fifo)?$", description="SNS topic name (.fifo allowed)."),
]
EventBusName = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z0-9._/-]{1,256}$", description="EventBridge event bus name (default: `default`)."
    ),
]
BucketName = Annotated[
    str,
    Field(
        pattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
        description="S3 bucket name (3-63 lowercase letters, digits, . and -).",
    ),
]
HostedZoneId = Annotated[
    str,
    Field(pattern=r"^[A-Z0-9]{1,32}$", description="Route 53 hosted zone id, e.g. Z0123456789ABCDEFGHIJ."),
]


class CloudTrailLogs(BaseModel):
    """CloudTrail trails of this account encrypt their log files with the key (SSE-KMS)."""

    model_config = STRICT
    trail_names: tuple[TrailName, ...] = Field(
        min_length=1,
        description="Trails that encrypt with the key (aws:SourceArn); each homed in one of the key's regions.",
    )
    log_readers: tuple[PrincipalArn, ...] = Field(
        default=(),
        description="Principals of this account that decrypt the trails' log files (kms:Decrypt only).",
    )

    @field_validator("trail_names")
    @classmethod
    def _distinct(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _unique(value, "trail")

    @field_validator("log_readers")
    @classmethod
    def _readers(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _unique(value, "reader")


class CloudWatchLogs(BaseModel):
    """CloudWatch Logs log groups of this account encrypt with the key (one regional principal per key region)."""

    model_config = STRICT
    log_group_names: tuple[LogGroupName, ...] = Field(
        default=(),
        description="Log groups allowed to use the key; empty means every log group of the account in the key's regions.",
    )

    @field_validator("log_group_names")
    @classmethod
    def _distinct(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _unique(value, "log group")


class SnsTopicPublishers(BaseModel):
    """The key encrypts SNS topics that AWS services publish to (EventBridge rules, CloudWatch alarms, S3)."""

    model_config = STRICT
    publishers: tuple[SnsPublisher, ...] = Field(
        min_length=1, description="Services that publish: eventbridge, cloudwatch_alarms, s3."
    )
    source_buckets: tuple[BucketName, ...] = Field(
        default=(),
        description="Buckets whose event notifications publish (required with s3: bucket ARNs name no account).",
    )

    @field_validator("publishers")
    @classmethod
    def _distinct(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _unique(value, "publisher")

    @field_validator("source_buckets")
    @classmethod
    def _distinct_buckets(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _unique(value, "bucket")

    @model_validator(mode="after")
    def _buckets_with_s3(self) -> SnsTopicPublishers:
        if "s3" in self.publishers and not self.source_buckets:
            raise spec_error(
                ("source_buckets", "is empty but s3 publishes; name the buckets whose notifications publish")
            )
        if "s3" not in self.publishers and self.source_buckets:
            raise spec_error(
                ("source_buckets", "is set but s3 does not publish; add s3 to publishers or remove it")
            )
        return self


class SqsFromSns(BaseModel):
    """The key encrypts SQS queues subscribed to SNS topics of this account."""

    model_config = STRICT
    topic_names: tuple[TopicName, ...] = Field(
        default=(),
        description="Topics that deliver to the queues; empty means every topic of the account in the key's regions.",
    )

    @field_validator("topic_names")
    @classmethod
    def _distinct(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _unique(value, "topic")


class EventBridgeBus(BaseModel):
    """The key encrypts EventBridge event buses of this account."""

    model_config = STRICT
    event_bus_names: tuple[EventBusName, ...] = Field(
        min_length=1, description="Event buses encrypted with the key (aws:SourceArn and encryption context)."
    )

    @field_validator("event_bus_names")
    @classmethod
    def _distinct(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _unique(value, "event bus")


class Route53Dnssec(BaseModel):
    """Route 53 signs hosted zones with the key (DNSSEC key-signing key): ECC_NIST_P256, SIGN_VERIFY, us-east-1."""

    model_config = STRICT
    hosted_zone_ids: tuple[HostedZoneId, ...] = Field(
        default=(), description="Hosted zones that sign with the key; empty means every zone of the account."
    )

    @field_validator("hosted_zone_ids")
    @classmethod
    def _distinct(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _unique(value, "hosted zone")


class AutoScalingEbs(BaseModel):
    """EC2 Auto Scaling launches instances whose EBS volumes are encrypted with the key."""

    model_config = STRICT
    role_suffix: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9+=,.@_-]{1,64}$",
        description="Suffix of a custom service-linked role (AWSServiceRoleForAutoScaling_<suffix>); default the standard role.",
    )


class ServiceIntegrations(BaseModel):
    """AWS services that use the key themselves, as service principals (or, for Auto Scaling, its service-linked role)."""

    model_config = STRICT
    cloudtrail: CloudTrailLogs | None = Field(default=None, description="CloudTrail log-file encryption.")
    cloudwatch_logs: CloudWatchLogs | None = Field(
        default=None, description="CloudWatch Logs log-group encryption."
    )
    sns_publishers: SnsTopicPublishers | None = Field(
        default=None, description="SNS topics that AWS services publish to."
    )
    sqs_from_sns: SqsFromSns | None = Field(default=None, description="SQS queues subscribed to SNS topics.")
    eventbridge_bus: EventBridgeBus | None = Field(
        default=None, description="EventBridge event-bus encryption."
    )
    route53_dnssec: Route53Dnssec | None = Field(default=None, description="Route 53 DNSSEC signing.")
    autoscaling_ebs: AutoScalingEbs | None = Field(
        default=None, description="EBS volumes of instances launched by EC2 Auto Scaling."
    )

    def in_use(self) -> tuple[str, ...]:
        """Field names of the integrations that are set, in declaration order."""
        return tuple(name for name in type(self).model_fields if getattr(self, name) is not None)
