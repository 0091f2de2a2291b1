"""A program that misbehaves the way its stack's `faults:fault` says (see tests/gate/faults)."""

import asyncio
import contextlib
import json
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
elif fault == "secrets":
    principal = "arn:aws:iam::444455556666:role/SecretPolicyPrincipal"
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "SecretSid", "Effect": "Allow", "Principal": {"AWS": principal}, "Action": "kms:*"}
        ],
    }
    key = aws.kms.Key(
        "key",
        description=pulumi.Output.secret("SecretDescription of the payments key"),
        policy=pulumi.Output.secret(json.dumps(policy)),
    )
    aws.kms.Alias("alias", name=pulumi.Output.secret("alias/secret-alias-name"), target_key_id=key.id)
    aws.kms.Grant(
        "grant",
        key_id=key.id,
        grantee_principal=pulumi.Output.secret("arn:aws:iam::444455556666:role/SecretGranteeRole"),
        operations=["Decrypt"],
    )
elif fault == "unknown":
    known = asyncio.get_event_loop().create_future()
    known.set_result(False)
    value = asyncio.get_event_loop().create_future()
    value.set_result(None)
    unknown: pulumi.Output[str] = pulumi.Output(set(), value, known)  # as an output known only after `up`
    aws.kms.Key("key", enable_key_rotation=True, policy=unknown, tags={"Owner": unknown, "Team": "payments"})
elif fault == "forged":
    aws.kms.Key("key\nPASSED: no policy violations\x1b[32m", enable_key_rotation=True)
elif (
    fault == "unique-id"
):  # the provider computes unique_id: the mocks must know it, or the policy is unjudged
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    role = aws.iam.Role("app", assume_role_policy=json.dumps(trust))
    public = {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*", "Resource": "*"}
    aws.kms.Key(
        "key",
        enable_key_rotation=True,
        policy=role.unique_id.apply(lambda _: json.dumps({"Version": "2012-10-17", "Statement": [public]})),
    )
elif fault == "many":  # enough for the pack to fail while the program still registers
    for index in range(1500):
        aws.kms.Key(f"key-{index}", enable_key_rotation=True)
elif fault == "empty":
    pass
else:
    aws.kms.Key("key", enable_key_rotation=True)
    aws.kms.Key("other", enable_key_rotation=True)
