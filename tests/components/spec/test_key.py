"""Every validation rule of a key spec: one mutation of a valid baseline → the exact error list.

Each row changes one thing; the messages name the field path and say what to do.
"""

from __future__ import annotations

from typing import Any

import pytest

from kmsguard.errors import SpecError
from kmsguard.spec import KmsKeySpec, parse_key_spec
from tests.components.spec.baseline import (
    ACCOUNT,
    ADMIN,
    BASELINE,
    DEPLOYER,
    OTHER_ACCOUNT,
    SERVICE_USER,
    USER,
    mutate,
)

A = ACCOUNT
HMAC = {"type": "hmac", "key_spec": "HMAC_256"}
HMAC_BASE = mutate("principals", {"mac_users": [USER]}, mutate("kind", HMAC))
EXTRA = {
    "sid": "DenyOutsideOrg",
    "effect": "Deny",
    "all_principals": True,
    "actions": ["kms:Decrypt"],
    "conditions": {"StringNotEquals": {"aws:PrincipalOrgID": "o-abcdefghij"}},
}
GRANT = {
    "name": "batch",
    "grantee": f"arn:aws:iam::{A}:role/Batch",
    "operations": ["Decrypt"],
    "constraints": {"encryption_context_subset": {"tenant": "acme"}},
}
INVALID = [
    pytest.param(
        mutate("colour", "blue"),
        ("colour: is not a known field; remove it or fix its spelling",),
        id="unknown-field",
    ),
    pytest.param(
        mutate("environment", "prd"),
        (
            "environment: 'prd' is not a known environment; use one of dev, development, test, qa, staging, prod, production",
        ),
        id="environment-unknown",
    ),
    pytest.param(
        mutate("function", "Orders"),
        ("function: 'Orders' must be lowercase letters and digits only; drop other characters",),
        id="function-uppercase",
    ),
    pytest.param(
        mutate("team", "pay-ments"),
        ("team: 'pay-ments' must be lowercase letters and digits only; drop other characters",),
        id="team-hyphen",
    ),
    pytest.param(
        mutate("description", "keys"),
        ("description: string should have at least 10 characters; change the text",),
        id="description-short",
    ),
    pytest.param(
        mutate("description", "x" * 8193),
        ("description: string should have at most 8192 characters; change the text",),
        id="description-long",
    ),
    pytest.param(mutate("tags.owner", ...), ("tags.owner: is required; add it",), id="tag-owner-missing"),
    pytest.param(
        mutate("tags.extra", {"aws:team": "x"}),
        ("tags.extra.aws:team: tag keys starting with aws: are reserved by AWS; rename the tag",),
        id="tag-reserved-prefix",
    ),
    pytest.param(
        mutate("tags.extra", {"Owner": "x"}),
        ("tags.extra.Owner: Owner is set by the library; use the dedicated field instead",),
        id="tag-managed",
    ),
    pytest.param(
        mutate("tags.extra", {"k" * 129: "x"}),
        (
            "tags.extra.kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk: tag keys must be 1-128 characters; shorten the key",
        ),
        id="tag-key-long",
    ),
    pytest.param(
        mutate("tags.extra", {"Project": "v" * 257}),
        ("tags.extra.Project: tag values must be at most 256 characters; shorten it",),
        id="tag-value-long",
    ),
    pytest.param(
        mutate("tags.extra", {f"T{i}": "x" for i in range(47)}),
        ("tags.extra: the key would carry 51 tags, AWS allows 50; drop some",),
        id="tags-too-many",
    ),
    pytest.param(
        mutate("extra_aliases", ["alias/aws/orders"]),
        (
            "extra_aliases[0]: 'alias/aws/orders' is under alias/aws/, which AWS reserves; choose another name",
        ),
        id="alias-reserved",
    ),
    pytest.param(
        mutate("extra_aliases", ["orders"]),
        (
            "extra_aliases[0]: 'orders' is not a KMS alias; use alias/ followed by letters, digits, / _ - (at most 256 characters)",
        ),
        id="alias-syntax",
    ),
    pytest.param(
        mutate("kind", {"type": "aes"}),
        (
            "kind: type 'aes' is unknown; use one of 'symmetric', 'rsa_encryption', 'signing', 'key_agreement', 'hmac', 'imported', 'cloudhsm', 'external_key_store'",
        ),
        id="kind-unknown",
    ),
    pytest.param(
        mutate("kind", {}), ("kind: needs a 'type' field; add one of the known types",), id="kind-no-type"
    ),
    pytest.param(
        mutate("kind", {"type": "rsa_encryption", "key_spec": "ECC_NIST_P256"}),
        ("kind.key_spec: input should be 'RSA_2048', 'RSA_3072' or 'RSA_4096'; pick one of those",),
        id="rsa-encryption-spec",
    ),
    pytest.param(
        mutate("kind", {"type": "signing", "key_spec": "HMAC_256"}),
        (
            "kind.key_spec: input should be 'RSA_2048', 'RSA_3072', 'RSA_4096', 'ECC_NIST_P256', 'ECC_NIST_P384', 'ECC_NIST_P521' or 'ECC_SECG_P256K1'; pick one of those",
        ),
        id="signing-spec",
    ),
    pytest.param(
        mutate("kind", {"type": "key_agreement", "key_spec": "ECC_SECG_P256K1"}),
        (
            "kind.key_spec: input should be 'ECC_NIST_P256', 'ECC_NIST_P384' or 'ECC_NIST_P521'; pick one of those",
        ),
        id="key-agreement-spec",
    ),
    pytest.param(
        mutate("kind", {"type": "hmac", "key_spec": "HMAC_128"}),
        (
            "kind.key_spec: input should be 'HMAC_224', 'HMAC_256', 'HMAC_384' or 'HMAC_512'; pick one of those",
        ),
        id="hmac-spec",
    ),
    pytest.param(
        mutate("kind", {"type": "imported", "key_usage": "SIGN_VERIFY", "valid_to": "2027-06-30T00:00:00Z"}),
        ("kind.key_usage: SIGN_VERIFY is not allowed for SYMMETRIC_DEFAULT; use ENCRYPT_DECRYPT",),
        id="imported-usage",
    ),
    pytest.param(
        mutate("kind", {"type": "imported"}),
        ("kind.valid_to: is required; add it",),
        id="imported-valid-to-missing",
    ),
    pytest.param(
        mutate("kind", {"type": "imported", "valid_to": "2027-06-30T00:00:00"}),
        ("kind.valid_to: needs a timezone; write it like 2027-06-30T00:00:00Z",),
        id="imported-valid-to-naive",
    ),
    pytest.param(
        mutate("kind", {"type": "cloudhsm", "custom_key_store_id": "store-1"}),
        (
            "kind.custom_key_store_id: string should match pattern '^cks-[a-z0-9]+$'; change the value to match",
        ),
        id="cloudhsm-id",
    ),
    pytest.param(
        mutate("kind", {"type": "external_key_store", "custom_key_store_id": "cks-1234"}),
        ("kind.xks_key_id: is required; add it",),
        id="xks-key-id-missing",
    ),
    pytest.param(
        mutate("rotation", {"automatic": True}, HMAC_BASE),
        (
            "rotation.automatic: hmac (HMAC_256, GENERATE_VERIFY_MAC) keys cannot rotate automatically; remove it and use rotation.manual",
        ),
        id="rotation-automatic-hmac",
    ),
    pytest.param(
        mutate("rotation", {"period_days": 180}, HMAC_BASE),
        (
            "rotation.period_days: hmac (HMAC_256, GENERATE_VERIFY_MAC) keys do not rotate automatically; remove it",
        ),
        id="rotation-period-hmac",
    ),
    pytest.param(
        mutate("rotation", {"period_days": 89}),
        ("rotation.period_days: input should be greater than or equal to 90; change the value",),
        id="rotation-period-low",
    ),
    pytest.param(
        mutate("rotation", {"period_days": 2561}),
        ("rotation.period_days: input should be less than or equal to 2560; change the value",),
        id="rotation-period-high",
    ),
    pytest.param(
        mutate("rotation", {"manual": {"generations": []}}),
        ("rotation.manual.generations: needs at least 1 item(s); add one",),
        id="manual-empty",
    ),
    pytest.param(
        mutate("rotation", {"manual": {"generations": ["g1", "g2", "g1"]}}),
        ("rotation.manual.generations: lists g1 more than once; give each generation a new id",),
        id="manual-duplicate",
    ),
    pytest.param(
        mutate("rotation", {"manual": {"generations": ["2024_q1"]}}),
        (
            "rotation.manual.generations[0]: '2024_q1' must be lowercase letters and digits only; drop other characters",
        ),
        id="manual-bad-id",
    ),
    pytest.param(
        mutate("deletion_window_days", 6),
        ("deletion_window_days: input should be greater than or equal to 7; change the value",),
        id="deletion-window-low",
    ),
    pytest.param(
        mutate("deletion_window_days", 31),
        ("deletion_window_days: input should be less than or equal to 30; change the value",),
        id="deletion-window-high",
    ),
    pytest.param(
        mutate("region", "europe"),
        ("region: 'europe' is not an AWS region; use a region code such as eu-west-1",),
        id="region-bad",
    ),
    pytest.param(
        mutate("multi_region", {"replica_regions": ["us-east-1"]}),
        ("multi_region.reason: is required; add it",),
        id="multi-region-reason-missing",
    ),
    pytest.param(
        mutate("multi_region", {"replica_regions": ["us-east-1"], "reason": "dr"}),
        ("multi_region.reason: string should have at least 10 characters; change the text",),
        id="multi-region-reason-short",
    ),
    pytest.param(
        mutate("multi_region", {"replica_regions": [], "reason": "disaster recovery"}),
        ("multi_region.replica_regions: needs at least 1 item(s); add one",),
        id="multi-region-no-replicas",
    ),
    pytest.param(
        mutate(
            "multi_region", {"replica_regions": ["us-east-1", "us-east-1"], "reason": "disaster recovery"}
        ),
        ("multi_region.replica_regions: lists us-east-1 more than once; list each region once",),
        id="multi-region-duplicate",
    ),
    pytest.param(
        mutate(
            "multi_region", {"replica_regions": ["us-east-1", "eu-west-1"], "reason": "disaster recovery"}
        ),
        (
            "multi_region.replica_regions[1]: eu-west-1 is the primary's region; replicate to other regions only",
        ),
        id="multi-region-primary",
    ),
    pytest.param(
        mutate(
            "multi_region",
            {"replica_regions": ["us-east-1"], "reason": "disaster recovery"},
            mutate("kind", {"type": "cloudhsm", "custom_key_store_id": "cks-1234"}),
        ),
        ("multi_region: cloudhsm keys cannot be multi-region; remove multi_region",),
        id="multi-region-cloudhsm",
    ),
    pytest.param(
        mutate(
            "multi_region",
            {"replica_regions": ["us-east-1"], "reason": "disaster recovery"},
            mutate(
                "kind", {"type": "external_key_store", "custom_key_store_id": "cks-1234", "xks_key_id": "k1"}
            ),
        ),
        ("multi_region: external_key_store keys cannot be multi-region; remove multi_region",),
        id="multi-region-xks",
    ),
    pytest.param(mutate("deployer", ...), ("deployer: is required; add it",), id="deployer-missing"),
    pytest.param(
        mutate("deployer", f"arn:aws:iam::{A}:user/ci"),
        (
            "deployer: 'arn:aws:iam::111122223333:user/ci' is not a role ARN; name the IAM role that runs `pulumi up`",
        ),
        id="deployer-user",
    ),
    pytest.param(
        mutate("deployer", f"arn:aws:iam::{A}:root"),
        (
            "deployer: 'arn:aws:iam::111122223333:root' is not a role ARN; name the IAM role that runs `pulumi up`",
        ),
        id="deployer-root",
    ),
    pytest.param(
        mutate("principals.users", [f"arn:aws-eu:iam::{A}:role/X"]),
        (
            "principals.users[0]: 'arn:aws-eu:iam::111122223333:role/X' is not an IAM principal ARN; use arn:<aws|aws-cn|aws-us-gov>:iam::<12-digit account>:role/<name>, user/<name> or root",
        ),
        id="principal-partition",
    ),
    pytest.param(
        mutate("principals.users", ["arn:aws:iam::11112222333:role/X"]),
        (
            "principals.users[0]: 'arn:aws:iam::11112222333:role/X' is not an IAM principal ARN; use arn:<aws|aws-cn|aws-us-gov>:iam::<12-digit account>:role/<name>, user/<name> or root",
        ),
        id="principal-account",
    ),
    pytest.param(
        mutate("principals.users", [f"arn:aws:iam::{A}:role/*"]),
        (
            "principals.users[0]: 'arn:aws:iam::111122223333:role/*' contains a wildcard; name one role, user or account root",
        ),
        id="principal-wildcard",
    ),
    pytest.param(
        mutate("principals.users", [f"arn:aws:iam::{A}:group/devs"]),
        (
            "principals.users[0]: 'arn:aws:iam::111122223333:group/devs' is not an IAM principal ARN; use arn:<aws|aws-cn|aws-us-gov>:iam::<12-digit account>:role/<name>, user/<name> or root",
        ),
        id="principal-group",
    ),
    pytest.param(
        mutate("principals.users", [USER, USER]),
        (
            "principals.users: lists arn:aws:iam::111122223333:role/OrdersService more than once; list each principal once",
        ),
        id="principal-duplicate",
    ),
    pytest.param(
        mutate("principals.signers", [USER]),
        (
            "principals.signers: symmetric (SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT) keys do not support signers; use decrypt_only_users, encrypt_only_users, service_users, users",
        ),
        id="role-not-for-kind",
    ),
    pytest.param(
        mutate(
            "principals",
            {"service_users": [{"principal": SERVICE_USER, "services": ["s3"]}]},
            mutate("kind", {"type": "rsa_encryption", "key_spec": "RSA_2048"}),
        ),
        (
            "principals.service_users: rsa_encryption (RSA_2048, ENCRYPT_DECRYPT) keys do not support service_users; use decrypt_only_users, encrypt_only_users, users",
        ),
        id="service-users-rsa",
    ),
    pytest.param(
        mutate("principals.service_users", [{"principal": SERVICE_USER, "services": ["glacier"]}]),
        (
            "principals.service_users[0].services[0]: input should be 's3', 'ec2', 'rds', 'dynamodb', 'secretsmanager', 'ssm', 'lambda', 'sqs', 'sns', 'kinesis', 'logs' or 'backup'; pick one of those",
        ),
        id="service-unknown",
    ),
    pytest.param(
        mutate("principals.service_users", [{"principal": SERVICE_USER, "services": []}]),
        ("principals.service_users[0].services: needs at least 1 item(s); add one",),
        id="service-none",
    ),
    pytest.param(
        mutate("principals.service_users", [{"principal": SERVICE_USER, "services": ["s3", "s3"]}]),
        ("principals.service_users[0].services: lists s3 more than once; list each service once",),
        id="service-duplicate",
    ),
    pytest.param(
        mutate("principals.users", [ADMIN]),
        (
            "principals.users[0]: arn:aws:iam::111122223333:role/KeyAdministrators also administers the key; use separate principals or set separation_of_duties_waiver",
        ),
        id="sod-admin-user",
    ),
    pytest.param(
        mutate("principals.decrypt_only_users", [DEPLOYER]),
        (
            "principals.decrypt_only_users[0]: arn:aws:iam::111122223333:role/PulumiDeployer also administers the key; use separate principals or set separation_of_duties_waiver",
        ),
        id="sod-deployer-user",
    ),
    pytest.param(
        mutate("grants", [{**GRANT, "grantee": ADMIN}]),
        (
            "grants[0].grantee: arn:aws:iam::111122223333:role/KeyAdministrators also administers the key; use separate principals or set separation_of_duties_waiver",
        ),
        id="sod-grantee-admin",
    ),
    pytest.param(
        mutate("separation_of_duties_waiver", "break-glass role approved in SEC-123"),
        ("separation_of_duties_waiver: no principal both administers and uses the key; remove the waiver",),
        id="sod-waiver-unneeded",
    ),
    pytest.param(
        mutate("separation_of_duties_waiver", "because"),
        ("separation_of_duties_waiver: string should have at least 20 characters; change the text",),
        id="sod-waiver-short",
    ),
    pytest.param(
        mutate("root_access", "all"),
        ("root_access: input should be 'none', 'admin' or 'full'; pick one of those",),
        id="root-access-invalid",
    ),
    pytest.param(
        mutate("mfa", {"actions": ["Decrypt"]}),
        (
            "mfa.actions[0]: input should be 'DeleteAlias', 'DeleteImportedKeyMaterial', 'DisableKey', 'DisableKeyRotation', 'PutKeyPolicy' or 'ScheduleKeyDeletion'; pick one of those",
        ),
        id="mfa-action-unknown",
    ),
    pytest.param(
        mutate("mfa", {"actions": []}),
        ("mfa.actions: needs at least 1 item(s); add one",),
        id="mfa-actions-empty",
    ),
    pytest.param(
        mutate("mfa", {"actions": ["PutKeyPolicy", "PutKeyPolicy"]}),
        ("mfa.actions: lists PutKeyPolicy more than once; list each action once",),
        id="mfa-action-duplicate",
    ),
    pytest.param(
        mutate("mfa", {"max_age_seconds": 7200}),
        ("mfa.max_age_seconds: input should be less than or equal to 3600; change the value",),
        id="mfa-age-high",
    ),
    pytest.param(
        mutate("encryption_context", {}),
        ("encryption_context: is empty; set required_keys or equals, or remove encryption_context",),
        id="context-empty",
    ),
    pytest.param(
        mutate("encryption_context", {"required_keys": ["tenant"], "equals": {"tenant": "acme"}}),
        ("encryption_context.required_keys: tenant also in equals; list each key in one place",),
        id="context-overlap",
    ),
    pytest.param(
        mutate("encryption_context", {"required_keys": ["tenant"]}, HMAC_BASE),
        (
            "encryption_context: hmac (HMAC_256, GENERATE_VERIFY_MAC) keys do not take an encryption context; remove encryption_context",
        ),
        id="context-hmac",
    ),
    pytest.param(
        mutate("cross_account", [{"account_id": "4444", "role": "users"}]),
        (
            "cross_account[0].account_id: '4444' is not an AWS account id; use the 12-digit id as a quoted string",
        ),
        id="cross-account-id",
    ),
    pytest.param(
        mutate("cross_account", [{"account_id": OTHER_ACCOUNT, "role": "administrators"}]),
        (
            "cross_account[0].role: input should be 'users', 'encrypt_only_users', 'decrypt_only_users', 'signers', 'verifiers', 'mac_users' or 'key_agreement_users'; pick one of those",
        ),
        id="cross-account-admin",
    ),
    pytest.param(
        mutate("cross_account", [{"account_id": OTHER_ACCOUNT, "role": "signers"}]),
        (
            "cross_account[0].role: symmetric (SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT) keys do not support signers; use decrypt_only_users, encrypt_only_users, users",
        ),
        id="cross-account-role-kind",
    ),
    pytest.param(
        mutate("cross_account", [{"account_id": OTHER_ACCOUNT, "role": "users", "principals": [USER]}]),
        (
            "cross_account[0].principals[0]: 'arn:aws:iam::111122223333:role/OrdersService' is not in account 444455556666; name principals of that account",
        ),
        id="cross-account-foreign-principal",
    ),
    pytest.param(
        mutate(
            "cross_account",
            [
                {"account_id": OTHER_ACCOUNT, "role": "users"},
                {"account_id": OTHER_ACCOUNT, "role": "decrypt_only_users"},
            ],
        ),
        ("cross_account[1].account_id: is listed twice; give each account one entry",),
        id="cross-account-twice",
    ),
    pytest.param(
        mutate("cross_account", [{"account_id": OTHER_ACCOUNT, "role": "users", "organization_id": "org-1"}]),
        (
            "cross_account[0].organization_id: 'org-1' is not an organization id; use o- followed by 10-32 lowercase letters or digits",
        ),
        id="cross-account-org",
    ),
    pytest.param(
        mutate("grants", [{**GRANT, "operations": ["Decrypt", "CreateGrant"]}]),
        (
            "grants[0].operations: CreateGrant would let the grantee hand the key on; remove it and give each principal its own grant",
        ),
        id="grant-redelegation",
    ),
    pytest.param(
        mutate("grants", [{**GRANT, "operations": ["Sign"]}]),
        (
            "grants[0].operations[0]: Sign does not apply to symmetric (SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT) keys; use Decrypt, DescribeKey, Encrypt, GenerateDataKey, GenerateDataKeyPair, GenerateDataKeyPairWithoutPlaintext, GenerateDataKeyWithoutPlaintext, ReEncryptFrom, ReEncryptTo",
        ),
        id="grant-op-kind",
    ),
    pytest.param(
        mutate("grants", [{k: v for k, v in GRANT.items() if k != "constraints"}]),
        (
            "grants[0].constraints: grants on encryption keys need an encryption-context constraint; set constraints",
        ),
        id="grant-no-constraints",
    ),
    pytest.param(
        mutate("grants", [{**GRANT, "operations": ["GenerateMac"]}], HMAC_BASE),
        (
            "grants[0].constraints: hmac (HMAC_256, GENERATE_VERIFY_MAC) keys do not take encryption-context constraints; remove constraints",
        ),
        id="grant-constraints-hmac",
    ),
    pytest.param(
        mutate(
            "grants",
            [
                {
                    **GRANT,
                    "constraints": {
                        "encryption_context_subset": {"a": "b"},
                        "encryption_context_equals": {"a": "b"},
                    },
                }
            ],
        ),
        (
            "grants[0].constraints: needs exactly one of encryption_context_equals and encryption_context_subset; set one",
        ),
        id="grant-constraints-both",
    ),
    pytest.param(
        mutate("grants", [{**GRANT, "constraints": {"encryption_context_subset": {}}}]),
        ("grants[0].constraints: has an empty encryption context; give at least one key=value pair",),
        id="grant-constraints-empty",
    ),
    pytest.param(
        mutate("grants", [GRANT, GRANT]),
        ("grants[1].name: 'batch' is used twice; give each grant its own name",),
        id="grant-duplicate-name",
    ),
    pytest.param(
        mutate("grants", [{**GRANT, "name": "Batch_1"}]),
        (
            "grants[0].name: string should match pattern '^[a-z0-9][a-z0-9-]{0,62}$'; change the value to match",
        ),
        id="grant-bad-name",
    ),
    pytest.param(
        mutate("extra_statements", [{**EXTRA, "actions": ["kms:*"]}]),
        ("extra_statements[0].actions[0]: 'kms:*' is a wildcard; list explicit KMS actions",),
        id="extra-wildcard",
    ),
    pytest.param(
        mutate("extra_statements", [{**EXTRA, "actions": ["s3:GetObject"]}]),
        (
            "extra_statements[0].actions[0]: 's3:GetObject' is not a KMS action; write kms:<Action>, e.g. kms:Decrypt",
        ),
        id="extra-unknown-action",
    ),
    pytest.param(
        mutate(
            "extra_statements",
            [{"sid": "X", "effect": "Allow", "principals": [USER], "not_actions": ["kms:Decrypt"]}],
        ),
        (
            "extra_statements[0].not_actions: an Allow with NotAction grants every other action; list actions instead",
        ),
        id="extra-allow-not-actions",
    ),
    pytest.param(
        mutate("extra_statements", [{**EXTRA, "effect": "Allow"}]),
        (
            "extra_statements[0].all_principals: an Allow for every principal makes the key public; name principals",
        ),
        id="extra-allow-everyone",
    ),
    pytest.param(
        mutate(
            "extra_statements",
            [{"sid": "X", "effect": "Allow", "principals": [USER], "actions": ["kms:ScheduleKeyDeletion"]}],
        ),
        (
            "extra_statements[0].actions: grants administration (ScheduleKeyDeletion); give it through administrators",
        ),
        id="extra-allow-admin",
    ),
    pytest.param(
        mutate("extra_statements", [{**EXTRA, "sid": "KeyUsage"}]),
        ("extra_statements[0].sid: KeyUsage is reserved by the builder; rename it",),
        id="extra-reserved-sid",
    ),
    pytest.param(
        mutate("extra_statements", [EXTRA, EXTRA]),
        ("extra_statements[1].sid: DenyOutsideOrg is used twice; make Sids unique",),
        id="extra-duplicate-sid",
    ),
    pytest.param(
        mutate("extra_statements", [{**EXTRA, "conditions": {"StringEquals": {}}}]),
        (
            "extra_statements[0].conditions: Statement[0].Condition.StringEquals must be a non-empty object; write operator -> key -> value(s)",
        ),
        id="extra-bad-condition",
    ),
    pytest.param(
        mutate("extra_statements", [{**EXTRA, "all_principals": False}]),
        (
            "extra_statements[0].principals: set exactly one of principals, all_principals and service_principals; name the principals",
        ),
        id="extra-no-principal",
    ),
    pytest.param(
        mutate("extra_statements", [{**EXTRA, "actions": []}]),
        ("extra_statements[0].actions: set exactly one of actions and not_actions; list the KMS actions",),
        id="extra-no-actions",
    ),
    pytest.param(
        mutate("team", "payments\n"),
        ("team: 'payments\\n' must be lowercase letters and digits only; drop other characters",),
        id="team-trailing-newline",
    ),
    pytest.param(
        mutate("function", "a" * 240),
        ("function: the alias alias/prod-… would be 260 characters, KMS allows 256; shorten function",),
        id="alias-too-long-function",
    ),
    pytest.param(
        mutate("team", "t" * 250),
        ("team: the alias alias/prod-… would be 268 characters, KMS allows 256; shorten team",),
        id="alias-too-long-team",
    ),
    pytest.param(
        mutate("region", "eu-west-9"),
        ("region: 'eu-west-9' is not a KMS region of AWS; did you mean eu-west-3?",),
        id="region-does-not-exist",
    ),
    pytest.param(
        mutate("multi_region", {"replica_regions": ["eu-centrl-1"], "reason": "disaster recovery"}),
        (
            "multi_region.replica_regions[0]: 'eu-centrl-1' is not a KMS region of AWS; did you mean eu-central-1?",
        ),
        id="replica-region-misspelt",
    ),
    pytest.param(
        mutate("multi_region", {"replica_regions": ["eu-west-1\n"], "reason": "disaster recovery"}),
        (
            "multi_region.replica_regions[0]: 'eu-west-1\\n' is not an AWS region; use a region code such as eu-west-1",
        ),
        id="replica-region-trailing-newline-is-not-a-second-region",
    ),
    pytest.param(
        mutate("cross_account", [{"account_id": "\u0664" * 12, "role": "decrypt_only_users"}]),
        (
            "cross_account[0].account_id: '\u0664\u0664\u0664\u0664\u0664\u0664\u0664\u0664\u0664\u0664\u0664\u0664' is not an AWS account id; "
            "use the 12-digit id as a quoted string",
        ),
        id="account-id-arabic-indic-digits",
    ),
    pytest.param(
        mutate("rotation", {"period_days": "365"}),
        ("rotation.period_days: '365' is not a whole number; write it without quotes, e.g. 30",),
        id="period-quoted",
    ),
    pytest.param(
        mutate("rotation", {"period_days": True}),
        ("rotation.period_days: true is not a whole number; write it without quotes, e.g. 30",),
        id="period-boolean",
    ),
    pytest.param(
        mutate("deletion_window_days", 7.0),
        ("deletion_window_days: 7.0 is not a whole number; write it without quotes, e.g. 30",),
        id="deletion-window-float",
    ),
    pytest.param(
        mutate("enabled", "false"),
        ("enabled: 'false' is not true or false; write true or false without quotes",),
        id="enabled-quoted",
    ),
]


@pytest.mark.parametrize(("data", "expected"), INVALID)
def test_invalid_spec_reports_exact_errors(data: dict[str, Any], expected: tuple[str, ...]) -> None:
    with pytest.raises(SpecError) as caught:
        parse_key_spec(data)
    assert list(caught.value.messages) == list(expected)
    assert str(caught.value) == "\n".join(expected)


def test_baseline_is_valid_and_derives_its_settings() -> None:
    spec = parse_key_spec(BASELINE)
    assert spec.alias_name == "alias/prod-orders-payments"
    assert (spec.key_spec, spec.key_usage, spec.origin) == ("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "AWS_KMS")
    assert (spec.auto_rotation, spec.rotation_period_days, spec.multi_region_enabled) == (True, 365, False)
    assert (spec.custom_key_store_id, spec.xks_key_id, spec.valid_to, spec.generations) == (
        None,
        None,
        None,
        (),
    )
    assert spec.all_tags() == {
        "Environment": "prod",
        "Owner": "payments-team",
        "CostCenter": "cc-1234",
        "DataClass": "confidential",
    }


def test_alias_names_put_the_conventional_alias_first_and_drop_duplicates() -> None:
    spec = parse_key_spec(
        mutate("extra_aliases", ["alias/orders/legacy", "alias/prod-orders-payments", "alias/orders/legacy"])
    )
    assert spec.alias_names == ("alias/prod-orders-payments", "alias/orders/legacy")


def test_multi_region_reason_becomes_a_tag_and_replicas_are_listed() -> None:
    spec = parse_key_spec(
        mutate(
            "multi_region", {"replica_regions": ["us-east-1", "ap-south-1"], "reason": "disaster recovery"}
        )
    )
    assert spec.replica_regions == ("us-east-1", "ap-south-1")
    assert spec.all_tags()["MultiRegionReason"] == "disaster recovery"


def test_kinds_that_cannot_rotate_default_to_no_automatic_rotation() -> None:
    spec = parse_key_spec(mutate("principals", {"mac_users": [USER]}, mutate("kind", HMAC)))
    assert (spec.auto_rotation, spec.rotation_period_days, spec.key_spec) == (False, None, "HMAC_256")


def test_manual_rotation_combines_with_automatic_rotation() -> None:
    spec = parse_key_spec(mutate("rotation", {"manual": {"generations": ["g1", "g2"]}}))
    assert spec.auto_rotation is True
    assert spec.rotation.manual is not None
    assert (spec.rotation.manual.active, spec.rotation.manual.retired) == ("g2", ("g1",))


def test_imported_material_exposes_valid_to_in_utc() -> None:
    spec = parse_key_spec(mutate("kind", {"type": "imported", "valid_to": "2027-06-30T02:00:00+02:00"}))
    assert (spec.origin, spec.valid_to, spec.auto_rotation) == ("EXTERNAL", "2027-06-30T00:00:00Z", False)


def test_external_key_store_exposes_its_ids() -> None:
    kind = {"type": "external_key_store", "custom_key_store_id": "cks-1234", "xks_key_id": "k-1"}
    spec = parse_key_spec(mutate("kind", kind))
    assert (spec.custom_key_store_id, spec.xks_key_id, spec.auto_rotation) == ("cks-1234", "k-1", False)


def test_environment_list_comes_from_validation_context() -> None:
    data = mutate("environment", "sandbox")
    assert parse_key_spec(data, environments=["sandbox"]).environment == "sandbox"
    spec = KmsKeySpec.model_validate(data, context={"environments": ["sandbox"]})
    assert spec.alias_name == "alias/sandbox-orders-payments"
    with pytest.raises(SpecError) as caught:
        parse_key_spec(BASELINE, environments=["sandbox"])
    assert caught.value.messages == ("environment: 'prod' is not a known environment; use one of sandbox",)


def test_path_prefix_names_the_spec_inside_a_larger_configuration() -> None:
    with pytest.raises(SpecError) as caught:
        parse_key_spec(mutate("team", "Pay"), path="kmsguard:catalog.keys[2]")
    assert caught.value.messages == (
        "kmsguard:catalog.keys[2].team: 'Pay' must be lowercase letters and digits only; drop other characters",
    )


def test_with_region_fills_the_primary_region_and_refuses_a_replica_region() -> None:
    data = mutate(
        "region",
        ...,
        mutate("multi_region", {"replica_regions": ["us-east-1"], "reason": "disaster recovery"}),
    )
    spec = parse_key_spec(data)
    assert spec.region is None
    assert spec.with_region("eu-west-1").region == "eu-west-1"
    with pytest.raises(SpecError) as caught:
        spec.with_region("us-east-1")
    assert caught.value.messages == (
        "multi_region.replica_regions[0]: us-east-1 is the primary's region; replicate to other regions only",
    )


def test_specs_are_frozen() -> None:
    spec = parse_key_spec(BASELINE)
    with pytest.raises(ValueError, match="frozen"):
        spec.team = "other"  # type: ignore[misc]
