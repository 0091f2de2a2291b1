"""Read every customer-managed key of a region with its policy, rotation, aliases, grants and tags.

Calls per key: DescribeKey, GetKeyPolicy, GetKeyRotationStatus (only keys AWS can rotate), ListGrants and
ListResourceTags; aliases come from one paginated ListAliases per region. A read the credentials are
refused (or that fails otherwise) leaves the value unknown and is recorded in `unreadable`, so the
report fails closed instead of judging a key on what it could not see.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from botocore.exceptions import BotoCoreError, ClientError

from kmsguard.gate.audit.aws import Clients, error_code
from kmsguard.gate.errors import GateError

#: The only key policy name KMS has.
POLICY_NAME: Final = "default"
#: GetKeyRotationStatus answers these for keys that cannot rotate (asymmetric, HMAC, imported, custom
#: store): rotation is then not applicable, not unreadable.
NOT_ROTATABLE_CODES: Final = frozenset({"UnsupportedOperationException"})


@dataclass
class LiveAlias:
    name: str
    arn: str
    target_key_id: str


@dataclass
class LiveGrant:
    grant_id: str
    name: str
    grantee: str
    operations: list[str]
    constraints: dict[str, Any] | None
    retiring: str | None


@dataclass
class LiveKey:
    """One customer-managed key as KMS describes it, plus what the audit could not read."""

    region: str
    metadata: dict[str, Any]
    policy: str | None = None
    rotation_enabled: bool | None = None
    rotation_period_days: int | None = None
    rotation_applicable: bool = True
    tags: dict[str, str] = field(default_factory=dict)
    aliases: list[LiveAlias] = field(default_factory=list)
    grants: list[LiveGrant] = field(default_factory=list)
    #: The reads that failed, as `Operation: error code`.
    unreadable: list[str] = field(default_factory=list)

    @property
    def key_id(self) -> str:
        return str(self.metadata["KeyId"])

    @property
    def arn(self) -> str:
        return str(self.metadata["Arn"])

    @property
    def account(self) -> str:
        return self.arn.split(":")[4]

    @property
    def state(self) -> str:
        return str(self.metadata.get("KeyState", ""))

    @property
    def origin(self) -> str:
        return str(self.metadata.get("Origin", "AWS_KMS"))

    @property
    def multi_region_type(self) -> str | None:
        """PRIMARY or REPLICA for a multi-Region key. Told by whether the primary's ARN is the key's
        own: MultiRegionKeyType says the same on AWS, but moto rewrites it on the primary once its
        replica has been described."""
        primary = self.primary_arn
        if primary is None:
            return None
        return "PRIMARY" if primary == self.arn else "REPLICA"

    @property
    def primary_arn(self) -> str | None:
        config = self.metadata.get("MultiRegionConfiguration") or {}
        primary = config.get("PrimaryKey") or {}
        return str(primary["Arn"]) if "Arn" in primary else None

    @property
    def deletion_date(self) -> datetime | None:
        value = self.metadata.get("DeletionDate")
        return value if isinstance(value, datetime) else None


@dataclass
class RegionRead:
    region: str
    keys: list[LiveKey] = field(default_factory=list)
    aws_managed: int = 0


Tick = Callable[[str], None]


#: Keys read at once: each key costs about five round trips, which AWS answers in parallel; adaptive
#: retries slow every worker down together once KMS throttles (its request quotas are per account).
READERS: Final = 8


def read_region(clients: Clients, region: str, tick: Tick | None = None) -> RegionRead:
    kms = clients.client("kms", region)
    read = RegionRead(region)
    aliases = _aliases(kms, region)

    def one(key_id: str) -> LiveKey | None:
        try:
            metadata = kms.describe_key(KeyId=key_id)["KeyMetadata"]
        except (ClientError, BotoCoreError) as exc:
            # Without the metadata the key's type is unknown: stop rather than leave a key unjudged.
            raise GateError(
                f"cannot describe key {key_id} in {region}: {exc}", "allow kms:DescribeKey"
            ) from None
        if metadata.get("KeyManager") == "AWS":
            return None
        key = LiveKey(region, metadata, aliases=aliases.get(metadata["KeyId"], []))
        _read_details(kms, key)
        if tick is not None:
            tick(region)
        return key

    with ThreadPoolExecutor(READERS, thread_name_prefix="kmsguard-read") as pool:
        for key in pool.map(one, list(_key_ids(kms, region))):
            if key is None:
                read.aws_managed += 1
            else:
                read.keys.append(key)
    return read


def _key_ids(kms: Any, region: str) -> Iterator[str]:
    try:
        for page in kms.get_paginator("list_keys").paginate():
            for entry in page["Keys"]:
                yield str(entry["KeyId"])
    except (ClientError, BotoCoreError) as exc:
        # Without the list nothing can be judged: the whole audit stops rather than pass a region.
        raise GateError(f"cannot list the keys of {region}: {exc}", "allow kms:ListKeys") from None


def _aliases(kms: Any, region: str) -> dict[str, list[LiveAlias]]:
    by_key: dict[str, list[LiveAlias]] = defaultdict(list)
    try:
        for page in kms.get_paginator("list_aliases").paginate():
            for entry in page["Aliases"]:
                target = entry.get("TargetKeyId")
                # Aliases are regional; a multi-Region key's replicas share its key id, so an alias
                # reported from another region would land on the replica (moto does report them).
                if target and str(entry.get("AliasArn", "")).split(":")[3:4] == [region]:
                    by_key[target].append(LiveAlias(entry["AliasName"], entry["AliasArn"], target))
    except (ClientError, BotoCoreError) as exc:
        raise GateError(f"cannot list the aliases of {region}: {exc}", "allow kms:ListAliases") from None
    return by_key


def _read_details(kms: Any, key: LiveKey) -> None:
    key_id = key.key_id
    policy = _attempt(key, "GetKeyPolicy", lambda: kms.get_key_policy(KeyId=key_id, PolicyName=POLICY_NAME))
    if policy is not None:
        key.policy = str(policy["Policy"])
    if _can_rotate(key):
        _read_rotation(kms, key)
    else:
        key.rotation_applicable = False
    tags = _attempt(key, "ListResourceTags", lambda: _all(kms, "list_resource_tags", "Tags", KeyId=key_id))
    if tags is not None:
        key.tags = {t["TagKey"]: t["TagValue"] for t in tags}
    grants = _attempt(key, "ListGrants", lambda: _all(kms, "list_grants", "Grants", KeyId=key_id))
    for g in grants or []:
        key.grants.append(
            LiveGrant(
                grant_id=str(g["GrantId"]),
                name=str(g.get("Name") or ""),
                grantee=str(g.get("GranteePrincipal", "")),
                operations=[str(o) for o in g.get("Operations", [])],
                constraints=g.get("Constraints"),
                retiring=g.get("RetiringPrincipal"),
            )
        )


def _can_rotate(key: LiveKey) -> bool:
    """Only keys whose rotation status KMS reports: symmetric, KMS-generated, not in a custom store,
    primaries (a replica follows its primary's rotation)."""
    meta = key.metadata
    return (
        meta.get("KeySpec", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT"
        and key.origin == "AWS_KMS"
        and not meta.get("CustomKeyStoreId")
        and key.multi_region_type != "REPLICA"
    )


def _read_rotation(kms: Any, key: LiveKey) -> None:
    try:
        status = kms.get_key_rotation_status(KeyId=key.key_id)
    except ClientError as exc:
        if error_code(exc) in NOT_ROTATABLE_CODES:
            key.rotation_applicable = False
            return
        key.unreadable.append(f"GetKeyRotationStatus: {error_code(exc) or exc}")
        return
    except BotoCoreError as exc:
        key.unreadable.append(f"GetKeyRotationStatus: {exc}")
        return
    key.rotation_enabled = bool(status.get("KeyRotationEnabled"))
    period = status.get("RotationPeriodInDays")
    key.rotation_period_days = int(period) if isinstance(period, int) else None


def _all(kms: Any, operation: str, items: str, **params: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for page in kms.get_paginator(operation).paginate(**params):
        found.extend(page.get(items, []))
    return found


def _attempt(key: LiveKey, operation: str, call: Callable[[], Any]) -> Any:
    try:
        return call()
    except ClientError as exc:
        key.unreadable.append(f"{operation}: {error_code(exc) or exc}")
    except BotoCoreError as exc:
        key.unreadable.append(f"{operation}: {exc}")
    return None
