"""A program that misbehaves the way its stack's `faults:fault` says (see tests/gate/faults)."""

import asyncio
import contextlib
import time

import pulumi
import pulumi_aws as aws

fault = pulumi.Config().get("fault") or "ok"

if fault == "hangs":
    while True:
        time.sleep(1)
if fault == "swallows":  # even the gate's own abort is caught: only the watchdog can end this
    while True:
        with contextlib.suppress(BaseException):
            time.sleep(1)
if fault == "raises":
    raise RuntimeError("the catalog is broken\nsecond line of the message")
if fault == "never-resolves":
    never = asyncio.get_event_loop().create_future()
    aws.kms.Key("pending", description=pulumi.Output.from_input(never))
elif fault == "nan":
    aws.kms.Key("nan", deletion_window_in_days=float("nan"))
elif fault == "deep":
    aws.kms.Key("deep", policy="[" * 100_000)
else:
    aws.kms.Key("key", enable_key_rotation=True)
    aws.kms.Key("other", enable_key_rotation=True)
