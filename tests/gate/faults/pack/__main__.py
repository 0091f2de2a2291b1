"""A pack that fails the way `KMSGUARD_FAULT` says; it writes its PID to `KMSGUARD_FAULT_PIDFILE`
so a test can check that the gate left no pack process behind."""

import json
import os
import signal
import time
from pathlib import Path

from pulumi_policy import (
    EnforcementLevel,
    PolicyPack,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

FAULT = os.environ.get("KMSGUARD_FAULT", "")
if pidfile := os.environ.get("KMSGUARD_FAULT_PIDFILE"):
    Path(pidfile).write_text(str(os.getpid()))

if FAULT == "wrong-port":
    print("1", flush=True)  # nothing serves there
    time.sleep(3600)
if FAULT == "garbage-port":
    print("listening on a port", flush=True)
    time.sleep(3600)


def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if FAULT == "resource-raises":
        raise RuntimeError("resource policy exploded")
    if FAULT == "rule-hangs":
        time.sleep(3600)
    if FAULT == "dies":
        os.kill(os.getpid(), signal.SIGKILL)
    policy = args.props.get("policy")
    if isinstance(policy, str):
        document = json.loads(policy)  # 100,000 nested `[`: RecursionError
        if FAULT == "echo":  # quote a piece of the document, as a careless rule would
            report(f"principal {document['Statement'][0]['Principal']['AWS']} may use the key", None)
    if FAULT == "echo":  # and every property, secrets included (rules receive them unwrapped)
        report(f"{args.name}: " + " ".join(v for v in args.props.values() if isinstance(v, str)), None)
        report(f"line one\nPASSED: no policy violations\x1b[0m in {args.name}", None)


def validate_stack(args: StackValidationArgs, report: ReportViolation) -> None:
    if FAULT == "stack-raises":
        raise RuntimeError("stack policy exploded")


PolicyPack(
    name="faults",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=[
        ResourceValidationPolicy(name="fault-resource", description="Fails on demand.", validate=validate),
        StackValidationPolicy(name="fault-stack", description="Fails on demand.", validate=validate_stack),
    ],
)
