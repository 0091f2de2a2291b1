"""The key policy: spec + account + partition + region → the least-privilege document (a dict).

Statement order is fixed (deployer, root, administrators, usage roles, services, service
integrations, cross-account, extra statements), actions are sorted `kms:` names from the KMS facts, and every statement's
Resource is `"*"` (in a key policy that means "this key").
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kmsguard.builders.integrations import build_integration_statements
from kmsguard.builders.render import policy_size
from kmsguard.builders.roles import administration_actions, critical_actions, usage_actions
from kmsguard.builders.service_statements import check_service_statements
from kmsguard.errors import PolicyBuildError
from kmsguard.facts import DNSSEC_REGION
from kmsguard.policies.facts import (
    ACCOUNT_ID_RE,
    CALLER_ACCOUNT_KEY,
    ENCRYPTION_CONTEXT_KEY_PREFIX,
    GRANT_IS_FOR_AWS_RESOURCE_KEY,
    KEY_POLICY_MAX_BYTES,
    KEY_RESOURCE_ACTIONS,
    MFA_AGE_KEY,
    MFA_PRESENT_KEY,
    PARTITIONS,
    POLICY_VERSION,
    PRINCIPAL_ARN_RE,
    PRINCIPAL_ORG_ID_KEY,
    REGION_RE,
    SERVICE_GRANT_ACTIONS,
    VIA_SERVICE_KEY,
    AwsService,
    via_service_value,
)
from kmsguard.policies.policydoc import parse_policy_document
from kmsguard.regions import partition_regions, unknown_region_message
from kmsguard.spec import CrossAccountAccess, KmsKeySpec, UsageRole, sids

Statement = dict[str, Any]
_ENCRYPTION_ROLES = (
    (UsageRole.USERS, sids.USERS),
    (UsageRole.ENCRYPT_ONLY, sids.ENCRYPT_ONLY),
    (UsageRole.DECRYPT_ONLY, sids.DECRYPT_ONLY),
)
_OTHER_ROLES = (
    (UsageRole.SIGNERS, sids.SIGNERS),
    (UsageRole.VERIFIERS, sids.VERIFIERS),
    (UsageRole.MAC_USERS, sids.MAC_USERS),
    (UsageRole.KEY_AGREEMENT, sids.KEY_AGREEMENT),
)


def build_key_policy(
    spec: KmsKeySpec, *, account_id: str, partition: str, region: str, retired: bool = False
) -> dict[str, Any]:
    """The key policy for the key in `region` (the primary's region or one replica region).

    `retired=True` is for an old manual-rotation generation: users keep only the actions that open
    existing data (Decrypt, ReEncryptFrom, Verify, GetPublicKey, VerifyMac, DescribeKey) and AWS
    services get no grants. Raises `PolicyBuildError` when the inputs do not fit the spec, when the
    document would exceed 32 KB, or when no principal could call PutKeyPolicy.
    """
    regions = key_regions(spec, account_id=account_id, partition=partition, region=region)
    _check_principals(spec, account_id, partition)
    check_service_statements(spec, account_id=account_id, partition=partition, regions=regions)
    statements = [
        *_administration(spec, account_id, partition),
        *_usage(spec, retired),
        *_services(spec, account_id, partition, regions, retired),
        *build_integration_statements(
            spec, account_id=account_id, partition=partition, regions=regions, retired=retired
        ),
        *_cross_account(spec, partition, retired),
        *(s.as_policy_statement() for s in spec.extra_statements),
    ]
    document = {"Version": POLICY_VERSION, "Statement": statements}
    check_policy(document, deployer=spec.deployer)
    return document


def key_regions(spec: KmsKeySpec, *, account_id: str, partition: str, region: str) -> tuple[str, ...]:
    """Primary's region first, then the replicas': the regions `kms:ViaService` must cover."""
    if ACCOUNT_ID_RE.match(account_id) is None:
        raise PolicyBuildError(
            f"account_id: {account_id!r} is not a 12-digit account id; pass kmsguard:accountId"
        )
    if partition not in PARTITIONS:
        raise PolicyBuildError(f"partition: {partition!r} is unknown; use one of {', '.join(PARTITIONS)}")
    if REGION_RE.match(region) is None:
        raise PolicyBuildError(
            f"region: {region!r} is not an AWS region; pass a region code such as eu-west-1"
        )
    primary = spec.region
    if primary is None:
        if region in spec.replica_regions:
            raise PolicyBuildError(
                f"region: {region} is a replica region but the spec has no primary region; set region in the spec"
            )
        primary = region
    if region != primary and region not in spec.replica_regions:
        raise PolicyBuildError(
            f"region: the key lives in {primary} and {list(spec.replica_regions)}, not {region}; "
            "build the policy for one of those"
        )
    if spec.integrations.route53_dnssec is not None and primary != DNSSEC_REGION:
        raise PolicyBuildError(
            f"region: Route 53 DNSSEC uses keys in {DNSSEC_REGION} only, not {primary}; "
            f"set region to {DNSSEC_REGION} or remove integrations.route53_dnssec"
        )
    regions = (primary, *spec.replica_regions)
    for where, name in [("region", primary)] + [
        (f"multi_region.replica_regions[{i}]", r) for i, r in enumerate(spec.replica_regions)
    ]:
        if name not in partition_regions(partition):
            raise PolicyBuildError(f"{where}: {unknown_region_message(name, partition)}")
    return regions


def _check_principals(spec: KmsKeySpec, account_id: str, partition: str) -> None:
    """Own-account roles must be in this account; other accounts only through `cross_account`."""
    for i, share in enumerate(spec.cross_account):
        # Sharing with one's own account would hand its root the usage actions whatever
        # root_access says: the account's roles belong in `principals` instead.
        if share.account_id == account_id:
            raise PolicyBuildError(
                f"cross_account[{i}].account_id: {account_id} is this stack's own account; "
                "name its roles under principals instead"
            )
    named = [("deployer", spec.deployer)]
    named += [("principals.administrators", p) for p in spec.principals.administrators]
    named += [(f"principals.{r.value}", p) for r in UsageRole for p in spec.principals.by_role(r)]
    named += [(f"grants[{i}].grantee", g.grantee) for i, g in enumerate(spec.grants)]
    if spec.integrations.cloudtrail:
        readers = spec.integrations.cloudtrail.log_readers
        named += [(f"integrations.cloudtrail.log_readers[{i}]", p) for i, p in enumerate(readers)]
    for where, arn in named:
        match = PRINCIPAL_ARN_RE.match(arn)
        if match is None:  # the spec validated it; a manual model_construct could still get here
            raise PolicyBuildError(f"{where}: {arn!r} is not an IAM principal ARN")
        if match["partition"] != partition:
            raise PolicyBuildError(f"{where}: {arn} is not in partition {partition}; use {partition} ARNs")
        if match["account"] != account_id:
            raise PolicyBuildError(
                f"{where}: {arn} is in account {match['account']}, not {account_id}; "
                "give other accounts access through cross_account"
            )


def _principal(arns: Iterable[str]) -> dict[str, list[str]]:
    return {"AWS": sorted(set(arns))}


def _statement(
    sid: str, principals: Iterable[str], actions: Iterable[str], condition: Any = None
) -> Statement:
    statement: Statement = {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": _principal(principals),
        "Action": [f"kms:{a}" for a in sorted(set(actions))],
        "Resource": "*",
    }
    if condition:
        statement["Condition"] = condition
    return statement


def _administration(spec: KmsKeySpec, account_id: str, partition: str) -> list[Statement]:
    admin = administration_actions(spec)
    root = f"arn:{partition}:iam::{account_id}:root"
    out = [_statement(sids.DEPLOYER, [spec.deployer], admin)]
    if spec.root_access == "full":
        out.append(_statement(sids.ROOT_FULL, [root], KEY_RESOURCE_ACTIONS))
    humans = list(spec.principals.administrators) + ([root] if spec.root_access == "admin" else [])
    if not humans:
        return out
    critical = critical_actions(spec) if spec.mfa.enabled else ()
    out.append(_statement(sids.ADMINISTRATION, humans, set(admin) - set(critical)))
    if critical:
        mfa = {
            "Bool": {MFA_PRESENT_KEY: "true"},
            "NumericLessThan": {MFA_AGE_KEY: str(spec.mfa.max_age_seconds)},
        }
        out.append(_statement(sids.ADMINISTRATION_CRITICAL, humans, critical, mfa))
    return out


def encryption_context_condition(spec: KmsKeySpec) -> dict[str, dict[str, str]]:
    """Exact pairs under StringEquals; required keys as `Null = false` (present, any value)."""
    ec = spec.encryption_context
    if ec is None:
        return {}
    condition: dict[str, dict[str, str]] = {}
    if ec.equals:
        condition["StringEquals"] = {
            f"{ENCRYPTION_CONTEXT_KEY_PREFIX}{k}": v for k, v in sorted(ec.equals.items())
        }
    if ec.required_keys:
        condition["Null"] = {f"{ENCRYPTION_CONTEXT_KEY_PREFIX}{k}": "false" for k in sorted(ec.required_keys)}
    return condition


def _with_context(  # noqa: PLR0917 - internal helper, all arguments named at call sites
    sid: str,
    describe_sid: str,
    principals: Iterable[str],
    actions: tuple[str, ...],
    spec: KmsKeySpec,
    extra_condition: dict[str, dict[str, str]] | None = None,
) -> list[Statement]:
    """A usage statement; with an encryption context, DescribeKey moves to its own statement."""
    principals = list(principals)
    context = encryption_context_condition(spec) if spec.kind.symmetric_encryption else {}
    condition = _merge(extra_condition or {}, context)
    if not context or "DescribeKey" not in actions:
        return [_statement(sid, principals, actions, condition)] if actions else []
    out = []
    if rest := tuple(a for a in actions if a != "DescribeKey"):
        out.append(_statement(sid, principals, rest, condition))
    out.append(_statement(describe_sid, principals, ["DescribeKey"], extra_condition))
    return out


def _merge(*conditions: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for condition in conditions:
        for operator, block in condition.items():
            merged.setdefault(operator, {}).update(block)
    return {op: dict(sorted(block.items())) for op, block in sorted(merged.items())}


def _usage(spec: KmsKeySpec, retired: bool) -> list[Statement]:
    out: list[Statement] = []
    describers: set[str] = set()
    for role, sid in _ENCRYPTION_ROLES:
        principals = spec.principals.by_role(role)
        actions = usage_actions(spec, role, retired=retired)
        if not principals or actions == ("DescribeKey",):
            continue
        for statement in _with_context(sid, sids.USERS_DESCRIBE, principals, actions, spec):
            if statement["Sid"] == sids.USERS_DESCRIBE:
                describers.update(principals)
            else:
                out.append(statement)
    if describers:
        out.append(_statement(sids.USERS_DESCRIBE, describers, ["DescribeKey"]))
    for role, sid in _OTHER_ROLES:
        principals = spec.principals.by_role(role)
        actions = usage_actions(spec, role, retired=retired)
        if principals and actions != ("DescribeKey",):
            out.append(_statement(sid, principals, actions))
    return out


def _services(
    spec: KmsKeySpec, account_id: str, partition: str, regions: tuple[str, ...], retired: bool
) -> list[Statement]:
    """Principals that use the key through AWS services: the KMS guide's `kms:ViaService` statement
    (one value per key region) with `kms:CallerAccount`, and the default key policy's grant statement
    for AWS resources; sources in `kmsguard.builders.integrations.source_of`."""
    by_service: dict[AwsService, set[str]] = {}
    for user in spec.principals.service_users:
        for service in user.services:
            by_service.setdefault(service, set()).add(user.principal)
    out: list[Statement] = []
    actions = usage_actions(spec, UsageRole.SERVICE_USERS, retired=retired)
    for service in sorted(by_service, key=lambda s: s.value):
        via = sorted(via_service_value(service, r, partition) for r in regions)
        scoped = {VIA_SERVICE_KEY: via, CALLER_ACCOUNT_KEY: account_id}
        out.append(
            _statement(sids.service_usage(service), by_service[service], actions, {"StringEquals": scoped})
        )
        if not retired:
            grant_condition = {"Bool": {GRANT_IS_FOR_AWS_RESOURCE_KEY: "true"}, "StringEquals": scoped}
            out.append(
                _statement(
                    sids.service_grants(service), by_service[service], SERVICE_GRANT_ACTIONS, grant_condition
                )
            )
    return out


def cross_account_principals(access: CrossAccountAccess, partition: str) -> tuple[str, ...]:
    return access.principals or (f"arn:{partition}:iam::{access.account_id}:root",)


def _cross_account(spec: KmsKeySpec, partition: str, retired: bool) -> list[Statement]:
    out: list[Statement] = []
    for access in sorted(spec.cross_account, key=lambda a: a.account_id):
        actions = usage_actions(spec, access.role, retired=retired)
        if actions == ("DescribeKey",):
            continue
        org = (
            {"StringEquals": {PRINCIPAL_ORG_ID_KEY: access.organization_id}}
            if access.organization_id
            else None
        )
        out += _with_context(
            sids.cross_account(access.account_id),
            sids.cross_account(access.account_id, describe=True),
            cross_account_principals(access, partition),
            actions,
            spec,
            org,
        )
    return out


def check_policy(document: dict[str, Any], *, deployer: str) -> None:
    """Refuse a document KMS would refuse or that would lock everyone out."""
    size = policy_size(document)
    if size > KEY_POLICY_MAX_BYTES:
        raise PolicyBuildError(
            f"key policy: {size} bytes exceeds the KMS limit of {KEY_POLICY_MAX_BYTES}; "
            "use fewer principals (e.g. a role per team) or fewer services and regions"
        )
    parsed = parse_policy_document(document)
    holders = {
        p
        for s in parsed.allows()
        if "PutKeyPolicy" in s.kms_actions and not s.conditions
        for p in s.aws_principals()
    }
    denied = {
        p
        for s in parsed.statements
        if not s.is_allow and "PutKeyPolicy" in s.kms_actions
        for p in s.aws_principals()
    }
    if "*" in denied or not holders - denied:
        raise PolicyBuildError(
            "key policy: no principal could call PutKeyPolicy without conditions, so KMS's lockout safety "
            "check would fail; remove the extra Deny statement that covers kms:PutKeyPolicy"
        )
    if deployer not in holders or deployer in denied:
        raise PolicyBuildError(
            f"key policy: the deployer {deployer} could not call PutKeyPolicy, so `pulumi up` would fail "
            "KMS's lockout safety check; remove the extra Deny statement that covers it"
        )
