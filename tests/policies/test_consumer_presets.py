"""The library's service presets and the pack's consumer rules agree: a key built with each integration
admits the service principal KG-S06 asks for, with at least the actions it asks for (so the example
program, built with the presets, can pass the gate), and a key without them does not."""

import pytest

from kmsguard.builders import build_key_policy
from kmsguard.policies.facts import (
    CLOUDTRAIL_PRINCIPAL,
    CLOUDWATCH_PRINCIPAL,
    EVENTS_PRINCIPAL,
    LOG_GROUP_TYPE,
    LOGS_REGIONAL_PRINCIPAL,
    RESOURCE_ARNS,
    S3_PRINCIPAL,
    SERVICE_PRINCIPAL_ACTIONS,
    SERVICE_REQUESTS,
    SNS_PRINCIPAL,
    SNS_TOPIC_TYPE,
    SQS_QUEUE_TYPE,
    TRAIL_TYPE,
    service_principal,
)
from kmsguard.policies.policydoc import PolicyDocument, parse_policy_document
from kmsguard.policies.rule import Resource
from kmsguard.policies.rules.s06_stack_requires_consumer_key_access import missing_actions
from kmsguard.policies.service_requests import Match, Request, fill, request_for
from kmsguard.spec import parse_key_spec
from tests.components.spec.baseline import ACCOUNT, BASELINE, mutate

REGION = "eu-west-1"
ALL_INTEGRATIONS = {
    "cloudtrail": {"trail_names": ["audit"]},
    "cloudwatch_logs": {},
    "sns_publishers": {
        "publishers": ["eventbridge", "cloudwatch_alarms", "s3"],
        "source_buckets": ["orders"],
    },
    "sqs_from_sns": {"topic_names": ["orders"]},
}


def _document(integrations: dict[str, object]) -> PolicyDocument:
    spec = parse_key_spec(mutate("integrations", integrations, BASELINE))
    return parse_policy_document(build_key_policy(spec, account_id=ACCOUNT, partition="aws", region=REGION))


@pytest.mark.parametrize("principal", sorted(SERVICE_PRINCIPAL_ACTIONS))
def test_each_preset_admits_what_kg_s06_requires(principal: str) -> None:
    name = service_principal(principal, REGION)
    assert missing_actions(_document(ALL_INTEGRATIONS), name, SERVICE_PRINCIPAL_ACTIONS[principal]) == []


@pytest.mark.parametrize("principal", sorted(SERVICE_PRINCIPAL_ACTIONS))
def test_without_presets_no_service_is_admitted(principal: str) -> None:
    name = service_principal(principal, REGION)
    actions = SERVICE_PRINCIPAL_ACTIONS[principal]
    assert missing_actions(_document({}), name, actions) == list(actions)


def test_principal_names_follow_the_partition() -> None:
    assert (
        service_principal(LOGS_REGIONAL_PRINCIPAL, "cn-north-1", "aws-cn")
        == "logs.cn-north-1.amazonaws.com.cn"
    )
    assert (
        service_principal("cloudtrail.amazonaws.com", "cn-north-1", "aws-cn") == "cloudtrail.amazonaws.com.cn"
    )
    assert service_principal("events.amazonaws.com", "us-gov-west-1", "aws-us-gov") == "events.amazonaws.com"


# -- with the conditions evaluated: the presets admit this stack's consumers, and no one else's ----

KNOWN = {"partition": "aws", "region": REGION, "account": ACCOUNT}
OTHER_ACCOUNT = "444455556666"


def _consumer(type_: str, **props: object) -> Resource:
    return Resource(type_, "c", f"urn:pulumi:prod::p::{type_}::c", {"region": REGION, **props})


def _requests(known: dict[str, str | None]) -> dict[str, tuple[Request, Request]]:
    """principal → (a request from this stack's consumer, one that the preset must not admit)."""
    other = {**known, "account": OTHER_ACCOUNT}
    log_group, trail = _consumer(LOG_GROUP_TYPE, name="app"), _consumer(TRAIL_TYPE, name="audit")
    topic = _consumer(SNS_TOPIC_TYPE, name="orders")
    queue = _consumer(SQS_QUEUE_TYPE, name="q")

    def source(template: str, **props: str) -> tuple[str | None, ...]:
        return fill((template,), props, known)

    def other_source(template: str, **props: str) -> tuple[str | None, ...]:
        return fill((template,), props, other)

    rule = "arn:{partition}:events:{region}:{account}:rule/{rule}"
    alarm = RESOURCE_ARNS["aws:cloudwatch/metricAlarm:MetricAlarm"]
    sns = RESOURCE_ARNS[SNS_TOPIC_TYPE]
    return {
        LOGS_REGIONAL_PRINCIPAL: (
            request_for(SERVICE_REQUESTS[LOGS_REGIONAL_PRINCIPAL], log_group, None, known),
            request_for(SERVICE_REQUESTS[LOGS_REGIONAL_PRINCIPAL], log_group, None, other),
        ),
        CLOUDTRAIL_PRINCIPAL: (
            request_for(SERVICE_REQUESTS[CLOUDTRAIL_PRINCIPAL], trail, None, known),
            request_for(
                SERVICE_REQUESTS[CLOUDTRAIL_PRINCIPAL], _consumer(TRAIL_TYPE, name="other"), None, known
            ),
        ),
        EVENTS_PRINCIPAL: (
            request_for(SERVICE_REQUESTS[EVENTS_PRINCIPAL], topic, source(rule, rule="r"), known),
            request_for(SERVICE_REQUESTS[EVENTS_PRINCIPAL], topic, other_source(rule, rule="r"), other),
        ),
        CLOUDWATCH_PRINCIPAL: (
            request_for(SERVICE_REQUESTS[CLOUDWATCH_PRINCIPAL], topic, source(alarm, name="a"), known),
            request_for(SERVICE_REQUESTS[CLOUDWATCH_PRINCIPAL], topic, other_source(alarm, name="a"), known),
        ),
        S3_PRINCIPAL: (
            request_for(SERVICE_REQUESTS[S3_PRINCIPAL], topic, ("arn:aws:s3:::orders",), known),
            request_for(SERVICE_REQUESTS[S3_PRINCIPAL], topic, ("arn:aws:s3:::somebody-elses",), known),
        ),
        SNS_PRINCIPAL: (
            request_for(SERVICE_REQUESTS[SNS_PRINCIPAL], queue, source(sns, name="orders"), known),
            request_for(SERVICE_REQUESTS[SNS_PRINCIPAL], queue, source(sns, name="other-topic"), known),
        ),
    }


@pytest.mark.parametrize("principal", sorted(SERVICE_PRINCIPAL_ACTIONS))
def test_each_preset_admits_this_stack_s_consumer_with_its_conditions_evaluated(principal: str) -> None:
    name = service_principal(principal, REGION)
    mine, _ = _requests(KNOWN)[principal]
    notes: dict[str, list[tuple[Match, str]]] = {}
    assert (
        missing_actions(_document(ALL_INTEGRATIONS), name, SERVICE_PRINCIPAL_ACTIONS[principal], mine, notes)
        == []
    )


@pytest.mark.parametrize("principal", sorted(SERVICE_PRINCIPAL_ACTIONS))
def test_each_preset_refuses_another_account_s_or_resource_s_request(principal: str) -> None:
    name = service_principal(principal, REGION)
    _, theirs = _requests(KNOWN)[principal]
    notes: dict[str, list[tuple[Match, str]]] = {}
    actions = SERVICE_PRINCIPAL_ACTIONS[principal]
    assert missing_actions(_document(ALL_INTEGRATIONS), name, actions, theirs, notes) == list(actions)
    assert {v for a in actions for v, _ in notes[a]} == {Match.NO}
