"""KG-S05 kms-stack-requires-known-consumer-key: a key reference unknown at preview must come from a key
or alias of the stack; traced through property dependencies, else dependencies."""

from typing import Any

import pytest

from kmsguard.policies.facts import S3_BUCKET_SSE_TYPE, S3_BUCKET_TYPE
from kmsguard.policies.rule import UNKNOWN, Outcome, Resource
from kmsguard.policies.rules.s05_stack_requires_known_consumer_key import RULE
from tests.policies.consumer_fixtures import consumer_stack, context, sse, urn_of
from tests.policies.golden import KEY_ARN, TAGS, stack_replace, stack_resource

QUEUE = "orders-queue"
MESSAGE = (
    "messages: cannot judge: kmsMasterKeyId is unknown during preview and does not come from a key or alias of "
    "this stack; pass the ARN of a key (or the name of an alias) of this stack, or name the key literally"
)


def _unknown_queue_key(
    dependencies: tuple[str, ...] = (),
    property_dependencies: dict[str, tuple[str, ...]] | None = None,
    **props: Any,
) -> list[Resource]:
    stack = consumer_stack()
    return [
        Resource(r.type, r.name, r.urn, {**r.props, "kmsMasterKeyId": UNKNOWN, **props}, r.parent, dependencies,
                 property_dependencies or {})
        if r.name == QUEUE else r
        for r in stack
    ]  # fmt: skip


def _check(stack: list[Resource], stack_name: str = "prod") -> tuple[Outcome, tuple[str, ...]]:
    result = RULE.check(stack, context(RULE.meta.config_defaults(), stack_name))
    return result.outcome, result.messages


def test_pass_when_every_reference_is_known() -> None:
    assert _check(consumer_stack()) == (Outcome.COMPLIANT, ())


@pytest.mark.parametrize(
    "source", [pytest.param("orders", id="pass_from_key"), pytest.param("orders-alias", id="pass_from_alias")]
)
def test_pass_when_the_property_comes_from_the_stack(source: str) -> None:
    stack = consumer_stack()
    linked = _unknown_queue_key(property_dependencies={"kmsMasterKeyId": (urn_of(stack, source),)})
    assert _check(linked) == (Outcome.COMPLIANT, ())


def test_pass_with_dependencies_when_no_property_dependencies_are_sent() -> None:
    assert _check(_unknown_queue_key(dependencies=(urn_of(consumer_stack(), "orders"),))) == (
        Outcome.COMPLIANT,
        (),
    )


@pytest.mark.parametrize(
    ("dependencies", "property_dependencies"),
    [
        pytest.param((), None, id="fail_no_dependency_information"),
        pytest.param(("urn:pulumi:prod::kmsguard::pulumi:pulumi:StackReference::shared",),
                     {"kmsMasterKeyId": ("urn:pulumi:prod::kmsguard::pulumi:pulumi:StackReference::shared",)},
                     id="fail_from_a_stack_reference"),
        pytest.param(("KEY",), {"kmsMasterKeyId": (), "name": ("KEY",)}, id="fail_key_feeds_another_property"),
        pytest.param(("urn:pulumi:prod::kmsguard::aws:kms/key:Key::gone",), None, id="fail_dependency_not_in_stack"),
    ],
)  # fmt: skip
def test_fail_when_the_reference_cannot_be_traced(
    dependencies: tuple[str, ...], property_dependencies: dict[str, tuple[str, ...]] | None
) -> None:
    key_urn = urn_of(consumer_stack(), "orders")
    swap = {"KEY": key_urn}
    deps = tuple(swap.get(d, d) for d in dependencies)
    prop_deps = {k: tuple(swap.get(d, d) for d in v) for k, v in (property_dependencies or {}).items()}
    stack = _unknown_queue_key(deps, prop_deps)
    result = RULE.check(stack, context(RULE.meta.config_defaults()))
    assert [(f.urn, f.message) for f in result.findings] == [(urn_of(stack, QUEUE), MESSAGE)]


def test_not_applicable_where_the_environment_does_not_require_customer_keys() -> None:
    stack = _unknown_queue_key(tags={**TAGS, "Environment": "dev"})
    assert _check(stack) == (Outcome.COMPLIANT, ())
    assert _check(_unknown_queue_key(tags={}), stack_name="dev") == (Outcome.COMPLIANT, ())


def test_shares_r23_s_configuration() -> None:
    assert RULE.meta.config_defaults() == {
        "requireCustomerKey": {"prod": True, "production": True, "*": False}
    }


BUCKET_TYPE = S3_BUCKET_TYPE
SSE_TYPE = S3_BUCKET_SSE_TYPE
BARE = (
    "bucket 'orders-bucket' has no default encryption configuration, so S3 applies SSE-S3, the provider's "
    "default; add an aws.s3.BucketServerSideEncryptionConfiguration for it with sse_algorithm aws:kms and a "
    "customer managed key"
)


def _bucket_stack(config: dict[str, Any] | None, property_dependencies: bool = False) -> list[Resource]:
    bucket = stack_resource(BUCKET_TYPE, "orders-bucket", {"bucket": "orders-1", "id": "orders-1", "tags": TAGS},
                            parent=None)  # fmt: skip
    stack = [*consumer_stack(), bucket]
    if config is not None:
        deps = {"bucket": (bucket.urn,)} if property_dependencies else {}
        stack.append(
            Resource(SSE_TYPE, "orders-sse", "urn:sse", {"rules": [sse("aws:kms")], **config}, None, (), deps)
        )
    return stack


@pytest.mark.parametrize(
    ("config", "property_dependencies", "expected"),
    [
        pytest.param(None, False, (BARE,), id="fail_bucket_without_any_configuration"),
        pytest.param({"bucket": "orders-2"}, False, (BARE,), id="fail_configuration_of_another_bucket"),
        pytest.param({"bucket": "orders-1"}, False, (), id="pass_configuration_by_name"),
        pytest.param({"bucket": UNKNOWN}, True, (), id="pass_configuration_by_property_dependency"),
        pytest.param({"bucket": UNKNOWN}, False, (BARE,), id="fail_unknown_name_and_no_graph"),
    ],
)  # fmt: skip
def test_a_bucket_without_inline_encryption_needs_a_separate_configuration(
    config: dict[str, Any] | None, property_dependencies: bool, expected: tuple[str, ...]
) -> None:
    assert _check(_bucket_stack(config, property_dependencies))[1] == expected


def test_a_bucket_with_inline_encryption_needs_nothing_else() -> None:
    stack = stack_replace(
        _bucket_stack(None), "orders-bucket", serverSideEncryptionConfiguration={"rule": sse("aws:kms")}
    )
    assert _check(stack) == (Outcome.COMPLIANT, ())


def test_a_bucket_v2_without_inline_encryption_needs_a_separate_configuration() -> None:
    stack = [r for r in _bucket_stack(None) if r.name != "orders-bucket"]
    bucket = stack_resource("aws:s3/bucketV2:BucketV2", "orders-bucket", {"bucket": "orders-1", "tags": TAGS},
                            parent=None)  # fmt: skip
    assert _check([*stack, bucket])[1] == (BARE,)
    inline = stack_replace(
        [*stack, bucket],
        "orders-bucket",
        serverSideEncryptionConfigurations=[{"rules": [{"applyServerSideEncryptionByDefaults": []}]}],
    )
    # The inline form is there (KG-R23 judges what it says): nothing more is asked of the stack.
    assert _check(inline) == (Outcome.COMPLIANT, ())


BY_DEFAULT = "aws:ebs/encryptionByDefault:EncryptionByDefault"
DEFAULT_KEY = "aws:ebs/defaultKmsKey:DefaultKmsKey"


def _ebs_message(region: str) -> str:
    return (
        f"'volumes' turns EBS encryption by default on, but no aws.ebs.DefaultKmsKey of region {region} is in "
        "the stack, so new volumes are encrypted with the AWS managed key alias/aws/ebs; add an "
        "aws.ebs.DefaultKmsKey with a customer managed key"
    )


def _ebs_stack(by_default: dict[str, Any] | None, default_key: dict[str, Any] | None) -> list[Resource]:
    stack = consumer_stack()
    if by_default is not None:
        stack.append(stack_resource(BY_DEFAULT, "volumes", {"tags": TAGS, **by_default}, parent=None))
    if default_key is not None:
        stack.append(stack_resource(DEFAULT_KEY, "volumes-key", default_key, parent=None))
    return stack


@pytest.mark.parametrize(
    ("by_default", "default_key", "stack_name", "expected"),
    [
        pytest.param({"enabled": True}, {"keyArn": KEY_ARN}, "prod", (), id="pass_on_with_default_key"),
        pytest.param({}, {"keyArn": KEY_ARN}, "prod", (), id="pass_enabled_absent_means_on"),
        pytest.param({"enabled": True, "region": "us-east-1"}, {"keyArn": KEY_ARN, "region": "us-east-1"}, "prod",
                     (), id="pass_same_explicit_region"),
        pytest.param({"enabled": "true"}, {"keyArn": UNKNOWN}, "prod", (), id="pass_default_key_from_the_stack_later"),
        pytest.param({"enabled": True}, None, "prod", (_ebs_message("eu-west-1"),), id="fail_no_default_key"),
        pytest.param({"enabled": True, "region": "us-east-1"}, {"keyArn": KEY_ARN}, "prod",
                     (_ebs_message("us-east-1"),), id="fail_default_key_of_another_region"),
        pytest.param({"enabled": True}, {"keyArn": KEY_ARN, "region": "us-east-1"}, "prod",
                     (_ebs_message("eu-west-1"),), id="fail_default_key_elsewhere_provider_here"),
        pytest.param({"enabled": False}, None, "prod", (), id="na_off_is_r23_s_finding"),
        pytest.param({"enabled": UNKNOWN}, None, "prod", (), id="na_unknown_switch_is_r23_s_finding"),
        pytest.param({"enabled": True, "tags": {**TAGS, "Environment": "dev"}}, None, "prod", (),
                     id="na_environment_does_not_require"),
        pytest.param(None, {"keyArn": KEY_ARN}, "prod", (), id="na_default_key_alone"),
    ],
)  # fmt: skip
def test_ebs_encryption_by_default_needs_a_default_key_of_its_region(
    by_default: dict[str, Any] | None,
    default_key: dict[str, Any] | None,
    stack_name: str,
    expected: tuple[str, ...],
) -> None:
    stack = _ebs_stack(by_default, default_key)
    if default_key is not None and default_key.get("keyArn") is UNKNOWN:
        stack = [
            Resource(r.type, r.name, r.urn, r.props, r.parent, (), {"keyArn": (urn_of(stack, "orders"),)})
            if r.name == "volumes-key" else r
            for r in stack
        ]  # fmt: skip
    result = RULE.check(stack, context(RULE.meta.config_defaults(), stack_name, region="eu-west-1"))
    assert result.messages == expected
    assert [f.urn for f in result.findings] == ([urn_of(stack, "volumes")] if expected else [])


def test_ebs_region_unstated_everywhere() -> None:
    assert _check(_ebs_stack({"enabled": True}, None))[1] == (_ebs_message("(the provider default)"),)
    assert _check(_ebs_stack({"enabled": True}, {"keyArn": KEY_ARN}))[1] == ()
