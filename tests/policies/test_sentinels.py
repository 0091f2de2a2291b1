"""The wire's unknown sentinels are the SDK's, and decode to the `UNKNOWN` rules test for."""

from pulumi_policy import proxy

from kmsguard.policies.rule import UNKNOWN
from kmsguard.policies.sentinels import (
    UNKNOWN_SENTINELS,
    UNKNOWN_STRING_SENTINEL,
    decode_unknowns,
    embeds_unknown,
)


def test_the_sentinels_are_exactly_the_sdks() -> None:
    sdk = {
        value
        for name, value in vars(proxy).items()
        if name.startswith("UNKNOWN_") and name.endswith("_VALUE")
    }
    assert len(sdk) == 7
    assert sdk == UNKNOWN_SENTINELS
    assert proxy.UNKNOWN_STRING_VALUE == UNKNOWN_STRING_SENTINEL


def test_decode_replaces_whole_sentinels_at_any_depth_and_leaves_embedded_ones() -> None:
    number = proxy.UNKNOWN_NUMBER_VALUE
    embedded = f"arn:aws:kms:eu-west-1:111122223333:key/{UNKNOWN_STRING_SENTINEL}"
    decoded = decode_unknowns({"a": number, "b": [UNKNOWN_STRING_SENTINEL, "x", (embedded,)], "c": 3})
    assert decoded == {"a": UNKNOWN, "b": [UNKNOWN, "x", [embedded]], "c": 3}


def test_embeds_unknown_finds_an_interpolated_unknown_only() -> None:
    assert embeds_unknown(f"alias/{UNKNOWN_STRING_SENTINEL}-keys") is True
    assert embeds_unknown("alias/prod-keys") is False
    assert embeds_unknown(UNKNOWN_STRING_SENTINEL[:-1]) is False
