"""A deliberately bad program: raw `pulumi_aws` resources, none of kmsguard's components."""

import json

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
identity = aws.get_caller_identity()


class Vault(pulumi.ComponentResource):
    """A hand-written wrapper, so the capture is seen to nest URNs and parents."""

    def __init__(self, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("acme:security:Vault", name, None, opts)
        self.key = aws.kms.Key(
            f"{name}-key",
            description="vault key",
            enable_key_rotation=False,
            deletion_window_in_days=7,
            policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "Everything",
                            "Effect": "Allow",
                            "Principal": {"AWS": f"arn:aws:iam::{identity.account_id}:root"},
                            "Action": "kms:*",
                            "Resource": "*",
                        }
                    ],
                }
            ),
            tags={"Owner": config.require("owner")},
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.alias = aws.kms.Alias(
            f"{name}-alias",
            name="alias/MyVault",
            target_key_id=self.key.id,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({"keyArn": self.key.arn})


vault = Vault("vault")
replica = aws.kms.ReplicaKey(
    "vault-replica",
    primary_key_arn=vault.key.arn,
    region="us-west-2",
    deletion_window_in_days=7,
    opts=pulumi.ResourceOptions(protect=True),
)
pulumi.export("keyArn", vault.key.arn)
