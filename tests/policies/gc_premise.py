"""Run as `python -m tests.policies.gc_premise`: print how many objects a full collection finds
after the pack's real servicer has served AnalyzeStack, with every kmsguard policy, over the
example program's stack with the collector off. It runs in a fresh interpreter because a full
collection counts the garbage of the whole process: in a test session, threads left by other tests
(gRPC, moto's servers) add their own."""

from __future__ import annotations

import gc
from pathlib import Path

import pulumi_policy.policy
from pulumi_policy import EnforcementLevel

from kmsguard.gate import pack as packs
from kmsguard.gate import project
from kmsguard.gate.capture import run_program
from kmsguard.policies import adapter, registry

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "consumers"


def main() -> None:
    example = project.load(EXAMPLE, "prod")
    resources = run_program(example, lambda _resource: None)
    providers = packs.Providers(example)
    for resource in resources:
        providers.remember(resource)
    request = packs.stack_request(
        resources, {r.urn: p for r in resources if (p := providers.for_resource(r)) is not None}
    )
    servicer = pulumi_policy.policy._PolicyAnalyzerServicer(
        "kmsguard", "0.0.1", adapter.to_policies(registry.all_rules()), EnforcementLevel.ADVISORY,
        None, None, None, None, None, None, None,
    )  # fmt: skip
    gc.collect()
    gc.disable()
    response = servicer.AnalyzeStack(request, None)
    garbage = gc.collect()
    print(len(response.diagnostics), garbage)


if __name__ == "__main__":
    main()
