"""The auditor's IAM policy: exact, least privilege, and accepted by the pack."""

from __future__ import annotations

import json
from pathlib import Path

from kmsguard.builders import build_auditor_policy, render_policy
from kmsguard.policies.facts import IAM_POLICY_TYPE
from kmsguard.policies.rule import Resource
from tests.policies.golden import fired


def test_the_auditor_policy_is_exactly_the_audit_reads() -> None:
    assert build_auditor_policy(account_id="111122223333", partition="aws-us-gov") == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "KmsAuditReadKeys",
                "Effect": "Allow",
                "Action": [
                    "kms:DescribeKey",
                    "kms:GetKeyPolicy",
                    "kms:GetKeyRotationStatus",
                    "kms:ListGrants",
                    "kms:ListResourceTags",
                ],
                "Resource": "arn:aws-us-gov:kms:*:111122223333:key/*",
            },
            {
                "Sid": "KmsAuditListKeysAndAliases",
                "Effect": "Allow",
                "Action": ["kms:ListAliases", "kms:ListKeys"],
                "Resource": "*",
            },
            {
                "Sid": "KmsAuditListRegions",
                "Effect": "Allow",
                "Action": "ec2:DescribeRegions",
                "Resource": "*",
            },
        ],
    }


def test_the_auditor_policy_passes_every_resource_rule() -> None:
    policy = render_policy(build_auditor_policy(account_id="111122223333"))
    resource = Resource(
        IAM_POLICY_TYPE,
        "auditor",
        "urn:pulumi:prod::kmsguard::aws:iam/policy:Policy::auditor",
        {"policy": policy},
    )
    assert fired(resource, stack="prod") == set()


def test_the_readme_shows_the_auditor_policy_the_builder_makes() -> None:
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- auditor-policy", 1)[1].split("```json\n", 1)[1].split("\n```", 1)[0]
    assert json.loads(block) == build_auditor_policy(account_id="111122223333")
