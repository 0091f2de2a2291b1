"""Splitting a region's keys over EventBridge rules: every pattern fits the event-pattern size quota,
rule names are stable as keys are added, and a key that cannot fit alone is refused."""

from __future__ import annotations

import json

import pytest

from kmsguard.builders.monitoring import (
    RulePlan,
    WatchedKey,
    api_call_patterns,
    pattern_json,
    placeholder_keys,
    plan_rules,
    rule_pattern,
)
from kmsguard.errors import KmsGuardError
from kmsguard.policies.facts import KEY_ID_RE
from kmsguard.policies.monitoring_facts import DEFAULT_MONITORED_ACTIONS, EVENT_PATTERN_MAX_CHARS

ACCOUNT = "111122223333"
REGION = "eu-west-1"
#: A UUID key id and a multi-region one, as KMS writes them.
REAL_IDS = ("1234abcd-12ab-34cd-56ef-1234567890ab", "mrk-1234abcd12ab34cd56ef1234567890ab")


def stand_ins(count: int, *, aliases: int = 1) -> list[WatchedKey]:
    names = [tuple(f"alias/prod-c{i:02d}-team{j}" for j in range(aliases)) for i in range(count)]
    return placeholder_keys(REGION, names, account_id=ACCOUNT, partition="aws")


def plan(keys: list[WatchedKey], **options: object) -> list[tuple[str, int]]:
    plans = plan_rules(
        keys, actions=DEFAULT_MONITORED_ACTIONS, account_id=ACCOUNT, partition="aws", **options
    )  # type: ignore[arg-type]
    return [(p.purpose, len(p.members)) for p in plans]


def keys_size(count: int) -> int:
    patterns = api_call_patterns(
        stand_ins(count),
        region=REGION,
        actions=DEFAULT_MONITORED_ACTIONS,
        account_id=ACCOUNT,
        partition="aws",
    )
    return len(pattern_json(patterns["keys"]))


def test_the_quota_is_eventbridges_default() -> None:
    assert EVENT_PATTERN_MAX_CHARS == 2048


@pytest.mark.parametrize("real", REAL_IDS, ids=["uuid", "multi_region"])
def test_stand_ins_are_as_long_as_the_ids_kms_writes(real: str) -> None:
    (stand_in,) = stand_ins(1)
    assert KEY_ID_RE.match(real)
    assert KEY_ID_RE.match(stand_in.key_id)
    assert len(stand_in.key_id) == len(real)
    assert stand_in.arn == f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{stand_in.key_id}"


def test_each_key_adds_the_same_number_of_characters() -> None:
    # The id, the ARN, four quotes and two commas: 36 + 75 + 4 + 2.
    assert (keys_size(1), keys_size(2) - keys_size(1), keys_size(3) - keys_size(2)) == (414, 117, 117)


def test_fourteen_keys_share_one_rule_under_the_default_quota() -> None:
    assert (keys_size(14), keys_size(15)) == (1935, 2052)
    assert plan(stand_ins(14)) == [
        ("api-keys", 14),
        ("api-grants", 14),
        ("api-aliases", 14),
        ("kms-events", 14),
    ]
    assert plan(stand_ins(15)) == [
        ("api-keys", 14), ("api-keys-2", 1), ("api-grants", 15), ("api-aliases", 15), ("kms-events", 15),
    ]  # fmt: skip


def test_a_pattern_of_exactly_the_limit_fits_one_more_character_does_not() -> None:
    limit = keys_size(3)
    only_keys = ["DisableKey", "DeleteImportedKeyMaterial", "DisableKeyRotation", "PutKeyPolicy",
                 "ReplicateKey", "ScheduleKeyDeletion", "UpdatePrimaryRegion"]  # fmt: skip
    at = plan_rules(
        stand_ins(3),
        actions=only_keys,
        account_id=ACCOUNT,
        partition="aws",
        service_events=False,
        max_chars=limit,
    )
    over = plan_rules(stand_ins(3), actions=only_keys, account_id=ACCOUNT, partition="aws", service_events=False, max_chars=limit - 1)  # fmt: skip
    assert at == [RulePlan("api-keys", 1, (0, 1, 2))]
    assert over == [RulePlan("api-keys", 1, (0, 1)), RulePlan("api-keys", 2, (2,))]


def test_forty_keys_need_these_rules() -> None:
    assert plan(stand_ins(40)) == [
        ("api-keys", 14), ("api-keys-2", 14), ("api-keys-3", 12),
        ("api-grants", 15), ("api-grants-2", 15), ("api-grants-3", 10),
        ("api-aliases", 40),
        ("kms-events", 24), ("kms-events-2", 16),
    ]  # fmt: skip


def test_adding_a_key_keeps_every_earlier_rule_and_its_keys() -> None:
    keys = stand_ins(29)
    before = plan_rules(keys[:28], actions=DEFAULT_MONITORED_ACTIONS, account_id=ACCOUNT, partition="aws")
    after = plan_rules(keys, actions=DEFAULT_MONITORED_ACTIONS, account_id=ACCOUNT, partition="aws")
    by_purpose = {p.purpose: p.members for p in after}
    for rule in before:
        # Same name; the key list only grows at the end of the last rule of its kind.
        assert by_purpose[rule.purpose][: len(rule.members)] == rule.members
    assert {p.purpose for p in after} - {p.purpose for p in before} == {"api-keys-3"}


def test_every_planned_pattern_fits_and_watches_every_key_once() -> None:
    keys = stand_ins(40, aliases=2)
    plans = plan_rules(keys, actions=DEFAULT_MONITORED_ACTIONS, account_id=ACCOUNT, partition="aws")
    for kind in ("api-keys", "api-grants", "api-aliases", "kms-events"):
        members = [i for p in plans if p.kind == kind for i in p.members]
        assert sorted(members) == list(range(40)), kind
    for rule in plans:
        sent = rule_pattern(
            rule, keys, actions=DEFAULT_MONITORED_ACTIONS, account_id=ACCOUNT, partition="aws"
        )
        assert len(sent) <= EVENT_PATTERN_MAX_CHARS
        assert json.loads(sent)["source"] == ["aws.kms"]


def test_keys_without_aliases_need_no_alias_rule() -> None:
    keys = placeholder_keys(REGION, [(), ()], account_id=ACCOUNT, partition="aws")
    assert [p[0] for p in plan(keys)] == ["api-keys", "api-grants", "kms-events"]


def test_a_key_that_cannot_fit_alone_is_refused() -> None:
    (key,) = placeholder_keys(
        REGION,
        [tuple(f"alias/prod-orders-team{i:03d}" for i in range(80))],
        account_id=ACCOUNT,
        partition="aws",
    )
    with pytest.raises(KmsGuardError) as caught:
        plan_rules([key], actions=DEFAULT_MONITORED_ACTIONS, account_id=ACCOUNT, partition="aws")
    assert str(caught.value) == (
        "the api-aliases event pattern of one key with 80 aliases is 2419 characters, over EventBridge's "
        "limit of 2048; give the key fewer aliases"
    )


def test_a_pattern_that_outgrew_its_plan_is_refused() -> None:
    keys = stand_ins(14)
    (first, *_) = plan_rules(keys, actions=DEFAULT_MONITORED_ACTIONS, account_id=ACCOUNT, partition="aws")
    longer = [WatchedKey(k.region, k.key_id + "0" * 5, k.arn + "0" * 5, k.aliases) for k in keys]
    with pytest.raises(KmsGuardError) as caught:
        rule_pattern(first, longer, actions=DEFAULT_MONITORED_ACTIONS, account_id=ACCOUNT, partition="aws")
    assert str(caught.value) == (
        "the api-keys event pattern is 2075 characters, over EventBridge's limit of 2048: a key id or ARN is "
        "longer than KMS writes them"
    )
