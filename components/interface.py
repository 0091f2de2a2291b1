"""The documented interface of the components besides their specs: constructor arguments and the
outputs each registers. One source for `REFERENCE.md` (kmsguard.docs) and for the output names
the components register (tests check both against the code)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from kmsguard.policies.facts import PRODUCTION_ENVIRONMENTS

_DOC = ConfigDict(frozen=True, extra="forbid")


class KmsKeyArgs(BaseModel):
    """`KmsKey(name, args, opts=None, *, account_id=None, partition=None, region=None,
    extra_statements=None, production=None, today=None)`."""

    model_config = _DOC
    args: str = Field(
        description=(
            "The validated `KmsKeySpec` (see its fields below), or the same fields as a mapping "
            "(`kmsguard.provider.args.KmsKeyArgs`, what other languages send), validated here."
        ),
        json_schema_extra={"x-python-type": "KmsKeySpec | KmsKeyArgs"},
    )
    opts: str | None = Field(
        default=None,
        json_schema_extra={"x-python-type": "pulumi.ResourceOptions"},
        description=(
            "pulumi.ResourceOptions: providers are inherited by every child; protect and retain_on_delete "
            "override the production default for keys and aliases (through the provider only True does: "
            "it cannot tell an unset value from False)."
        ),
    )
    account_id: str | None = Field(
        default=None,
        description="The key's account; give it for an offline preview (default: aws.get_caller_identity).",
    )
    partition: str | None = Field(
        default=None, description="aws, aws-cn or aws-us-gov (default: aws.get_partition)."
    )
    region: str | None = Field(
        default=None,
        description="The primary's region when the spec has none (default: the stack's aws:region).",
    )
    extra_statements: str | None = Field(
        default=None,
        json_schema_extra={"x-python-type": "Callable[[str], Sequence[dict]]"},
        description=(
            "region → key-policy statements appended there, for a role a component creates itself "
            "(the monitoring responder's)."
        ),
    )
    production: bool | None = Field(
        default=None,
        description=(
            "Protect and retain keys, aliases and grants by default (default: the environment is prod or "
            "production; KeyCatalog passes the stack's kmsguard:productionEnvironments)."
        ),
    )
    today: str | None = Field(
        default=None,
        json_schema_extra={"x-python-type": "datetime.date"},
        description="The day quarantines are measured against (default: the current UTC date).",
    )


class KmsKeyOutputs(BaseModel):
    """What `KmsKey` registers as outputs (also attributes: key_id, key_arn, …)."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)
    key_id: str = Field(alias="keyId", description="The active primary key's id.")
    key_arn: str = Field(alias="keyArn", description="The active primary key's ARN.")
    alias_names: list[str] = Field(
        alias="aliasNames",
        description="Alias names (conventional first); each exists in every region of the key.",
    )
    replica_arns: dict[str, str] = Field(alias="replicaArns", description="Replica key ARN by region.")
    policy: str = Field(alias="policy", description="The primary key's policy JSON.")
    consumer_policies: dict[str, str] = Field(
        alias="consumerPolicies",
        description="External account id → the IAM policy JSON that account attaches to use the key.",
    )
    generation_arns: dict[str, str] = Field(
        alias="generationArns",
        description="Manual rotation: primary key ARN by generation id (empty otherwise).",
    )


class KeyCatalogArgs(BaseModel):
    """`KeyCatalog(name, args, opts=None, *, region=None, account_id=None, partition=None,
    extra_statements=None, production_environments=PRODUCTION_ENVIRONMENTS, today=None)`."""

    model_config = _DOC
    args: str = Field(
        description=(
            "The `CatalogSpec` (see its fields below), or the same fields as a mapping "
            "(`kmsguard.provider.args.KeyCatalogArgs`, what other languages send), validated here."
        ),
        json_schema_extra={"x-python-type": "CatalogSpec | KeyCatalogArgs"},
    )
    opts: str | None = Field(
        default=None,
        json_schema_extra={"x-python-type": "pulumi.ResourceOptions"},
        description="pulumi.ResourceOptions; an explicit protect/retain_on_delete reaches every key.",
    )
    region: str | None = Field(
        default=None,
        description="The region of every primary key and its aliases (default: the stack's aws:region).",
    )
    account_id: str | None = Field(default=None, description="Passed to every KmsKey.")
    partition: str | None = Field(default=None, description="Passed to every KmsKey.")
    extra_statements: str | None = Field(
        default=None,
        json_schema_extra={"x-python-type": "Callable[[str], Sequence[dict]]"},
        description="Passed to every KmsKey (the responder's statement when monitoring has one).",
    )
    production_environments: list[str] = Field(
        default=sorted(PRODUCTION_ENVIRONMENTS),
        description="Environment names whose keys, aliases and grants are protected and retained.",
    )
    today: str | None = Field(
        default=None,
        json_schema_extra={"x-python-type": "datetime.date"},
        description="Passed to every KmsKey: the day quarantines are measured against.",
    )


class KeyCatalogOutputs(BaseModel):
    """What `KeyCatalog` registers as outputs."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)
    key_arns: dict[str, str] = Field(alias="keyArns", description="Active primary key ARN by data class.")
    alias_names: dict[str, list[str]] = Field(alias="aliasNames", description="Alias names by data class.")


class KeyMonitoringArgs(BaseModel):
    """`KeyMonitoring(name, spec, catalog, catalog_spec, *, region, account_id, partition,
    responder_role=None, opts=None)`."""

    model_config = _DOC
    spec: str = Field(
        description="The `MonitoringSpec` (see its fields below).",
        json_schema_extra={"x-python-type": "MonitoringSpec"},
    )
    catalog: str = Field(
        description="The `KeyCatalog` whose keys (every generation, every replica) are watched.",
        json_schema_extra={"x-python-type": "KeyCatalog"},
    )
    catalog_spec: str = Field(
        description="The catalog's `CatalogSpec`: environment and defaults for the alert key.",
        json_schema_extra={"x-python-type": "CatalogSpec"},
    )
    region: str = Field(
        description="The stack's region: the metric filter, the alarm and the alert key's primary."
    )
    account_id: str = Field(description="The account: event patterns and topic policies name it.")
    partition: str = Field(description="aws, aws-cn or aws-us-gov.")
    responder_role: str | None = Field(
        default=None,
        json_schema_extra={"x-python-type": "aws.iam.Role"},
        description=(
            "The responder's role from `register_responder_role`, created before the catalog (whose key "
            "policies name it); required when the spec has a responder."
        ),
    )
    opts: str | None = Field(
        default=None,
        json_schema_extra={"x-python-type": "pulumi.ResourceOptions"},
        description="pulumi.ResourceOptions; an explicit protect/retain_on_delete reaches the alert key.",
    )


class KeyMonitoringOutputs(BaseModel):
    """What `KeyMonitoring` registers as outputs."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)
    topic_arns: dict[str, str] = Field(alias="topicArns", description="Alert topic ARN by region.")
