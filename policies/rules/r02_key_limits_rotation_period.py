"""R2: the automatic rotation period stays within the configured maximum."""

from __future__ import annotations

from ..facts import (
    KEY_TYPE,
    ROTATION_PERIOD_DEFAULT_DAYS,
    ROTATION_PERIOD_MAX_DAYS,
    ROTATION_PERIOD_MIN_DAYS,
)
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
from ..rules.r01_key_requires_rotation import _rotation_impossible

META = RuleMeta(
    id="KG-R02",
    name="kms-key-limits-rotation-period",
    title="Key rotation period is within the configured maximum",
    description=(
        "A key with automatic rotation must rotate at least every `maximumRotationPeriodDays` days. "
        "An absent `rotationPeriodInDays` means AWS's default of 365 days. Keys AWS cannot rotate "
        "automatically, and keys with rotation off (KG-R01's finding), are not applicable."
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


def _days(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def check(resource: Resource, context: Context) -> Result:
    if (reason := _rotation_impossible(resource.props)) is not None:
        return not_applicable(reason)
    enabled = resource.props.get("enableKeyRotation")
    if enabled is not True and not is_unknown(enabled):
        return not_applicable("automatic rotation is off, so there is no period; KG-R01 reports it")
    maximum = context.config.get("maximumRotationPeriodDays", ROTATION_PERIOD_DEFAULT_DAYS)
    period = resource.props.get("rotationPeriodInDays")
    if is_unknown(period):
        return violations(["rotationPeriodInDays is unknown during preview; set it to a literal number"])
    if period is None:
        if maximum >= ROTATION_PERIOD_DEFAULT_DAYS:
            return compliant()
        return violations(
            [
                f"rotationPeriodInDays is not set, so AWS rotates every {ROTATION_PERIOD_DEFAULT_DAYS} "
                f"days, above the maximum of {_days(maximum)}; set rotationPeriodInDays to "
                f"{_days(maximum)} or less"
            ]
        )
    if isinstance(period, bool) or not isinstance(period, int | float):
        return violations([f"rotationPeriodInDays must be a number of days, got {period!r}"])
    if period <= maximum:
        return compliant()
    return violations(
        [
            f"rotationPeriodInDays is {_days(period)}, above the maximum of {_days(maximum)}; "
            f"set rotationPeriodInDays to {_days(maximum)} or less"
        ]
    )


RULE = ResourceRule(META, check)
