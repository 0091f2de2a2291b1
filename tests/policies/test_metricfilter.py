"""The pack's CloudWatch Logs filter reader: the KMS guide's and CIS's patterns, and refusal of the rest."""

from __future__ import annotations

from typing import Any

import pytest

from kmsguard.policies.metricfilter import FilterError, parse_filter_pattern
from kmsguard.policies.monitoring_facts import PENDING_DELETION_FILTER_PATTERN

ARN = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
PENDING: dict[str, Any] = {
    "eventSource": "kms.amazonaws.com",
    "eventName": "Decrypt",
    "errorMessage": f"{ARN} is pending deletion.",
    "readOnly": True,
    "requestParameters": {"keyId": ARN, "window": 20},
    "resources": [{"ARN": ARN}],
    "responseElements": None,
}
CIS = "{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}"


@pytest.mark.parametrize(
    ("pattern", "record", "expected"),
    [
        pytest.param(PENDING_DELETION_FILTER_PATTERN, PENDING, True, id="kms_guide_matches_use"),
        pytest.param(PENDING_DELETION_FILTER_PATTERN, {**PENDING, "errorMessage": None}, False, id="kms_guide_ignores_success"),
        pytest.param(CIS, {**PENDING, "eventName": "ScheduleKeyDeletion"}, True, id="cis_matches_deletion"),
        pytest.param(CIS, PENDING, False, id="cis_ignores_use"),
        pytest.param("{ $.eventName != Encrypt }", PENDING, True, id="not_equal"),
        pytest.param("{ $.missing != x }", PENDING, False, id="not_equal_needs_the_field"),
        pytest.param("{ $.requestParameters.window >= 7 && $.requestParameters.window < 30 }", PENDING, True, id="numeric"),
        pytest.param("{ $.resources[0].ARN = arn:aws:kms:* }", PENDING, True, id="array_index"),
        pytest.param("{ $.readOnly IS TRUE }", PENDING, True, id="is_true"),
        pytest.param("{ $.responseElements IS NULL }", PENDING, True, id="is_null"),
        pytest.param("{ $.userIdentity NOT EXISTS }", PENDING, True, id="not_exists"),
        pytest.param('"is pending deletion"', PENDING, True, id="quoted_term"),
        pytest.param("pending Decrypt", PENDING, True, id="all_terms"),
        pytest.param("pending Encrypt", PENDING, False, id="a_term_missing"),
        pytest.param("", PENDING, True, id="empty_matches_everything"),
    ],
)  # fmt: skip
def test_matching_follows_cloudwatch_logs(pattern: str, record: dict[str, Any], expected: bool) -> None:
    assert parse_filter_pattern(pattern)(record) is expected


@pytest.mark.parametrize(
    ("pattern", "error"),
    [
        pytest.param("{ $.eventName = %Dis.*% }", "regular expression '%Dis.*%' is not judged", id="regex"),
        pytest.param(
            "?ERROR ?WARN", "term '?ERROR' uses an operator this reader does not judge", id="or_terms"
        ),
        pytest.param("{ $.eventName = Decrypt", "the pattern ends too early", id="unclosed"),
        pytest.param(
            "{ eventName = Decrypt }", "expected a $.field selector, found 'eventName'", id="no_selector"
        ),
        pytest.param("{ $.a < b }", "< needs a number, found 'b'", id="numeric_needs_number"),
        pytest.param("{ $.a IS MAYBE }", "expected IS TRUE, FALSE or NULL, found IS MAYBE", id="is_what"),
        pytest.param("{ $.a = 1 } x", "text after the closing brace", id="trailing"),
    ],
)
def test_what_it_cannot_read_is_refused(pattern: str, error: str) -> None:
    with pytest.raises(FilterError) as caught:
        parse_filter_pattern(pattern)
    assert str(caught.value) == error
