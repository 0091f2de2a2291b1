"""Pure builders (no pulumi import): a valid `KmsKeySpec` → key policy, consumer IAM policies, grants.

- `build_key_policy(spec, *, account_id, partition, region, retired=False) -> dict`
- `render_policy(document) -> str` (canonical JSON: same spec, same bytes)
- `build_consumer_policies(spec, *, key_arns) -> {account_id: IAM policy document}`
- `plan_grants(spec) -> tuple[GrantPlan, ...]`
- `build_auditor_policy(*, account_id, partition) -> dict` (what `kmsguard audit` may call)
Fixed Sids per role: `kmsguard.spec.sids`.
"""

from kmsguard.builders.auditor import build_auditor_policy
from kmsguard.builders.consumer import build_consumer_policies
from kmsguard.builders.grants import GrantPlan, plan_grants
from kmsguard.builders.key_policy import build_key_policy, check_policy, key_regions
from kmsguard.builders.render import policy_size, render_policy
from kmsguard.builders.roles import administration_actions, critical_actions, usage_actions

__all__ = [
    "GrantPlan",
    "administration_actions",
    "build_auditor_policy",
    "build_consumer_policies",
    "build_key_policy",
    "check_policy",
    "critical_actions",
    "key_regions",
    "plan_grants",
    "policy_size",
    "render_policy",
    "usage_actions",
]
