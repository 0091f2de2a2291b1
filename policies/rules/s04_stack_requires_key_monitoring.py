"""S4: where monitoring is required, every key is watched by EventBridge rules and the pending-deletion alarm."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from ..eventpattern import Pattern, PatternError, matches, parse_event_pattern
from ..facts import (
    ALL_KEY_TYPES,
    EVENT_RULE_TYPE,
    EVENT_TARGET_TYPE,
    LOG_METRIC_FILTER_TYPE,
    METRIC_ALARM_TYPE,
    PRODUCTION_ENVIRONMENTS,
)
from ..kms_events import KeyRef, api_call_events, ordinary_use, pending_deletion_use
from ..metricfilter import FilterError, LogFilter, parse_filter_pattern
from ..monitoring_facts import (
    DEFAULT_EVENT_BUS,
    DEFAULT_MONITORED_ACTIONS,
    ENABLED_RULE_STATES,
    PENDING_DELETION_FILTER_PATTERN,
)
from ..rule import (
    CIS_AWS,
    PCI_KEY_MANAGEMENT,
    Context,
    Finding,
    Framework,
    Resource,
    Result,
    RuleMeta,
    Severity,
    StackRule,
    compliant,
    is_unknown,
    not_applicable,
    violations,
)
from ..stack_links import KeyIndex, alias_name, aliases, keys, keys_of_alias

STACK_REGION_KEY: Final = "aws:region"
KEY_ARN_PARTS: Final = 6
#: Alarm comparisons under which one counted event (metric value ≥ threshold) raises the alarm.
_FIRES = {
    "GreaterThanOrEqualToThreshold": lambda value, threshold: value >= threshold,
    "GreaterThanThreshold": lambda value, threshold: value > threshold,
}

META = RuleMeta(
    id="KG-S04",
    name="kms-stack-requires-key-monitoring",
    title="Every key is watched for destructive calls and for use while pending deletion",
    description=(
        "In the environments that require monitoring (production by default), every key — primary, "
        "replica, every generation — is covered, in its own region, by an enabled EventBridge rule on the "
        "default bus with a target, whose `eventPattern` matches a CloudTrail call to each watched action "
        "on that key (whether the caller names the key by id or by ARN; CreateGrant to a grantee outside "
        "the account; DeleteAlias of each alias pointing at the key), and by a CloudWatch Logs metric "
        "filter that counts a use of the key while it is pending deletion (and not every use) with an "
        "alarm on that metric that fires on one event and has actions. Patterns and filters are read from "
        "any program; the rule reports once per stack, naming every key that is not watched."
    ),
    rationale=(
        "Deleting a key destroys every ciphertext under it; disabling it, replacing its policy or handing "
        "it to another account are the first steps of an attack or an accident. AWS's guidance is to be "
        "told about these calls as they happen, and to alarm on any use of a key that is pending deletion "
        "so the deletion can be cancelled before data is lost."
    ),
    remediation=(
        "Add EventBridge rules on `source: aws.kms`, `detail-type: AWS API Call via CloudTrail` for the "
        "watched actions on these keys in each of their regions, with a target, and the KMS guide's metric "
        f"filter `{PENDING_DELETION_FILTER_PATTERN}` on the trail's log group with an alarm that notifies; "
        "kmsguard's `KeyMonitoring` builds all of them for a catalog."
    ),
    url="https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys-creating-cloudwatch-alarm.html",
    severity=Severity.HIGH,
    resource_types=(
        *ALL_KEY_TYPES,
        EVENT_RULE_TYPE,
        EVENT_TARGET_TYPE,
        LOG_METRIC_FILTER_TYPE,
        METRIC_ALARM_TYPE,
    ),
    unknowns=(
        "A key, pattern, filter, state or region that is unknown during preview cannot be judged: when "
        "nothing known is missing the rule is not applicable until the values are known (the update's own "
        "AnalyzeStack judges them). A pattern or filter that cannot be read never counts as coverage and is "
        "named in the message."
    ),
    frameworks=(
        Framework(
            CIS_AWS,
            "1.4.0",
            "4.7",
            "Ensure a log metric filter and alarm exist for disabling or scheduled deletion of customer created CMKs",
        ),
        PCI_KEY_MANAGEMENT,
    ),
    config_schema={
        "environments": {
            "type": "array",
            "items": {"type": "string", "pattern": "^[a-z0-9]+$"},
            "default": sorted(PRODUCTION_ENVIRONMENTS),
            "description": "Environments (a key's Environment tag, else the stack name) whose keys must be watched.",
        },
        "actions": {
            "type": "array",
            "items": {"type": "string", "pattern": "^[A-Z][A-Za-z]+$"},
            "default": list(DEFAULT_MONITORED_ACTIONS),
            "description": "KMS API calls every key must be watched for.",
        },
    },
)


@dataclass
class _Evidence:
    """What the stack offers: readable rules and alarms, and what could not be judged."""

    patterns: dict[str, list[Pattern]] = field(default_factory=dict)
    filters: list[tuple[str, LogFilter]] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    #: Regions with a rule that cannot be judged yet (None: a rule whose region is unknown).
    pending_regions: set[str | None] = field(default_factory=set)
    pending_alarm: bool = False
    #: Something could not be judged: a key, or a gap that unknown evidence might still close.
    pending: bool = False


def check(resources: Sequence[Resource], context: Context) -> Result:
    environments = {str(e) for e in context.config.get("environments", ())}
    actions = [str(a) for a in context.config.get("actions", ())]
    watched = [k for k in keys(resources, ALL_KEY_TYPES) if context.environment_of(k) in environments]
    if not watched:
        return not_applicable("no key belongs to an environment that requires monitoring")
    evidence = _Evidence()
    _event_rules(resources, context, evidence)
    _alarmed_filters(resources, context, evidence)
    index = KeyIndex(watched)
    # Each key's aliases, found once: asking every alias for every key is quadratic in the catalog.
    aliases_of: dict[str, list[Resource]] = {}
    for alias in aliases(resources):
        for linked in {k.urn for k in keys_of_alias(alias, index)}:
            aliases_of.setdefault(linked, []).append(alias)
    gaps: list[str] = []
    for key in watched:
        ref = _key_ref(key, context, aliases_of.get(key.urn, []))
        if ref is None:
            evidence.pending = True
        elif isinstance(ref, str):
            gaps.append(f"{key.name!r} ({ref})")
        elif missing := _missing(ref, actions, evidence):
            gaps.append(f"{key.name!r} in {ref.region} misses {', '.join(missing)}")
    if gaps:
        unreadable = f" Not counted: {'; '.join(sorted(evidence.unreadable))}." if evidence.unreadable else ""
        return violations(
            [
                Finding(
                    f"{len(gaps)} key(s) are not watched: {'; '.join(gaps)}.{unreadable} Add EventBridge rules "
                    "for these CloudTrail calls in each key's region and the pending-deletion metric filter "
                    "with an alarm (kmsguard's KeyMonitoring builds both)"
                )
            ]
        )
    if evidence.pending:
        return not_applicable("some keys, patterns or alarms are unknown during preview; judged once known")
    return compliant()


def _missing(key: KeyRef, actions: Sequence[str], evidence: _Evidence) -> list[str]:
    """What is known to be missing; what unknown evidence might still cover marks the stack pending."""
    patterns = evidence.patterns.get(key.region, [])
    missing = [
        action
        for action in actions
        if not all(any(matches(p, event) for p in patterns) for event in api_call_events(key, action))
    ]
    if missing and evidence.pending_regions & {key.region, None}:
        evidence.pending = True
        missing = []
    use, ordinary = pending_deletion_use(key), ordinary_use(key)
    if not any(f(use) and not f(ordinary) for _, f in evidence.filters):
        if evidence.pending_alarm:
            evidence.pending = True
        else:
            missing.append("the pending-deletion alarm")
    return missing


def _region(resource: Resource, context: Context) -> object:
    region = resource.props.get("region")
    if region is None or region == "":
        region = context.stack_config.get(STACK_REGION_KEY)
    return region


def _key_ref(key: Resource, context: Context, key_aliases: Sequence[Resource]) -> KeyRef | str | None:
    """The key as events name it; None while unknown; a reason when it cannot be named."""
    arn = key.props.get("arn")
    if is_unknown(arn):
        return None
    if not isinstance(arn, str):
        return "its ARN is missing or not a key ARN, so no rule can be shown to cover it"
    parts = arn.split(":")
    if len(parts) != KEY_ARN_PARTS or parts[2] != "kms" or not parts[5].startswith("key/"):
        return "its ARN is missing or not a key ARN, so no rule can be shown to cover it"
    names: list[str] = []
    for alias in key_aliases:
        name = alias_name(alias)
        if name and _region(alias, context) == parts[3]:
            names.append(name)
    usage = key.props.get("keyUsage")
    return KeyRef(arn, tuple(sorted(names)), usage if isinstance(usage, str) else "ENCRYPT_DECRYPT")


def _event_rules(resources: Sequence[Resource], context: Context, evidence: _Evidence) -> None:
    targets = [r for r in resources if r.type == EVENT_TARGET_TYPE]
    for rule in (r for r in resources if r.type == EVENT_RULE_TYPE):
        props = rule.props
        region = _region(rule, context)
        values = (
            props.get("eventPattern"),
            props.get("state"),
            props.get("eventBusName"),
            props.get("isEnabled"),
        )
        if is_unknown(region) or any(is_unknown(v) for v in values):
            evidence.pending_regions.add(region if isinstance(region, str) else None)
            continue
        raw, state, bus, _ = values
        if raw is None or state not in (None, *ENABLED_RULE_STATES) or props.get("isEnabled") is False:
            continue  # a schedule, or a disabled rule: it watches nothing
        if bus not in (None, "", DEFAULT_EVENT_BUS) and not str(bus).endswith(
            f":event-bus/{DEFAULT_EVENT_BUS}"
        ):
            continue  # CloudTrail and KMS deliver to the default bus only
        if not isinstance(region, str):
            evidence.unreadable.append(f"rule {rule.name!r} has no region")
            continue
        try:
            pattern = parse_event_pattern(raw)
        except PatternError as exc:
            evidence.unreadable.append(f"rule {rule.name!r}: eventPattern {exc}")
            continue
        linked = _targets_of(rule, targets)
        if linked is None:
            evidence.pending_regions.add(region)
        elif linked:
            evidence.patterns.setdefault(region, []).append(pattern)


def _targets_of(rule: Resource, targets: Sequence[Resource]) -> bool | None:
    """Whether some target sends the rule's events anywhere; None while that is unknown."""
    names = {v for k in ("name", "id") if isinstance(v := rule.props.get(k), str) and v}
    unknown = False
    for target in targets:
        wanted = target.props.get("rule")
        if isinstance(wanted, str) and wanted in names:
            return True
        if is_unknown(wanted) or not names:
            if target.dependencies:
                if rule.urn in target.dependencies:
                    return True
            elif target.parent is not None and target.parent == rule.parent:
                unknown = True
    return None if unknown else False


def _alarmed_filters(resources: Sequence[Resource], context: Context, evidence: _Evidence) -> None:
    alarms = [r for r in resources if r.type == METRIC_ALARM_TYPE]
    for metric_filter in (r for r in resources if r.type == LOG_METRIC_FILTER_TYPE):
        raw = metric_filter.props.get("pattern")
        transformation = metric_filter.props.get("metricTransformation")
        if isinstance(transformation, list) and len(transformation) == 1:
            transformation = transformation[0]
        if is_unknown(raw) or is_unknown(transformation):
            evidence.pending_alarm = True
            continue
        if not isinstance(raw, str) or not isinstance(transformation, Mapping):
            evidence.unreadable.append(f"metric filter {metric_filter.name!r} has no pattern or metric")
            continue
        try:
            predicate = parse_filter_pattern(raw)
        except FilterError as exc:
            evidence.unreadable.append(f"metric filter {metric_filter.name!r}: {exc}")
            continue
        fired = _alarm_fires(transformation, _region(metric_filter, context), alarms, context)
        if fired is None:
            evidence.pending_alarm = True
        elif fired:
            evidence.filters.append((metric_filter.name, predicate))


def _alarm_fires(
    metric: Mapping[str, Any], region: object, alarms: Sequence[Resource], context: Context
) -> bool | None:
    """Whether an alarm with actions fires on one event the filter counts; None while unknown."""
    try:
        value = float(metric.get("value"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False  # a value taken from the event cannot be shown to reach the threshold
    unknown = False
    for alarm in alarms:
        props = alarm.props
        fields = (
            "namespace",
            "metricName",
            "comparisonOperator",
            "threshold",
            "alarmActions",
            "actionsEnabled",
        )
        if any(is_unknown(props.get(f)) for f in fields) or is_unknown(_region(alarm, context)):
            unknown = True
            continue
        if (props.get("namespace"), props.get("metricName")) != (metric.get("namespace"), metric.get("name")):
            continue
        if _region(alarm, context) != region or props.get("dimensions") or metric.get("dimensions"):
            continue
        fires = _FIRES.get(str(props.get("comparisonOperator")))
        threshold = props.get("threshold")
        actions = props.get("alarmActions")
        if (
            fires is not None
            and isinstance(threshold, int | float)
            and fires(value, float(threshold))
            and isinstance(actions, list)
            and actions
            and props.get("actionsEnabled") is not False
        ):
            return True
    return None if unknown else False


RULE = StackRule(META, check)
