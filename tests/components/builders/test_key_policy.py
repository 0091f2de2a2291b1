"""The key-policy builder: pinned JSON for representative specs, and every refusal's exact message."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kmsguard.builders import build_key_policy, render_policy
from kmsguard.errors import PolicyBuildError
from kmsguard.spec import parse_key_spec
from tests.components.builders.cases import CASES
from tests.components.builders.regenerate import EXPECTED, all_files
from tests.components.spec.baseline import ACCOUNT, BASELINE, OTHER_ACCOUNT, mutate

REGENERATE = "python -m tests.components.builders.regenerate"


@pytest.mark.parametrize(("name", "text"), sorted(all_files().items()))
def test_policy_matches_the_reviewed_json(name: str, text: str) -> None:
    path = EXPECTED / name
    assert path.exists(), f"{name} is missing; run `{REGENERATE}` and review the new file"
    assert path.read_text(encoding="utf-8") == text, (
        f"{name} is stale; run `{REGENERATE}` and review the diff"
    )


def test_no_expected_file_is_left_over() -> None:
    assert sorted(p.name for p in EXPECTED.glob("*.json")) == sorted(all_files())


def test_every_key_kind_has_a_pinned_policy() -> None:
    kinds = {parse_key_spec(case.spec).kind.type for case in CASES.values()}
    assert kinds == {
        "symmetric", "rsa_encryption", "signing", "key_agreement", "hmac", "imported", "cloudhsm",
        "external_key_store",
    }  # fmt: skip


def test_same_spec_renders_byte_identical_json() -> None:
    def build() -> str:
        policy = build_key_policy(
            parse_key_spec(BASELINE), account_id=ACCOUNT, partition="aws", region="eu-west-1"
        )
        return render_policy(policy)

    assert build() == build()


def _build(data: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    kwargs = {"account_id": ACCOUNT, "partition": "aws", "region": "eu-west-1", **overrides}
    return build_key_policy(parse_key_spec(data), **kwargs)


_MR = mutate("multi_region", {"replica_regions": ["us-east-1"], "reason": "disaster recovery"})
_DENY_PUT = {
    "sid": "NoPolicyChanges",
    "effect": "Deny",
    "all_principals": True,
    "actions": ["kms:PutKeyPolicy"],
}


@pytest.mark.parametrize(
    ("data", "overrides", "message"),
    [
        pytest.param(BASELINE, {"account_id": "1111"}, "account_id: '1111' is not a 12-digit account id; pass kmsguard:accountId", id="account"),
        pytest.param(BASELINE, {"partition": "aws-eu"}, "partition: 'aws-eu' is unknown; use one of aws, aws-cn, aws-us-gov", id="partition"),
        pytest.param(BASELINE, {"region": "mars"}, "region: 'mars' is not an AWS region; pass a region code such as eu-west-1", id="region-syntax"),
        pytest.param(BASELINE, {"region": "us-east-1"}, "region: the key lives in eu-west-1 and [], not us-east-1; build the policy for one of those", id="region-elsewhere"),
        pytest.param(mutate("region", ..., _MR), {"region": "us-east-1"}, "region: us-east-1 is a replica region but the spec has no primary region; set region in the spec", id="replica-without-primary"),
        pytest.param(BASELINE, {"account_id": OTHER_ACCOUNT}, "deployer: arn:aws:iam::111122223333:role/PulumiDeployer is in account 111122223333, not 444455556666; give other accounts access through cross_account", id="principal-other-account"),
        pytest.param(mutate("region", "cn-north-1"), {"partition": "aws-cn", "region": "cn-north-1"}, "deployer: arn:aws:iam::111122223333:role/PulumiDeployer is not in partition aws-cn; use aws-cn ARNs", id="principal-partition"),
        pytest.param(BASELINE, {"partition": "aws-us-gov"}, "region: 'eu-west-1' is in partition aws, not aws-us-gov; use a region of aws-us-gov", id="region-outside-partition"),
        pytest.param(mutate("multi_region", {"replica_regions": ["cn-north-1"], "reason": "disaster recovery"}), {}, "multi_region.replica_regions[0]: 'cn-north-1' is in partition aws-cn, not aws; use a region of aws", id="replica-outside-partition"),
        pytest.param(mutate("cross_account", [{"account_id": ACCOUNT, "role": "decrypt_only_users"}]), {}, "cross_account[0].account_id: 111122223333 is this stack's own account; name its roles under principals instead", id="cross-account-own-account"),
        pytest.param(mutate("extra_statements", [_DENY_PUT]), {}, "key policy: no principal could call PutKeyPolicy without conditions, so KMS's lockout safety check would fail; remove the extra Deny statement that covers kms:PutKeyPolicy", id="lockout"),
        pytest.param(
            mutate("extra_statements", [{**_DENY_PUT, "all_principals": False, "principals": [BASELINE["deployer"]]}], mutate("root_access", "full")),
            {},
            "key policy: the deployer arn:aws:iam::111122223333:role/PulumiDeployer could not call PutKeyPolicy, so `pulumi up` would fail KMS's lockout safety check; remove the extra Deny statement that covers it",
            id="deployer-locked-out",
        ),
    ],
)  # fmt: skip
def test_builder_refuses_with_exact_message(
    data: dict[str, Any], overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(PolicyBuildError) as caught:
        _build(data, **overrides)
    assert str(caught.value) == message


def test_policy_over_32_kb_is_refused() -> None:
    users = [f"arn:aws:iam::{ACCOUNT}:role/service-with-a-rather-long-role-name-{i:04d}" for i in range(400)]
    with pytest.raises(PolicyBuildError) as caught:
        _build(mutate("principals.users", users))
    assert str(caught.value).startswith("key policy: ")
    assert str(caught.value).endswith(
        " bytes exceeds the KMS limit of 32768; use fewer principals (e.g. a role per team) or fewer services and regions"
    )


def test_primary_and_replica_policies_grant_the_same_regions() -> None:
    data = mutate(
        "principals.service_users", [{"principal": f"arn:aws:iam::{ACCOUNT}:role/W", "services": ["s3"]}], _MR
    )
    primary, replica = _build(data), _build(data, region="us-east-1")
    # ViaService already lists every region the key lives in, so both copies grant the same thing.
    assert primary == replica
    via = primary["Statement"][-2]["Condition"]["StringEquals"]["kms:ViaService"]
    assert via == ["s3.eu-west-1.amazonaws.com", "s3.us-east-1.amazonaws.com"]


def test_expected_files_are_valid_json_documents() -> None:
    for path in Path(EXPECTED).glob("*.key-policy.json"):
        assert json.loads(path.read_text())["Version"] == "2012-10-17"
