"""The kmsguard Pulumi program: stack configuration → typed catalog → one key per data class.

Everything is validated (config, every data class, every key policy when the account is known)
before the first resource is registered; a problem stops the program with one `pulumi.RunError`
whose message lists each problem by config key path, which the CLI prints without a traceback.
"""

from __future__ import annotations

from collections.abc import Mapping

import pulumi

from kmsguard.catalog import KeyCatalog, plan_catalog
from kmsguard.config import CATALOG_KEY, CONFIG_KEYS, MONITORING_KEY, StackConfig, parse_stack_config
from kmsguard.errors import KmsGuardError
from kmsguard.monitoring import KeyMonitoring, plan_monitoring


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
    catalog = KeyCatalog(
        config.catalog.environment,
        config.catalog,
        region=config.region,
        account_id=config.account_id,
        partition=config.partition,
    )
    if config.monitoring is not None:
        assert config.account_id is not None and config.partition is not None  # StackConfig checks it
        monitoring = KeyMonitoring(
            f"{config.catalog.environment}-monitoring",
            config.monitoring,
            catalog,
            config.catalog,
            region=config.region,
            account_id=config.account_id,
            partition=config.partition,
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
