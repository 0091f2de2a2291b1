"""One AnalyzeStack request decodes and indexes the stack once for all stack policies, never across
requests: the adapter keys its copy on the SDK's property objects, the consumer index on that copy."""

from pulumi_policy import PolicyCustomTimeouts, PolicyResource, PolicyResourceOptions, StackValidationArgs

from kmsguard.policies.adapter import _stack_resources
from kmsguard.policies.consumer_links import StackKeys
from kmsguard.policies.facts import SQS_QUEUE_TYPE
from tests.policies.consumer_fixtures import consumer_stack


def _options() -> PolicyResourceOptions:
    return PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], None)


def _sdk_resources(props: list[dict[str, object]]) -> list[PolicyResource]:
    return [
        PolicyResource(SQS_QUEUE_TYPE, p, f"urn:q{i}", f"q{i}", _options(), None, None, [], {})
        for i, p in enumerate(props)
    ]


def test_the_same_property_objects_are_decoded_once() -> None:
    props: list[dict[str, object]] = [{"kmsMasterKeyId": "alias/x"}, {"name": "q"}]
    first = _stack_resources(StackValidationArgs(_sdk_resources(props), {}))
    again = _stack_resources(StackValidationArgs(_sdk_resources(props), {}))
    assert again is first
    assert [r.props for r in first] == props


def test_new_property_objects_are_decoded_again_even_when_equal() -> None:
    first = _stack_resources(StackValidationArgs(_sdk_resources([{"name": "q"}]), {}))
    other = _stack_resources(StackValidationArgs(_sdk_resources([{"name": "q"}]), {}))
    assert other is not first
    assert other == first


def test_the_consumer_index_is_shared_by_identity_only() -> None:
    stack = consumer_stack()
    index = StackKeys.of(stack, "eu-west-1")
    assert StackKeys.of(stack, "eu-west-1") is index
    assert StackKeys.of(stack, "us-east-1") is not index
    assert StackKeys.of(list(stack), "eu-west-1") is not index
