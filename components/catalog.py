"""`KeyCatalog`: one `KmsKey` per data class of an environment (the whitepaper's "at least one key
per class of data").

Every data class is merged with the environment's defaults and validated before the catalog
registers anything, so one bad class stops the whole catalog with every problem listed. Keys are
named `<catalog>-<data class>`; their children follow `KmsKey`'s naming scheme.
"""

# Hosted by Pulumi's component provider like KmsKey (see kmsguard.key): annotations stay evaluated.

from collections.abc import Collection
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, TypeAlias

import pulumi

from kmsguard.catalog_spec import CatalogSpec
from kmsguard.errors import KmsGuardError
from kmsguard.key import ExtraStatements, KmsKey, check_key, provider_options, stack_region
from kmsguard.origin import config_item
from kmsguard.policies.facts import PRODUCTION_ENVIRONMENTS
from kmsguard.provider.args import KeyCatalogArgs
from kmsguard.provider.convert import catalog_spec_from_args
from kmsguard.spec import KmsKeySpec
from kmsguard.spec.lifecycle import KeyState, deletion_problems

#: The type a `CatalogSpec` registers; args register the provider's token (see kmsguard.key).
CATALOG_TYPE_TOKEN = "kmsguard:kms:KeyCatalog"
PROVIDER_CATALOG_TYPE_TOKEN = "kmsguard:index:KeyCatalog"

if TYPE_CHECKING:
    CatalogInput: TypeAlias = CatalogSpec | KeyCatalogArgs
else:
    # The provider's analyzer reads this annotation at runtime and refuses unions: it gets the args type.
    CatalogInput = KeyCatalogArgs


def plan_catalog(
    spec: CatalogSpec,
    *,
    region: str,
    account_id: str | None = None,
    partition: str | None = None,
    path: str = "",
    today: date | None = None,
) -> tuple[KmsKeySpec, ...]:
    """Every data class as a validated key spec, its policies built when the account is known.

    Deleted keys are in the result (they register nothing); their quarantine is checked.
    Raises `SpecError`/`KmsGuardError` with messages prefixed by `path` (a config key, say).
    """
    specs = spec.key_specs(region=region, path=path)
    day = today or datetime.now(UTC).date()
    for i, key_spec in enumerate(specs):
        where = f"{path}.data_classes[{i}]" if path else f"data_classes[{i}]"
        try:
            if key_spec.lifecycle.state is KeyState.DELETED:
                problems = deletion_problems(key_spec, day)
                if problems:
                    raise KmsGuardError("\n".join(f"{p}: {m}" for p, m in problems))
            else:
                check_key(key_spec, account_id=account_id, partition=partition, today=day)
        except KmsGuardError as exc:
            raise KmsGuardError(f"{where}: {exc}") from None
    return specs


class KeyCatalog(pulumi.ComponentResource):
    """The keys of one environment, by data class."""

    key_arns: pulumi.Output[dict[str, str]]
    """Active primary key ARN by data class."""
    alias_names: pulumi.Output[dict[str, list[str]]]
    """Alias names by data class."""

    def __init__(
        self,
        name: str,
        args: CatalogInput,
        opts: pulumi.ResourceOptions | None = None,
        *,
        region: str | None = None,
        account_id: str | None = None,
        partition: str | None = None,
        extra_statements: ExtraStatements | None = None,
        production_environments: Collection[str] = PRODUCTION_ENVIRONMENTS,
        today: date | None = None,
    ) -> None:
        """`args` is a `CatalogSpec`, or the same fields as a mapping (`KeyCatalogArgs`, what the
        provider passes), validated here. `region` defaults to the stack's `aws:region`."""
        from_spec = isinstance(args, CatalogSpec)
        spec = args if isinstance(args, CatalogSpec) else catalog_spec_from_args(args)
        region = stack_region(region, "the catalog's keys need one")
        specs = plan_catalog(spec, region=region, account_id=account_id, partition=partition, today=today)
        super().__init__(CATALOG_TYPE_TOKEN if from_spec else PROVIDER_CATALOG_TYPE_TOKEN, name, None, opts)
        caller = (opts if from_spec else provider_options(opts)) or pulumi.ResourceOptions()
        # protect / retain_on_delete are not inherited through a parent (retain_on_delete never is),
        # so an explicit choice on the catalog is handed to every key.
        child = pulumi.ResourceOptions(
            parent=self,
            protect=caller.protect,
            retain_on_delete=caller.retain_on_delete,
            depends_on=caller.depends_on,
        )
        self.keys: dict[str, KmsKey] = {}
        for i, (data_class, key_spec) in enumerate(zip(spec.data_classes, specs, strict=True)):
            # A deleted key registers nothing: Pulumi deletes (or, retained, forgets) it.
            if key_spec.lifecycle.state is KeyState.DELETED:
                continue
            with config_item(f"data_classes[{i}]"):
                self.keys[data_class.name] = KmsKey(
                    f"{name}-{data_class.name}",
                    key_spec,
                    account_id=account_id,
                    partition=partition,
                    extra_statements=extra_statements,
                    production=spec.environment in production_environments,
                    today=today,
                    opts=child,
                )
        self.key_arns = pulumi.Output.all(**{k: key.key_arn for k, key in self.keys.items()}).apply(dict)
        self.alias_names = pulumi.Output.all(**{k: key.alias_names for k, key in self.keys.items()}).apply(
            dict
        )
        self.register_outputs({"keyArns": self.key_arns, "aliasNames": self.alias_names})
