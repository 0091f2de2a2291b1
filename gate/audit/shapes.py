"""Live keys as the resources the gate captures from a program: the same type tokens and camelCase
properties pulumi-aws 7 carries (inputs for Analyze, outputs for AnalyzeStack), the key's ARN as URN.

An alias and a grant name their key as parent and dependency, as a component's children would link to
the key; a replica depends on its primary when the primary is in the audit too. A value the audit
could not read is sent as the engine's unknown, so no rule mistakes it for an absent setting.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final

from kmsguard.gate import wire
from kmsguard.gate.audit.collect import LiveAlias, LiveGrant, LiveKey
from kmsguard.gate.capture import Captured
from kmsguard.policies.facts import (
    ALIAS_TYPE,
    EXTERNAL_KEY_TYPE,
    GRANT_TYPE,
    KEY_TYPE,
    REPLICA_EXTERNAL_KEY_TYPE,
    REPLICA_KEY_TYPE,
)
from kmsguard.policies.sentinels import UNKNOWN_STRING_SENTINEL

#: The provider version the shapes follow; sent like a program's resources carry theirs.
PROVIDER_VERSION: Final = "7.0.0"


def key_type(key: LiveKey) -> str:
    external = key.origin == "EXTERNAL"
    if key.multi_region_type == "REPLICA":
        return REPLICA_EXTERNAL_KEY_TYPE if external else REPLICA_KEY_TYPE
    return EXTERNAL_KEY_TYPE if external else KEY_TYPE


def resources(keys: list[LiveKey]) -> list[Captured]:
    arns = {k.arn for k in keys}
    found: list[Captured] = []
    for key in keys:
        found.append(_key(key, arns))
        found.extend(_alias(key, a) for a in key.aliases)
        found.extend(_grant(key, g) for g in key.grants)
    return found


def _unknown_if(key: LiveKey, operation: str, value: Any) -> Any:
    if any(u.startswith(f"{operation}:") for u in key.unreadable):
        return UNKNOWN_STRING_SENTINEL
    return value


def key_inputs(key: LiveKey) -> dict[str, Any]:
    """The key's properties as its pulumi-aws resource takes them (None: absent)."""
    meta = key.metadata
    type_ = key_type(key)
    props: dict[str, Any] = {
        "description": meta.get("Description", ""),
        "policy": _unknown_if(key, "GetKeyPolicy", key.policy),
        "tags": _unknown_if(key, "ListResourceTags", dict(key.tags)) if key.tags or key.unreadable else None,
        "region": key.region,
    }
    if type_ in (KEY_TYPE, EXTERNAL_KEY_TYPE):
        props["multiRegion"] = bool(meta.get("MultiRegion", False))
    if type_ == KEY_TYPE:
        props["customerMasterKeySpec"] = meta.get("KeySpec") or meta.get("CustomerMasterKeySpec")
        props["keyUsage"] = meta.get("KeyUsage")
        props["isEnabled"] = bool(meta.get("Enabled", False))
        if key.rotation_applicable:
            props["enableKeyRotation"] = _unknown_if(key, "GetKeyRotationStatus", key.rotation_enabled)
            props["rotationPeriodInDays"] = key.rotation_period_days
        else:
            props["enableKeyRotation"] = False
        props["customKeyStoreId"] = meta.get("CustomKeyStoreId")
        xks = meta.get("XksKeyConfiguration")
        props["xksKeyId"] = xks.get("Id") if isinstance(xks, dict) else None
    else:
        props["enabled"] = bool(meta.get("Enabled", False))
    if type_ in (EXTERNAL_KEY_TYPE, REPLICA_EXTERNAL_KEY_TYPE):
        valid_to = meta.get("ValidTo")
        props["validTo"] = _rfc3339(valid_to) if isinstance(valid_to, datetime) else None
        props["keyUsage"] = meta.get("KeyUsage")
    if type_ in (REPLICA_KEY_TYPE, REPLICA_EXTERNAL_KEY_TYPE):
        props["primaryKeyArn"] = key.primary_arn
    return {k: v for k, v in props.items() if v is not None}


def _key(key: LiveKey, arns: set[str]) -> Captured:
    inputs = key_inputs(key)
    outputs = {**inputs, "id": key.key_id, "keyId": key.key_id, "arn": key.arn}
    if isinstance(inputs.get("tags"), dict):
        outputs["tagsAll"] = inputs["tags"]
    primary = key.primary_arn if key_type(key) in (REPLICA_KEY_TYPE, REPLICA_EXTERNAL_KEY_TYPE) else None
    dependencies = [primary] if primary is not None and primary in arns else []
    return _captured(key.arn, key_type(key), key.key_id, "", inputs, outputs, dependencies)


def _alias(key: LiveKey, alias: LiveAlias) -> Captured:
    inputs = {"name": alias.name, "targetKeyId": key.key_id, "region": key.region}
    outputs = {**inputs, "id": alias.name, "arn": alias.arn, "targetKeyArn": key.arn}
    return _captured(alias.arn, ALIAS_TYPE, alias.name, key.arn, inputs, outputs, [key.arn])


def grant_constraints(grant: LiveGrant) -> list[dict[str, Any]] | None:
    if not grant.constraints:
        return None
    constraint = {
        "encryptionContextEquals": grant.constraints.get("EncryptionContextEquals"),
        "encryptionContextSubset": grant.constraints.get("EncryptionContextSubset"),
    }
    return [{k: v for k, v in constraint.items() if v is not None}]


def grant_arn(key: LiveKey, grant: LiveGrant) -> str:
    """Grants have no ARN; the key's ARN with the grant id names one uniquely (`<key arn>/grant/<id>`)."""
    return f"{key.arn}/grant/{grant.grant_id}"


def _grant(key: LiveKey, grant: LiveGrant) -> Captured:
    raw: dict[str, Any] = {
        "keyId": key.arn,
        "granteePrincipal": grant.grantee,
        "operations": list(grant.operations),
        "constraints": grant_constraints(grant),
        "retiringPrincipal": grant.retiring,
        "name": grant.name or None,
        "region": key.region,
    }
    inputs = {k: v for k, v in raw.items() if v is not None}
    outputs = {**inputs, "id": f"{key.arn}:{grant.grant_id}", "grantId": grant.grant_id}
    name = grant.name or grant.grant_id
    return _captured(grant_arn(key, grant), GRANT_TYPE, name, key.arn, inputs, outputs, [key.arn])


def _captured(  # noqa: PLR0917 - private, one call per resource kind, arguments in Captured's order
    urn: str,
    type_: str,
    name: str,
    parent: str,
    inputs: dict[str, Any],
    outputs: dict[str, Any],
    dependencies: list[str],
) -> Captured:
    return Captured(
        urn=urn,
        type=type_,
        name=name,
        custom=True,
        parent=parent,
        inputs=wire.from_python(inputs),
        outputs=wire.from_python(outputs),
        version=PROVIDER_VERSION,
        dependencies=dependencies,
    )


def _rfc3339(value: datetime) -> str:
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
