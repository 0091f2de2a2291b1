"""KG-R23 kms-consumer-requires-customer-key: pass, fail and not-applicable fixtures for every consumer
type of the table, and inputs meant to fool the rule (unknowns, wrong types, look-alike key ids)."""

from typing import Any

import pytest

from kmsguard.policies.facts import CONSUMERS, S3_BUCKET_SSE_TYPE, S3_BUCKET_TYPE, SQS_QUEUE_TYPE
from kmsguard.policies.rule import UNKNOWN, Outcome, Resource
from kmsguard.policies.rules.r23_consumer_requires_customer_key import RULE
from kmsguard.policies.sentinels import UNKNOWN_STRING_SENTINEL
from tests.policies.consumer_fixtures import ALIAS, CASES, KEY_ARN, consumer, sse, sse_v2
from tests.policies.golden import TAGS, evaluate, fired

TYPES = sorted(CONSUMERS)
BUCKET_SSE = S3_BUCKET_SSE_TYPE
QUEUE = SQS_QUEUE_TYPE
VOLUME = "aws:ebs/volume:Volume"
BUCKET_V2 = "aws:s3/bucketV2:BucketV2"
V2_PATH = "serverSideEncryptionConfigurations[0].rules[0]"
V2_REMEDY = (
    "name a customer managed key in serverSideEncryptionConfigurations[*].rules[*]."
    "applyServerSideEncryptionByDefaults[*].kmsMasterKeyId"
)


def test_every_type_of_the_table_has_fixtures() -> None:
    assert sorted(CASES) == TYPES
    assert RULE.meta.resource_types == tuple(TYPES)


@pytest.mark.parametrize("type_", TYPES)
def test_pass_with_a_customer_key(type_: str) -> None:
    resource = consumer(type_, CASES[type_][0])
    assert evaluate(RULE, resource).outcome is Outcome.COMPLIANT
    assert fired(resource) == set()


@pytest.mark.parametrize("type_", TYPES)
def test_fail_exactly_r23_with_its_message(type_: str) -> None:
    resource = consumer(type_, CASES[type_][1])
    result = evaluate(RULE, resource)
    assert result.outcome is Outcome.VIOLATION
    assert result.messages == (CASES[type_][2],)
    assert fired(resource) == {"KG-R23"}


@pytest.mark.parametrize("type_", TYPES)
def test_not_applicable_where_the_environment_does_not_require_it(type_: str) -> None:
    resource = consumer(type_, CASES[type_][1], tags={**TAGS, "Environment": "dev"})
    result = evaluate(RULE, resource)
    assert (result.outcome, result.reason) == (
        Outcome.NOT_APPLICABLE,
        "customer managed keys are not required in environment 'dev'",
    )
    assert fired(resource) == set()


@pytest.mark.parametrize(
    ("type_", "props", "reason"),
    [
        pytest.param("aws:rds/clusterInstance:ClusterInstance", {"clusterIdentifier": "orders"},
                     "Performance Insights: nothing stored (performanceInsightsEnabled is not set)", id="na_no_insights"),
        pytest.param("aws:lambda/function:Function", {"environment": {"variables": {}}},
                     "environment variables: nothing stored (environment.variables is not set)", id="na_no_variables"),
        pytest.param("aws:ssm/parameter:Parameter", {"type": "String", "value": "x"},
                     "SecureString value: nothing stored (type is 'String')", id="na_plain_parameter"),
        pytest.param("aws:ec2/launchTemplate:LaunchTemplate", {"imageId": "ami-12345678"},
                     "block device: blockDeviceMappings is not set", id="na_no_block_devices"),
        pytest.param("aws:ec2/launchTemplate:LaunchTemplate", {"blockDeviceMappings": [{"noDevice": ""}]},
                     "block device (blockDeviceMappings[0]): nothing stored (blockDeviceMappings[0].ebs is not set)",
                     id="na_instance_store_only"),
        pytest.param(S3_BUCKET_TYPE, {"bucket": "orders"},
                     "default encryption: serverSideEncryptionConfiguration is not set", id="na_bucket_without_inline"),
        pytest.param(BUCKET_V2, {"bucket": "orders"},
                     "default encryption: serverSideEncryptionConfigurations is not set", id="na_bucket_v2_without_inline"),
        pytest.param(BUCKET_V2, {"bucket": "orders", "serverSideEncryptionConfigurations": []},
                     "default encryption: serverSideEncryptionConfigurations is not set",
                     id="na_bucket_v2_empty_inline_list"),
    ],
)  # fmt: skip
def test_not_applicable_when_nothing_is_stored(type_: str, props: dict[str, Any], reason: str) -> None:
    result = evaluate(RULE, consumer(type_, props))
    assert (result.outcome, result.reason) == (Outcome.NOT_APPLICABLE, reason)


@pytest.mark.parametrize(
    "reference",
    [
        pytest.param(KEY_ARN, id="key_arn"),
        pytest.param("1234abcd-12ab-34cd-56ef-1234567890ab", id="key_id"),
        pytest.param("mrk-1234abcd12ab34cd56ef1234567890ab", id="multi_region_key_id"),
        pytest.param(
            "arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab", id="mrk_arn"
        ),
        pytest.param(ALIAS, id="alias_name"),
        pytest.param(
            "arn:aws-cn:kms:cn-north-1:111122223333:alias/prod-orders-payments", id="alias_arn_china"
        ),
        pytest.param("alias/aws-orders", id="alias_that_only_starts_like_aws"),
        pytest.param("alias/awsome/orders", id="alias_awsome"),
    ],
)
def test_customer_keys_pass_in_every_form(reference: str) -> None:
    assert evaluate(RULE, consumer(QUEUE, {"kmsMasterKeyId": reference})).outcome is Outcome.COMPLIANT


def _queue_message(value: str) -> str:
    return (
        f"messages: kmsMasterKeyId {value!r} is not a KMS key ARN, key id, alias name or alias ARN; "
        "name a customer managed key in kmsMasterKeyId"
    )


def _managed_message(value: str, alias: str) -> str:
    return (
        f"messages: encrypted with the AWS managed key {alias} (kmsMasterKeyId is {value!r}); "
        "name a customer managed key in kmsMasterKeyId"
    )


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        pytest.param("alias/aws/sqs", _managed_message("alias/aws/sqs", "alias/aws/sqs"), id="fail_managed_alias"),
        pytest.param("alias/AWS/sqs", _managed_message("alias/AWS/sqs", "alias/AWS/sqs"), id="fail_managed_alias_cased"),
        pytest.param("arn:aws:kms:eu-west-1:111122223333:alias/aws/sqs",
                     _managed_message("arn:aws:kms:eu-west-1:111122223333:alias/aws/sqs", "alias/aws/sqs"),
                     id="fail_managed_alias_arn"),
        pytest.param("aws/sqs", _queue_message("aws/sqs"), id="fail_alias_without_prefix"),
        pytest.param(" alias/prod-orders-payments", _queue_message(" alias/prod-orders-payments"), id="fail_padded_alias"),
        pytest.param(KEY_ARN + "\n", _queue_message(KEY_ARN + "\n"), id="fail_arn_with_newline"),
        pytest.param("1234ABCD-12AB-34CD-56EF-1234567890AB", _queue_message("1234ABCD-12AB-34CD-56EF-1234567890AB"),
                     id="fail_uppercase_key_id"),
        pytest.param("1234abcd-12ab-34cd-56ef-1234567890a", _queue_message("1234abcd-12ab-34cd-56ef-1234567890a"),
                     id="fail_short_key_id"),
        pytest.param("arn:aws:kms:eu-west-1:111122223333:key/alias/aws/sqs",
                     _queue_message("arn:aws:kms:eu-west-1:111122223333:key/alias/aws/sqs"), id="fail_alias_in_key_arn"),
        pytest.param("arn:aws:kms:nowhere:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                     _queue_message("arn:aws:kms:nowhere:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
                     id="fail_arn_bad_region"),
        pytest.param("arn:aws:s3:::orders", _queue_message("arn:aws:s3:::orders"), id="fail_other_service_arn"),
        pytest.param("AES256", _queue_message("AES256"), id="fail_algorithm_in_key_field"),
    ],
)  # fmt: skip
def test_look_alike_references_fail(reference: str, message: str) -> None:
    assert evaluate(RULE, consumer(QUEUE, {"kmsMasterKeyId": reference})).messages == (message,)


@pytest.mark.parametrize(
    ("type_", "props", "message"),
    [
        pytest.param(VOLUME, {"encrypted": "yes", "kmsKeyId": KEY_ARN},
                     "storage: cannot judge: encrypted is 'yes', expected one of 'false', 'true', False, True; "
                     "name a customer managed key in kmsKeyId", id="fail_switch_not_a_flag"),
        pytest.param(VOLUME, {"encrypted": 1.0, "kmsKeyId": KEY_ARN},
                     "storage: cannot judge: encrypted is 1.0, expected one of 'false', 'true', False, True; "
                     "name a customer managed key in kmsKeyId", id="fail_switch_number"),
        pytest.param(VOLUME, {"encrypted": UNKNOWN, "kmsKeyId": KEY_ARN},
                     "storage: cannot judge: encrypted is unknown during preview; set it to a literal; "
                     "name a customer managed key in kmsKeyId", id="fail_switch_unknown"),
        pytest.param(VOLUME, {"encrypted": True, "kmsKeyId": ["x"]},
                     "storage: cannot judge: kmsKeyId must be a string, got ['x']; name a customer managed key "
                     "in kmsKeyId", id="fail_key_not_a_string"),
        pytest.param("aws:dynamodb/table:Table", {"serverSideEncryption": "on"},
                     "storage: cannot judge: serverSideEncryption must be an object; name a customer managed key "
                     "in serverSideEncryption.kmsKeyArn", id="fail_object_is_a_string"),
        pytest.param(BUCKET_SSE, {"rules": UNKNOWN},
                     "default encryption: cannot judge: rules is unknown during preview; set it to a literal",
                     id="fail_rules_unknown"),
        pytest.param(BUCKET_SSE, {"rules": "aws:kms"},
                     "default encryption: cannot judge: rules must be a list or an object, got 'aws:kms'; name a "
                     "customer managed key in rules[*].applyServerSideEncryptionByDefault.kmsMasterKeyId",
                     id="fail_rules_a_string"),
        pytest.param(BUCKET_SSE, {"rules": [sse("aws:kms"), 7]},
                     "default encryption (rules[1]): cannot judge: rules[1] is 7, not an object",
                     id="fail_one_rule_not_an_object"),
        pytest.param(BUCKET_SSE, {"rules": [sse("aws:KMS")]},
                     "default encryption (rules[0]): cannot judge: rules[0].applyServerSideEncryptionByDefault."
                     "sseAlgorithm is 'aws:KMS', expected one of 'AES256', 'aws:kms', 'aws:kms:dsse'; name a "
                     "customer managed key in rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId",
                     id="fail_algorithm_miscased"),
        pytest.param(BUCKET_V2, {"serverSideEncryptionConfigurations": [{"rules": []}]},
                     "default encryption (serverSideEncryptionConfigurations[0]): encrypted with the provider's "
                     "default, SSE-S3 (AES256) (serverSideEncryptionConfigurations[0].rules is not set); "
                     + V2_REMEDY, id="fail_v2_configuration_without_rules"),
        pytest.param(BUCKET_V2, {"serverSideEncryptionConfigurations": [{"rules": [{"bucketKeyEnabled": True}]}]},
                     f"default encryption ({V2_PATH}): encrypted with the provider's default, SSE-S3 (AES256) "
                     f"({V2_PATH}.applyServerSideEncryptionByDefaults is not set); " + V2_REMEDY,
                     id="fail_v2_rule_without_default"),
        pytest.param(BUCKET_V2, {"serverSideEncryptionConfigurations": [{"rules": UNKNOWN}]},
                     "default encryption (serverSideEncryptionConfigurations[0]): cannot judge: "
                     "serverSideEncryptionConfigurations[0].rules is unknown during preview; set it to a literal",
                     id="fail_v2_rules_unknown"),
        pytest.param(BUCKET_V2, {"serverSideEncryptionConfigurations": [{"rules": "aws:kms"}]},
                     "default encryption (serverSideEncryptionConfigurations[0]): cannot judge: "
                     "serverSideEncryptionConfigurations[0].rules must be a list or an object, got 'aws:kms'; "
                     + V2_REMEDY, id="fail_v2_rules_a_string"),
        pytest.param(BUCKET_V2, {"serverSideEncryptionConfigurations": ["aws:kms"]},
                     "default encryption (serverSideEncryptionConfigurations[0]): cannot judge: "
                     "serverSideEncryptionConfigurations[0] is 'aws:kms', not an object",
                     id="fail_v2_configuration_a_string"),
        pytest.param(BUCKET_V2, {"serverSideEncryptionConfigurations": [UNKNOWN]},
                     "default encryption (serverSideEncryptionConfigurations[0]): cannot judge: "
                     "serverSideEncryptionConfigurations[0] is unknown during preview",
                     id="fail_v2_configuration_unknown"),
        pytest.param(BUCKET_V2, {"serverSideEncryptionConfigurations": [{"rules": [sse_v2("aws:kms", " alias/x")]}]},
                     f"default encryption ({V2_PATH}.applyServerSideEncryptionByDefaults[0]): "
                     f"{V2_PATH}.applyServerSideEncryptionByDefaults[0].kmsMasterKeyId ' alias/x' is not a KMS key "
                     f"ARN, key id, alias name or alias ARN; name a customer managed key in "
                     f"{V2_PATH}.applyServerSideEncryptionByDefaults[0].kmsMasterKeyId", id="fail_v2_padded_alias"),
        pytest.param(BUCKET_V2, {"serverSideEncryptionConfigurations": [{"rules": [sse_v2("aws:kms", "ALIAS/AWS/S3")]}]},
                     f"default encryption ({V2_PATH}.applyServerSideEncryptionByDefaults[0]): "
                     f"{V2_PATH}.applyServerSideEncryptionByDefaults[0].kmsMasterKeyId 'ALIAS/AWS/S3' is not a KMS "
                     f"key ARN, key id, alias name or alias ARN; name a customer managed key in "
                     f"{V2_PATH}.applyServerSideEncryptionByDefaults[0].kmsMasterKeyId", id="fail_v2_upper_case_alias"),
        pytest.param(BUCKET_V2, {"serverSideEncryptionConfigurations": [{"rules": [sse_v2(
                         "aws:kms", "arn:aws:kms:eu-west-1:111122223333:alias/AWS/s3")]}]},
                     f"default encryption ({V2_PATH}.applyServerSideEncryptionByDefaults[0]): encrypted with the AWS "
                     f"managed key alias/AWS/s3 ({V2_PATH}.applyServerSideEncryptionByDefaults[0].kmsMasterKeyId is "
                     f"'arn:aws:kms:eu-west-1:111122223333:alias/AWS/s3'); name a customer managed key in "
                     f"{V2_PATH}.applyServerSideEncryptionByDefaults[0].kmsMasterKeyId",
                     id="fail_v2_managed_alias_arn_cased"),
        pytest.param(BUCKET_V2, {"serverSideEncryptionConfigurations": [{"rules": [sse_v2("aws:kms", None)]}]},
                     f"default encryption ({V2_PATH}.applyServerSideEncryptionByDefaults[0]): encrypted with the AWS "
                     f"managed key alias/aws/s3 ({V2_PATH}.applyServerSideEncryptionByDefaults[0].kmsMasterKeyId is "
                     f"not set); name a customer managed key in "
                     f"{V2_PATH}.applyServerSideEncryptionByDefaults[0].kmsMasterKeyId", id="fail_v2_kms_without_key"),
        pytest.param("aws:lambda/function:Function", {"environment": {"variables": "A=b"}},
                     "environment variables: cannot judge: environment.variables must be an object, got 'A=b'; "
                     "name a customer managed key in kmsKeyArn", id="fail_variables_a_string"),
        pytest.param(QUEUE, {"sqsManagedSseEnabled": "no"},
                     "messages: cannot judge: sqsManagedSseEnabled is 'no', expected one of 'false', 'true', False, "
                     "True; name a customer managed key in kmsMasterKeyId", id="fail_fallback_not_a_flag"),
    ],
)  # fmt: skip
def test_values_that_cannot_be_judged_fail(type_: str, props: dict[str, Any], message: str) -> None:
    assert evaluate(RULE, consumer(type_, props)).messages == (message,)


def test_one_good_rule_does_not_hide_a_bad_one() -> None:
    resource = consumer(BUCKET_SSE, {"rules": [sse("aws:kms"), sse("AES256", None)]})
    assert evaluate(RULE, resource).messages == (
        "default encryption (rules[1]): encrypted with the provider's default, SSE-S3 (AES256) "
        "(rules[1].applyServerSideEncryptionByDefault.sseAlgorithm is 'AES256'); name a customer managed key in "
        "rules[1].applyServerSideEncryptionByDefault.kmsMasterKeyId",
    )


def test_an_unknown_key_is_left_to_the_stack_rule() -> None:
    result = evaluate(RULE, consumer(QUEUE, {"kmsMasterKeyId": UNKNOWN}))
    assert (result.outcome, result.reason) == (
        Outcome.NOT_APPLICABLE,
        "the key is unknown during preview; KG-S05 judges it from the stack's graph",
    )


def test_an_unknown_interpolated_into_an_arn_is_not_a_key_id() -> None:
    arn = f"arn:aws:kms:eu-west-1:111122223333:key/{UNKNOWN_STRING_SENTINEL}"
    result = evaluate(RULE, consumer(QUEUE, {"kmsMasterKeyId": arn}))
    assert (result.outcome, result.reason) == (
        Outcome.NOT_APPLICABLE,
        "the key is unknown during preview; KG-S05 judges it from the stack's graph",
    )


def test_an_unknown_key_does_not_hide_another_slot_s_finding() -> None:
    props = {"storageEncrypted": True, "kmsKeyId": UNKNOWN, "performanceInsightsEnabled": True}
    assert evaluate(RULE, consumer("aws:rds/instance:Instance", props)).messages == (
        "Performance Insights: encrypted with the AWS managed key alias/aws/rds (performanceInsightsKmsKeyId is "
        "not set); name a customer managed key in performanceInsightsKmsKeyId",
    )


@pytest.mark.parametrize(
    ("stack", "tags", "config", "outcome"),
    [
        pytest.param("prod", {"Owner": "x"}, None, Outcome.VIOLATION, id="stack_name_prod"),
        pytest.param("dev", {"Owner": "x"}, None, Outcome.NOT_APPLICABLE, id="stack_name_dev"),
        pytest.param("dev", {"Environment": "production"}, None, Outcome.VIOLATION, id="tag_wins_over_stack"),
        pytest.param("dev", {}, {"dev": True, "*": False}, Outcome.VIOLATION, id="configured_for_dev"),
        pytest.param("dev", {}, {"prod": True}, Outcome.VIOLATION, id="unusable_config_requires"),
        pytest.param("prod", {}, {"*": False}, Outcome.NOT_APPLICABLE, id="switched_off_everywhere"),
    ],
)  # fmt: skip
def test_enforcement_follows_the_environment(
    stack: str, tags: dict[str, str], config: dict[str, bool] | None, outcome: Outcome
) -> None:
    resource = Resource(QUEUE, "q", "urn:q", {"tags": tags})
    extra = {"requireCustomerKey": config} if config is not None else {}
    assert evaluate(RULE, resource, stack=stack, **extra).outcome is outcome


def test_default_configuration() -> None:
    assert RULE.meta.config_defaults() == {
        "requireCustomerKey": {"prod": True, "production": True, "*": False}
    }
