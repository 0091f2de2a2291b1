"""Constrained scalar types shared by the spec models; each says what a bad value should become."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from kmsguard.errors import SPEC_ERROR_TYPE
from kmsguard.facts import ORGANIZATION_ID_RE, PRINCIPAL_ARN_RE
from kmsguard.policies.facts import (
    ACCOUNT_ID_RE,
    ALIAS_MAX_CHARS,
    ALIAS_PART_RE,
    ALIAS_SYNTAX_RE,
    REGION_RE,
    RESERVED_ALIAS_PREFIX,
    SERVICE_PRINCIPAL_RE,
)
from kmsguard.regions import known_regions, unknown_region_message

#: Every spec model is immutable and refuses unknown fields (a typo must not be silently ignored).
STRICT = ConfigDict(frozen=True, extra="forbid")


def spec_error(*errors: tuple[str, str]) -> PydanticCustomError:
    """Cross-field errors: each (relative field path, message) is reported on its own line."""
    return PydanticCustomError(
        SPEC_ERROR_TYPE, "; ".join(f"{p}: {m}" for p, m in errors), {"errors": tuple(errors)}
    )


def _principal_arn(value: str) -> str:
    if "*" in value or "?" in value:
        raise ValueError(f"{value!r} contains a wildcard; name one role, user or account root")
    if PRINCIPAL_ARN_RE.match(value) is None:
        raise ValueError(
            f"{value!r} is not an IAM principal ARN; use arn:<aws|aws-cn|aws-us-gov>:iam::<12-digit account>:"
            "role/<name>, user/<name> or root"
        )
    return value


def _role_arn(value: str) -> str:
    match = PRINCIPAL_ARN_RE.match(_principal_arn(value))
    if match is None or not match["kind"].startswith("role/"):
        raise ValueError(f"{value!r} is not a role ARN; name the IAM role that runs `pulumi up`")
    return value


def _account_id(value: str) -> str:
    if ACCOUNT_ID_RE.match(value) is None:
        raise ValueError(f"{value!r} is not an AWS account id; use the 12-digit id as a quoted string")
    return value


def region_problem(value: str) -> str | None:
    """Why `value` is not a KMS region of a supported partition, or None when it is one."""
    if REGION_RE.match(value) is None:
        return f"{value!r} is not an AWS region; use a region code such as eu-west-1"
    if value not in known_regions():
        return unknown_region_message(value)
    return None


def _region(value: str) -> str:
    problem = region_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


def _name_part(value: str) -> str:
    if ALIAS_PART_RE.match(value) is None:
        raise ValueError(f"{value!r} must be lowercase letters and digits only; drop other characters")
    return value


def _alias(value: str) -> str:
    if value.startswith(RESERVED_ALIAS_PREFIX):
        raise ValueError(f"{value!r} is under alias/aws/, which AWS reserves; choose another name")
    if ALIAS_SYNTAX_RE.match(value) is None or len(value) > ALIAS_MAX_CHARS:
        raise ValueError(
            f"{value!r} is not a KMS alias; use alias/ followed by letters, digits, / _ - "
            f"(at most {ALIAS_MAX_CHARS} characters)"
        )
    return value


def _service_principal(value: str) -> str:
    if SERVICE_PRINCIPAL_RE.match(value) is None:
        raise ValueError(
            f"{value!r} is not an AWS service principal; write <service>.amazonaws.com, "
            "e.g. delivery.logs.amazonaws.com"
        )
    return value


def _organization_id(value: str) -> str:
    if ORGANIZATION_ID_RE.match(value) is None:
        raise ValueError(
            f"{value!r} is not an organization id; use o- followed by 10-32 lowercase letters or digits"
        )
    return value


PrincipalArn = Annotated[
    str,
    AfterValidator(_principal_arn),
    Field(description="IAM principal ARN: an account root, a role or a user (no wildcards)."),
]
RoleArn = Annotated[str, AfterValidator(_role_arn), Field(description="IAM role ARN.")]
AccountId = Annotated[str, AfterValidator(_account_id), Field(description="12-digit AWS account id.")]
Region = Annotated[str, AfterValidator(_region), Field(description="AWS region code, e.g. eu-west-1.")]
NamePart = Annotated[str, AfterValidator(_name_part)]
AliasName = Annotated[str, AfterValidator(_alias), Field(description="KMS alias name (alias/...).")]
OrganizationId = Annotated[
    str, AfterValidator(_organization_id), Field(description="AWS Organizations id (o-...).")
]
ServicePrincipalName = Annotated[
    str,
    AfterValidator(_service_principal),
    Field(description="AWS service principal, e.g. delivery.logs.amazonaws.com (no wildcards)."),
]
