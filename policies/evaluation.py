"""What a document's Deny statements take back from its Allow statements.

IAM evaluates an explicit Deny before any Allow, so an Allow whose every action an unconditional Deny
covers, on the same or a covering resource and for the same or a covering principal, grants nothing
and is no finding for any rule that judges grants (`PolicyDocument.effective` drops it).

Only what is provable cancels:
- a Deny with a Condition cancels nothing: it may not apply to the request that the Allow admits;
- coverage is decided on patterns (`patterns.covers`), not on today's action list: a Deny that lists
  every current KMS action does not cancel `kms:*`, which also grants the actions AWS adds later;
- NotAction, NotResource and NotPrincipal Denies cover only what they provably leave in: a literal
  action or resource they do not match, a service principal they do not name. An AWS principal is
  never assumed outside a NotPrincipal (a session matches its role and its account too).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .patterns import VARIABLE_RE, covers, has_variable, has_wildcard

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .policydoc import Principal, Statement


def _is_everyone(principal: Principal) -> bool:
    return principal.value == "*" and principal.kind in ("*", "AWS")


def deny_applies_to(deny: Statement, principal: Principal | None) -> bool:
    """True when the unconditional Deny provably applies to `principal`; None stands for the identity
    an identity policy is attached to (its statements name no principal)."""
    if principal is None:
        return not deny.principals and not deny.not_principal
    if deny.not_principal:
        return (
            principal.kind == "Service"
            and not any(p.value == "*" for p in deny.principals)
            and not any(_same(p, principal) for p in deny.principals)
        )
    return any(
        _is_everyone(p) or _same(p, principal) or (p.kind == principal.kind == "Service" and p.value == "*")
        for p in deny.principals
    )


def _same(a: Principal, b: Principal) -> bool:
    if a.kind != b.kind:
        return False
    # Service names are DNS names (case-insensitive); ARNs are compared as written.
    return a.value.lower() == b.value.lower() if a.kind == "Service" else a.value == b.value


def _covers_principals(deny: Statement, allow: Statement) -> bool:
    if allow.not_principal or allow.has_public_principal:
        return not deny.not_principal and any(_is_everyone(p) for p in deny.principals)
    if not allow.principals:
        return deny_applies_to(deny, None)
    return all(deny_applies_to(deny, p) for p in allow.principals)


def _as_pattern(value: str) -> str:
    """A policy variable takes its value from the request: on the covered side it may be anything."""
    return VARIABLE_RE.sub("*", value) if has_variable(value) else value


def _covers_all(patterns: Iterable[str], *, ignore_case: bool) -> bool:
    return any(covers(p, "*", ignore_case=ignore_case) for p in patterns)


def _covers_one(deny_values: tuple[str, ...], negated: bool, value: str, *, ignore_case: bool) -> bool:
    """Does the Deny's Action/Resource list (or its Not- form) cover this one Allow pattern?"""
    value = _as_pattern(value)
    if not negated:
        return any(covers(d, value, ignore_case=ignore_case) for d in deny_values)
    # A NotAction/NotResource Deny denies what it does not list: provable for a literal it misses.
    return not has_wildcard(value) and not any(covers(d, value, ignore_case=ignore_case) for d in deny_values)


def _covers_list(
    deny_values: tuple[str, ...],
    deny_negated: bool,
    allow_values: tuple[str, ...],
    allow_negated: bool,
    *,
    ignore_case: bool,
) -> bool:
    if allow_negated:
        # The Allow grants everything but its list: a Deny covers that when it denies everything, or
        # when its own exceptions are all among the Allow's exceptions.
        if deny_negated:
            return all(
                any(covers(a, _as_pattern(d), ignore_case=ignore_case) for a in allow_values)
                for d in deny_values
            )
        return _covers_all(deny_values, ignore_case=ignore_case)
    return all(_covers_one(deny_values, deny_negated, v, ignore_case=ignore_case) for v in allow_values)


def _covers_resources(deny: Statement, allow: Statement) -> bool:
    if not deny.resources and not deny.not_resource:
        # No Resource element: only an identity policy's statement, against one that has none either.
        return not allow.resources and not allow.not_resource
    if not allow.resources and not allow.not_resource:
        return not deny.not_resource and _covers_all(deny.resources, ignore_case=False)
    return _covers_list(
        deny.resources, deny.not_resource, allow.resources, allow.not_resource, ignore_case=False
    )


def _cancels(deny: Statement, allow: Statement, action: str | None) -> bool:
    """Does this Deny cover the Allow's principals and resources, and `action` (None: NotAction)?"""
    if not (_covers_principals(deny, allow) and _covers_resources(deny, allow)):
        return False
    if action is None:
        return _covers_list(deny.actions, deny.not_action, allow.actions, True, ignore_case=True)
    return _covers_one(deny.actions, deny.not_action, action, ignore_case=True)


def unconditional_denies(statements: Iterable[Statement]) -> list[Statement]:
    """The Denies that apply whatever the request: a Condition may leave the request out."""
    return [s for s in statements if not s.is_allow and not s.conditions]


def cancelled_allows(statements: tuple[Statement, ...]) -> frozenset[int]:
    """Indexes of the Allow statements that unconditional Denies wholly cancel."""
    denies = unconditional_denies(statements)
    if not denies:
        return frozenset()
    cancelled = set()
    for allow in statements:
        if not allow.is_allow:
            continue
        wanted: tuple[str | None, ...] = (None,) if allow.not_action else allow.actions
        if all(any(_cancels(d, allow, action) for d in denies) for action in wanted):
            cancelled.add(allow.index)
    return frozenset(cancelled)
