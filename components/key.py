"""`KmsKey`: one KMS key from a validated `KmsKeySpec` — key, replicas, aliases, grants.

Thin by design: everything that decides *what* the key policy, aliases and grants are lives in
`kmsguard.builders`; this class only registers children. Child names derive from the
component name `<c>`:

- `<c>-key` — the primary (`aws.kms.Key`, or `aws.kms.ExternalKey` for imported material); with
  manual rotation one per generation, `<c>-key-<generation>`.
- `<key>-replica-<region>` — a replica (`ReplicaKey` / `ReplicaExternalKey`) per replica region.
- `<c>-alias-<alias>` in the primary region and `<c>-alias-<alias>-<region>` in each replica
  region, `<alias>` being the alias name without `alias/` and with `/` as `-`.
- `<c>-grant-<grant name>` — grants, on the (active) primary key.

In production environments keys and aliases are protected and retained on delete unless the
caller's options say otherwise: a deleted alias while the key survives is an outage (aws-cdk #38217).
"""

# Pulumi's component provider (kmsguard.provider) hosts this class for other languages: it reads the
# `args` annotation and the class-level annotations (the outputs) at runtime, so this module keeps
# annotations evaluated (no `from __future__ import annotations`) and declares only outputs on the class.

import copy
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, TypeAlias

import pulumi
import pulumi_aws as aws

from kmsguard.builders import build_consumer_policies, build_key_policy, plan_grants, render_policy
from kmsguard.errors import KmsGuardError
from kmsguard.policies.facts import ALIAS_PREFIX, PRODUCTION_ENVIRONMENTS
from kmsguard.provider.args import KmsKeyArgs
from kmsguard.provider.convert import key_spec_from_args
from kmsguard.rotation import GenerationKeys, generations, lifecycle_options, register_generation
from kmsguard.spec import KmsKeySpec
from kmsguard.spec.lifecycle import KeyState, deletion_problems

#: The type a `KmsKeySpec` registers (unchanged since the first release: stacks keep their URNs).
KEY_TYPE_TOKEN = "kmsguard:kms:Key"
#: The type args register: the provider's token (`<package>:index:<class>`), which other languages use.
PROVIDER_KEY_TYPE_TOKEN = "kmsguard:index:KmsKey"

if TYPE_CHECKING:
    KeyInput: TypeAlias = KmsKeySpec | KmsKeyArgs
else:
    # The provider's analyzer reads this annotation at runtime and refuses unions: it gets the args type.
    KeyInput = KmsKeyArgs

#: region → statements appended to the key policy there: grants a component needs for a role it
#: creates itself (the monitoring responder), which an `ExtraStatement` may not express (administration).
ExtraStatements = Callable[[str], Sequence[dict[str, Any]]]


class KmsKey(pulumi.ComponentResource):
    """A KMS key with its policy, replicas, aliases in every region and grants."""

    key_id: pulumi.Output[str]
    """The active primary key's id."""
    key_arn: pulumi.Output[str]
    """The active primary key's ARN."""
    alias_names: pulumi.Output[list[str]]
    """Alias names (conventional first); each exists in every region of the key."""
    replica_arns: pulumi.Output[dict[str, str]]
    """Replica key ARN by region."""
    policy: pulumi.Output[str]
    """The primary key's policy JSON."""
    consumer_policies: pulumi.Output[dict[str, str]]
    """External account id → the IAM policy JSON that account attaches to use the key."""
    generation_arns: pulumi.Output[dict[str, str]]
    """Manual rotation: primary key ARN by generation id (empty otherwise)."""

    def __init__(
        self,
        name: str,
        args: KeyInput,
        opts: pulumi.ResourceOptions | None = None,
        *,
        account_id: str | None = None,
        partition: str | None = None,
        region: str | None = None,
        extra_statements: ExtraStatements | None = None,
        production: bool | None = None,
        today: date | None = None,
    ) -> None:
        """`args` is a validated `KmsKeySpec`, or the same fields as a mapping (`KmsKeyArgs`, what the
        provider passes), validated here. `account_id`/`partition` default to the provider's invokes
        (get_caller_identity, get_partition); give them for an offline preview. `region` fills in a
        spec without one and defaults to the stack's `aws:region`. `extra_statements` adds statements
        per region. `production` (default: the environment is one of the facts' production names)
        protects and retains keys, aliases and grants; `today` (default: the UTC date) decides which
        quarantines are over."""
        from_spec = isinstance(args, KmsKeySpec)
        spec = args if isinstance(args, KmsKeySpec) else key_spec_from_args(args)
        today = today or datetime.now(UTC).date()
        spec = _with_region(spec, region)
        _check_lifecycle(spec, today)
        primary_region = spec.region
        assert primary_region is not None  # _with_region guarantees it
        alias_suffixes = _alias_suffixes(spec)
        # Build every policy now when the account is known, so a spec the builder refuses fails
        # before anything is registered.
        eager = (
            _eager_policies(spec, account_id, partition, extra_statements, today)
            if account_id and partition
            else None
        )
        caller = (opts if from_spec else provider_options(opts)) or pulumi.ResourceOptions()
        _check_retained(spec, caller, production=production, today=today)
        super().__init__(KEY_TYPE_TOKEN if from_spec else PROVIDER_KEY_TYPE_TOKEN, name, None, opts)

        lasting = _lasting_options(spec, caller, parent=self, production=production)

        # One pair of invokes per key, however many regions and generations need a policy.
        identity = _identity(self, account_id, partition) if eager is None else None

        def policy_for(policy_region: str, retired: bool) -> pulumi.Input[str]:
            if identity is None:
                assert eager is not None
                return eager[(policy_region, retired)]
            return identity.apply(
                lambda ap: render_policy(
                    _with_extra(
                        build_key_policy(
                            spec, account_id=ap[0], partition=ap[1], region=policy_region, retired=retired
                        ),
                        extra_statements,
                        policy_region,
                    )
                )
            )

        keys = [
            register_generation(name, spec, g, region=primary_region, policy_for=policy_for, opts=lasting)
            for g in generations(spec, today)
        ]
        active = keys[-1]
        #: The validated spec (region filled in) and every generation's keys, oldest first.
        self.spec: KmsKeySpec = spec
        self.generations: list[GenerationKeys] = keys
        self.key: aws.kms.Key | aws.kms.ExternalKey = active.primary
        self.aliases = _register_aliases(name, spec, alias_suffixes, active, lasting)
        # Grants are protected like their key (losing one is an outage too), but never retained: a
        # grant removed from the spec must stop granting, so removing it fails loudly until unprotected.
        key_options = pulumi.ResourceOptions.merge(lasting, lifecycle_options(active.generation))
        grant_options = pulumi.ResourceOptions(
            parent=self, protect=key_options.protect, depends_on=caller.depends_on
        )
        self.grants = [
            aws.kms.Grant(
                f"{name}-grant-{plan.name_suffix}",
                aws.kms.GrantArgs(
                    key_id=active.primary.arn,
                    grantee_principal=plan.grantee_principal,
                    operations=list(plan.operations),
                    name=plan.name_suffix,
                    constraints=[
                        aws.kms.GrantConstraintArgs(
                            encryption_context_equals=_dict(plan.encryption_context_equals),
                            encryption_context_subset=_dict(plan.encryption_context_subset),
                        )
                    ]
                    if plan.encryption_context_equals or plan.encryption_context_subset
                    else None,
                    retiring_principal=plan.retiring_principal,
                    region=primary_region,
                ),
                opts=grant_options,
            )
            for plan in plan_grants(spec)
        ]

        self.key_id = key_id_of(active.primary)
        self.key_arn = active.primary.arn
        self.alias_names = pulumi.Output.from_input(list(spec.alias_names))
        self.replica_arns = pulumi.Output.all(
            **{r: replica.arn for r, replica in active.replicas.items()}
        ).apply(dict)
        self.policy = pulumi.Output.from_input(policy_for(primary_region, active.generation.retired))
        self.consumer_policies = _consumer_policies(spec, active)
        self.generation_arns = pulumi.Output.all(
            **{g.generation.id: g.primary.arn for g in keys if g.generation.id is not None}
        ).apply(dict)
        self.register_outputs(
            {
                "keyId": self.key_id,
                "keyArn": self.key_arn,
                "aliasNames": self.alias_names,
                "replicaArns": self.replica_arns,
                "policy": self.policy,
                "consumerPolicies": self.consumer_policies,
                "generationArns": self.generation_arns,
            }
        )


def provider_options(opts: pulumi.ResourceOptions | None) -> pulumi.ResourceOptions | None:
    """Options as the provider passes them, with an unset protect / retain_on_delete put back.

    The Python provider server turns an unset `protect` or `retainOnDelete` into False (it ignores
    the fields' presence, pulumi 3.272), which would override the production default and leave prod
    keys unprotected. Through the provider only True is therefore a choice; False means the default.
    """
    if opts is None:
        return None
    restored = copy.copy(opts)
    restored.protect = opts.protect or None
    restored.retain_on_delete = opts.retain_on_delete or None
    return restored


def check_key(
    spec: KmsKeySpec,
    *,
    account_id: str | None = None,
    partition: str | None = None,
    region: str | None = None,
    today: date | None = None,
) -> KmsKeySpec:
    """Everything `KmsKey` would refuse, raised without registering anything; returns the spec with
    its region filled in."""
    spec = _with_region(spec, region)
    _check_lifecycle(spec, today or datetime.now(UTC).date())
    _alias_suffixes(spec)
    if account_id and partition:
        _eager_policies(spec, account_id, partition)
    return spec


def _check_lifecycle(spec: KmsKeySpec, today: date) -> None:
    problems = deletion_problems(spec, today)
    if problems:
        raise KmsGuardError("\n".join(f"{path}: {message}" for path, message in problems))
    if spec.lifecycle.state is KeyState.DELETED:
        raise KmsGuardError(
            "lifecycle.state: a deleted key registers nothing; leave it out (KeyCatalog does)"
        )


def _with_region(spec: KmsKeySpec, region: str | None) -> KmsKeySpec:
    if spec.region is not None:
        return spec
    return spec.with_region(stack_region(region, "the spec has no region"))


def stack_region(region: str | None, why: str) -> str:
    """`region`, else the stack's `aws:region`; raises saying `why` a region is needed."""
    chosen = region or pulumi.Config("aws").get("region")
    if not chosen:
        raise KmsGuardError(f"region: {why} and aws:region is not set; set one of them")
    return chosen


def _check_retained(
    spec: KmsKeySpec, caller: pulumi.ResourceOptions, *, production: bool | None, today: date
) -> None:
    """A retained key leaves the stack disabled first: a key Pulumi would forget (retain_on_delete)
    while it still encrypts or decrypts must stay protected, so that only the lifecycle (disabled,
    quarantined, released) can take it out of the stack."""
    prod = spec.environment in PRODUCTION_ENVIRONMENTS if production is None else production
    retained = caller.retain_on_delete if caller.retain_on_delete is not None else prod
    protected = caller.protect if caller.protect is not None else prod
    enabled = spec.enabled and any(g.state.enabled for g in generations(spec, today))
    if retained and not protected and enabled:
        raise KmsGuardError(
            "opts: retain_on_delete without protect would let an enabled key leave the stack still usable; "
            "keep it protected, or disable it first (lifecycle.state: disabled)"
        )


def _lasting_options(
    spec: KmsKeySpec, caller: pulumi.ResourceOptions, *, parent: pulumi.Resource, production: bool | None
) -> pulumi.ResourceOptions:
    """Options for keys, aliases and grants: prod defaults to protected + retained, the caller's choice wins."""
    prod = spec.environment in PRODUCTION_ENVIRONMENTS if production is None else production
    defaults = (
        pulumi.ResourceOptions(protect=True, retain_on_delete=True) if prod else pulumi.ResourceOptions()
    )
    # depends_on is not inherited through a parent either; a key must wait for what its policy names.
    chosen = pulumi.ResourceOptions(
        protect=caller.protect, retain_on_delete=caller.retain_on_delete, depends_on=caller.depends_on
    )
    return pulumi.ResourceOptions.merge(
        pulumi.ResourceOptions.merge(defaults, chosen), pulumi.ResourceOptions(parent=parent)
    )


def _identity(
    owner: pulumi.Resource, account_id: str | None, partition: str | None
) -> pulumi.Output[list[str]]:
    invoke = pulumi.InvokeOptions(parent=owner)
    account: pulumi.Input[str] = (
        account_id if account_id is not None else aws.get_caller_identity_output(opts=invoke).account_id
    )
    part: pulumi.Input[str] = (
        partition if partition is not None else aws.get_partition_output(opts=invoke).partition
    )
    return pulumi.Output.all(account, part)


def key_id_of(key: aws.kms.Key | aws.kms.ExternalKey) -> pulumi.Output[str]:
    # ExternalKey has no key_id output: its resource id is the key id.
    return key.key_id if isinstance(key, aws.kms.Key) else key.id


def alias_resource_suffix(alias_name: str) -> str:
    return alias_name.removeprefix(ALIAS_PREFIX).replace("/", "-")


def _alias_suffixes(spec: KmsKeySpec) -> tuple[str, ...]:
    suffixes = tuple(alias_resource_suffix(a) for a in spec.alias_names)
    if len(set(suffixes)) != len(suffixes):
        raise KmsGuardError(
            f"extra_aliases: {list(spec.alias_names)} differ only in '/' versus '-'; rename one of them"
        )
    return suffixes


def _with_extra(document: dict[str, Any], extra: ExtraStatements | None, region: str) -> dict[str, Any]:
    if extra is None:
        return document
    return {**document, "Statement": [*document["Statement"], *extra(region)]}


def _eager_policies(
    spec: KmsKeySpec,
    account_id: str,
    partition: str,
    extra: ExtraStatements | None = None,
    today: date | None = None,
) -> dict[tuple[str, bool], str]:
    """(region, retired) → rendered policy, for every region and generation state the key needs."""
    assert spec.region is not None
    return {
        (region, retired): render_policy(
            _with_extra(
                build_key_policy(
                    spec, account_id=account_id, partition=partition, region=region, retired=retired
                ),
                extra,
                region,
            )
        )
        for region in (spec.region, *spec.replica_regions)
        for retired in sorted({g.retired for g in generations(spec, today)})
    }


def _register_aliases(
    name: str,
    spec: KmsKeySpec,
    suffixes: tuple[str, ...],
    active: GenerationKeys,
    opts: pulumi.ResourceOptions,
) -> list[aws.kms.Alias]:
    """Every alias in the primary's region and in each replica's, all on the active generation."""
    assert spec.region is not None
    targets: list[tuple[str, str, pulumi.Output[str]]] = [("", spec.region, key_id_of(active.primary))]
    targets += [(f"-{r}", r, replica.key_id) for r, replica in active.replicas.items()]
    return [
        aws.kms.Alias(
            f"{name}-alias-{suffix}{region_suffix}",
            aws.kms.AliasArgs(name=alias, target_key_id=key_id, region=region),
            opts=opts,
        )
        for region_suffix, region, key_id in targets
        for alias, suffix in zip(spec.alias_names, suffixes, strict=True)
    ]


def _consumer_policies(spec: KmsKeySpec, active: GenerationKeys) -> pulumi.Output[dict[str, str]]:
    if not spec.cross_account:
        return pulumi.Output.from_input({})
    arns = [active.primary.arn, *(r.arn for r in active.replicas.values())]
    return pulumi.Output.all(*arns).apply(
        lambda resolved: {
            account: render_policy(document)
            for account, document in build_consumer_policies(spec, key_arns=resolved).items()
        }
    )


def _dict(value: Any) -> dict[str, str] | None:
    return dict(value) if value is not None else None
