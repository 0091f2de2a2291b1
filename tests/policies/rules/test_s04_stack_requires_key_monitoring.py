"""KG-S04 kms-stack-requires-key-monitoring: every key of a monitored environment is watched, once per stack."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kmsguard.policies.rule import UNKNOWN, Outcome, Resource, Result
from kmsguard.policies.rules.s04_stack_requires_key_monitoring import RULE
from tests.policies.golden import (
    ACCOUNT,
    BY_KEY_ACTIONS,
    MRK_ARN,
    MRK_ID,
    MRK_REPLICA_ARN,
    REGION,
    REPLICA_REGION,
    api_pattern,
    golden_context,
    golden_stack,
    stack_fired,
    stack_replace,
)

EVERYTHING = (
    "CreateGrant, DeleteAlias, DeleteImportedKeyMaterial, DisableKey, DisableKeyRotation, PutKeyPolicy, "
    "ReplicateKey, ScheduleKeyDeletion, UpdatePrimaryRegion"
)
REMEDY = (
    " Add EventBridge rules for these CloudTrail calls in each key's region and the pending-deletion metric "
    "filter with an alarm (kmsguard's KeyMonitoring builds both)"
)


def check(resources: list[Resource], stack: str = "prod", **config: Any) -> Result:
    return RULE.check(resources, golden_context(RULE.meta.config_defaults(), stack, **config))


def message(*gaps: str, unreadable: str = "") -> str:
    counted = f" Not counted: {unreadable}." if unreadable else ""
    return f"{len(gaps)} key(s) are not watched: {'; '.join(gaps)}.{counted}{REMEDY}"


def keys_only() -> list[Resource]:
    return [r for r in golden_stack() if r.type.startswith(("aws:kms/", "kmsguard:"))]


def without(resources: list[Resource], *names: str) -> list[Resource]:
    return [r for r in resources if r.name not in names]


def replace_pattern(name: str, pattern: Any) -> list[Resource]:
    return stack_replace(
        golden_stack(), name, eventPattern=pattern if isinstance(pattern, str) else json.dumps(pattern)
    )


PRIMARY_GAP = "'orders' in eu-west-1 misses {}"
REPLICA_GAP = "'orders-replica-us-east-1' in us-east-1 misses {}"
BY_KEY = ", ".join(BY_KEY_ACTIONS)


def test_golden_stack_is_watched() -> None:
    assert check(golden_stack()).outcome is Outcome.COMPLIANT
    assert stack_fired(golden_stack()) == {}


def test_keys_without_monitoring_are_reported_once_for_the_stack() -> None:
    result = check(keys_only())
    assert [(f.urn, f.message) for f in result.findings] == [
        (
            None,
            message(
                PRIMARY_GAP.format(EVERYTHING + ", the pending-deletion alarm"),
                REPLICA_GAP.format(EVERYTHING + ", the pending-deletion alarm"),
            ),
        )
    ]


@pytest.mark.parametrize(
    ("stack", "config"),
    [
        pytest.param("dev", {}, id="na_environment_not_monitored"),
        pytest.param("prod", {"environments": ["live"]}, id="na_configured_environments_exclude_prod"),
    ],
)
def test_environments_that_need_no_monitoring_are_not_applicable(stack: str, config: dict[str, Any]) -> None:
    resources = [
        r
        if not r.type.startswith("aws:kms/")
        else Resource(r.type, r.name, r.urn, {**r.props, "tags": {}}, r.parent)
        for r in keys_only()
    ]
    result = check(resources, stack, **config)
    assert (result.outcome, result.reason) == (
        Outcome.NOT_APPLICABLE,
        "no key belongs to an environment that requires monitoring",
    )


def test_production_names_are_configuration() -> None:
    # The keys' Environment tag is prod; a team that calls production "live" lists it.
    result = check(keys_only(), environments=["prod", "live"])
    assert result.outcome is Outcome.VIOLATION


def test_a_stack_without_keys_is_not_applicable() -> None:
    assert check([]).outcome is Outcome.NOT_APPLICABLE


def test_fewer_configured_actions_need_fewer_rules() -> None:
    stack = without(golden_stack(), f"watch-grants-{REGION}", f"watch-grants-{REPLICA_REGION}")
    assert check(stack).messages == (
        message(PRIMARY_GAP.format("CreateGrant"), REPLICA_GAP.format("CreateGrant")),
    )
    actions = [a for a in RULE.meta.config_defaults()["actions"] if a != "CreateGrant"]
    assert check(stack, actions=actions).outcome is Outcome.COMPLIANT


OTHER_KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/0000abcd-12ab-34cd-56ef-1234567890ab"


@pytest.mark.parametrize(
    ("pattern", "unreadable"),
    [
        pytest.param(
            {**api_pattern(BY_KEY_ACTIONS, {"keyId": [MRK_ID, MRK_ARN]}), "source": ["aws.cloudtrail"]},
            "",
            id="fail_another_event_source",
        ),
        pytest.param(
            {
                **api_pattern(BY_KEY_ACTIONS, {"keyId": [MRK_ID, MRK_ARN]}),
                "detail-type": ["KMS CMK Deletion"],
            },
            "",
            id="fail_kms_service_events_are_not_api_calls",
        ),
        pytest.param(
            api_pattern(BY_KEY_ACTIONS, {"keyId": [MRK_ID]}), "", id="fail_key_id_only_misses_arn_callers"
        ),
        pytest.param(api_pattern(BY_KEY_ACTIONS, {"keyId": [OTHER_KEY]}), "", id="fail_another_key"),
        pytest.param(
            api_pattern(BY_KEY_ACTIONS, {"keyId": [{"unknown-operator": "x"}]}),
            f"rule 'watch-keys-{REGION}': eventPattern detail.requestParameters.keyId: unknown operator 'unknown-operator'",
            id="fail_unknown_operator_is_not_counted",
        ),
        pytest.param(
            "{not json",
            f"rule 'watch-keys-{REGION}': eventPattern is not JSON (Expecting property name enclosed in double quotes)",
            id="fail_unparseable_pattern_is_named",
        ),
    ],
)
def test_patterns_that_do_not_see_the_calls_do_not_count(pattern: Any, unreadable: str) -> None:
    result = check(replace_pattern(f"watch-keys-{REGION}", pattern))
    assert result.messages == (message(PRIMARY_GAP.format(BY_KEY), unreadable=unreadable),)


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"state": "DISABLED"}, id="fail_disabled_rule"),
        pytest.param({"isEnabled": False}, id="fail_disabled_by_deprecated_input"),
        pytest.param({"eventBusName": "custom-bus"}, id="fail_custom_bus_gets_no_cloudtrail_events"),
        pytest.param({"region": REPLICA_REGION}, id="fail_rule_in_another_region"),
        pytest.param({"eventPattern": ...}, id="fail_schedule_rule_without_pattern"),
    ],
)
def test_rules_that_cannot_deliver_do_not_count(changes: dict[str, Any]) -> None:
    stack = stack_replace(golden_stack(), f"watch-keys-{REGION}", **changes)
    assert check(stack).messages == (message(PRIMARY_GAP.format(BY_KEY)),)


def test_all_cloudtrail_management_events_state_counts() -> None:
    stack = stack_replace(
        golden_stack(), f"watch-keys-{REGION}", state="ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"
    )
    assert check(stack).outcome is Outcome.COMPLIANT


def test_a_rule_without_target_does_not_count() -> None:
    stack = without(golden_stack(), f"watch-keys-{REGION}-target")
    assert check(stack).messages == (message(PRIMARY_GAP.format(BY_KEY)),)


def test_a_target_of_another_rule_does_not_count() -> None:
    stack = stack_replace(golden_stack(), f"watch-keys-{REGION}-target", rule="some-other-rule")
    assert check(stack).messages == (message(PRIMARY_GAP.format(BY_KEY)),)


def test_the_replica_needs_rules_in_its_own_region() -> None:
    stack = without(golden_stack(), *(f"watch-{p}-{REPLICA_REGION}" for p in ("keys", "grants", "aliases")))
    assert check(stack).messages == (message(REPLICA_GAP.format(EVERYTHING)),)


def test_one_or_pattern_and_prefix_matching_count() -> None:
    arns = {"prefix": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/"}
    pattern = {
        "source": ["aws.kms"],
        "detail-type": ["AWS API Call via CloudTrail"],
        "detail": {
            "eventSource": ["kms.amazonaws.com"],
            "eventName": BY_KEY_ACTIONS,
            "$or": [{"requestParameters": {"keyId": [MRK_ID]}}, {"requestParameters": {"keyId": [arns]}}],
        },
    }
    assert check(replace_pattern(f"watch-keys-{REGION}", pattern)).outcome is Outcome.COMPLIANT


def test_grants_inside_the_account_are_not_enough() -> None:
    pattern = api_pattern(
        ["CreateGrant"],
        {"keyId": [MRK_ID, MRK_ARN], "granteePrincipal": [{"prefix": f"arn:aws:iam::{ACCOUNT}:"}]},
    )
    assert check(replace_pattern(f"watch-grants-{REGION}", pattern)).messages == (
        message(PRIMARY_GAP.format("CreateGrant")),
    )


def test_delete_alias_is_watched_by_alias_name() -> None:
    pattern = api_pattern(["DeleteAlias"], {"aliasName": ["alias/prod-other-team"]})
    assert check(replace_pattern(f"watch-aliases-{REGION}", pattern)).messages == (
        message(PRIMARY_GAP.format("DeleteAlias")),
    )


@pytest.mark.parametrize(
    ("name", "changes"),
    [
        pytest.param(
            "pending-deletion",
            {"pattern": "{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}"},
            id="fail_cis_filter_counts_no_use",
        ),
        pytest.param("pending-deletion", {"pattern": "{ $.eventSource = kms* }"}, id="fail_filter_counts_every_use"),
        pytest.param("pending-deletion", {"pattern": ""}, id="fail_empty_filter_counts_everything"),
        pytest.param("pending-deletion-alarm", {"alarmActions": []}, id="fail_alarm_without_actions"),
        pytest.param("pending-deletion-alarm", {"actionsEnabled": False}, id="fail_alarm_actions_disabled"),
        pytest.param("pending-deletion-alarm", {"threshold": 2.0}, id="fail_alarm_needs_two_uses"),
        pytest.param("pending-deletion-alarm", {"comparisonOperator": "LessThanThreshold"}, id="fail_inverted_alarm"),
        pytest.param("pending-deletion-alarm", {"metricName": "Other"}, id="fail_alarm_on_another_metric"),
        pytest.param("pending-deletion-alarm", {"region": REPLICA_REGION}, id="fail_alarm_in_another_region"),
        pytest.param("pending-deletion", {"metricTransformation": {"name": "KMSKeyPendingDeletionErrorCount",
                     "namespace": "CloudTrailLogMetrics", "value": "$.count"}}, id="fail_metric_value_from_event"),
    ],
)  # fmt: skip
def test_alarms_that_would_stay_quiet_do_not_count(name: str, changes: dict[str, Any]) -> None:
    result = check(stack_replace(golden_stack(), name, **changes))
    alarm = "the pending-deletion alarm"
    assert result.messages == (message(PRIMARY_GAP.format(alarm), REPLICA_GAP.format(alarm)),)


def test_a_filter_pattern_it_cannot_read_is_named() -> None:
    result = check(stack_replace(golden_stack(), "pending-deletion", pattern="%pending deletion%"))
    alarm = "the pending-deletion alarm"
    assert result.messages == (
        message(
            PRIMARY_GAP.format(alarm),
            REPLICA_GAP.format(alarm),
            unreadable="metric filter 'pending-deletion': term '%pending' uses an operator this reader does not judge",
        ),
    )


def test_a_key_whose_arn_is_not_a_key_arn_is_reported() -> None:
    result = check(stack_replace(golden_stack(), "orders", arn="not-an-arn"))
    assert result.messages == (
        message("'orders' (its ARN is missing or not a key ARN, so no rule can be shown to cover it)"),
    )


@pytest.mark.parametrize(
    ("name", "changes"),
    [
        pytest.param("orders", {"arn": UNKNOWN}, id="na_key_arn_unknown"),
        pytest.param(f"watch-keys-{REGION}", {"eventPattern": UNKNOWN}, id="na_pattern_unknown"),
        pytest.param(f"watch-keys-{REGION}", {"state": UNKNOWN}, id="na_state_unknown"),
        pytest.param("pending-deletion", {"pattern": UNKNOWN}, id="na_filter_unknown"),
        pytest.param("pending-deletion-alarm", {"threshold": UNKNOWN}, id="na_alarm_unknown"),
    ],
)
def test_unknowns_during_preview_wait_for_the_update(name: str, changes: dict[str, Any]) -> None:
    result = check(stack_replace(golden_stack(), name, **changes))
    assert (result.outcome, result.reason) == (
        Outcome.NOT_APPLICABLE,
        "some keys, patterns or alarms are unknown during preview; judged once known",
    )


def test_a_known_gap_is_reported_even_while_other_values_are_unknown() -> None:
    stack = stack_replace(golden_stack(), f"watch-keys-{REPLICA_REGION}", eventPattern=UNKNOWN)
    stack = without(stack, "pending-deletion-alarm")
    alarm = "the pending-deletion alarm"
    # The replica's unknown pattern may yet watch its calls; the missing alarm is known now.
    assert check(stack).messages == (message(PRIMARY_GAP.format(alarm), REPLICA_GAP.format(alarm)),)


def test_the_replica_key_arn_is_its_own() -> None:
    # The replica's rules list the replica's ARN; the primary's ARN would not match calls made there.
    pattern = api_pattern(BY_KEY_ACTIONS, {"keyId": [MRK_ID, MRK_ARN]})
    stack = stack_replace(golden_stack(), f"watch-keys-{REPLICA_REGION}", eventPattern=json.dumps(pattern))
    assert check(stack).messages == (message(REPLICA_GAP.format(BY_KEY)),)
    assert MRK_REPLICA_ARN != MRK_ARN
