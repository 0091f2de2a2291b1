"""Does a Condition block restrict, and to whom: the one answer every rule shares.

A statement's conditions all have to hold (AND), and a condition holds when any of its values
matches (OR). So one restricting condition restricts the statement, and a condition restricts only
when every one of its values names a concrete party. Decided from first principles, as IAM Access
Analyzer and Prowler's `is_condition_block_restrictive` do:
- the key identifies the caller or the resource it acts for (`facts.CALLER_CONDITION_KEYS`), or, for
  an identity policy's reach, narrows the keys or data (`facts.KEY_LIMITING_CONDITION_KEYS`);
- the operator compares for a match: StringEquals, StringLike, StringEqualsIgnoreCase, and ArnEquals
  or ArnLike on ARN keys; ForAnyValue keeps it (false when the key is absent). Negated operators admit
  everyone else; `…IfExists` and ForAllValues hold when the key is absent: none of them restricts;
- every value names a party: no policy variable (`${aws:PrincipalAccount}` compared with itself is
  always true), no wildcard where the party is named (`arn:aws:iam::*:*`, `????????????`, `o-*`).

Accounts a restriction names are reported, so that `Principal: "*"` limited to another account is
judged as that account's principal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from .facts import (
    ACCOUNT_ID_RE,
    ARN_MATCH_OPERATORS,
    CALLER_CONDITION_KEYS,
    KEY_LIMITING_CONDITION_KEYS,
    ORGANIZATION_ID_RE,
    ORGANIZATION_PATH_RE,
    RESTRICTING_SET_QUALIFIERS,
    STRING_MATCH_OPERATORS,
    USER_ID_RE,
    VIA_SERVICE_RE,
    VPC_ENDPOINT_ID_RE,
    VPC_ID_RE,
    CallerValue,
    KeyLimitValue,
)
from .patterns import has_variable, has_wildcard
from .policydoc import Condition


@dataclass(frozen=True)
class Verdict:
    """One condition judged: whether it restricts, why not, and the accounts it confines callers to."""

    restricts: bool
    #: Why it does not restrict, for messages; "" when it does.
    reason: str = ""
    #: The accounts callers are confined to; None when the condition names no account (an
    #: organization, a VPC endpoint, a bucket ARN) or does not restrict.
    accounts: frozenset[str] | None = None


@dataclass(frozen=True)
class Scope:
    """What a statement's conditions, together, confine callers to."""

    restricted: bool
    #: Keys of the restricting conditions, as written, for messages.
    keys: tuple[str, ...] = ()
    #: Accounts every caller must belong to (the intersection over the conditions that name
    #: accounts); None when no restricting condition names one. Empty: no caller can match.
    accounts: frozenset[str] | None = None
    #: "<operator> <key>: <reason>" for each condition that does not restrict, for messages.
    reasons: tuple[str, ...] = ()


def _operator_reason(condition: Condition, arn_key: bool) -> str | None:
    """Why this operator cannot restrict, or None when it can."""
    qualifier = condition.set_qualifier
    if qualifier not in RESTRICTING_SET_QUALIFIERS:
        if qualifier == "ForAllValues":
            return "ForAllValues holds when the key is absent"
        return f"{qualifier} is not a set operator"
    if condition.if_exists:
        return "IfExists holds when the key is absent"
    base = condition.base_operator
    if base in STRING_MATCH_OPERATORS or (arn_key and base in ARN_MATCH_OPERATORS):
        return None
    return "the operator does not match it against named values"


def _arn_account(value: str, operator: str, *, accountless: bool) -> tuple[bool, str | None]:
    """(names a party, its account) for an ARN value. ArnLike matches field by field, so only the
    account field has to be concrete; a string operator's `*` can run across `:`, so nothing up to
    and including the account may hold a wildcard. An ARN with no account field (an S3 bucket)
    names a party only when it holds no wildcard at all."""
    parts = value.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or not parts[2] or not parts[5]:
        return False, None
    account = parts[4]
    if account == "" and accountless:
        return not has_wildcard(value), None
    before = parts[4:5] if operator in ARN_MATCH_OPERATORS else parts[:5]
    if any(has_wildcard(p) for p in before) or not ACCOUNT_ID_RE.match(account):
        return False, None
    return True, account


def _caller_value(kind: CallerValue, value: str, operator: str) -> tuple[bool, str | None]:
    """(names a party, its account) for one value of a caller key."""
    if has_variable(value):
        return False, None
    match kind:
        case CallerValue.ACCOUNT:
            return (True, value) if ACCOUNT_ID_RE.match(value) else (False, None)
        case CallerValue.PRINCIPAL_ARN | CallerValue.SOURCE_ARN:
            return _arn_account(value, operator, accountless=kind is CallerValue.SOURCE_ARN)
        case CallerValue.ORGANIZATION:
            return ORGANIZATION_ID_RE.match(value) is not None, None
        case CallerValue.ORGANIZATION_PATH:
            head = value.partition("/")[0]
            return ORGANIZATION_PATH_RE.match(value) is not None and not has_wildcard(head), None
        case CallerValue.VPC:
            return VPC_ID_RE.match(value) is not None, None
        case CallerValue.VPC_ENDPOINT:
            return VPC_ENDPOINT_ID_RE.match(value) is not None, None
        case CallerValue.USER_ID:
            unique_id = value.partition(":")[0]
            return USER_ID_RE.match(value) is not None and not has_wildcard(unique_id), None


@lru_cache(maxsize=4096)
def caller_verdict(condition: Condition) -> Verdict:
    """Does this condition confine callers to named parties, and to which accounts?"""
    kind = CALLER_CONDITION_KEYS.get(condition.key_lower)
    if kind is None:
        return Verdict(False, "the key does not identify the caller")
    arn_key = kind in (CallerValue.PRINCIPAL_ARN, CallerValue.SOURCE_ARN)
    if (why := _operator_reason(condition, arn_key)) is not None:
        return Verdict(False, why)
    accounts: set[str] = set()
    named_account = True
    for value in condition.values:
        names_party, account = _caller_value(kind, value, condition.base_operator)
        if not names_party:
            return Verdict(False, f"{value!r} is not {kind.value}")
        if account is None:
            named_account = False
        else:
            accounts.add(account)
    # A value with no account (a bucket ARN) admits its owner, whoever that is: no account list.
    return Verdict(True, accounts=frozenset(accounts) if named_account else None)


def _describe(condition: Condition, reason: str) -> str:
    return f"{condition.operator} {condition.key}: {reason}"


@lru_cache(maxsize=4096)
def caller_scope(conditions: tuple[Condition, ...]) -> Scope:
    """What the statement's conditions confine its callers to."""
    keys: list[str] = []
    reasons: list[str] = []
    accounts: frozenset[str] | None = None
    for condition in conditions:
        verdict = caller_verdict(condition)
        if not verdict.restricts:
            reasons.append(_describe(condition, verdict.reason))
            continue
        keys.append(condition.key)
        if verdict.accounts is not None:
            accounts = verdict.accounts if accounts is None else accounts & verdict.accounts
    return Scope(bool(keys), tuple(keys), accounts, tuple(reasons))


def _key_limit_kind(key_lower: str) -> KeyLimitValue | None:
    for key, kind in KEY_LIMITING_CONDITION_KEYS.items():
        if key[-1] in "/:":
            # A prefix names a family (`aws:ResourceTag/<tag>`); the bare prefix names no tag.
            if key_lower.startswith(key) and len(key_lower) > len(key):
                return kind
        elif key_lower == key:
            return kind
    return None


def _key_limit_value(kind: KeyLimitValue, value: str) -> bool:
    if not value or has_variable(value) or has_wildcard(value):
        return False
    match kind:
        case KeyLimitValue.VIA_SERVICE:
            return VIA_SERVICE_RE.match(value) is not None
        case KeyLimitValue.ALIAS:
            return value.startswith("alias/") and len(value) > len("alias/")
        case KeyLimitValue.TEXT:
            return True


@lru_cache(maxsize=4096)
def key_limit_verdict(condition: Condition) -> Verdict:
    """Does this condition narrow which keys, which data or which service path a statement reaches?"""
    kind = _key_limit_kind(condition.key_lower)
    if kind is None:
        return Verdict(False, "the key does not narrow the keys")
    if (why := _operator_reason(condition, arn_key=False)) is not None:
        return Verdict(False, why)
    for value in condition.values:
        if not _key_limit_value(kind, value):
            return Verdict(False, f"{value!r} is not {kind.value}")
    return Verdict(True)


def key_limits(conditions: Iterable[Condition]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(keys of the conditions that narrow the keys reached, reasons the others do not)."""
    keys: list[str] = []
    reasons: list[str] = []
    for condition in conditions:
        verdict = key_limit_verdict(condition)
        if verdict.restricts:
            keys.append(condition.key)
        else:
            reasons.append(_describe(condition, verdict.reason))
    return tuple(keys), tuple(reasons)
