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
        json.loads(policy)  # 100,000 nested `[`: RecursionError


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
