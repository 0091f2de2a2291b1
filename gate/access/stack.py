"""What the access model reads from a stack's resources: keys and their policies, grants, and the
identity policies with the principal each is attached to.

Input is the pack's resource shape (type, URN, camelCase props, parent, dependencies) so that the
gate's captured resources and the audit's live keys go through the same code. Keys are found by any
handle a resource may use to point at them (ARN, key id, id), as Pulumi programs pass either.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from kmsguard.policies.documents import CarriedPolicy, carried_policies
from kmsguard.policies.facts import (
    ALIAS_PREFIX,
    ALIAS_TYPE,
    ALL_KEY_TYPES,
    GRANT_OPERATIONS,
    GRANT_TYPE,
    IAM_GROUP_POLICY_ATTACHMENT_TYPE,
    IAM_GROUP_POLICY_TYPE,
    IAM_GROUP_TYPE,
    IAM_POLICY_ATTACHMENT_TYPE,
    IAM_POLICY_TYPE,
    IAM_ROLE_POLICY_ATTACHMENT_TYPE,
    IAM_ROLE_POLICY_TYPE,
    IAM_ROLE_TYPE,
    IAM_USER_POLICY_ATTACHMENT_TYPE,
    IAM_USER_POLICY_TYPE,
    IAM_USER_TYPE,
    KEY_POLICY_TYPE,
    PRIMARY_KEY_TYPES,
)
from kmsguard.policies.rule import Resource, is_unknown

_ATTACHMENTS: Final = {
    IAM_ROLE_POLICY_ATTACHMENT_TYPE: ("role", "role"),
    IAM_USER_POLICY_ATTACHMENT_TYPE: ("user", "user"),
    IAM_GROUP_POLICY_ATTACHMENT_TYPE: ("group", "group"),
}
_INLINE_OWNER: Final = {
    IAM_ROLE_POLICY_TYPE: ("role", "role"),
    IAM_USER_POLICY_TYPE: ("user", "user"),
    IAM_GROUP_POLICY_TYPE: ("group", "group"),
}
_IDENTITY_TYPES: Final = {IAM_ROLE_TYPE: "role", IAM_USER_TYPE: "user", IAM_GROUP_TYPE: "group"}

#: The resources `read_stack` looks at and the properties it reads (None: all of them), so that a
#: caller converting wire values converts only these (a catalog's resources carry far more).
READS: Final[dict[str, tuple[str, ...] | None]] = {
    **dict.fromkeys(ALL_KEY_TYPES, ("arn", "keyId", "id", "policy", "region")),
    KEY_POLICY_TYPE: ("keyId", "policy", "region"),
    ALIAS_TYPE: ("name", "targetKeyId", "targetKeyArn", "region"),
    GRANT_TYPE: None,
    **dict.fromkeys(
        (*_ATTACHMENTS, IAM_POLICY_ATTACHMENT_TYPE, *_INLINE_OWNER, *_IDENTITY_TYPES, IAM_POLICY_TYPE), None
    ),
}


@dataclass
class StackKey:
    resource: Resource
    #: The key policy in force: a separate `aws.kms.KeyPolicy` wins over the key's own `policy`.
    policy: tuple[CarriedPolicy, ...]
    policy_source: str
    arns: tuple[str, ...]
    aliases: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        """How reports name the key: its first alias without `alias/`, else its resource name."""
        return self.aliases[0].removeprefix(ALIAS_PREFIX) if self.aliases else self.resource.name


@dataclass(frozen=True)
class StackGrant:
    resource: Resource
    key_urn: str
    grantee: str | None
    operations: tuple[str, ...]
    context_equals: Mapping[str, str]
    context_subset: Mapping[str, str]
    retiring_principal: str | None


@dataclass(frozen=True)
class Identity:
    """An identity policy and the principals it is attached to: the policy's own ARN when it is
    attached outside the stack, none when not even that is known."""

    resource: Resource
    policy: CarriedPolicy
    principals: tuple[str, ...]


@dataclass
class Stack:
    keys: list[StackKey]
    grants: list[StackGrant]
    identities: list[Identity]


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value and not is_unknown(value) else None


def read_stack(resources: Sequence[Resource], account: str | None, partition: str) -> Stack:
    handles: dict[str, list[Resource]] = {}
    keys: dict[str, StackKey] = {}
    for r in resources:
        if r.type in ALL_KEY_TYPES:
            arn = _text(r.props.get("arn"))
            keys[r.urn] = StackKey(r, carried_policies(r), "key", (arn,) if arn else ())
            for handle in ("arn", "keyId", "id"):
                if (value := _text(r.props.get(handle))) is not None:
                    handles.setdefault(value, []).append(r)
    grants: list[StackGrant] = []
    for r in resources:
        target = _target(r, handles)
        if target is None:
            continue
        if r.type == KEY_POLICY_TYPE:
            keys[target].policy = carried_policies(r)
            keys[target].policy_source = r.urn
        elif r.type == ALIAS_TYPE and (name := _text(r.props.get("name"))) is not None:
            keys[target].aliases.append(name)
        elif r.type == GRANT_TYPE:
            grants.append(_grant(r, target))
    for key in keys.values():
        key.aliases.sort()
    return Stack(list(keys.values()), grants, list(_identities(resources, account, partition)))


def _target(r: Resource, handles: Mapping[str, list[Resource]]) -> str | None:
    """The key a grant, alias or key policy points at. A multi-Region key's replicas share its key
    id, so a key id names the key in the referring resource's own region, the primary otherwise."""
    for prop in ("keyId", "targetKeyId", "targetKeyArn"):
        candidates = handles.get(_text(r.props.get(prop)) or "", [])
        if len(candidates) > 1:
            region = _text(r.props.get("region"))
            candidates = [k for k in candidates if _text(k.props.get("region")) == region] or [
                k for k in candidates if k.type in PRIMARY_KEY_TYPES
            ]
        if candidates:
            return candidates[0].urn
    return None


def _grant(r: Resource, key_urn: str) -> StackGrant:
    equals: dict[str, str] = {}
    subset: dict[str, str] = {}
    constraints = r.props.get("constraints")
    for constraint in constraints if isinstance(constraints, list) else []:
        if isinstance(constraint, Mapping):
            equals |= _strings(constraint.get("encryptionContextEquals"))
            subset |= _strings(constraint.get("encryptionContextSubset"))
    operations = r.props.get("operations")
    if isinstance(operations, list) and not any(is_unknown(o) for o in operations):
        granted = tuple(o for o in operations if isinstance(o, str))
    else:
        # Not known during preview (or not a list): whatever a grant can carry (fail closed).
        granted = GRANT_OPERATIONS
    return StackGrant(
        resource=r,
        key_urn=key_urn,
        grantee=_text(r.props.get("granteePrincipal")),
        operations=granted,
        context_equals=equals,
        context_subset=subset,
        retiring_principal=_text(r.props.get("retiringPrincipal")),
    )


def _strings(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        return {}
    return {str(k): str(v) for k, v in value.items()}


def _identities(resources: Sequence[Resource], account: str | None, partition: str) -> Iterable[Identity]:
    # IAM names resolve to ARNs through the stack's own roles, users and groups first (their paths
    # are in the ARN), and are built from the stack's account otherwise.
    arns: dict[tuple[str, str], str] = {}
    for r in resources:
        if (kind := _IDENTITY_TYPES.get(r.type)) is not None and (arn := _text(r.props.get("arn"))):
            for handle in ("name", "id", "arn"):
                if (value := _text(r.props.get(handle))) is not None:
                    arns[(kind, value)] = arn

    def arn_of(kind: str, value: Any) -> str | None:
        name = _text(value)
        if name is None:
            return None
        if name.startswith("arn:"):
            return name
        return arns.get((kind, name)) or (
            f"arn:{partition}:iam::{account}:{kind}/{name}" if account else None
        )

    attached: dict[str, list[str]] = {}
    for r in resources:
        policy_arn = _text(r.props.get("policyArn"))
        if r.type in _ATTACHMENTS and policy_arn:
            prop, kind = _ATTACHMENTS[r.type]
            if (arn := arn_of(kind, r.props.get(prop))) is not None:
                attached.setdefault(policy_arn, []).append(arn)
        elif r.type == IAM_POLICY_ATTACHMENT_TYPE and policy_arn:
            for prop, kind in (("roles", "role"), ("users", "user"), ("groups", "group")):
                members = r.props.get(prop)
                for member in members if isinstance(members, list) else []:
                    if (arn := arn_of(kind, member)) is not None:
                        attached.setdefault(policy_arn, []).append(arn)
        elif r.type == IAM_ROLE_TYPE and isinstance(managed := r.props.get("managedPolicyArns"), list):
            role = _text(r.props.get("arn"))
            for policy in managed:
                if role and (text := _text(policy)):
                    attached.setdefault(text, []).append(role)
    for r in resources:
        if r.type == IAM_ROLE_TYPE:
            owner = _text(r.props.get("arn"))
            principals: tuple[str, ...] = (owner,) if owner else ()
        elif r.type in _INLINE_OWNER:
            prop, kind = _INLINE_OWNER[r.type]
            owner = arn_of(kind, r.props.get(prop))
            principals = (owner,) if owner else ()
        elif r.type == IAM_POLICY_TYPE:
            own = _text(r.props.get("arn"))
            principals = tuple(sorted(set(attached.get(own or "", ()))))
            if not principals and own:
                # Attached outside the stack: the policy stands for whoever holds it.
                principals = (own,)
        else:
            continue
        for policy in carried_policies(r):
            yield Identity(r, policy, principals)
