"""What the stack's own configuration declares, as defaults for the rules that need it.

A stack built from the key catalog names its deployer and the accounts it shares keys with once, in
`kmsguard:catalog`; the pack reads them from the stack config the CLI passes it (`PULUMI_CONFIG`),
so no policy-config file repeats them. A rule's explicit configuration still wins. Anything that
cannot be read (no catalog, not JSON, a wrong type) declares nothing, which fails closed: no
principal is exempt and no account is trusted. The stack config may come from the change under
review, so only what the components themselves accept counts: a deployer is an IAM role ARN (never
`*`, an account root or a user), a partner account twelve digits.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .facts import (
    ACCOUNT_ID_RE,
    CATALOG_ACCOUNT_ID,
    CATALOG_CONFIG_KEY,
    CATALOG_CROSS_ACCOUNT,
    CATALOG_DATA_CLASSES,
    CATALOG_DEPLOYER_PATH,
    PRINCIPAL_ARN_RE,
)


def _catalog(stack_config: Mapping[str, Any]) -> Mapping[str, Any]:
    raw = stack_config.get(CATALOG_CONFIG_KEY)
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError:
            return {}
    return raw if isinstance(raw, Mapping) else {}


def declared_deployers(stack_config: Mapping[str, Any]) -> frozenset[str]:
    """The role the catalog's key policies name as their deployer (the role that runs `pulumi up`)."""
    value: Any = _catalog(stack_config)
    for part in CATALOG_DEPLOYER_PATH:
        value = value.get(part) if isinstance(value, Mapping) else None
    if not isinstance(value, str):
        return frozenset()
    match = PRINCIPAL_ARN_RE.match(value)
    return (
        frozenset({value}) if match is not None and match.group("kind").startswith("role/") else frozenset()
    )


def declared_partner_accounts(stack_config: Mapping[str, Any]) -> frozenset[str]:
    """Every account a data class of the catalog shares its key with (`cross_account[].account_id`)."""
    classes = _catalog(stack_config).get(CATALOG_DATA_CLASSES)
    accounts: set[str] = set()
    for data_class in classes if isinstance(classes, list) else ():
        shares = data_class.get(CATALOG_CROSS_ACCOUNT) if isinstance(data_class, Mapping) else None
        for share in shares if isinstance(shares, list) else ():
            account = share.get(CATALOG_ACCOUNT_ID) if isinstance(share, Mapping) else None
            if isinstance(account, str) and ACCOUNT_ID_RE.match(account):
                accounts.add(account)
    return frozenset(accounts)
