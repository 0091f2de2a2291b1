"""Cross-field rules of a key spec: each returns (field path, message) pairs, message saying what to do."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kmsguard.facts import (
    DNSSEC_KEY_SPEC,
    DNSSEC_REGION,
    KEY_AGREEMENT_ACTIONS,
    MAC_ACTIONS,
    PUBLIC_KEY_ENCRYPTION_ACTIONS,
    SIGN_VERIFY_ACTIONS,
    TAG_KEY_MAX_CHARS,
    TAG_VALUE_MAX_CHARS,
    TAGS_MAX,
    conventional_alias,
)
from kmsguard.policies.facts import (
    ALIAS_MAX_CHARS,
    DECRYPT_ACTIONS,
    ENCRYPT_ACTIONS,
    GRANT_OPERATIONS,
    GRANT_REDELEGATION_OPERATIONS,
    MULTI_REGION_REASON_TAG,
    REQUIRED_TAGS,
    RESERVED_TAG_PREFIX,
    KeyUsage,
)
from kmsguard.spec.access import UsageRole
from kmsguard.spec.kind import CloudHsmKeyStore, ExternalKeyStore, Hmac, KeyAgreement, Signing, _Kind
from kmsguard.spec.sids import RESERVED_SID_PREFIXES, RESERVED_SIDS
from kmsguard.spec.types import region_problem

if TYPE_CHECKING:
    from kmsguard.spec.key import KmsKeySpec

Problem = tuple[str, str]

_ENCRYPTION_ROLES = frozenset({UsageRole.USERS, UsageRole.ENCRYPT_ONLY, UsageRole.DECRYPT_ONLY})


def reserved_sid(sid: str) -> bool:
    """Builder Sids: the fixed ones and the per-service and per-account families."""
    return sid in RESERVED_SIDS or sid.startswith(RESERVED_SID_PREFIXES)


def allowed_roles(kind: _Kind) -> frozenset[UsageRole]:
    """The usage roles a key kind supports (AWS services only use symmetric encryption keys)."""
    if kind.symmetric_encryption:
        return _ENCRYPTION_ROLES | {UsageRole.SERVICE_USERS}
    usage = kind.usage
    if usage is KeyUsage.ENCRYPT_DECRYPT:
        return _ENCRYPTION_ROLES
    if usage is KeyUsage.SIGN_VERIFY:
        return frozenset({UsageRole.SIGNERS, UsageRole.VERIFIERS})
    if usage is KeyUsage.GENERATE_VERIFY_MAC:
        return frozenset({UsageRole.MAC_USERS})
    return frozenset({UsageRole.KEY_AGREEMENT})


def allowed_grant_operations(kind: _Kind) -> frozenset[str]:
    """Grant operations that make sense for a kind; never CreateGrant/RetireGrant (re-delegation)."""
    if kind.symmetric_encryption:
        ops = {
            *ENCRYPT_ACTIONS,
            *DECRYPT_ACTIONS,
            "GenerateDataKeyPair",
            "GenerateDataKeyPairWithoutPlaintext",
        }
    elif isinstance(kind, Signing) or kind.usage is KeyUsage.SIGN_VERIFY:
        ops = set(SIGN_VERIFY_ACTIONS)
    elif isinstance(kind, Hmac) or kind.usage is KeyUsage.GENERATE_VERIFY_MAC:
        ops = set(MAC_ACTIONS)
    elif isinstance(kind, KeyAgreement) or kind.usage is KeyUsage.KEY_AGREEMENT:
        ops = set(KEY_AGREEMENT_ACTIONS)
    else:
        ops = set(PUBLIC_KEY_ENCRYPTION_ACTIONS)
    return frozenset(ops & (set(GRANT_OPERATIONS) - set(GRANT_REDELEGATION_OPERATIONS)))


def region_problems(region: str, replicas: tuple[str, ...], where: str = "region") -> list[Problem]:
    problem = region_problem(region)
    if problem is not None:
        return [(where, problem)]
    if region in replicas:
        i = replicas.index(region)
        return [
            (
                f"multi_region.replica_regions[{i}]",
                f"{region} is the primary's region; replicate to other regions only",
            )
        ]
    return []


def cross_field_problems(spec: KmsKeySpec) -> list[Problem]:
    return [
        *_rotation(spec),
        *_alias_length(spec),
        *_multi_region(spec),
        *_tags(spec),
        *_roles(spec),
        *_separation_of_duties(spec),
        *_encryption_context(spec),
        *_cross_account(spec),
        *_grants(spec),
        *_extra_statements(spec),
        *_integrations(spec),
    ]


def _kind_name(spec: KmsKeySpec) -> str:
    return f"{spec.kind.type} ({spec.key_spec}, {spec.key_usage})"


def _rotation(spec: KmsKeySpec) -> list[Problem]:
    if spec.kind.can_auto_rotate:
        return []
    out: list[Problem] = []
    if spec.rotation.automatic:
        out.append(
            (
                "rotation.automatic",
                f"{_kind_name(spec)} keys cannot rotate automatically; remove it and use rotation.manual",
            )
        )
    if "period_days" in spec.rotation.model_fields_set:
        out.append(
            ("rotation.period_days", f"{_kind_name(spec)} keys do not rotate automatically; remove it")
        )
    return out


def _multi_region(spec: KmsKeySpec) -> list[Problem]:
    if spec.multi_region is None:
        return []
    if isinstance(spec.kind, CloudHsmKeyStore | ExternalKeyStore):
        return [("multi_region", f"{spec.kind.type} keys cannot be multi-region; remove multi_region")]
    return region_problems(spec.region, spec.replica_regions) if spec.region else []


def _alias_length(spec: KmsKeySpec) -> list[Problem]:
    """The conventional alias must fit KMS's limit; blame the longer of the two free parts."""
    alias = conventional_alias(spec.environment, spec.function, spec.team)
    if len(alias) <= ALIAS_MAX_CHARS:
        return []
    field = "function" if len(spec.function) >= len(spec.team) else "team"
    return [
        (
            field,
            f"the alias alias/{spec.environment}-… would be {len(alias)} characters, "
            f"KMS allows {ALIAS_MAX_CHARS}; shorten {field}",
        )
    ]


def _tags(spec: KmsKeySpec) -> list[Problem]:
    out: list[Problem] = []
    managed = {*REQUIRED_TAGS, MULTI_REGION_REASON_TAG}
    for key, value in spec.tags.extra.items():
        where = f"tags.extra.{key}"
        if key in managed:
            out.append((where, f"{key} is set by the library; use the dedicated field instead"))
        elif key.lower().startswith(RESERVED_TAG_PREFIX):
            out.append((where, "tag keys starting with aws: are reserved by AWS; rename the tag"))
        elif not key or len(key) > TAG_KEY_MAX_CHARS:
            out.append((where, f"tag keys must be 1-{TAG_KEY_MAX_CHARS} characters; shorten the key"))
        if len(value) > TAG_VALUE_MAX_CHARS:
            out.append((where, f"tag values must be at most {TAG_VALUE_MAX_CHARS} characters; shorten it"))
    total = len(spec.all_tags())
    if total > TAGS_MAX:
        out.append(("tags.extra", f"the key would carry {total} tags, AWS allows {TAGS_MAX}; drop some"))
    return out


def _roles(spec: KmsKeySpec) -> list[Problem]:
    allowed = spec.allowed_roles()
    names = ", ".join(sorted(r.value for r in allowed))
    return [
        (
            f"principals.{role.value}",
            f"{_kind_name(spec)} keys do not support {role.value}; use {names}",
        )
        for role in spec.principals.roles_in_use()
        if role not in allowed
    ]


def _separation_of_duties(spec: KmsKeySpec) -> list[Problem]:
    admins = {*spec.principals.administrators, spec.deployer}
    users: list[tuple[str, str]] = [
        (f"principals.{role.value}[{i}]", arn)
        for role in UsageRole
        for i, arn in enumerate(spec.principals.by_role(role))
    ]
    users += [(f"grants[{i}].grantee", g.grantee) for i, g in enumerate(spec.grants)]
    if spec.integrations.cloudtrail:
        users += [
            (f"integrations.cloudtrail.log_readers[{i}]", arn)
            for i, arn in enumerate(spec.integrations.cloudtrail.log_readers)
        ]
    conflicts = [(where, arn) for where, arn in users if arn in admins]
    if spec.separation_of_duties_waiver is not None:
        if not conflicts:
            return [
                (
                    "separation_of_duties_waiver",
                    "no principal both administers and uses the key; remove the waiver",
                )
            ]
        return []
    return [
        (
            where,
            f"{arn} also administers the key; use separate principals or set separation_of_duties_waiver",
        )
        for where, arn in conflicts
    ]


def _encryption_context(spec: KmsKeySpec) -> list[Problem]:
    if spec.encryption_context is None or spec.kind.symmetric_encryption:
        return []
    return [
        (
            "encryption_context",
            f"{_kind_name(spec)} keys do not take an encryption context; remove encryption_context",
        )
    ]


def _cross_account(spec: KmsKeySpec) -> list[Problem]:
    out: list[Problem] = []
    allowed = {r.value for r in spec.allowed_roles()}
    seen: set[str] = set()
    for i, access in enumerate(spec.cross_account):
        if access.role not in allowed:
            out.append(
                (
                    f"cross_account[{i}].role",
                    f"{_kind_name(spec)} keys do not support {access.role}; use {', '.join(sorted(allowed - {'service_users'}))}",
                )
            )
        if access.account_id in seen:
            out.append((f"cross_account[{i}].account_id", "is listed twice; give each account one entry"))
        seen.add(access.account_id)
    return out


def _grants(spec: KmsKeySpec) -> list[Problem]:
    out: list[Problem] = []
    allowed = allowed_grant_operations(spec.kind)
    names: set[str] = set()
    for i, grant in enumerate(spec.grants):
        where = f"grants[{i}]"
        if grant.name in names:
            out.append((f"{where}.name", f"{grant.name!r} is used twice; give each grant its own name"))
        names.add(grant.name)
        for j, op in enumerate(grant.operations):
            if op not in allowed:
                out.append(
                    (
                        f"{where}.operations[{j}]",
                        f"{op} does not apply to {_kind_name(spec)} keys; use {', '.join(sorted(allowed))}",
                    )
                )
        if spec.kind.symmetric_encryption and grant.constraints is None:
            out.append(
                (
                    f"{where}.constraints",
                    "grants on encryption keys need an encryption-context constraint; set constraints",
                )
            )
        if not spec.kind.symmetric_encryption and grant.constraints is not None:
            out.append(
                (
                    f"{where}.constraints",
                    f"{_kind_name(spec)} keys do not take encryption-context constraints; remove constraints",
                )
            )
    return out


def _extra_statements(spec: KmsKeySpec) -> list[Problem]:
    out: list[Problem] = []
    seen: set[str] = set()
    for i, statement in enumerate(spec.extra_statements):
        if reserved_sid(statement.sid):
            out.append(
                (f"extra_statements[{i}].sid", f"{statement.sid} is reserved by the builder; rename it")
            )
        elif statement.sid in seen:
            out.append((f"extra_statements[{i}].sid", f"{statement.sid} is used twice; make Sids unique"))
        seen.add(statement.sid)
    return out


def _integrations(spec: KmsKeySpec) -> list[Problem]:
    """Services use symmetric encryption keys, except Route 53, which signs with one P-256 key in us-east-1."""
    out: list[Problem] = []
    for name in spec.integrations.in_use():
        where = f"integrations.{name}"
        if name == "route53_dnssec":
            if spec.key_spec is not DNSSEC_KEY_SPEC or spec.key_usage is not KeyUsage.SIGN_VERIFY:
                out.append(
                    (
                        where,
                        f"Route 53 DNSSEC signs only with {DNSSEC_KEY_SPEC} SIGN_VERIFY keys, not {_kind_name(spec)}; "
                        f"use kind {{type: signing, key_spec: {DNSSEC_KEY_SPEC}}} or remove {where}",
                    )
                )
            if spec.region is not None and spec.region != DNSSEC_REGION:
                out.append(
                    (
                        "region",
                        f"Route 53 DNSSEC uses keys in {DNSSEC_REGION} only, not {spec.region}; "
                        f"set region to {DNSSEC_REGION} or remove {where}",
                    )
                )
        elif not spec.kind.symmetric_encryption:
            out.append(
                (
                    where,
                    f"AWS services encrypt only with symmetric encryption keys, not {_kind_name(spec)}; "
                    f"use a symmetric key for {name} or remove {where}",
                )
            )
    return out
