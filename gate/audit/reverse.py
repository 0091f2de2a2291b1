"""A live key as a catalog data class: as close as the spec allows, with what cannot be kept, and why.

Key policies written by kmsguard are read back by their fixed Sids (one per role); any other statement
is placed by what it allows (administration, usage) or kept as a validated extra statement when the
spec accepts it. What the catalog refuses — a public statement, `kms:*` to a role, a Deny the spec
cannot express — is listed instead. `compare` then builds the policy the catalog will write and lists
every statement that differs from the live one, so the adoption report is checked, not guessed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any, Final

from pydantic import ValidationError

from kmsguard.builders import build_key_policy
from kmsguard.gate.audit.collect import LiveKey
from kmsguard.policies.facts import (
    ADMINISTRATION_ACTIONS,
    DATA_CLASS_TAG,
    DEFAULT_ENVIRONMENTS,
    ENVIRONMENT_TAG,
    MULTI_REGION_REASON_TAG,
    READ_ONLY_ACTIONS,
    SYMMETRIC_USER_ACTIONS,
    AwsService,
    parse_conventional_alias,
)
from kmsguard.policies.policydoc import PolicyParseError, Statement, parse_policy_document
from kmsguard.spec import ExtraStatement, sids

OWNER_TAG: Final = "Owner"
COST_CENTER_TAG: Final = "CostCenter"
#: Tags the catalog writes itself from its own fields.
_MANAGED_TAGS: Final = frozenset(
    {ENVIRONMENT_TAG, OWNER_TAG, COST_CENTER_TAG, DATA_CLASS_TAG, MULTI_REGION_REASON_TAG}
)
_ROLE_OF_SID: Final = {
    sids.USERS: "users",
    sids.ENCRYPT_ONLY: "encrypt_only_users",
    sids.DECRYPT_ONLY: "decrypt_only_users",
    sids.SIGNERS: "signers",
    sids.VERIFIERS: "verifiers",
    sids.MAC_USERS: "mac_users",
    sids.KEY_AGREEMENT: "key_agreement_users",
}
_SERVICE_OF_SID: Final = {sids.service_usage(s): s for s in AwsService}
#: Statements the builder derives from others (MFA half of administration, DescribeKey for users with
#: an encryption context, grants for service users): nothing to read back from them alone.
_DERIVED_SIDS: Final = frozenset({sids.ADMINISTRATION_CRITICAL, sids.USERS_DESCRIBE}) | {
    sids.service_grants(s) for s in AwsService
}
_CROSS_ACCOUNT_RE: Final = re.compile(rf"^{sids.CROSS_ACCOUNT_PREFIX}(\d{{12}})(Describe)?$")
_NAME_PART_RE: Final = re.compile(r"[^a-z0-9]")
_ENCRYPTION_CONTEXT_PREFIX: Final = "kms:EncryptionContext:"
_ENCRYPT: Final = frozenset({"Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ReEncryptTo"})
_DECRYPT: Final = frozenset({"Decrypt", "ReEncryptFrom"})


class AdoptError(ValueError):
    """The key cannot become a catalog entry at all (the message says what to pass)."""


@dataclass
class Adoption:
    key: LiveKey
    environment: str
    data_class: dict[str, Any]
    deployer: str | None
    #: What the catalog cannot keep, and why; what adopting changes.
    cannot_keep: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)


def adopt_key(key: LiveKey, *, account: str, environment: str | None = None) -> Adoption:
    env = environment or _environment(key)
    adoption = Adoption(key, env, {}, None)
    name, team, extra_aliases = _names(key, env, adoption)
    tags = key.tags
    entry: dict[str, Any] = {
        "name": name,
        "team": team,
        "owner": _required_tag(key, OWNER_TAG, adoption),
        "cost_center": _required_tag(key, COST_CENTER_TAG, adoption),
        "description": _description(key, adoption),
    }
    if (live_class := tags.get(DATA_CLASS_TAG)) not in (None, name):
        adoption.changes.append(
            f"tag {DATA_CLASS_TAG} changes from {live_class!r} to {name!r} (the data class)"
        )
    kind = _kind(key, adoption)
    if kind != {"type": "symmetric"}:
        entry["kind"] = kind
    if (rotation := _rotation(key)) is not None:
        entry["rotation"] = rotation
    free = {k: v for k, v in sorted(tags.items()) if k not in _MANAGED_TAGS}
    if free:
        entry["tags"] = free
    if extra_aliases:
        entry["extra_aliases"] = extra_aliases
    if (replication := _replication(key, adoption)) is not None:
        entry["replication"] = replication
    if not key.metadata.get("Enabled", True):
        entry["enabled"] = False
    policy_parts = _read_policy(key, account, adoption)
    entry.update(policy_parts)
    if grants := _grants(key, adoption):
        entry["grants"] = grants
    adoption.data_class = entry
    return adoption


def _environment(key: LiveKey) -> str:
    value = key.tags.get(ENVIRONMENT_TAG, "").lower()
    if value not in DEFAULT_ENVIRONMENTS:
        raise AdoptError(
            f"key {key.arn} has Environment tag {key.tags.get(ENVIRONMENT_TAG)!r}, not one of "
            f"{', '.join(DEFAULT_ENVIRONMENTS)}; pass --environment"
        )
    return value


def _part(value: str, fallback: str) -> str:
    cleaned = _NAME_PART_RE.sub("", value.lower())
    return cleaned or fallback


def _names(key: LiveKey, environment: str, adoption: Adoption) -> tuple[str, str, list[str]]:
    conventional = [
        (alias.name, parsed)
        for alias in key.aliases
        if (parsed := parse_conventional_alias(alias.name, DEFAULT_ENVIRONMENTS)) is not None
        and parsed[0] == environment
    ]
    if conventional:
        chosen, (_, name, team) = sorted(conventional)[0]
    else:
        chosen = None
        name = _part(key.tags.get(DATA_CLASS_TAG, ""), "adopted")
        team = _part(key.tags.get(OWNER_TAG, ""), "unowned")
        adoption.changes.append(
            f"adds alias alias/{environment}-{name}-{team}: the key has no alias/<env>-<function>-<team>"
        )
    extra = sorted(a.name for a in key.aliases if a.name != chosen)
    return name, team, extra


def _required_tag(key: LiveKey, tag: str, adoption: Adoption) -> str:
    value = key.tags.get(tag, "")
    if value:
        return value
    adoption.changes.append(f"tag {tag} is missing; the entry says 'unknown' — set the real value")
    return "unknown"


def _description(key: LiveKey, adoption: Adoption) -> str:
    live = str(key.metadata.get("Description") or "")
    if len(live) >= 10:
        return live
    replaced = f"Adopted KMS key {key.key_id}"
    adoption.changes.append(f"description {live!r} is shorter than 10 characters; replaced by {replaced!r}")
    return replaced


def _kind(key: LiveKey, adoption: Adoption) -> dict[str, Any]:
    meta = key.metadata
    spec = str(meta.get("KeySpec") or meta.get("CustomerMasterKeySpec") or "SYMMETRIC_DEFAULT")
    usage = str(meta.get("KeyUsage") or "ENCRYPT_DECRYPT")
    if meta.get("CustomKeyStoreId"):
        adoption.cannot_keep.append(
            "the key lives in a custom key store; adopt keeps it as a KMS key spec only — set kind "
            "cloudhsm or external_key_store with the store's ids by hand"
        )
    if key.origin == "EXTERNAL":
        valid_to = meta.get("ValidTo")
        return {
            "type": "imported",
            "key_spec": spec,
            "key_usage": usage,
            "valid_to": valid_to.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if valid_to else None,
        }
    if spec == "SYMMETRIC_DEFAULT":
        return {"type": "symmetric"}
    if spec.startswith("HMAC_"):
        return {"type": "hmac", "key_spec": spec}
    if usage == "KEY_AGREEMENT":
        return {"type": "key_agreement", "key_spec": spec}
    if usage == "SIGN_VERIFY":
        return {"type": "signing", "key_spec": spec}
    return {"type": "rsa_encryption", "key_spec": spec}


def _rotation(key: LiveKey) -> dict[str, Any] | None:
    if not key.rotation_applicable or key.rotation_enabled is None:
        return None
    rotation: dict[str, Any] = {}
    if not key.rotation_enabled:
        rotation["automatic"] = False
    if key.rotation_period_days is not None:
        rotation["period_days"] = key.rotation_period_days
    return rotation or None


def _replication(key: LiveKey, adoption: Adoption) -> dict[str, Any] | None:
    if key.multi_region_type != "PRIMARY":
        if key.multi_region_type == "REPLICA":
            raise AdoptError(f"key {key.arn} is a replica; adopt its primary {key.primary_arn}")
        return None
    config = key.metadata.get("MultiRegionConfiguration") or {}
    regions = sorted(str(r["Region"]) for r in config.get("ReplicaKeys", []))
    reason = key.tags.get(MULTI_REGION_REASON_TAG, "")
    if len(reason) < 10:
        reason = "Multi-Region key adopted by kmsguard: state why it must be multi-Region"
        adoption.changes.append(
            f"tag {MULTI_REGION_REASON_TAG} is missing or short; the entry says {reason!r}"
        )
    if not regions:
        adoption.cannot_keep.append(
            "a multi-Region primary without replicas: the catalog makes single-Region keys then"
        )
        return None
    return {"replica_regions": regions, "reason": reason}


def _grants(key: LiveKey, adoption: Adoption) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for grant in key.grants:
        operations = [o for o in grant.operations if o not in ("CreateGrant", "RetireGrant")]
        dropped = sorted(set(grant.operations) - set(operations))
        name = grant.name if re.fullmatch(r"[a-z0-9][a-z0-9-]{0,62}", grant.name or "") else None
        label = grant.name or grant.grant_id
        if name is None:
            adoption.cannot_keep.append(
                f"grant {label} has no name the catalog accepts ([a-z0-9-]); it stays outside the catalog"
            )
            continue
        if dropped:
            adoption.cannot_keep.append(
                f"grant {label} re-delegates ({', '.join(dropped)}); the catalog refuses that — the grant "
                "would be replaced, so it stays outside the catalog"
            )
            continue
        spec: dict[str, Any] = {"name": name, "grantee": grant.grantee, "operations": operations}
        constraints = grant.constraints or {}
        if constraints.get("EncryptionContextEquals"):
            spec["constraints"] = {"encryption_context_equals": constraints["EncryptionContextEquals"]}
        elif constraints.get("EncryptionContextSubset"):
            spec["constraints"] = {"encryption_context_subset": constraints["EncryptionContextSubset"]}
        if grant.retiring:
            spec["retiring_principal"] = grant.retiring
        out.append(spec)
    return out


# --- the key policy ------------------------------------------------------------------------------


@dataclass
class _Reading:
    account: str
    principals: dict[str, list[Any]] = field(default_factory=dict)
    service_users: dict[str, list[str]] = field(default_factory=dict)
    cross_account: dict[str, dict[str, Any]] = field(default_factory=dict)
    extra_statements: list[dict[str, Any]] = field(default_factory=list)
    encryption_context: dict[str, Any] | None = None
    root_access: str | None = None

    def add(self, role: str, principals: tuple[str, ...]) -> None:
        found = self.principals.setdefault(role, [])
        found.extend(p for p in principals if p not in found)


def _read_policy(key: LiveKey, account: str, adoption: Adoption) -> dict[str, Any]:
    if key.policy is None:
        raise AdoptError(f"the policy of key {key.arn} could not be read; allow kms:GetKeyPolicy")
    try:
        document = parse_policy_document(key.policy)
    except PolicyParseError as exc:
        raise AdoptError(f"the policy of key {key.arn} does not parse: {exc}") from None
    reading = _Reading(account)
    root = f"arn:aws:iam::{account}:root"
    for statement in document.statements:
        _place(statement, reading, root, adoption)
    parts: dict[str, Any] = {}
    principals: dict[str, Any] = {k: v for k, v in reading.principals.items() if v}
    if reading.service_users:
        principals["service_users"] = [
            {"principal": p, "services": sorted(s)} for p, s in sorted(reading.service_users.items())
        ]
    if principals:
        parts["principals"] = principals
    if reading.cross_account:
        parts["cross_account"] = [reading.cross_account[a] for a in sorted(reading.cross_account)]
    if reading.extra_statements:
        parts["extra_statements"] = reading.extra_statements
    if reading.encryption_context:
        parts["encryption_context"] = reading.encryption_context
    if reading.root_access:
        parts["root_access"] = reading.root_access
    return parts


def _place(statement: Statement, reading: _Reading, root: str, adoption: Adoption) -> None:
    label = statement.label
    principals = statement.aws_principals()
    if statement.has_public_principal and statement.is_allow:
        adoption.cannot_keep.append(
            f'{label} allows every principal (Principal "*"): a catalog key is never public'
        )
        return
    sid = statement.sid or ""
    if statement.is_allow and sid == sids.DEPLOYER and len(principals) == 1:
        adoption.deployer = principals[0]
        return
    if statement.is_allow and sid == sids.ROOT_FULL:
        reading.root_access = "full"
        return
    if statement.is_allow and sid == sids.ADMINISTRATION:
        if root in principals:
            reading.root_access = reading.root_access or "admin"
        reading.add("administrators", tuple(p for p in principals if p != root))
        return
    if statement.is_allow and sid in _DERIVED_SIDS:
        return
    if statement.is_allow and sid in _ROLE_OF_SID:
        reading.add(_ROLE_OF_SID[sid], principals)
        _read_context(statement, reading)
        return
    if statement.is_allow and sid in _SERVICE_OF_SID:
        for p in principals:
            reading.service_users.setdefault(p, []).append(str(_SERVICE_OF_SID[sid].value))
        return
    if statement.is_allow and (match := _CROSS_ACCOUNT_RE.match(sid)):
        if not match.group(2):
            _read_cross_account(match.group(1), statement, reading, adoption)
        return
    _place_by_content(statement, reading, root, adoption)


def _place_by_content(statement: Statement, reading: _Reading, root: str, adoption: Adoption) -> None:
    label = statement.label
    principals = statement.aws_principals()
    everything = statement.not_action or any(a in ("*", "kms:*") for a in statement.actions)
    if statement.is_allow and everything:
        if principals == (root,) and not statement.conditions:
            reading.root_access = "full"
            adoption.changes.append(
                f"{label} (kms:* to the account root, AWS's default) becomes {sids.ROOT_FULL}: "
                "the same key actions written out"
            )
            return
        adoption.cannot_keep.append(
            f"{label} gives kms:* to {', '.join(principals) or 'its principals'}: the catalog gives "
            "a principal administration or a usage role, never every action; add it to administrators or "
            "a usage role"
        )
        return
    actions = statement.kms_actions
    if (
        statement.is_allow
        and principals
        and not statement.conditions
        and actions <= (ADMINISTRATION_ACTIONS | READ_ONLY_ACTIONS)
    ):
        reading.add("administrators", tuple(p for p in principals if p != root))
        adoption.changes.append(
            f"{label} becomes {sids.ADMINISTRATION}: its principals administer the key "
            "(critical actions under MFA)"
        )
        return
    if (
        statement.is_allow
        and principals
        and not statement.conditions
        and actions <= frozenset(SYMMETRIC_USER_ACTIONS)
    ):
        reading.add("users", principals)
        adoption.changes.append(f"{label} becomes {sids.USERS}: its principals use the key")
        return
    extra = _as_extra(statement)
    try:
        ExtraStatement.model_validate(extra)
    except ValidationError as exc:
        first = exc.errors()[0]["msg"]
        adoption.cannot_keep.append(f"{label} is not a statement the catalog accepts: {first}")
        return
    reading.extra_statements.append(extra)


def _as_extra(statement: Statement) -> dict[str, Any]:
    extra: dict[str, Any] = {
        "sid": re.sub(r"[^A-Za-z0-9]", "", statement.sid or "") or f"Adopted{statement.index}",
        "effect": statement.effect,
    }
    if statement.has_public_principal:
        extra["all_principals"] = True
    else:
        extra["principals"] = list(statement.aws_principals())
    extra["not_actions" if statement.not_action else "actions"] = list(statement.actions)
    if statement.conditions:
        conditions: dict[str, dict[str, Any]] = {}
        for c in statement.conditions:
            conditions.setdefault(c.operator, {})[c.key] = (
                list(c.values) if len(c.values) > 1 else c.values[0]
            )
        extra["conditions"] = conditions
    return extra


def _read_context(statement: Statement, reading: _Reading) -> None:
    equals = {
        c.key[len(_ENCRYPTION_CONTEXT_PREFIX) :]: c.values[0]
        for c in statement.conditions
        if c.operator == "StringEquals" and c.key.startswith(_ENCRYPTION_CONTEXT_PREFIX) and c.values
    }
    required = sorted(
        c.key[len(_ENCRYPTION_CONTEXT_PREFIX) :]
        for c in statement.conditions
        if c.operator == "Null" and c.key.startswith(_ENCRYPTION_CONTEXT_PREFIX)
    )
    if (equals or required) and reading.encryption_context is None:
        context: dict[str, Any] = {}
        if equals:
            context["equals"] = equals
        if required:
            context["required_keys"] = required
        reading.encryption_context = context


def _read_cross_account(account: str, statement: Statement, reading: _Reading, adoption: Adoption) -> None:
    actions = statement.kms_actions
    if actions & _ENCRYPT and actions & _DECRYPT:
        role = "users"
    elif actions & _DECRYPT:
        role = "decrypt_only_users"
    elif actions & _ENCRYPT:
        role = "encrypt_only_users"
    else:
        adoption.cannot_keep.append(
            f"{statement.label} gives account {account} no usage role the catalog knows"
        )
        return
    entry: dict[str, Any] = {"account_id": account, "role": role}
    principals = [p for p in statement.aws_principals() if not p.endswith(f":{account}:root")]
    if principals:
        entry["principals"] = principals
    org = [c.values[0] for c in statement.conditions if c.key.lower() == "aws:principalorgid" and c.values]
    if org:
        entry["organization_id"] = org[0]
    reading.cross_account[account] = entry


# --- what adopting changes in the policy -----------------------------------------------------------


def compare(live_policy: str, built: dict[str, Any]) -> list[str]:
    """Every statement (by Sid) that the built policy adds, drops or writes differently."""
    live = {s.get("Sid", f"#{i}"): s for i, s in enumerate(json.loads(live_policy).get("Statement", []))}
    ours = {s.get("Sid", f"#{i}"): s for i, s in enumerate(built.get("Statement", []))}
    out = [f"the key policy loses statement {sid}" for sid in live if sid not in ours]
    out += [f"the key policy gains statement {sid}" for sid in ours if sid not in live]
    out += [
        f"the key policy rewrites statement {sid}"
        for sid in live
        if sid in ours and _canonical(live[sid]) != _canonical(ours[sid])
    ]
    return out


def _canonical(statement: dict[str, Any]) -> Any:
    """Order and single-item lists do not matter to IAM; compare without them."""

    def norm(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: norm(v) for k, v in sorted(value.items())}
        if isinstance(value, list):
            items = sorted((norm(v) for v in value), key=json.dumps)
            return items[0] if len(items) == 1 else items
        return value

    return norm(statement)


def built_policy(spec: Any, *, account: str, partition: str, region: str) -> dict[str, Any]:
    return build_key_policy(spec, account_id=account, partition=partition, region=region)
