"""Which key of the stack protects each consumer, and which services write into each topic or queue.

Built once per AnalyzeStack call, so that linking thousands of consumers costs a few dict look-ups
each. A consumer names its key by id, ARN, alias name or alias ARN (compared with the outputs
AnalyzeStack sends); when the reference is unknown during preview, the property dependencies of the
key property (else the consumer's dependencies) say which key or alias it came from. Shared by the
consumer stack rules (KG-S05…S07); not a rule module.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from .consumers import KeyForm, SlotUse, Verdict, slot_uses
from .documents import CarriedPolicy, carried_policies
from .facts import (
    ALIAS_TYPE,
    ALL_KEY_TYPES,
    KMS_ARN_RE,
    PUBLISHERS,
    SNS_TOPIC_TYPE,
    SQS_QUEUE_TYPE,
    Publisher,
)
from .rule import Context, Resource, is_unknown
from .stack_links import KeyIndex, alias_name, key_identifiers, key_policies_by_key, keys_of_alias


def region_of(resource: Resource, default: str | None) -> str | None:
    """The resource's own `region`, else the key's region in its ARN, else the stack's `aws:region`."""
    region = resource.props.get("region")
    if isinstance(region, str) and region:
        return region
    arn = resource.props.get("arn")
    if isinstance(arn, str) and (match := KMS_ARN_RE.match(arn)):
        return match["region"]
    return default


def stack_region(context: Context) -> str | None:
    region = context.stack_config.get("aws:region")
    return region if isinstance(region, str) and region else None


def partition_of(key: Resource) -> str:
    arn = key.props.get("arn")
    match = KMS_ARN_RE.match(arn) if isinstance(arn, str) else None
    return match["partition"] if match else "aws"


def _strings_at(value: Any, path: str) -> list[Any]:
    """Every value at a dotted path, walking lists on the way: strings and UNKNOWNs, nothing else."""
    current: list[Any] = [value]
    for part in path.split("."):
        following: list[Any] = []
        for item in current:
            for element in item if isinstance(item, list) else [item]:
                if is_unknown(element):
                    following.append(element)
                elif isinstance(element, Mapping) and part in element:
                    following.append(element[part])
        current = following
    found: list[Any] = []
    for item in current:
        found.extend(
            v for v in (item if isinstance(item, list) else [item]) if isinstance(v, str) or is_unknown(v)
        )
    return found


def sources_of(resource: Resource, prop: str) -> tuple[str, ...] | None:
    """URNs a property's value came from; None when the driver sent no dependency information."""
    if resource.property_dependencies:
        return resource.property_dependencies.get(prop, ())
    return resource.dependencies or None


@dataclass(frozen=True)
class Delivery:
    """A service principal that writes into a consumer, and the resource that makes it do so."""

    principal: str
    source: Resource
    publisher: Publisher


class StackKeys:
    """The stack's keys, aliases, key policies and publishers, indexed once."""

    @classmethod
    def of(cls, resources: Sequence[Resource], default_region: str | None) -> StackKeys:
        """The index of this very sequence: the consumer stack rules of one AnalyzeStack request get the
        same decoded tuple from the adapter, so they share one index instead of building three."""
        cached = _LAST.value
        if cached is not None and cached[0] is resources and cached[1] == (len(resources), default_region):
            return cached[2]
        built = cls(resources, default_region)
        _LAST.value = (resources, (len(resources), default_region), built)
        return built

    def __init__(self, resources: Sequence[Resource], default_region: str | None) -> None:
        self.default_region = default_region
        self._uses: dict[str, tuple[SlotUse, ...]] = {}
        self._by_urn = {r.urn: r for r in resources}
        keys = [r for r in resources if r.type in ALL_KEY_TYPES]
        self._index = KeyIndex(keys)
        self._by_identifier: dict[str, list[Resource]] = defaultdict(list)
        for key in keys:
            for identifier in key_identifiers(key):
                self._by_identifier[identifier].append(key)
        self._aliases_by_name: dict[str, list[Resource]] = defaultdict(list)
        self._aliases_by_arn: dict[str, Resource] = {}
        for resource in resources:
            if resource.type == ALIAS_TYPE:
                if (name := alias_name(resource)) is not None:
                    self._aliases_by_name[name].append(resource)
                if isinstance(arn := resource.props.get("arn"), str):
                    self._aliases_by_arn[arn] = resource
        self._policies = key_policies_by_key(resources, self._index)
        self._deliveries = self._index_deliveries(resources)

    def uses(self, consumer: Resource) -> tuple[SlotUse, ...]:
        """`slot_uses(consumer)`, computed once per consumer for every rule sharing this index."""
        found = self._uses.get(consumer.urn)
        if found is None:
            found = self._uses[consumer.urn] = slot_uses(consumer)
        return found

    # -- consumer → key --------------------------------------------------------------------------

    def keys_of(self, consumer: Resource, use: SlotUse) -> list[Resource] | None:
        """The stack's keys behind one slot: [] when the reference names a key outside the stack, None
        when an unknown reference cannot be traced to any resource."""
        if use.verdict is Verdict.UNKNOWN_KEY:
            sources = sources_of(consumer, use.top)
            if sources is None:
                return None
            found = self._keys_from_urns(sources)
            return found or None
        if use.verdict is not Verdict.CUSTOMER_KEY or use.reference is None or use.raw is None:
            return []
        reference, region = use.reference, region_of(consumer, self.default_region)
        if reference.form in (KeyForm.KEY_ID, KeyForm.KEY_ARN):
            return self._in_region(self._by_identifier.get(use.raw, []), region)
        if reference.form is KeyForm.ALIAS_ARN and use.raw in self._aliases_by_arn:
            aliases = [self._aliases_by_arn[use.raw]]
        else:
            wanted_region = reference.region or region
            aliases = self._in_region(self._aliases_by_name.get(reference.name, []), wanted_region)
        return self._dedupe(k for a in aliases for k in self._keys_of_alias(a))

    def _keys_of_alias(self, alias: Resource) -> list[Resource]:
        # A multi-region primary and its replicas share one key id, so an alias targeting the id
        # matches all of them: the alias's region picks its own.
        return self._in_region(keys_of_alias(alias, self._index), region_of(alias, self.default_region))

    def _keys_from_urns(self, urns: Iterable[str]) -> list[Resource]:
        found: list[Resource] = []
        for urn in urns:
            resource = self._by_urn.get(urn)
            if resource is None:
                continue
            if resource.type in ALL_KEY_TYPES:
                found.append(resource)
            elif resource.type == ALIAS_TYPE:
                found.extend(self._keys_of_alias(resource))
        return self._dedupe(found)

    def _in_region(self, resources: list[Resource], region: str | None) -> list[Resource]:
        if region is None or len(resources) < 2:
            return list(resources)
        matching = [r for r in resources if region_of(r, self.default_region) == region]
        return matching or list(resources)

    @staticmethod
    def _dedupe(resources: Iterable[Resource]) -> list[Resource]:
        seen: dict[str, Resource] = {}
        for resource in resources:
            seen.setdefault(resource.urn, resource)
        return list(seen.values())

    def policies_of(self, key: Resource) -> tuple[CarriedPolicy, ...]:
        """The key's effective policy: a separate `aws.kms.KeyPolicy` wins over the key's own `policy`."""
        separate = self._policies.get(key.urn)
        if separate:
            return tuple(p for kp in separate for p in carried_policies(kp))
        return carried_policies(key)

    # -- publishers → topic/queue ----------------------------------------------------------------

    def deliveries_to(self, consumer: Resource) -> list[Delivery]:
        return self._deliveries.get(consumer.urn, [])

    def _index_deliveries(self, resources: Sequence[Resource]) -> dict[str, list[Delivery]]:
        receivers = [r for r in resources if r.type in (SNS_TOPIC_TYPE, SQS_QUEUE_TYPE)]
        if not receivers:
            return {}
        by_arn = {arn: r for r in receivers if isinstance(arn := r.props.get("arn"), str) and arn}
        receiver_urns = {r.urn for r in receivers}
        publishers = {p.type: p for p in PUBLISHERS}
        deliveries: dict[str, list[Delivery]] = defaultdict(list)
        for resource in resources:
            publisher = publishers.get(resource.type)
            if publisher is None or not _applies(publisher, resource):
                continue
            targets: dict[str, Resource] = {}
            for path in publisher.targets:
                for value in _strings_at(resource.props, path):
                    if isinstance(value, str) and value in by_arn:
                        targets[by_arn[value].urn] = by_arn[value]
                    elif is_unknown(value):
                        for urn in sources_of(resource, path.split(".")[0]) or ():
                            if urn in receiver_urns:
                                targets[urn] = self._by_urn[urn]
            for urn in targets:
                deliveries[urn].append(Delivery(publisher.principal, resource, publisher))
        return dict(deliveries)


class _Last(threading.local):
    def __init__(self) -> None:
        self.value: tuple[Sequence[Resource], tuple[int, str | None], StackKeys] | None = None


_LAST: Final = _Last()


def _applies(publisher: Publisher, resource: Resource) -> bool:
    if publisher.only_when is None:
        return True
    path, wanted = publisher.only_when
    return resource.props.get(path) == wanted
