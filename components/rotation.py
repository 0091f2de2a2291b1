"""Manual rotation: generations of one key behind one alias.

AWS cannot rotate imported material, asymmetric or HMAC keys, or keys in custom key stores; some
teams must rotate on their own schedule anyway. Rotation then means a new key: list a new
generation id last in `rotation.manual.generations`, and the aliases move to it. Older generations
stay, their policy built with `retired=True` (decrypt/verify only, no service grants), so existing
ciphertexts and signatures still open; a generation is deleted only when someone removes it from
the spec on purpose.

The alias resources are named after the component, never after a generation, so a rotation is an
in-place `UpdateAlias` (no window without the alias) rather than a delete and a create.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pulumi
import pulumi_aws as aws

from kmsguard.facts import DELETION_APPROVED_TAG
from kmsguard.policies.facts import KEY_GENERATION_TAG
from kmsguard.spec import KmsKeySpec
from kmsguard.spec.lifecycle import KeyState, effective_states, released


@dataclass(frozen=True)
class Generation:
    """One key of a (possibly manually rotated) key: its id, whether it is retired, its lifecycle."""

    #: The generation id from the spec; None for a key without manual rotation.
    id: str | None
    #: Decrypt/verify only (the retired policy): an older generation, or a key past `in_use`.
    retired: bool
    state: KeyState = KeyState.IN_USE
    #: Disabled and past its quarantine: the next update may delete it.
    released: bool = False

    @property
    def quarantined(self) -> bool:
        """Disabled and still in quarantine: protected and retained in every environment."""
        return self.state is KeyState.DISABLED and not self.released

    def key_name(self, component: str) -> str:
        """Resource name of this generation's primary key: `<c>-key` or `<c>-key-<generation>`."""
        return f"{component}-key" if self.id is None else f"{component}-key-{self.id}"


def generations(spec: KmsKeySpec, today: date | None = None) -> tuple[Generation, ...]:
    """The generations to register, oldest first (deleted ones are left out); the last listed in the
    spec is active. A key without manual rotation has one generation. `today` (default: the current
    UTC date) decides which quarantines are over."""
    day = today or datetime.now(UTC).date()
    out: list[Generation] = []
    for generation_id, state in effective_states(spec).items():
        if state.state is KeyState.DELETED:
            continue
        out.append(
            Generation(
                generation_id,
                retired=state.state is not KeyState.IN_USE,
                state=state.state,
                released=released(spec, state, day),
            )
        )
    return tuple(out)


#: (region, retired) → the rendered key policy for the key in that region.
PolicyFor = Callable[[str, bool], pulumi.Input[str]]


@dataclass(frozen=True)
class GenerationKeys:
    """The keys registered for one generation: the primary and its replicas by region."""

    generation: Generation
    primary: aws.kms.Key | aws.kms.ExternalKey
    replicas: Mapping[str, aws.kms.ReplicaKey | aws.kms.ReplicaExternalKey]


def register_generation(
    component: str,
    spec: KmsKeySpec,
    generation: Generation,
    *,
    region: str,
    policy_for: PolicyFor,
    opts: pulumi.ResourceOptions,
) -> GenerationKeys:
    """Register one generation's primary key and its replicas (each with its own policy and region)."""
    name = generation.key_name(component)
    tags = spec.all_tags()
    if generation.id is not None:
        tags = {**tags, KEY_GENERATION_TAG: generation.id}
    if generation.released:
        # The deletion the next update schedules was approved by the spec: the responder lets it run.
        tags = {**tags, DELETION_APPROVED_TAG: "true"}
    enabled = spec.enabled and generation.state.enabled
    opts = pulumi.ResourceOptions.merge(opts, lifecycle_options(generation))
    policy = policy_for(region, generation.retired)
    primary: aws.kms.Key | aws.kms.ExternalKey
    if spec.origin == "EXTERNAL":
        # Key material is imported out of band: it must never sit in configuration or state.
        primary = aws.kms.ExternalKey(
            name,
            aws.kms.ExternalKeyArgs(
                description=spec.description,
                key_spec=spec.key_spec.value,
                key_usage=spec.key_usage.value,
                deletion_window_in_days=spec.deletion_window_days,
                enabled=enabled,
                multi_region=spec.multi_region_enabled,
                valid_to=spec.valid_to,
                policy=policy,
                tags=tags,
                region=region,
            ),
            opts=opts,
        )
    else:
        primary = aws.kms.Key(
            name,
            aws.kms.KeyArgs(
                description=spec.description,
                key_usage=spec.key_usage.value,
                customer_master_key_spec=spec.key_spec.value,
                custom_key_store_id=spec.custom_key_store_id,
                xks_key_id=spec.xks_key_id,
                enable_key_rotation=spec.auto_rotation,
                rotation_period_in_days=spec.rotation_period_days,
                deletion_window_in_days=spec.deletion_window_days,
                is_enabled=enabled,
                multi_region=spec.multi_region_enabled,
                policy=policy,
                tags=tags,
                region=region,
            ),
            opts=opts,
        )
    replicas: dict[str, aws.kms.ReplicaKey | aws.kms.ReplicaExternalKey] = {}
    for replica_region in spec.replica_regions:
        replica_name = f"{name}-replica-{replica_region}"
        replica_policy = policy_for(replica_region, generation.retired)
        if spec.origin == "EXTERNAL":
            replicas[replica_region] = aws.kms.ReplicaExternalKey(
                replica_name,
                aws.kms.ReplicaExternalKeyArgs(
                    primary_key_arn=primary.arn,
                    description=spec.description,
                    deletion_window_in_days=spec.deletion_window_days,
                    enabled=enabled,
                    valid_to=spec.valid_to,
                    policy=replica_policy,
                    tags=tags,
                    region=replica_region,
                ),
                opts=opts,
            )
        else:
            replicas[replica_region] = aws.kms.ReplicaKey(
                replica_name,
                aws.kms.ReplicaKeyArgs(
                    primary_key_arn=primary.arn,
                    description=spec.description,
                    deletion_window_in_days=spec.deletion_window_days,
                    enabled=enabled,
                    policy=replica_policy,
                    tags=tags,
                    region=replica_region,
                ),
                opts=opts,
            )
    return GenerationKeys(generation, primary, replicas)


def lifecycle_options(generation: Generation) -> pulumi.ResourceOptions:
    """Quarantine protects and retains in every environment; release lifts the protection."""
    if generation.quarantined:
        return pulumi.ResourceOptions(protect=True, retain_on_delete=True)
    if generation.released:
        return pulumi.ResourceOptions(protect=False)
    return pulumi.ResourceOptions()
