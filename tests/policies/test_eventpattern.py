"""The pack's EventBridge pattern reader: EventBridge's matching rules, and refusal of what it cannot read."""

from __future__ import annotations

from typing import Any

import pytest

from kmsguard.policies.eventpattern import PatternError, matches, parse_event_pattern

EVENT: dict[str, Any] = {
    "source": "aws.kms",
    "detail": {
        "eventName": "CreateGrant",
        "sourceIPAddress": "192.0.2.10",
        "requestParameters": {"keyId": "1234abcd", "operations": ["Decrypt", "Encrypt"], "window": 20},
        "resources": [{"ARN": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd", "type": "AWS::KMS::Key"}],
        "responseElements": None,
    },
}


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        pytest.param({"source": ["aws.kms"]}, True, id="exact"),
        pytest.param({"source": ["aws.s3", "aws.kms"]}, True, id="any_of_list"),
        pytest.param({"source": ["AWS.KMS"]}, False, id="case_sensitive"),
        pytest.param({"source": [{"equals-ignore-case": "AWS.KMS"}]}, True, id="equals_ignore_case"),
        pytest.param({"detail": {"eventName": [{"prefix": "Create"}]}}, True, id="prefix"),
        pytest.param({"detail": {"eventName": [{"suffix": "grant"}]}}, False, id="suffix_case_sensitive"),
        pytest.param({"detail": {"eventName": [{"suffix": {"equals-ignore-case": "GRANT"}}]}}, True, id="suffix_ignore_case"),
        pytest.param({"detail": {"eventName": [{"anything-but": "CreateGrant"}]}}, False, id="anything_but"),
        pytest.param({"detail": {"eventName": [{"anything-but": {"prefix": "Dis"}}]}}, True, id="anything_but_prefix"),
        pytest.param({"detail": {"missing": [{"anything-but": "x"}]}}, False, id="anything_but_needs_the_field"),
        pytest.param({"detail": {"missing": [{"exists": False}]}}, True, id="exists_false"),
        pytest.param({"detail": {"eventName": [{"exists": True}]}}, True, id="exists_true"),
        pytest.param({"detail": {"requestParameters": {"operations": ["Encrypt"]}}}, True, id="array_any_element"),
        pytest.param({"detail": {"resources": {"ARN": [{"wildcard": "arn:aws:kms:*:key/1234abcd"}]}}}, True, id="array_of_objects"),
        pytest.param({"detail": {"requestParameters": {"window": [{"numeric": [">=", 7, "<", 30]}]}}}, True, id="numeric"),
        pytest.param({"detail": {"requestParameters": {"window": ["20"]}}}, False, id="number_is_not_string"),
        pytest.param({"detail": {"sourceIPAddress": [{"cidr": "192.0.2.0/24"}]}}, True, id="cidr"),
        pytest.param({"detail": {"responseElements": [None]}}, True, id="null"),
        pytest.param({"$or": [{"source": ["aws.s3"]}, {"detail": {"eventName": ["CreateGrant"]}}]}, True, id="or"),
        pytest.param({"$or": [{"source": ["aws.s3"]}, {"detail": {"eventName": ["DisableKey"]}}]}, False, id="or_none"),
        pytest.param({"source": ["aws.kms"], "detail": {"eventName": ["DisableKey"]}}, False, id="every_field_must_match"),
    ],
)  # fmt: skip
def test_matching_follows_eventbridge(pattern: dict[str, Any], expected: bool) -> None:
    assert matches(parse_event_pattern(pattern), EVENT) is expected


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        pytest.param("{", "is not JSON (Expecting property name enclosed in double quotes)", id="not_json"),
        pytest.param("[]", "must be a non-empty JSON object", id="not_object"),
        pytest.param({"source": "aws.kms"}, "source must be an object or a list of values, not str", id="bare_value"),
        pytest.param({"source": []}, "source lists no value", id="empty_list"),
        pytest.param({"source": [{"regex": "x"}]}, "source: unknown operator 'regex'", id="unknown_operator"),
        pytest.param({"source": [{"prefix": 1}]}, "source: prefix takes a string", id="prefix_number"),
        pytest.param({"source": [{"exists": "yes"}]}, "source: exists takes true or false", id="exists_string"),
        pytest.param({"a": [{"numeric": ["~", 1]}]}, "a: numeric comparison ['~', 1] is not <op> <number>", id="numeric_op"),
        pytest.param({"a": [{"cidr": "nope"}]}, "a: 'nope' is not a CIDR block", id="cidr"),
        pytest.param({"$or": [{"a": ["b"]}]}, "$or must list at least two patterns", id="or_of_one"),
        pytest.param({"a": [{"anything-but": {"exists": True}}]}, "a: anything-but cannot hold 'exists'", id="anything_but_exists"),
    ],
)  # fmt: skip
def test_what_it_cannot_read_is_refused(raw: Any, error: str) -> None:
    with pytest.raises(PatternError) as caught:
        parse_event_pattern(raw)
    assert str(caught.value) == error
