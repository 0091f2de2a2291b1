"""The library's service presets and the pack's consumer rules agree: a key built with each integration
admits the service principal KG-S06 asks for, with at least the actions it asks for (so the example
program, built with the presets, can pass the gate), and a key without them does not."""

import pytest

from kmsguard.builders import build_key_policy
from kmsguard.policies.facts import LOGS_REGIONAL_PRINCIPAL, SERVICE_PRINCIPAL_ACTIONS, service_principal
from kmsguard.policies.policydoc import PolicyDocument, parse_policy_document
from kmsguard.policies.rules.s06_stack_requires_consumer_key_access import missing_actions
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
