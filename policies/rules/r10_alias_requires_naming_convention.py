"""R10: aliases follow `alias/<env>-<function>-<team>` and never sit under `alias/aws/`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from ..facts import (
    ALIAS_MAX_CHARS,
    ALIAS_SYNTAX_RE,
    ALIAS_TYPE,
    DEFAULT_ENVIRONMENTS,
    RESERVED_ALIAS_PREFIX,
    parse_conventional_alias,
)
from ..rule import (
    PCI_KEY_ARCHITECTURE,
    Context,
    Resource,
    ResourceRule,
    Result,
    RuleMeta,
    Severity,
    compliant,
    is_unknown,
    violations,
)

CONVENTION: Final = "alias/<env>-<function>-<team>"
_RENAME: Final = f"rename it to {CONVENTION}"
_FIX: Final = f"{_RENAME} or allow it in allowedAliasPatterns"
#: Shared with KG-S01, which judges "conventional" the same way.
ENVIRONMENTS_SCHEMA: Final = {
    "type": "array",
    "items": {"type": "string", "pattern": "^[a-z0-9]+$"},
    "default": list(DEFAULT_ENVIRONMENTS),
    "description": "Environment names allowed as the first part of an alias.",
}

META = RuleMeta(
    id="KG-R10",
    name="kms-alias-requires-naming-convention",
    title="Aliases follow the naming convention",
    description=(
        f"Every alias is named `{CONVENTION}`: lowercase letters and digits in each part, the environment "
        "from the configured list. Names under `alias/aws/` are reserved for AWS managed keys and always "
        "fail. Extra aliases that do not follow the convention pass only when they fully match one of the "
        "configured `allowedAliasPatterns` (empty by default, so the check is strict). An alias created "
        "with `namePrefix` fails: its final name carries a generated suffix nobody can review or look up."
    ),
    rationale=(
        "Applications, runbooks and IAM conditions (`kms:RequestAlias`, `kms:ResourceAliases`) find keys "
        "by alias; a predictable name tells a reader which environment, function and team a key serves. "
        "cfn-lint checks only the syntax."
    ),
    remediation=(
        f"Name the alias `{CONVENTION}` (for example `alias/prod-orders-payments`) with `name`, not "
        "`namePrefix`. For a deliberate extra alias, add a regular expression that fully matches it to "
        "this rule's `allowedAliasPatterns`."
    ),
    url="https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html",
    severity=Severity.LOW,
    resource_types=(ALIAS_TYPE,),
    unknowns=(
        "An unknown `name` is a violation: the convention cannot be shown to hold. Build alias names from "
        "literal configuration, not from other resources' outputs."
    ),
    frameworks=(PCI_KEY_ARCHITECTURE,),
    config_schema={
        "environments": ENVIRONMENTS_SCHEMA,
        "allowedAliasPatterns": {
            "type": "array",
            "items": {"type": "string"},
            "default": [],
            "description": (
                "Regular expressions (full match) for extra aliases that may break the convention, "
                "e.g. `^alias/legacy/[a-z0-9-]+$`. Never exempts `alias/aws/`."
            ),
        },
    },
)


def configured_environments(context: Context) -> tuple[str, ...]:
    configured = context.config.get("environments", DEFAULT_ENVIRONMENTS)
    if isinstance(configured, list | tuple):
        return tuple(e for e in configured if isinstance(e, str))
    return DEFAULT_ENVIRONMENTS


def _allowed_by_pattern(name: str, context: Context) -> tuple[bool, list[str]]:
    """Whether a configured pattern fully matches `name`, and the patterns that do not compile."""
    patterns = context.config.get("allowedAliasPatterns", [])
    invalid: list[str] = []
    if not isinstance(patterns, list | tuple):
        return False, invalid
    for pattern in patterns:
        if not isinstance(pattern, str):
            continue
        try:
            if re.fullmatch(pattern, name):
                return True, invalid
        except re.error:
            invalid.append(pattern)
    return False, invalid


def _invalid_note(invalid: Sequence[str]) -> str:
    if not invalid:
        return ""
    listed = ", ".join(repr(p) for p in invalid)
    return f" (allowedAliasPatterns entries {listed} are not valid regular expressions; fix the pack configuration)"


def check(resource: Resource, context: Context) -> Result:
    name = resource.props.get("name")
    prefix = resource.props.get("namePrefix")
    if is_unknown(name):
        return violations(["alias name is unknown during preview; set name to a literal " + CONVENTION])
    if not name:
        if isinstance(prefix, str) and prefix.startswith(RESERVED_ALIAS_PREFIX):
            return violations([f"alias prefix {prefix!r} is under alias/aws/, which AWS reserves; {_RENAME}"])
        if prefix:
            return violations(
                [
                    "alias uses namePrefix, so its final name gets a generated suffix; set name to "
                    + CONVENTION
                ]
            )
        return violations(["alias has no name, so the provider generates one; set name to " + CONVENTION])
    if not isinstance(name, str):
        return violations([f"alias name must be a string, got {type(name).__name__}; {_FIX}"])
    if name.startswith(RESERVED_ALIAS_PREFIX):
        return violations([f"alias {name!r} is under alias/aws/, which AWS reserves; {_RENAME}"])
    if parse_conventional_alias(name, configured_environments(context)) is not None:
        return compliant()
    allowed, invalid = _allowed_by_pattern(name, context)
    if allowed:
        if ALIAS_SYNTAX_RE.match(name) and len(name) <= ALIAS_MAX_CHARS:
            return compliant()
        return violations(
            [
                f"alias {name!r} matches allowedAliasPatterns but is not a valid KMS alias name "
                f"(alias/ then letters, digits, / _ -, at most {ALIAS_MAX_CHARS} characters); {_RENAME}"
            ]
        )
    return violations(
        [
            f"alias {name!r} does not follow {CONVENTION} ({_environments_hint(context)}); {_FIX}{_invalid_note(invalid)}"
        ]
    )


def _environments_hint(context: Context) -> str:
    return (
        "env one of "
        + ", ".join(configured_environments(context))
        + ", each part lowercase letters and digits"
    )


RULE = ResourceRule(META, check)
