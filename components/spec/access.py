"""Who may do what with a key: principals by role, MFA, encryption context, cross-account access,
grants and the validated escape hatch for extra statements."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field, StrictBool, StrictInt, field_validator, model_validator

from kmsguard.facts import CONFUSED_DEPUTY_KEYS
from kmsguard.policies.facts import (
    ADMINISTRATION_ACTIONS,
    CRITICAL_ACTION_CHOICES,
    DEFAULT_CRITICAL_ACTIONS,
    ENCRYPTION_CONTEXT_KEY_PREFIX,
    GRANT_OPERATIONS,
    GRANT_REDELEGATION_OPERATIONS,
    MFA_DEFAULT_MAX_AGE_SECONDS,
    POLICY_VERSION,
    RESTRICTING_OPERATORS,
    AwsService,
    canonical_action,
)
from kmsguard.policies.policydoc import PolicyParseError, is_wildcard_action, parse_policy_document
from kmsguard.spec.types import (
    STRICT,
    AccountId,
    OrganizationId,
    PrincipalArn,
    ServicePrincipalName,
    spec_error,
)


class UsageRole(StrEnum):
    """A usage role; which ones a key allows depends on its kind (see `KmsKeySpec.allowed_roles`)."""

    USERS = "users"
    ENCRYPT_ONLY = "encrypt_only_users"
    DECRYPT_ONLY = "decrypt_only_users"
    SERVICE_USERS = "service_users"
    SIGNERS = "signers"
    VERIFIERS = "verifiers"
    MAC_USERS = "mac_users"
    KEY_AGREEMENT = "key_agreement_users"


# Built from the facts' tuples, so the JSON schema lists exactly the facts' values. mypy cannot read a
# Literal computed at run time; it sees the values as plain strings.
if TYPE_CHECKING:
    CrossAccountRole = str
    CriticalAction = str
    GrantOperation = str
else:
    #: Every usage role but service users (they act through services, never from another account).
    CrossAccountRole = Literal[tuple(r.value for r in UsageRole if r is not UsageRole.SERVICE_USERS)]
    CriticalAction = Literal[CRITICAL_ACTION_CHOICES]
    GrantOperation = Literal[GRANT_OPERATIONS]


def _unique(values: tuple[str, ...], what: str) -> tuple[str, ...]:
    duplicates = sorted({v for v in values if values.count(v) > 1})
    if duplicates:
        raise ValueError(f"lists {', '.join(duplicates)} more than once; list each {what} once")
    return values


class ServiceUser(BaseModel):
    """A principal that uses the key only through AWS services (S3, EBS, RDS, …)."""

    model_config = STRICT
    principal: PrincipalArn = Field(description="The role or user that calls the AWS service.")
    services: tuple[AwsService, ...] = Field(
        min_length=1,
        description="AWS services the principal acts through; each becomes a kms:ViaService value per region.",
    )

    @field_validator("services")
    @classmethod
    def _distinct(cls, value: tuple[AwsService, ...]) -> tuple[AwsService, ...]:
        _unique(tuple(value), "service")
        return value


class Principals(BaseModel):
    """Principal ARNs by role. A role is allowed only where the key kind supports it."""

    model_config = STRICT
    administrators: tuple[PrincipalArn, ...] = Field(
        default=(),
        description="Human administrators: manage the key, never use it; critical actions need MFA.",
    )
    users: tuple[PrincipalArn, ...] = Field(
        default=(), description="Encrypt and decrypt (symmetric or RSA encryption keys)."
    )
    encrypt_only_users: tuple[PrincipalArn, ...] = Field(
        default=(), description="Encrypt only (encryption keys)."
    )
    decrypt_only_users: tuple[PrincipalArn, ...] = Field(
        default=(), description="Decrypt only (encryption keys)."
    )
    service_users: tuple[ServiceUser, ...] = Field(
        default=(), description="Use through AWS services only (symmetric encryption keys)."
    )
    signers: tuple[PrincipalArn, ...] = Field(default=(), description="Sign and verify (signing keys).")
    verifiers: tuple[PrincipalArn, ...] = Field(default=(), description="Verify only (signing keys).")
    mac_users: tuple[PrincipalArn, ...] = Field(
        default=(), description="Generate and verify MACs (HMAC keys)."
    )
    key_agreement_users: tuple[PrincipalArn, ...] = Field(
        default=(), description="Derive shared secrets (key-agreement keys)."
    )

    @field_validator(
        "administrators",
        "users",
        "encrypt_only_users",
        "decrypt_only_users",
        "signers",
        "verifiers",
        "mac_users",
        "key_agreement_users",
    )
    @classmethod
    def _distinct(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _unique(value, "principal")

    @field_validator("service_users")
    @classmethod
    def _distinct_service_users(cls, value: tuple[ServiceUser, ...]) -> tuple[ServiceUser, ...]:
        _unique(tuple(s.principal for s in value), "service-user principal")
        return value

    def by_role(self, role: UsageRole) -> tuple[str, ...]:
        if role is UsageRole.SERVICE_USERS:
            return tuple(s.principal for s in self.service_users)
        found: tuple[str, ...] = getattr(self, role.value)
        return found

    def roles_in_use(self) -> tuple[UsageRole, ...]:
        return tuple(r for r in UsageRole if self.by_role(r))


class MfaSpec(BaseModel):
    """MFA for human administrators' critical actions (the deployer is exempt by design)."""

    model_config = STRICT
    enabled: StrictBool = Field(default=True, description="Require MFA for the critical actions.")
    actions: tuple[CriticalAction, ...] = Field(
        default=DEFAULT_CRITICAL_ACTIONS,
        min_length=1,
        description="Critical administration actions that need MFA.",
    )
    max_age_seconds: StrictInt = Field(
        default=MFA_DEFAULT_MAX_AGE_SECONDS,
        ge=60,
        le=3600,
        description="Maximum age of the MFA authentication, in seconds (aws:MultiFactorAuthAge).",
    )

    @field_validator("actions")
    @classmethod
    def _distinct(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _unique(value, "action")


class EncryptionContextSpec(BaseModel):
    """Encryption context every user request must carry (symmetric encryption keys only).

    Applies to `users`, `encrypt_only_users`, `decrypt_only_users` and cross-account users; not to
    service users, whose AWS service sets its own context. Context is logged in CloudTrail: never
    put secrets in it.
    """

    model_config = STRICT
    required_keys: tuple[str, ...] = Field(
        default=(), description="Context keys every request must include (any value)."
    )
    equals: dict[str, str] = Field(
        default_factory=dict, description="Context key=value pairs every request must include exactly."
    )

    @field_validator("required_keys")
    @classmethod
    def _distinct(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _unique(value, "key")

    @model_validator(mode="after")
    def _not_empty(self) -> EncryptionContextSpec:
        if not self.required_keys and not self.equals:
            raise spec_error(("", "is empty; set required_keys or equals, or remove encryption_context"))
        overlap = sorted(set(self.required_keys) & set(self.equals))
        if overlap:
            raise spec_error(
                ("required_keys", f"{', '.join(overlap)} also in equals; list each key in one place")
            )
        return self

    @property
    def empty(self) -> bool:
        return not self.required_keys and not self.equals


class CrossAccountAccess(BaseModel):
    """Another account's use of the key (never administration)."""

    model_config = STRICT
    account_id: AccountId = Field(description="The other account's 12-digit id.")
    role: CrossAccountRole = Field(description="The usage role the account gets.")
    principals: tuple[PrincipalArn, ...] = Field(
        default=(),
        description="Narrow access to these principals of that account (default: the account, via its IAM).",
    )
    organization_id: OrganizationId | None = Field(
        default=None,
        description="Also require the caller to be in this AWS Organization (aws:PrincipalOrgID).",
    )

    @model_validator(mode="after")
    def _principals_in_account(self) -> CrossAccountAccess:
        foreign = [
            (
                f"principals[{i}]",
                f"{p!r} is not in account {self.account_id}; name principals of that account",
            )
            for i, p in enumerate(self.principals)
            if p.split(":")[4] != self.account_id
        ]
        if foreign:
            raise spec_error(*foreign)
        return self


class GrantConstraints(BaseModel):
    """Encryption-context constraints of a grant (exactly one of the two)."""

    model_config = STRICT
    encryption_context_equals: dict[str, str] | None = Field(
        default=None, description="The request's context must equal this map."
    )
    encryption_context_subset: dict[str, str] | None = Field(
        default=None, description="The request's context must include these pairs."
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> GrantConstraints:
        if (self.encryption_context_equals is None) == (self.encryption_context_subset is None):
            raise spec_error(
                ("", "needs exactly one of encryption_context_equals and encryption_context_subset; set one")
            )
        if not (self.encryption_context_equals or self.encryption_context_subset):
            raise spec_error(("", "has an empty encryption context; give at least one key=value pair"))
        return self


class GrantSpec(BaseModel):
    """A KMS grant (`aws.kms.Grant`). Grants never re-delegate (no CreateGrant/RetireGrant)."""

    model_config = STRICT
    name: str = Field(
        pattern=r"^[a-z0-9][a-z0-9-]{0,62}$",
        description="Grant name suffix: lowercase letters, digits and hyphens; unique per key.",
    )
    grantee: PrincipalArn = Field(description="The principal that receives the grant.")
    operations: tuple[GrantOperation, ...] = Field(
        min_length=1, description="Operations granted; must suit the key kind."
    )
    constraints: GrantConstraints | None = Field(
        default=None,
        description="Encryption-context constraints; required on symmetric encryption keys, refused on others.",
    )
    retiring_principal: PrincipalArn | None = Field(
        default=None, description="Principal allowed to retire the grant."
    )

    @field_validator("operations")
    @classmethod
    def _distinct(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        redelegating = [op for op in value if op in GRANT_REDELEGATION_OPERATIONS]
        if redelegating:
            raise ValueError(
                f"{', '.join(redelegating)} would let the grantee hand the key on; "
                "remove it and give each principal its own grant"
            )
        return _unique(value, "operation")


class ExtraStatement(BaseModel):
    """An extra key-policy statement: an escape hatch that is still validated.

    Explicit KMS actions only (no wildcards), no NotPrincipal on any statement and no NotAction on
    an Allow; an Allow may not grant administration (use `administrators`). Principals are IAM
    principals, every principal (Deny only), or AWS service principals; an Allow for a service
    principal must carry a confused-deputy condition (aws:SourceAccount, aws:SourceArn or a
    kms:EncryptionContext: key), whose account and regions the builder checks against the stack.
    """

    model_config = STRICT
    sid: str = Field(pattern=r"^[A-Za-z0-9]{1,64}$", description="Statement id: letters and digits.")
    effect: Literal["Allow", "Deny"] = Field(description="Allow or Deny.")
    principals: tuple[PrincipalArn, ...] = Field(
        default=(), description="AWS principals the statement applies to (Principal.AWS)."
    )
    all_principals: StrictBool = Field(
        default=False, description='Deny only: apply to every principal (Principal "*").'
    )
    service_principals: tuple[ServicePrincipalName, ...] = Field(
        default=(),
        description="AWS service principals (Principal.Service), e.g. delivery.logs.amazonaws.com; an Allow "
        "needs aws:SourceAccount, aws:SourceArn or a kms:EncryptionContext: condition.",
    )
    actions: tuple[str, ...] = Field(default=(), description="KMS actions, e.g. kms:Decrypt.")
    not_actions: tuple[str, ...] = Field(default=(), description="Deny only: every KMS action except these.")
    conditions: dict[str, dict[str, str | list[str]]] = Field(
        default_factory=dict, description="IAM condition block: operator → key → value(s)."
    )

    @model_validator(mode="after")
    def _validated(self) -> ExtraStatement:
        problems: list[tuple[str, str]] = []
        if bool(self.principals) + self.all_principals + bool(self.service_principals) != 1:
            problems.append(
                (
                    "principals",
                    "set exactly one of principals, all_principals and service_principals; name the principals",
                )
            )
        if len(set(self.service_principals)) != len(self.service_principals):
            problems.append(("service_principals", "lists a principal twice; list each once"))
        if self.service_principals and self.effect == "Allow" and not self._confused_deputy_condition():
            problems.append(
                (
                    "conditions",
                    "an Allow for a service principal needs aws:SourceAccount, aws:SourceArn or a "
                    "kms:EncryptionContext: key under StringEquals, StringLike, ArnEquals or ArnLike; "
                    "add one naming this account's resources",
                )
            )
        if self.all_principals and self.effect == "Allow":
            problems.append(
                ("all_principals", "an Allow for every principal makes the key public; name principals")
            )
        if bool(self.actions) == bool(self.not_actions):
            problems.append(("actions", "set exactly one of actions and not_actions; list the KMS actions"))
        if self.not_actions and self.effect == "Allow":
            problems.append(
                ("not_actions", "an Allow with NotAction grants every other action; list actions instead")
            )
        field = "actions" if self.actions else "not_actions"
        for i, action in enumerate(self.actions or self.not_actions):
            if is_wildcard_action(action):
                problems.append((f"{field}[{i}]", f"{action!r} is a wildcard; list explicit KMS actions"))
            elif not action.startswith("kms:") or canonical_action(action) is None:
                problems.append(
                    (f"{field}[{i}]", f"{action!r} is not a KMS action; write kms:<Action>, e.g. kms:Decrypt")
                )
        if self.effect == "Allow" and not problems:
            admin = sorted(ADMINISTRATION_ACTIONS & {canonical_action(a) for a in self.actions})
            if admin:
                problems.append(
                    ("actions", f"grants administration ({', '.join(admin)}); give it through administrators")
                )
        if not problems:
            try:
                parse_policy_document({"Version": POLICY_VERSION, "Statement": [self.as_policy_statement()]})
            except PolicyParseError as exc:
                problems.append(("conditions", f"{exc}; write operator -> key -> value(s)"))
        if problems:
            raise spec_error(*problems)
        return self

    def _confused_deputy_condition(self) -> bool:
        return any(
            operator in RESTRICTING_OPERATORS
            and (
                key.lower() in CONFUSED_DEPUTY_KEYS
                or key.lower().startswith(ENCRYPTION_CONTEXT_KEY_PREFIX.lower())
            )
            for operator, block in self.conditions.items()
            for key in block
        )

    def as_policy_statement(self) -> dict[str, Any]:
        """The statement as it appears in the key policy (actions canonical and sorted)."""
        statement: dict[str, Any] = {"Sid": self.sid, "Effect": self.effect}
        if self.all_principals:
            statement["Principal"] = "*"
        elif self.service_principals:
            statement["Principal"] = {"Service": sorted(self.service_principals)}
        else:
            statement["Principal"] = {"AWS": sorted(self.principals)}
        key = "Action" if self.actions else "NotAction"
        statement[key] = sorted(f"kms:{canonical_action(a) or a}" for a in self.actions or self.not_actions)
        statement["Resource"] = "*"
        if self.conditions:
            statement["Condition"] = {
                op: {k: sorted(v) if isinstance(v, list) else v for k, v in sorted(block.items())}
                for op, block in sorted(self.conditions.items())
            }
        return statement
