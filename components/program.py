"""The kmsguard Pulumi program: stack configuration → typed catalog → one key per data class.

Everything is validated (config, every data class, every key policy when the account is known)
before the first resource is registered; a problem stops the program with one `pulumi.RunError`
whose message lists each problem by config key path, after its `file:line:column` in the stack file
when that file is found, which the CLI prints without a traceback.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import pulumi

from kmsguard.builders.monitoring import responder_role_arn, responder_statements
from kmsguard.catalog import KeyCatalog, plan_catalog
from kmsguard.config import (
    CATALOG_KEY,
    CONFIG_KEYS,
    MONITORING_KEY,
    StackConfig,
    located,
    parse_stack_config,
)
from kmsguard.errors import KmsGuardError
from kmsguard.monitoring import KeyMonitoring, plan_monitoring, register_responder_role
from kmsguard.origin import config_origin
from kmsguard.stackfile import find_project_file
from kmsguard.trail import monitored_catalog


def read_config() -> dict[str, str | None]:
    """The config keys the program reads, from the running stack (`pulumi.Config`)."""
    out: dict[str, str | None] = {}
    for key in CONFIG_KEYS:
        namespace, _, name = key.partition(":")
        out[key] = pulumi.Config(namespace).get(name)
    return out


def load(values: Mapping[str, str | None]) -> StackConfig:
    """Parse and fully validate the configuration; raises `KmsGuardError` naming the config keys."""
    config = parse_stack_config(values)
    # A trail of the monitoring's own is encrypted with a catalog key: that key's presets come first.
    config = config.model_copy(
        update={"catalog": monitored_catalog(config.catalog, config.monitoring, path=MONITORING_KEY)}
    )
    specs = plan_catalog(
        config.catalog,
        region=config.region,
        account_id=config.account_id,
        partition=config.partition,
        path=CATALOG_KEY,
    )
    if config.monitoring is not None:
        plan_monitoring(
            config.monitoring,
            config.catalog,
            specs,
            region=config.region,
            account_id=config.account_id,
            partition=config.partition,
            path=MONITORING_KEY,
        )
    return config


def _root() -> Path | None:
    """The project's root as the CLI finds it: the nearest folder holding Pulumi.yaml, from the working
    directory up (the language host runs the program in the root or in `main`'s folder; the SDK's
    own root-directory setting is not set by every host)."""
    here = Path(os.getcwd())
    return next((d for d in (here, *here.parents) if find_project_file(d) is not None), None)


def main() -> KeyCatalog:
    values = read_config()
    try:
        config = load(values)
    except KmsGuardError as exc:
        where = located(
            str(exc), values, root=_root(), stack=pulumi.get_stack(), project=pulumi.get_project()
        )
        raise pulumi.RunError(f"invalid stack configuration:\n{where}") from None
    responder_role = None
    extra_statements = None
    if config.monitoring is not None and config.monitoring.responder is not None:
        assert config.account_id is not None
        assert config.partition is not None
        environment = config.catalog.environment
        with config_origin(f"{MONITORING_KEY}.responder"):
            responder_role = register_responder_role(f"{environment}-monitoring-responder-role", environment)
        role_arn = responder_role_arn(environment, account_id=config.account_id, partition=config.partition)
        extra_statements = lambda _region: responder_statements(role_arn)  # noqa: E731
    # Every resource is registered inside the config entry it comes from, for reports to point at.
    with config_origin(CATALOG_KEY):
        catalog = KeyCatalog(
            config.catalog.environment,
            config.catalog,
            region=config.region,
            account_id=config.account_id,
            partition=config.partition,
            extra_statements=extra_statements,
            production_environments=config.production_environments,
            # KMS refuses a key policy naming a role that does not exist yet.
            opts=pulumi.ResourceOptions(depends_on=[responder_role]) if responder_role is not None else None,
        )
    if config.monitoring is not None:
        assert config.account_id is not None
        assert config.partition is not None
        with config_origin(MONITORING_KEY):
            monitoring = KeyMonitoring(
                f"{config.catalog.environment}-monitoring",
                config.monitoring,
                catalog,
                config.catalog,
                region=config.region,
                account_id=config.account_id,
                partition=config.partition,
                responder_role=responder_role,
            )
        pulumi.export("alertTopicArns", monitoring.topic_arns)
    pulumi.export("keyArns", catalog.key_arns)
    pulumi.export("aliasNames", catalog.alias_names)
    pulumi.export(
        "consumerPolicies",
        pulumi.Output.all(**{k: key.consumer_policies for k, key in catalog.keys.items()}).apply(
            lambda by_class: {k: v for k, v in by_class.items() if v}
        ),
    )
    return catalog
