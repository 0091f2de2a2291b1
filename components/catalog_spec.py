"""The catalog spec: one key per class of data for an environment (the KMS whitepaper's advice).

A data class names what it protects, who owns and pays for it, who may do what with it, which AWS
services act for its users and whether it must be replicated. Environment-wide defaults (the
deployer, the administrators, MFA, deletion window, root access) are merged into every data class
to give one `KmsKeySpec` each; the key spec's own validation then runs with the data class's
config path as prefix, so every message names the exact `kmsguard:catalog…` field.

Field names match `KmsKeySpec` where the meaning is the same, so a message about a key spec field
points at the data-class field of the same name.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, ValidationInfo, field_validator

from kmsguard.errors import FieldError, SpecError
from kmsguard.facts import DESCRIPTION_MAX_CHARS
from kmsguard.policies.facts import DEFAULT_ENVIRONMENTS, DELETION_WINDOW_MAX_DAYS, DELETION_WINDOW_MIN_DAYS
from kmsguard.spec import (
    CrossAccountAccess,
    EncryptionContextSpec,
    ExtraStatement,
    GrantSpec,
    KeyKind,
    KmsKeySpec,
    MfaSpec,
    MultiRegionSpec,
    Principals,
    RootAccess,
    RotationSpec,
    ServiceIntegrations,
    parse_key_spec,
)
from kmsguard.spec.key import environments_from
from kmsguard.spec.lifecycle import Lifecycle
from kmsguard.spec.types import AliasName, NamePart, PrincipalArn, RoleArn

_STRICT = ConfigDict(frozen=True, extra="forbid")


class CatalogDefaults(BaseModel):
    """Settings every key of the environment shares unless its data class overrides them."""

    model_config = _STRICT
    deployer: RoleArn = Field(
        description=(
            "The role that runs `pulumi up` (a role ARN with its path, from configuration: an assumed-role "
            "session ARN carries no path). Keeps administration without MFA so KMS's lockout check passes; "
            "stated in a stack's kmsguard:catalog, the policy pack reads it too (KG-R08)."
        )
    )
    administrators: tuple[PrincipalArn, ...] = Field(
        default=(),
        description="Human key administrators of every key; critical actions need MFA. Data classes may add more.",
    )
    mfa: MfaSpec | None = Field(
        default=None,
        description="MFA for administrators' critical actions (default: on, the whitepaper's list).",
    )
    deletion_window_days: StrictInt | None = Field(
        default=None,
        ge=DELETION_WINDOW_MIN_DAYS,
        le=DELETION_WINDOW_MAX_DAYS,
        description="Deletion window for every key, 7-30 days (default 30).",
    )
    root_access: RootAccess | None = Field(
        default=None, description="Account-root access for every key: none (default), admin or full."
    )


class DataClass(BaseModel):
    """One class of data and the key that protects it (one key per data class)."""

    model_config = _STRICT
    name: NamePart = Field(
        description="The data class, e.g. pci or pii: the DataClass tag and the alias's function part."
    )
    team: NamePart = Field(description="Owning team ([a-z0-9]+): the alias's third part.")
    owner: str = Field(
        min_length=1, max_length=256, description="The Owner tag: the accountable team or person."
    )
    cost_center: str = Field(min_length=1, max_length=256, description="The CostCenter tag.")
    description: str = Field(
        min_length=10, max_length=DESCRIPTION_MAX_CHARS, description="What the key protects and why."
    )
    kind: KeyKind | None = Field(
        default=None, description="The key kind (field `type`); default a symmetric encryption key."
    )
    rotation: RotationSpec | None = Field(
        default=None, description="Automatic and/or manual rotation (default: automatic where AWS allows it)."
    )
    principals: Principals = Field(
        default_factory=Principals,
        description="Principals by role, service users (S3, RDS, …) included; administrators add to the defaults'.",
    )
    replication: MultiRegionSpec | None = Field(
        default=None, description="Replicate the key to other regions, with the reason (multi-region key)."
    )
    cross_account: tuple[CrossAccountAccess, ...] = Field(
        default=(),
        description=(
            "Other accounts' usage access (through their root and IAM delegation, or named principals); stated "
            "in a stack's kmsguard:catalog, the policy pack allows these accounts (KG-R17)."
        ),
    )
    grants: tuple[GrantSpec, ...] = Field(default=(), description="KMS grants on the key.")
    encryption_context: EncryptionContextSpec | None = Field(
        default=None, description="Encryption context every user request must carry."
    )
    extra_aliases: tuple[AliasName, ...] = Field(
        default=(), description="Aliases besides the conventional alias/<env>-<name>-<team>, in every region."
    )
    tags: dict[str, str] = Field(default_factory=dict, description="Free tags besides the required ones.")
    deletion_window_days: StrictInt | None = Field(
        default=None,
        ge=DELETION_WINDOW_MIN_DAYS,
        le=DELETION_WINDOW_MAX_DAYS,
        description="Overrides the default deletion window for this key.",
    )
    root_access: RootAccess | None = Field(
        default=None, description="Overrides the default root access for this key."
    )
    separation_of_duties_waiver: str | None = Field(
        default=None, description="Why a principal may both administer and use this key."
    )
    extra_statements: tuple[ExtraStatement, ...] = Field(
        default=(), description="Validated extra key-policy statements."
    )
    integrations: ServiceIntegrations | None = Field(
        default=None,
        description="AWS services that use the key as service principals (CloudTrail, CloudWatch Logs, SNS, …).",
    )
    lifecycle: Lifecycle | None = Field(
        default=None,
        description="In use (default), decrypt-only, disabled or deleted; and each retired generation's state.",
    )
    enabled: StrictBool = Field(default=True, description="Whether the key is enabled.")


class CatalogSpec(BaseModel):
    """The key catalog of one environment: defaults plus one entry per data class."""

    model_config = _STRICT
    environment: str = Field(
        description="Environment name (dev, staging, prod, …): the Environment tag and alias prefix."
    )
    defaults: CatalogDefaults = Field(description="Settings shared by every key of the environment.")
    data_classes: tuple[DataClass, ...] = Field(min_length=1, description="One key per data class.")

    @field_validator("environment")
    @classmethod
    def _known_environment(cls, value: str, info: ValidationInfo) -> str:
        environments = environments_from(info.context)
        if value not in environments:
            raise ValueError(f"{value!r} is not a known environment; use one of {', '.join(environments)}")
        return value

    @field_validator("data_classes")
    @classmethod
    def _one_key_per_class(cls, value: tuple[DataClass, ...]) -> tuple[DataClass, ...]:
        names = [d.name for d in value]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(
                f"lists data class {', '.join(duplicates)} more than once; give each class one entry"
            )
        return value

    def key_specs(
        self, *, region: str, path: str = "", environments: tuple[str, ...] = DEFAULT_ENVIRONMENTS
    ) -> tuple[KmsKeySpec, ...]:
        """One validated key spec per data class, in catalog order.

        Raises `SpecError` listing every problem of every data class, each prefixed with
        `<path>.data_classes[<i>]`.
        """
        specs: list[KmsKeySpec] = []
        errors: list[FieldError] = []
        for i, data_class in enumerate(self.data_classes):
            where = f"{path}.data_classes[{i}]" if path else f"data_classes[{i}]"
            try:
                specs.append(
                    parse_key_spec(self._merge(data_class, region), environments=environments, path=where)
                )
            except SpecError as exc:
                errors.extend(exc.errors)
        if errors:
            raise SpecError(errors)
        return tuple(specs)

    def _merge(self, data_class: DataClass, region: str) -> dict[str, Any]:
        d = self.defaults
        principals = data_class.principals.model_dump(exclude_unset=True, mode="json")
        administrators = tuple(dict.fromkeys((*d.administrators, *data_class.principals.administrators)))
        if administrators:
            principals["administrators"] = administrators
        merged: dict[str, Any] = {
            "environment": self.environment,
            "function": data_class.name,
            "team": data_class.team,
            "description": data_class.description,
            "tags": {
                "owner": data_class.owner,
                "cost_center": data_class.cost_center,
                "data_class": data_class.name,
                "extra": data_class.tags,
            },
            "region": region,
            "deployer": d.deployer,
            "principals": principals,
            "enabled": data_class.enabled,
        }
        optional: dict[str, Any] = {
            "kind": data_class.kind,
            "rotation": data_class.rotation,
            "multi_region": data_class.replication,
            "encryption_context": data_class.encryption_context,
            "separation_of_duties_waiver": data_class.separation_of_duties_waiver,
            "mfa": d.mfa,
            "deletion_window_days": _first(data_class.deletion_window_days, d.deletion_window_days),
            "root_access": _first(data_class.root_access, d.root_access),
            "extra_aliases": data_class.extra_aliases,
            "cross_account": data_class.cross_account,
            "grants": data_class.grants,
            "extra_statements": data_class.extra_statements,
            "integrations": data_class.integrations,
            "lifecycle": data_class.lifecycle,
        }
        for field, value in optional.items():
            if value is None or value == ():
                continue
            merged[field] = _plain(value)
        if data_class.kind is None:
            merged["kind"] = {"type": "symmetric"}
        return merged


def _first(*values: Any) -> Any:
    return next((v for v in values if v is not None), None)


def _plain(value: Any) -> Any:
    """Sub-models back to plain data, only the fields the user set (so key-spec defaults apply)."""
    if isinstance(value, BaseModel):
        return value.model_dump(exclude_unset=True, mode="json")
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value
