"""R2: the automatic rotation period stays within the configured maximum."""

from __future__ import annotations

from typing import Final

from ..facts import (
    KEY_TYPE,
    ROTATION_PERIOD_DEFAULT_DAYS,
    ROTATION_PERIOD_MAX_DAYS,
    ROTATION_PERIOD_MIN_DAYS,
)
from ..props import CannotJudge, read_bool, read_number
from ..rule import (
    PCI_CRYPTOPERIOD,
    Context,
    Resource,
    ResourceRule,
    Result,
    RuleMeta,
    Severity,
    compliant,
    is_unknown,
    not_applicable,
    violations,
)
from ..rules.r01_key_requires_rotation import FLAG, rotatability

META = RuleMeta(
    id="KG-R02",
    name="kms-key-limits-rotation-period",
    title="Key rotation period is within the configured maximum",
    description=(
        "A key with automatic rotation must rotate at least every `maximumRotationPeriodDays` days. "
        "An absent `rotationPeriodInDays` means AWS's default of 365 days. Keys AWS cannot rotate "
        "automatically, and keys with rotation off (KG-R01's finding), are not applicable. A period "
        "outside the 90-2560 days KMS accepts, or of the wrong type (a fraction, a string, true, NaN), "
        "is a violation."
    ),
    rationale=(
        "The rotation period is the cryptoperiod of each version of key material: the longer it is, "
        "the more data one version protects. PCI DSS asks for a defined cryptoperiod; AWS accepts "
        "anything from 90 to 2560 days, so the organisation's limit has to be checked."
    ),
    remediation=(
        "Set `rotation_period_in_days` on the key to a value from 90 up to the configured maximum, "
        "or raise `maximumRotationPeriodDays` if the longer period is an accepted decision."
    ),
    url="https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html#rotation-period",
    severity=Severity.MEDIUM,
    resource_types=(KEY_TYPE,),
    unknowns=(
        "An unknown `rotationPeriodInDays` is a violation (it cannot be shown to be within the "
        "maximum); an unknown `enableKeyRotation`, key spec or key store is treated as rotating, so "
        "the period is still checked."
    ),
    frameworks=(PCI_CRYPTOPERIOD,),
    config_schema={
        "maximumRotationPeriodDays": {
            "type": "integer",
            "minimum": ROTATION_PERIOD_MIN_DAYS,
            "maximum": ROTATION_PERIOD_MAX_DAYS,
            "default": ROTATION_PERIOD_DEFAULT_DAYS,
            "description": "The longest rotation period, in days, a key may have.",
        }
    },
)


PERIOD: Final = "rotationPeriodInDays"


def _days(value: float) -> str:
    # `:g` keeps 1e300 readable; days a person types print as the integers they are.
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else f"{value:g}"


def check(resource: Resource, context: Context) -> Result:
    state = rotatability(resource.props)
    if state.impossible is not None:
        return not_applicable(state.impossible)
    enabled = read_bool(resource.props, FLAG)
    problems = list(state.problems)
    if isinstance(enabled, CannotJudge):
        problems.append(enabled.message)
    elif enabled is not True and not is_unknown(enabled) and not problems:
        return not_applicable("automatic rotation is off, so there is no period; KG-R01 reports it")
    maximum = context.config.get("maximumRotationPeriodDays", ROTATION_PERIOD_DEFAULT_DAYS)
    period = read_number(resource.props, PERIOD, whole=True, unit="a whole number of days")
    if isinstance(period, CannotJudge):
        problems.append(period.message)
    if problems:
        return violations([f"{p}; {_fix(maximum)}" for p in problems])
    if is_unknown(period):
        return violations([f"{PERIOD} is unknown during preview; set it to a literal number"])
    if not isinstance(period, float):
        if maximum >= ROTATION_PERIOD_DEFAULT_DAYS:
            return compliant()
        return violations(
            [
                f"{PERIOD} is not set, so AWS rotates every {ROTATION_PERIOD_DEFAULT_DAYS} "
                f"days, above the maximum of {_days(maximum)}; {_fix(maximum)}"
            ]
        )
    if not ROTATION_PERIOD_MIN_DAYS <= period <= ROTATION_PERIOD_MAX_DAYS:
        return violations(
            [
                f"{PERIOD} is {_days(period)}, outside the {ROTATION_PERIOD_MIN_DAYS}-"
                f"{ROTATION_PERIOD_MAX_DAYS} days KMS accepts; {_fix(maximum)}"
            ]
        )
    if period <= maximum:
        return compliant()
    return violations(
        [f"{PERIOD} is {_days(period)}, above the maximum of {_days(maximum)}; {_fix(maximum)}"]
    )


def _fix(maximum: float) -> str:
    return f"set {PERIOD} to {_days(maximum)} or less"


RULE = ResourceRule(META, check)
