"""Properties of every key policy built from a valid spec (hypothesis, 1,000 specs in CI).

One test function checks everything per generated spec, so CI time stays bounded.
"""

from __future__ import annotations

import json
from typing import Any

import parliament
from hypothesis import HealthCheck, given, settings
from parliament import iam_definition

from kmsguard.builders import build_key_policy, render_policy
from kmsguard.policies.facts import (
    ADMINISTRATION_ACTIONS,
    GRANT_IS_FOR_AWS_RESOURCE_KEY,
    KEY_POLICY_MAX_BYTES,
    RESTRICTING_OPERATORS,
    USAGE_ACTIONS,
)
from kmsguard.policies.policydoc import PolicyDocument, parse_policy_document
from kmsguard.spec import UsageRole, parse_key_spec
from tests.components.builders.strategies import key_specs

#: Every kms action in parliament's IAM action catalogue (a third-party source, not ours).
PARLIAMENT_KMS = frozenset(
    f"kms:{p['privilege']}" for s in iam_definition if s["prefix"] == "kms" for p in s["privileges"]
)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(key_specs())
def test_every_valid_spec_builds_a_sound_policy(case: tuple[dict[str, Any], dict[str, Any]]) -> None:
    data, build = case
    spec = parse_key_spec(data)
    text = render_policy(build_key_policy(spec, **build))

    assert len(text.encode()) <= KEY_POLICY_MAX_BYTES
    document = parse_policy_document(json.loads(text))
    actions = [a for s in document.statements for a in s.actions]
    assert not [a for a in actions if "*" in a or "?" in a]
    assert set(actions) <= PARLIAMENT_KMS, set(actions) - PARLIAMENT_KMS

    # The deployer reaches PutKeyPolicy without any condition (KMS's lockout safety check passes).
    assert any(
        spec.deployer in s.aws_principals() and "PutKeyPolicy" in s.kms_actions and not s.conditions
        for s in document.allows()
    )
    # No principal both administers and uses the key, unless the spec carries a waiver.
    # RevokeGrant counts as administration, but the service-grant statements hold it only for grants
    # AWS services make for resources (kms:GrantIsForAWSResource), which is use, not control.
    administer = {
        p
        for s in document.allows()
        if s.kms_actions & ADMINISTRATION_ACTIONS and not s.conditions_on(GRANT_IS_FOR_AWS_RESOURCE_KEY)
        for p in s.aws_principals()
    }
    use = {p for s in document.allows() if s.kms_actions & USAGE_ACTIONS for p in s.aws_principals()}
    root = f"arn:{build['partition']}:iam::{build['account_id']}:root"
    if spec.separation_of_duties_waiver is None:
        assert administer & use <= ({root} if spec.root_access == "full" else set())
    if build["retired"]:
        assert not {"Encrypt", "Sign", "GenerateMac", "DeriveSharedSecret", "CreateGrant"} & {
            a for s in document.allows() if s.aws_principals() != (root,) for a in s.kms_actions
        }
    # Every role the spec fills appears in the policy (nothing silently dropped) unless retired.
    if not build["retired"]:
        for role in spec.principals.roles_in_use():
            principals = set(spec.principals.by_role(UsageRole(role)))
            assert principals <= {p for s in document.allows() for p in s.aws_principals()}

    _service_principals_stay_in_the_stack(document, build["account_id"], spec.region, spec.replica_regions)

    findings = parliament.analyze_policy_string(text, ignore_private_auditors=True).findings
    # AWS prints ARN operators on CloudWatch Logs' encryption-context key, which parliament types as
    # a String: its MISMATCHED_TYPE is expected exactly when the policy has a CloudWatch Logs statement.
    logs = any((s.sid or "").startswith("CloudWatchLogs") for s in document.statements)
    expected = {"RESOURCE_STAR", "MISMATCHED_TYPE"} if logs else {"RESOURCE_STAR"}
    assert {f.issue for f in findings} <= expected, [(f.issue, f.detail) for f in findings]


#: The one documented service statement without a source condition: Route 53's CreateGrant, limited
#: to grants for AWS resources (kmsguard.builders.integrations._route53_dnssec).
_UNSCOPED_BY_DESIGN = {"Route53DnssecGrants"}


def _service_principals_stay_in_the_stack(
    document: PolicyDocument, account: str, primary: str | None, replicas: tuple[str, ...]
) -> None:
    """Every Allow for a service principal names this account, and every ARN it names is in the
    account (or names none, like S3 and Route 53 ARNs) and in one of the key's regions."""
    regions = {primary, *replicas, ""}
    for statement in document.allows():
        if not any(p.kind == "Service" for p in statement.principals):
            continue
        if statement.sid in _UNSCOPED_BY_DESIGN:
            assert [c.key for c in statement.conditions] == [GRANT_IS_FOR_AWS_RESOURCE_KEY]
            continue
        pinned = False
        for condition in statement.conditions:
            assert condition.base_operator in RESTRICTING_OPERATORS, statement.label
            for value in condition.values:
                if condition.key_lower == "aws:sourceaccount":
                    assert value == account, statement.label
                    pinned = True
                elif value.startswith("arn:"):
                    _, _, _, region, arn_account, _ = value.split(":", 5)
                    assert arn_account in ("", account), (statement.label, value)
                    assert region in regions, (statement.label, value)
                    pinned = pinned or arn_account == account
        assert pinned, statement.label
