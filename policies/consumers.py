"""What a consumer's settings say about its data, read through the one table in `facts.CONSUMERS`.

`slot_uses(resource)` walks each key slot of a consumer (every element of a list slot) and returns one
`SlotUse` per place data is kept: protected by a named customer key, by a key still unknown during
preview, not stored at all, or a finding (encryption off, the provider's default, an AWS managed key,
a reference that names no key, a value that cannot be judged). The consumer rules (KG-R23, KG-S05…S07)
share it; it decides nothing about environments or other resources.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from .facts import (
    ALIAS_SYNTAX_RE,
    CONSUMERS,
    KEY_ID_RE,
    KMS_ARN_RE,
    REGION_RE,
    RESERVED_ALIAS_PREFIX,
    KeySlot,
    Meaning,
    Protection,
    Switch,
)
from .rule import Resource, is_unknown
from .sentinels import embeds_unknown


class KeyForm(StrEnum):
    KEY_ID = "key id"
    KEY_ARN = "key ARN"
    ALIAS_NAME = "alias name"
    ALIAS_ARN = "alias ARN"


@dataclass(frozen=True)
class KeyReference:
    form: KeyForm
    #: True for `alias/aws/<service>` (by name or ARN): a key AWS manages, whatever the case.
    aws_managed: bool
    #: The alias name (`alias/x`) for the alias forms, the key id for the key forms.
    name: str
    #: From an ARN; None for bare ids and alias names.
    region: str | None = None
    partition: str | None = None


def parse_key_reference(value: str) -> KeyReference | None:
    """How `value` names a KMS key; None when it names none (a typo, another service's ARN, padding)."""
    if KEY_ID_RE.match(value):
        return KeyReference(KeyForm.KEY_ID, False, value)
    if ALIAS_SYNTAX_RE.match(value):
        return KeyReference(KeyForm.ALIAS_NAME, _reserved(value), value)
    match = KMS_ARN_RE.match(value)
    if match is None or not REGION_RE.match(match["region"]):
        return None
    resource, region, partition = match["resource"], match["region"], match["partition"]
    if resource.startswith("key/") and KEY_ID_RE.match(resource[4:]):
        return KeyReference(KeyForm.KEY_ARN, False, resource[4:], region, partition)
    if ALIAS_SYNTAX_RE.match(resource):
        return KeyReference(KeyForm.ALIAS_ARN, _reserved(resource), resource, region, partition)
    return None


def _reserved(alias: str) -> bool:
    # KMS reserves the prefix; a differently cased spelling is treated as reserved too, so that it
    # can never pass as a customer alias.
    return alias.lower().startswith(RESERVED_ALIAS_PREFIX)


class Verdict(StrEnum):
    CUSTOMER_KEY = "customer key"
    UNKNOWN_KEY = "key unknown during preview"
    FINDING = "finding"
    NOT_STORED = "nothing stored"
    DELEGATED = "key set elsewhere"


@dataclass(frozen=True)
class SlotUse:
    """One place a consumer keeps data, and what protects it."""

    #: What a message calls it: `storage`, `default encryption (rules[0])`.
    where: str
    #: Full wire path of the key reference (`rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId`).
    key_path: str
    #: The top-level property holding the key, for property dependencies.
    top: str
    verdict: Verdict
    #: The reference when the verdict is CUSTOMER_KEY.
    reference: KeyReference | None = None
    raw: str | None = None
    #: What is wrong (FINDING), or why nothing is judged (NOT_STORED, DELEGATED).
    message: str = ""


_MISSING: Final = object()


def _get(value: Any, path: str) -> Any:
    """The value at a dotted path: `_MISSING` when absent, UNKNOWN when an object on the way is
    unknown; a non-object on the way raises TypeError naming the part."""
    current = value
    walked: list[str] = []
    for part in path.split("."):
        if is_unknown(current):
            return current
        if current is _MISSING or current is None:
            return _MISSING
        if not isinstance(current, Mapping):
            raise TypeError(".".join(walked))
        current = current.get(part, _MISSING)
        walked.append(part)
    return current


def _absent(value: Any) -> bool:
    return value is _MISSING or value is None or value == ""


def _prefixed(prefix: str, path: str) -> str:
    return f"{prefix}.{path}" if prefix else path


class _CannotJudge(Exception):
    pass


def _read(element: Any, path: str, prefix: str) -> Any:
    try:
        return _get(element, path)
    except TypeError as exc:
        raise _CannotJudge(f"{_prefixed(prefix, str(exc))} must be an object") from None


def _switch(element: Any, switch: Switch, prefix: str) -> tuple[Meaning, str]:
    """The switch's meaning and how a message states its value."""
    path = _prefixed(prefix, switch.path)
    value = _read(element, switch.path, prefix)
    if is_unknown(value):
        raise _CannotJudge(f"{path} is unknown during preview; set it to a literal")
    if _absent(value) or (switch.presence and isinstance(value, Mapping | list) and not value):
        return switch.absent, f"{path} is not set"
    if switch.presence:
        if isinstance(value, Mapping | list):
            return Meaning(Protection.CUSTOMER_KEY), f"{path} is set"
        raise _CannotJudge(f"{path} must be an object, got {value!r}")
    # Booleans and strings only: 1 == True in Python, and a number is never a valid setting here.
    meaning = switch.values.get(value) if isinstance(value, bool | str) else None
    if meaning is None:
        expected = ", ".join(sorted(repr(v) for v in switch.values))
        raise _CannotJudge(f"{path} is {value!r}, expected one of {expected}")
    return meaning, f"{path} is {value!r}"


def _finding(where: str, meaning: Meaning, cause: str, remedy: str) -> str:
    if meaning.protection is Protection.OFF:
        state = "not encrypted" + (f", {meaning.label}" if meaning.label else "")
    elif meaning.protection is Protection.AWS_MANAGED:
        state = f"encrypted with the AWS managed key {meaning.label}"
    else:
        state = f"encrypted with the provider's default, {meaning.label}"
    return f"{where}: {state} ({cause}); {remedy}"


def _judge_element(slot: KeySlot, element: Any, where: str, prefix: str) -> SlotUse:
    key_path = _prefixed(prefix, slot.key)
    top = (prefix or slot.key).split(".")[0].split("[")[0]
    remedy = f"name a customer managed key in {key_path}" if slot.key else "turn encryption on"

    def use(verdict: Verdict, message: str = "", **kw: Any) -> SlotUse:
        return SlotUse(where, key_path, top, verdict, message=message, **kw)

    try:
        for switch in slot.switches:
            meaning, cause = _switch(element, switch, prefix)
            if meaning.protection is Protection.NOT_STORED:
                return use(Verdict.NOT_STORED, f"{where}: nothing stored ({cause})")
            if meaning.protection is Protection.DELEGATED:
                return use(Verdict.DELEGATED, f"{where}: the key is set elsewhere ({cause})")
            if meaning.protection is not Protection.CUSTOMER_KEY:
                return use(Verdict.FINDING, _finding(where, meaning, cause, remedy))
        if not slot.key:
            return use(Verdict.FINDING, f"{where}: no key to judge; {remedy}")
        value = _read(element, slot.key, prefix)
    except _CannotJudge as exc:
        return use(Verdict.FINDING, f"{where}: cannot judge: {exc}; {remedy}")
    if is_unknown(value) or (isinstance(value, str) and embeds_unknown(value)):
        # A sentinel inside a longer text is an unknown interpolated into it (`…:key/<unknown>`), and
        # the sentinel is itself shaped like a key id: never read it as one.
        return use(Verdict.UNKNOWN_KEY, f"{where}: {key_path} is unknown during preview")
    if _absent(value):
        meaning, cause = slot.absent_key, f"{key_path} is not set"
        if slot.fallback is not None:
            try:
                meaning, cause = _switch(element, slot.fallback, prefix)
            except _CannotJudge as exc:
                return use(Verdict.FINDING, f"{where}: cannot judge: {exc}; {remedy}")
            cause = f"{key_path} is not set and {cause}"
        return use(Verdict.FINDING, _finding(where, meaning, cause, remedy))
    if not isinstance(value, str):
        return use(
            Verdict.FINDING, f"{where}: cannot judge: {key_path} must be a string, got {value!r}; {remedy}"
        )
    reference = parse_key_reference(value)
    if reference is None:
        return use(
            Verdict.FINDING,
            f"{where}: {key_path} {value!r} is not a KMS key ARN, key id, alias name or alias ARN; {remedy}",
        )
    if reference.aws_managed:
        managed = Meaning(Protection.AWS_MANAGED, reference.name)
        return use(Verdict.FINDING, _finding(where, managed, f"{key_path} is {value!r}", remedy))
    return use(Verdict.CUSTOMER_KEY, reference=reference, raw=value)


def _elements(slot: KeySlot, props: Mapping[str, Any]) -> list[tuple[Any, str, str] | SlotUse]:
    """(element, where, path prefix) for each element of the slot, or a SlotUse that settles a part of it.

    `slot.each` may walk nested lists (`serverSideEncryptionConfigurations.rules.…`): every part is a
    list (each element taken) or one object."""
    if not slot.each:
        return [(props, slot.what, "")]
    parts = slot.each.split(".")
    top = parts[0]
    remedy = "name a customer managed key in " + "".join(f"{p}[*]." for p in parts) + slot.key
    level: list[tuple[Any, str, str] | SlotUse] = [(props, slot.what, "")]
    for depth, part in enumerate(parts):
        absent = slot.each_absent if depth == 0 else (slot.inner_absent or slot.each_absent)
        following: list[tuple[Any, str, str] | SlotUse] = []
        for item in level:
            if isinstance(item, SlotUse):
                following.append(item)
                continue
            container, where, prefix = item
            if depth and (is_unknown(container) or not isinstance(container, Mapping)):
                following.append(_not_an_object(where, prefix, container))
                continue
            path = _prefixed(prefix, part)
            value = container.get(part, _MISSING)

            def settled(verdict: Verdict, message: str, path: str = path, where: str = where) -> SlotUse:
                return SlotUse(where, path, top, verdict, message=message)

            if is_unknown(value):
                message = f"{where}: cannot judge: {path} is unknown during preview; set it to a literal"
                following.append(settled(Verdict.FINDING, message))
            elif _absent(value) or (isinstance(value, list) and not value):
                cause = f"{path} is not set"
                if absent.protection is Protection.NOT_STORED:
                    following.append(settled(Verdict.NOT_STORED, f"{where}: {cause}"))
                else:
                    following.append(settled(Verdict.FINDING, _finding(where, absent, cause, remedy)))
            elif isinstance(value, Mapping):
                following.append((value, f"{slot.what} ({path})", path))
            elif isinstance(value, list):
                following.extend(
                    (v, f"{slot.what} ({path}[{i}])", f"{path}[{i}]") for i, v in enumerate(value)
                )
            else:
                message = (
                    f"{where}: cannot judge: {path} must be a list or an object, got {value!r}; {remedy}"
                )
                following.append(settled(Verdict.FINDING, message))
        level = following
    return level


def _not_an_object(where: str, prefix: str, element: Any) -> SlotUse:
    shown = "unknown during preview" if is_unknown(element) else f"{element!r}, not an object"
    message = f"{where}: cannot judge: {prefix or 'the resource'} is {shown}"
    return SlotUse(
        where,
        prefix,
        prefix.split("[", maxsplit=1)[0].split(".", maxsplit=1)[0],
        Verdict.FINDING,
        message=message,
    )


def slot_uses(resource: Resource) -> tuple[SlotUse, ...]:
    """Every place the consumer keeps data; empty for a type outside the table."""
    consumer = CONSUMERS.get(resource.type)
    if consumer is None:
        return ()
    uses: list[SlotUse] = []
    for slot in consumer.slots:
        for element in _elements(slot, resource.props):
            if isinstance(element, SlotUse):
                uses.append(element)
                continue
            value, where, prefix = element
            if is_unknown(value) or not isinstance(value, Mapping):
                uses.append(_not_an_object(where, prefix, value))
                continue
            uses.append(_judge_element(slot, value, where, prefix))
    return tuple(uses)


def consumer_types() -> tuple[str, ...]:
    return tuple(sorted(CONSUMERS))
