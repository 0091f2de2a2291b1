"""S8: every key has a key policy of its own making: on the key, or from an `aws.kms.KeyPolicy` of the stack."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from ..documents import carried_policies
from ..facts import ALL_KEY_TYPES, KEY_POLICY_TYPE
from ..props import ABSENT, CannotJudge, read_string
from ..rule import Context, Finding, Resource, Result, RuleMeta, StackRule, violations
from ..stack_links import KEY_IDENTIFIER_PROPS, KeyIndex, key_policies_by_key, keys
from .r03_key_requires_key_policy import META as R03

META = RuleMeta(
    id="KG-S08",
    name="kms-stack-requires-key-policy",
    title="Every key without its own policy gets one from an aws.kms.KeyPolicy",
    description=(
        "A key (`aws.kms.Key`, `ExternalKey`, `ReplicaKey`, `ReplicaExternalKey`) that does not set "
        "`policy` itself (KG-R03 judges the ones that do) must be covered by an `aws.kms.KeyPolicy` of the "
        "stack with a non-empty `policy`: its `keyId` equals the key's `id`, `keyId` or `arn`, or, while "
        "either side is unknown (preview), the KeyPolicy depends on the key (else both are children of the "
        "same component, or the key is its parent). A KeyPolicy whose `keyId` is not a string cannot be "
        "linked and is a violation itself. Checkov (CKV2_AWS_64) and KICS accept a separate KeyPolicy the "
        "same way."
    ),
    rationale=R03.rationale,
    remediation=(
        "Set `policy` on the key, or add an `aws.kms.KeyPolicy` with `key_id=key.id` and the policy; never "
        "both for one key (they overwrite each other on every update)."
    ),
    url=R03.url,
    severity=R03.severity,
    resource_types=ALL_KEY_TYPES,
    unknowns=(
        "A KeyPolicy whose `keyId` is unknown covers the key it depends on (or shares a parent with); a "
        "KeyPolicy whose `policy` is unknown covers its key (the content is judged by the key-policy rules "
        "once known). A key linked to no KeyPolicy is a violation."
    ),
    frameworks=R03.frameworks,
)

_FIX: Final = (
    "set policy on the key, or add an aws.kms.KeyPolicy whose keyId is the key's id with the key's policy"
)


def _sets_a_policy(key_policy: Resource) -> bool:
    # An empty or null policy sets nothing (KG-R20 reports it on the KeyPolicy itself).
    return read_string(key_policy.props, "policy") is not ABSENT


def check(resources: Sequence[Resource], context: Context) -> Result:
    all_keys = keys(resources, ALL_KEY_TYPES)
    findings: list[Finding] = []
    for key_policy in (r for r in resources if r.type == KEY_POLICY_TYPE):
        key_id = read_string(key_policy.props, "keyId")
        if isinstance(key_id, CannotJudge):
            findings.append(
                Finding(f"{key_id.message}; set keyId to the id or ARN of the key it sets", key_policy.urn)
            )
    bare = [k for k in all_keys if not carried_policies(k)]
    if not bare:
        return violations(findings)
    separate = key_policies_by_key(resources, KeyIndex(all_keys))
    findings.extend(
        Finding(
            f"key {key.name!r} sets no policy and no aws.kms.KeyPolicy of this stack sets one for it (matched "
            f"by {', '.join(KEY_IDENTIFIER_PROPS)}, else the dependency graph), so AWS's default gives the "
            f"account root kms:*; {_FIX}",
            key.urn,
        )
        for key in bare
        if not any(_sets_a_policy(kp) for kp in separate.get(key.urn, ()))
    )
    return violations(findings)


RULE = StackRule(META, check)
