"""The kmsguard Pulumi program: stack configuration → typed catalog → one key per data class.

Everything is validated (config, every data class, every key policy when the account is known)
before the first resource is registered; a problem stops the program with one `pulumi.RunError`
whose message lists each problem by config key path, which the CLI prints without a traceback.
"""

from __future__ import annotations

from collections.abc import Mapping

import pulumi

from kmsguard.builders.monitoring import responder_role_arn, responder_statements
from kmsguard.catalog import KeyCatalog, plan_catalog
from kmsguard.config import CATALOG_KEY, CONFIG_KEYS, MONITORING_KEY, StackConfig, parse_stack_config
from kmsguard.errors import KmsGuardError
from kmsguard.monitoring import KeyMonitoring, plan_monitoring, register_responder_role
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


def main() -> KeyCatalog:
    try:
        config = load(read_config())
    except KmsGuardError as exc:
        raise pulumi.RunError(f"invalid stack configuration:\n{exc}") from None
    responder_role = None
    extra_statements = None
    if config.monitoring is not None and config.monitoring.responder is not None:
        assert config.account_id is not None
        assert config.partition is not None
        environment = config.catalog.environment
        responder_role = register_responder_role(f"{environment}-monitoring-responder-role", environment)
        role_arn = responder_role_arn(environment, account_id=config.account_id, partition=config.partition)
        extra_statements = lambda _region: responder_statements(role_arn)  # noqa: E731
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
