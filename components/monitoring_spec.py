"""The monitoring spec: what `KeyMonitoring` watches, where it reads CloudTrail, who is told.

It sits beside the catalog spec (stack config key `kmsguard:monitoring`) and watches every key of the
catalog: the action list, the trail's log group, the alert subscriptions, the key of the alert topic
(a data class of its own, merged with the catalog's defaults) and the optional responder.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from kmsguard.catalog_spec import DataClass
from kmsguard.facts import DELETION_APPROVED_TAG, TAG_KEY_MAX_CHARS
from kmsguard.policies.facts import KMS_ACTIONS
from kmsguard.policies.monitoring_facts import DEFAULT_MONITORED_ACTIONS
from kmsguard.spec.integrations import LogGroupName, TrailName
from kmsguard.spec.types import NamePart, spec_error

_STRICT = ConfigDict(frozen=True, extra="forbid")


def _kms_action(value: str) -> str:
    if value not in KMS_ACTIONS:
        raise ValueError(f"{value!r} is not a KMS API action; write it as CloudTrail does, e.g. DisableKey")
    return value


MonitoredAction = Annotated[str, AfterValidator(_kms_action)]


class Subscription(BaseModel):
    """One subscriber of the alert topics (subscribed in every region that has an alert topic)."""

    model_config = _STRICT
    protocol: Literal["email", "email-json", "https", "sqs", "lambda"] = Field(
        description="SNS protocol; e-mail and HTTPS endpoints must confirm the subscription."
    )
    endpoint: str = Field(min_length=1, max_length=2048, description="Address, URL or ARN of the subscriber.")


class ResponderSpec(BaseModel):
    """The automatic responder: undoes an unapproved ScheduleKeyDeletion."""

    model_config = _STRICT
    approval_tag: str = Field(
        default=DELETION_APPROVED_TAG,
        min_length=1,
        max_length=TAG_KEY_MAX_CHARS,
        description=(
            "Tag whose value `true` marks a key whose deletion was approved; any other key scheduled "
            "for deletion is cancelled, disabled and reported."
        ),
    )


class TrailSpec(BaseModel):
    """A trail of the account's own, for an account no organisation trail covers: every region's
    management events, log file validation, delivery to CloudWatch Logs, all encrypted with a catalog key."""

    model_config = _STRICT
    name: TrailName = Field(description="The trail's name (its ARN is what the key policy admits).")
    data_class: NamePart = Field(
        description=(
            "The catalog data class whose key encrypts the log files, the log group and the bucket; the "
            "component adds the CloudTrail and CloudWatch Logs service presets to that key."
        )
    )
    log_group_name: LogGroupName | None = Field(
        default=None,
        description="The CloudWatch Logs group the trail delivers to (default `cloudtrail/<name>`).",
    )

    @property
    def log_group(self) -> str:
        return self.log_group_name or f"cloudtrail/{self.name}"


class MonitoringSpec(BaseModel):
    """Detective controls for the catalog's keys in every region they live in."""

    model_config = _STRICT
    actions: tuple[MonitoredAction, ...] = Field(
        default=DEFAULT_MONITORED_ACTIONS,
        min_length=1,
        description=(
            "KMS API calls that raise an alert (CreateGrant only to principals outside the account); "
            "default the destructive and hand-over calls."
        ),
    )
    log_group_name: LogGroupName | None = Field(
        default=None,
        description=(
            "CloudWatch Logs group of an existing (organisation) trail that logs this account's KMS calls, "
            "in the stack's region: the pending-deletion alarm's metric filter reads it. Or set `trail`."
        ),
    )
    trail: TrailSpec | None = Field(
        default=None,
        description="A trail of the account's own, built by the component, instead of `log_group_name`.",
    )
    subscriptions: tuple[Subscription, ...] = Field(
        default=(), description="Who is told: subscribed to the alert topic of every region."
    )
    topic_key: DataClass = Field(
        description=(
            "The key that encrypts the alert topics: a data class of its own (defaults from the catalog), "
            "replicated to every region the catalog's keys live in."
        )
    )
    responder: ResponderSpec | None = Field(
        default=None, description="Cancel and disable keys scheduled for deletion without approval."
    )

    @model_validator(mode="after")
    def _one_trail(self) -> MonitoringSpec:
        # The metric filter reads one log group: an existing trail's or the component's own.
        if (self.log_group_name is None) == (self.trail is None):
            raise spec_error(
                (
                    "trail",
                    "set exactly one of log_group_name (an existing trail's log group) and trail (the "
                    "component builds one)",
                )
            )
        return self

    @property
    def trail_log_group(self) -> str:
        """The log group the pending-deletion metric filter reads."""
        if self.trail is not None:
            return self.trail.log_group
        assert self.log_group_name is not None
        return self.log_group_name

    @field_validator("actions")
    @classmethod
    def _distinct(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        duplicates = sorted({v for v in value if value.count(v) > 1})
        if duplicates:
            raise ValueError(f"lists {', '.join(duplicates)} more than once; list each action once")
        return value
