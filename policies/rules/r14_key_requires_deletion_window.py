"""R14: the deletion window is at least the environment's minimum."""

from __future__ import annotations

from typing import Any, Final

from .. import props
from ..facts import (
    ALL_KEY_TYPES,
    DELETION_WINDOW_DEFAULT_DAYS,
    DELETION_WINDOW_MAX_DAYS,
    DELETION_WINDOW_MIN_DAYS,
    production_defaults,
)
from ..props import CannotJudge
from ..rule import (
    AWS_FSBP,
    Context,
    Framework,
    Resource,
    ResourceRule,
    Result,
    RuleMeta,
    Severity,
    compliant,
    per_environment,
    per_environment_schema,
    violations,
)

FIELD: Final = "deletionWindowInDays"
DEFAULT_MINIMUMS: Final = production_defaults(30, 7)

META = RuleMeta(
    id="KG-R14",
    name="kms-key-requires-deletion-window",
    title="The deletion window meets the environment's minimum",
    description=(
        f"Every key's `{FIELD}` is at least the minimum configured for its environment (the `Environment` "
        f"tag, else the stack name): by default {DELETION_WINDOW_MAX_DAYS} days in prod and production, "
        f"{DELETION_WINDOW_MIN_DAYS} elsewhere. An absent window is AWS's default of "
        f"{DELETION_WINDOW_DEFAULT_DAYS} days. A window outside KMS's {DELETION_WINDOW_MIN_DAYS}-"
        f"{DELETION_WINDOW_MAX_DAYS} day range also fails."
    ),
    rationale=(
        "Deleting a key destroys every ciphertext it protects. The waiting period is the only chance to "
        "notice a mistaken or malicious ScheduleKeyDeletion and cancel it; production data deserves the "
        "longest window."
    ),
    remediation=(
        f"Set `deletion_window_in_days` to the environment's minimum or more (at most {DELETION_WINDOW_MAX_DAYS}), "
        "or leave it unset for AWS's 30-day default."
    ),
    url="https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html",
    severity=Severity.MEDIUM,
    resource_types=ALL_KEY_TYPES,
    unknowns=f"An unknown `{FIELD}` is a violation: it cannot be shown to meet the minimum.",
    frameworks=(Framework(AWS_FSBP, "1.0.0", "KMS.3", "AWS KMS keys should not be deleted unintentionally"),),
    config_schema={
        "minimumDeletionWindowDays": per_environment_schema(
            {"type": "integer", "minimum": DELETION_WINDOW_MIN_DAYS, "maximum": DELETION_WINDOW_MAX_DAYS},
            DEFAULT_MINIMUMS,
            "Minimum deletion window in days per environment; `*` applies to every other environment.",
        )
    },
)


def _minimum(environment: str, context: Context) -> int:
    configured = context.config.get("minimumDeletionWindowDays", DEFAULT_MINIMUMS)
    value: Any = None
    if isinstance(configured, dict):
        value = per_environment(configured, environment)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return int(value)
    # A configuration without a usable value must not loosen the rule: use the strictest window.
    return DELETION_WINDOW_MAX_DAYS


def check(resource: Resource, context: Context) -> Result:
    environment = props.environment(resource, context.stack)
    if isinstance(environment, CannotJudge):
        # Without the environment the minimum is unknown, so only the strictest one is safe to ask for.
        return violations([f"{environment.message}; the minimum deletion window depends on it"])
    minimum = _minimum(environment, context)
    value = props.read_number(resource.props, FIELD, whole=True, unit="a whole number of days")
    if isinstance(value, CannotJudge):
        return violations([f"{value.message}; set it to at least {minimum}"])
    if isinstance(value, float):
        days, shown = int(value), _days(value)
    elif value is props.ABSENT:
        days, shown = DELETION_WINDOW_DEFAULT_DAYS, str(DELETION_WINDOW_DEFAULT_DAYS)
    else:
        return violations([f"{FIELD} is unknown during preview; set it to a literal of at least {minimum}"])
    if not DELETION_WINDOW_MIN_DAYS <= days <= DELETION_WINDOW_MAX_DAYS:
        return violations(
            [
                f"{FIELD} is {shown}, outside the {DELETION_WINDOW_MIN_DAYS}-{DELETION_WINDOW_MAX_DAYS} "
                f"days KMS accepts; set it to at least {minimum} and at most {DELETION_WINDOW_MAX_DAYS}"
            ]
        )
    if days < minimum:
        return violations(
            [
                f"{FIELD} is {days} days, below the {minimum}-day minimum for environment "
                f"{environment or '(no environment)'!r}; set it to at least {minimum}"
            ]
        )
    return compliant()


def _days(value: float) -> str:
    return str(int(value)) if abs(value) < 1e15 else f"{value:g}"


RULE = ResourceRule(META, check)
