"""The stack configuration of the kmsguard program (`stacks/Pulumi.<stack>.yaml`), typed.

The CLI hands a program its configuration as a flat map of namespaced keys to strings (structured
values JSON-encoded). `parse_stack_config` turns that map into `StackConfig`; every problem is
reported with its config key path (`kmsguard:catalog.data_classes[1].owner: ...`) so the stack
owner can fix the file without reading a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kmsguard.catalog_spec import CatalogSpec
from kmsguard.errors import KmsGuardError, SpecError
from kmsguard.monitoring_spec import MonitoringSpec
from kmsguard.policies.facts import ALLOWED_ACCOUNTS_CONFIG_KEY, CATALOG_CONFIG_KEY, PRODUCTION_ENVIRONMENTS
from kmsguard.regions import partition_regions, unknown_region_message
from kmsguard.spec.types import AccountId, NamePart, Region, spec_error
from kmsguard.stackfile import StackFile, StackFileError, find, yaml_problem

# The pack reads these two as well, so it owns their names (it publishes alone).
CATALOG_KEY = CATALOG_CONFIG_KEY
ACCOUNT_ID_KEY = "kmsguard:accountId"
PARTITION_KEY = "kmsguard:partition"
MONITORING_KEY = "kmsguard:monitoring"
PRODUCTION_KEY = "kmsguard:productionEnvironments"
REGION_KEY = "aws:region"
ALLOWED_ACCOUNTS_KEY = ALLOWED_ACCOUNTS_CONFIG_KEY
#: Every config key the program reads; values of the structured ones arrive JSON-encoded.
CONFIG_KEYS = (
    REGION_KEY,
    ALLOWED_ACCOUNTS_KEY,
    ACCOUNT_ID_KEY,
    PARTITION_KEY,
    CATALOG_KEY,
    MONITORING_KEY,
    PRODUCTION_KEY,
)
_STRUCTURED = frozenset({ALLOWED_ACCOUNTS_KEY, CATALOG_KEY, MONITORING_KEY, PRODUCTION_KEY})

Partition = Literal["aws", "aws-cn", "aws-us-gov"]


class ConfigError(KmsGuardError):
    """The stack configuration is invalid; the message lists every problem by config key path."""


class StackConfig(BaseModel):
    """The `config:` map of a stack file: the keys the kmsguard program reads."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)
    region: Region = Field(
        alias="aws:region", description="The stack's AWS region: where primary keys and their aliases live."
    )
    allowed_account_ids: tuple[AccountId, ...] = Field(
        alias="aws:allowedAccountIds",
        min_length=1,
        description=(
            "The AWS provider refuses any other account (a deploy with the wrong credentials stops); "
            "the policy pack reads the stack's own account from the first entry."
        ),
    )
    account_id: AccountId | None = Field(
        default=None,
        alias="kmsguard:accountId",
        description="The stack's account id; lets key policies be built offline (default: get_caller_identity).",
    )
    partition: Partition | None = Field(
        default=None,
        alias="kmsguard:partition",
        description="The AWS partition: aws, aws-cn or aws-us-gov (default: get_partition).",
    )
    catalog: CatalogSpec = Field(
        alias="kmsguard:catalog", description="The key catalog: one key per data class."
    )
    production_environments: tuple[NamePart, ...] = Field(
        default=tuple(sorted(PRODUCTION_ENVIRONMENTS)),
        alias="kmsguard:productionEnvironments",
        description=(
            "Environment names that count as production: their keys, aliases and grants are protected and "
            "retained on delete. Keep the pack's KG-S04 `environments` in step."
        ),
    )
    monitoring: MonitoringSpec | None = Field(
        default=None,
        alias="kmsguard:monitoring",
        description=(
            "Detective controls for every key of the catalog: EventBridge rules, the pending-deletion "
            "alarm, encrypted alert topics, optionally the responder (needs kmsguard:accountId and "
            "kmsguard:partition)."
        ),
    )

    @model_validator(mode="after")
    def _region_in_partition(self) -> StackConfig:
        if self.partition is not None and self.region not in partition_regions(self.partition):
            raise spec_error((REGION_KEY, unknown_region_message(self.region, self.partition)))
        return self

    @model_validator(mode="after")
    def _account_allowed(self) -> StackConfig:
        if self.account_id is not None and self.account_id not in self.allowed_account_ids:
            raise spec_error(
                (ACCOUNT_ID_KEY, f"{self.account_id} is not in {ALLOWED_ACCOUNTS_KEY}; make the two agree")
            )
        if self.monitoring is not None and (self.account_id is None or self.partition is None):
            # Event patterns and topic policies name the account; invokes would make them unknown
            # until the update, so monitoring is planned from configuration only.
            raise spec_error((MONITORING_KEY, f"needs {ACCOUNT_ID_KEY} and {PARTITION_KEY}; set both"))
        return self


def parse_stack_config(values: Mapping[str, str | None]) -> StackConfig:
    """The typed configuration from the CLI's flat map; raises `ConfigError` naming each key path."""
    data: dict[str, Any] = {}
    for key in CONFIG_KEYS:
        raw = values.get(key)
        if raw is None:
            continue
        if key in _STRUCTURED:
            try:
                data[key] = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise ConfigError(
                    f"{key}: is not valid structured config ({exc.msg}); fix the YAML"
                ) from None
        else:
            data[key] = raw
    try:
        return StackConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(str(SpecError.from_validation_error(exc))) from None


def read_stack_file(path: Path) -> dict[str, str]:
    """The flat map the CLI would hand the program for a `Pulumi.<stack>.yaml` file (for tests, the
    gate and tooling; the CLI itself does this for `pulumi up`)."""
    # PyYAML ships without types.
    import yaml  # type: ignore[import-untyped]  # noqa: PLC0415

    try:
        document = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(yaml_problem(exc, path)) from None
    raw: Mapping[str, Any] = document.get("config") or {}
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in raw.items()}


def located(
    message: str, values: Mapping[str, str | None], *, root: Path | None, stack: str, project: str
) -> str:
    """`message` with `file:line:column` before each line that names a config key path, when the
    stack file is found (as the CLI finds it, from `root`) and holds the values the program was
    given; otherwise the key paths alone, which still say what to fix."""
    path = None if root is None else find(root, stack)
    if path is None:
        return message
    try:
        source = StackFile.read(path, project, root)
    except (OSError, StackFileError):
        return message  # the CLI read the file to run the program; a file we cannot read says nothing
    return source.locate(message, values, root)
