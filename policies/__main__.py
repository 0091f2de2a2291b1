"""Entry point the Pulumi CLI runs (`python -u -m pulumi.policy <engine> .` in this folder).

`PolicyPack(...)` serves gRPC and never returns, so nothing else may import this module.
"""

import gc

from pulumi_policy import EnforcementLevel, PolicyPack

from kmsguard_policies import sdk_memo
from kmsguard_policies.adapter import to_policies
from kmsguard_policies.registry import all_rules

# Each Analyze call allocates thousands of short-lived objects (the SDK's property proxies, one set
# per policy); at the default young-generation threshold of 700 the collector runs several times
# per call. At 50,000, measured over 6,001 resources: Analyze 1.38 -> 1.17 ms of CPU per resource,
# AnalyzeStack 1.82 -> 1.25 s. Nothing the pack keeps between calls is cyclic garbage.
gc.set_threshold(50_000, *gc.get_threshold()[1:])
sdk_memo.install()

PolicyPack(
    name="kmsguard",
    description="AWS KMS best practices: rotation, least privilege, MFA, separation of duties, naming.",
    enforcement_level=EnforcementLevel.ADVISORY,
    policies=to_policies(all_rules()),
)
