"""Entry point the Pulumi CLI runs (`python -u -m pulumi.policy <engine> .` in this folder).

`PolicyPack(...)` serves gRPC and never returns, so nothing else may import this module.
"""

from pulumi_policy import EnforcementLevel, PolicyPack

from kmsguard_policies.adapter import to_policies
from kmsguard_policies.registry import all_rules

PolicyPack(
    name="kmsguard",
    description="AWS KMS best practices: rotation, least privilege, MFA, separation of duties, naming.",
    enforcement_level=EnforcementLevel.ADVISORY,
    policies=to_policies(all_rules()),
)
