"""Exact access matrices for every reviewed key policy in tests/components/builders/expected/.

A new expected policy without a matrix here fails `test_every_expected_policy_has_a_matrix`: what a
reviewer signs as a key policy is also pinned as who-can-do-what.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kmsguard.builders import plan_grants
from kmsguard.policies.facts import GRANT_TYPE, IAM_ROLE_POLICY_TYPE
from kmsguard.spec import parse_key_spec
from tests.components.builders.cases import CASES
from tests.gate.access.matrix import KEY_ARN, key, matrix, resource

EXPECTED = Path(__file__).resolve().parents[2] / "components" / "builders" / "expected"

MFA = "MFA within 300 s & with MFA"
ADMIN_CAPS = ("change-policy", "schedule-deletion", "administer", "revoke-grants", "describe")
DEPLOYER = {"role/PulumiDeployer": dict.fromkeys(ADMIN_CAPS, "")}
ADMINS = {
    "role/KeyAdministrators": {
        "change-policy": MFA,
        "schedule-deletion": MFA,
        "administer": "",
        "revoke-grants": "",
        "describe": "",
    }
}
SYMMETRIC_USE = ("encrypt", "decrypt", "re-encrypt-from", "re-encrypt-to", "generate-data-keys", "describe")
USER = {"role/OrdersService": dict.fromkeys(SYMMETRIC_USE, "")}
STANDARD = {**DEPLOYER, **ADMINS, **USER}
# Two statements, one per service, read as one way: through either service.
THROUGH_SERVICES = "via EBS or S3 only & from account 111122223333"
GRANTS_THROUGH_SERVICES = f"{THROUGH_SERVICES} & for AWS resources only"
SERVICE_USER = {
    "role/OrdersBucketWriter": {
        "create-grants": GRANTS_THROUGH_SERVICES,
        "revoke-grants": GRANTS_THROUGH_SERVICES,
        **dict.fromkeys(SYMMETRIC_USE, THROUGH_SERVICES),
    }
}
CONTEXT = "encryption context has order_id & encryption context tenant=acme"
ORG = "from organization o-a1b2c3d4e5"

MATRICES: dict[str, dict[str, dict[str, str]]] = {
    "symmetric": STANDARD,
    "cloudhsm": STANDARD,
    "external-key-store": STANDARD,
    "imported": STANDARD,
    "symmetric-grants": {
        **STANDARD,
        # The grant in the spec: GenerateDataKey and Decrypt, only with the context it names.
        "role/Batch": dict.fromkeys(
            ("decrypt", "generate-data-keys"), "through grant orders-grant-batch & encryption context includes tenant=acme"
        ),
        # Its retiring principal may retire it (and nothing else through it).
        "role/KeyAdministrators": {**ADMINS["role/KeyAdministrators"]},
    },
    "hmac": {**DEPLOYER, **ADMINS, "role/OrdersService": {"generate-mac": "", "verify-mac": "", "describe": ""}},
    "key-agreement": {**DEPLOYER, **ADMINS, "role/OrdersService": {"derive-shared-secret": "", "describe": ""}},
    "rsa-encryption": {
        **DEPLOYER,
        **ADMINS,
        "role/OrdersService": dict.fromkeys(("encrypt", "decrypt", "re-encrypt-from", "re-encrypt-to", "describe"), ""),
        "role/OrdersWriter": dict.fromkeys(("encrypt", "re-encrypt-to", "describe"), ""),
    },
    "signing": {
        **DEPLOYER,
        **ADMINS,
        "role/ReleaseSigner": {"sign": "", "verify": "", "describe": ""},
        "role/ReleaseVerifier": {"verify": "", "describe": ""},
    },
    # A retired generation only verifies what it signed.
    "signing-retired-generation": {
        **DEPLOYER,
        **ADMINS,
        "role/ReleaseSigner": {"verify": "", "describe": ""},
        "role/ReleaseVerifier": {"verify": "", "describe": ""},
    },
    "symmetric-no-mfa": {**DEPLOYER, "role/KeyAdministrators": dict.fromkeys(ADMIN_CAPS, ""), **USER},
    "symmetric-mfa-extra-actions": {
        **DEPLOYER,
        "role/KeyAdministrators": {
            "change-policy": "MFA within 900 s & with MFA",
            "schedule-deletion": "MFA within 900 s & with MFA",
            "administer": "",
            "revoke-grants": "",
            "describe": "",
        },
        **USER,
    },
    "symmetric-split-users": {
        **DEPLOYER,
        **ADMINS,
        "role/OrdersReader": dict.fromkeys(("decrypt", "re-encrypt-from", "describe"), ""),
        "role/OrdersWriter": dict.fromkeys(("encrypt", "re-encrypt-to", "generate-data-keys", "describe"), ""),
    },
    "symmetric-services-multi-region": {**STANDARD, **SERVICE_USER},
    "symmetric-services-replica": {**STANDARD, **SERVICE_USER},
    "symmetric-retired-generation": {
        **DEPLOYER,
        **ADMINS,
        "role/OrdersService": dict.fromkeys(("decrypt", "re-encrypt-from", "describe"), ""),
        "role/OrdersBucketWriter": dict.fromkeys(("decrypt", "re-encrypt-from", "describe"), THROUGH_SERVICES),
    },
    "symmetric-aws-cn": {
        "arn:aws-cn:iam::111122223333:role/KeyAdministrators": ADMINS["role/KeyAdministrators"],
        "arn:aws-cn:iam::111122223333:role/PulumiDeployer": DEPLOYER["role/PulumiDeployer"],
        "arn:aws-cn:iam::111122223333:role/Writer": {
            "create-grants": "via S3 only & from account 111122223333 & for AWS resources only",
            "revoke-grants": "via S3 only & from account 111122223333 & for AWS resources only",
            **dict.fromkeys(SYMMETRIC_USE, "via S3 only & from account 111122223333"),
        },
    },
    # The Deny on Decrypt outside the organisation leaves Decrypt only inside it.
    "symmetric-extra-statement": {
        **DEPLOYER,
        **ADMINS,
        "role/OrdersService": {**USER["role/OrdersService"], "decrypt": ORG},
    },
    "symmetric-root-full": {
        **STANDARD,
        "111122223333": dict.fromkeys(
            (
                "change-policy", "schedule-deletion", "administer", "create-grants", "revoke-grants", "encrypt",
                "decrypt", "re-encrypt-from", "re-encrypt-to", "generate-data-keys", "sign", "verify",
                "generate-mac", "verify-mac", "derive-shared-secret", "describe",
            ),
            "",
        ),
    },
    "symmetric-root-admin-no-admins": {
        **DEPLOYER,
        "111122223333": ADMINS["role/KeyAdministrators"],
        **USER,
    },
    "symmetric-context-cross-account": {
        **DEPLOYER,
        **ADMINS,
        "role/OrdersService": {**dict.fromkeys(SYMMETRIC_USE, CONTEXT), "describe": ""},
        "123456789012": {**dict.fromkeys(SYMMETRIC_USE, CONTEXT), "describe": ""},
        # Delegated through the account root: the consumer policy kmsguard emits for 123456789012,
        # attached to a role there, gives that role what both policies allow, under both contexts.
        "arn:aws:iam::123456789012:role/Consumer": {
            **dict.fromkeys(
                ("encrypt", "decrypt", "re-encrypt-from", "re-encrypt-to", "generate-data-keys"),
                f"through IAM policy consumer-123456789012 & {CONTEXT}",
            ),
            "describe": "through IAM policy consumer-123456789012",
        },
        # 444455556666 names one role, not its root: its consumer policy delegates nothing more.
        "arn:aws:iam::444455556666:role/PartnerReader": {
            "decrypt": f"{ORG} & {CONTEXT}",
            "re-encrypt-from": f"{ORG} & {CONTEXT}",
            "describe": ORG,
        },
    },
}  # fmt: skip

# Service integrations (issue 10): service principals scoped by the confused-deputy conditions.
A = "111122223333"
TWO_REGIONS = ("eu-west-1", "us-east-1")
FROM_A = f"for resources of account {A}"
LOG_USE = ("encrypt", "decrypt", "re-encrypt-from", "re-encrypt-to", "generate-data-keys", "describe")
RETIRED_USE = ("decrypt", "re-encrypt-from", "describe")


def _no_describe(use: tuple[str, ...]) -> tuple[str, ...]:
    """CloudWatch Logs' statement leaves out DescribeKey: its encryption-context condition never allows it."""
    return tuple(u for u in use if u != "describe")


def _arns(template: str, regions: tuple[str, ...] = TWO_REGIONS) -> str:
    return " or ".join(template.format(region=r) for r in regions)


TRAILS = _arns(f"arn:aws:cloudtrail:{{region}}:{A}:trail/management-events")
BUS = _arns(f"arn:aws:events:{{region}}:{A}:event-bus/orders")
BUS_DECRYPT = (
    f"for {BUS} & {FROM_A} & encryption context aws:events:event-bus:arn={BUS}"
    f" | for {_arns(f'arn:aws:events:{{region}}:{A}:rule/*')} & {FROM_A}"
)


def _integrations(use: tuple[str, ...], publish: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """The integrations case's principals; `use`/`publish` are what a key (or a retired one) allows."""
    retired = use == RETIRED_USE
    return {
        "role/TrailAuditor": {
            "decrypt": f"from account {A} & encryption context aws:cloudtrail:arn matches {TRAILS}"
        },
        "role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling": {
            **({} if retired else {"create-grants": "for AWS resources only"}),
            **dict.fromkeys(use, ""),
        },
        "cloudtrail.amazonaws.com": {
            **(
                {}
                if retired
                else {
                    "generate-data-keys": f"for {TRAILS} & encryption context aws:cloudtrail:arn matches {_arns(f'arn:aws:cloudtrail:{{region}}:{A}:trail/*')}"
                }
            ),
            "describe": f"for {TRAILS}",
        },
        "cloudwatch.amazonaws.com": dict.fromkeys(
            publish, f"for {_arns(f'arn:aws:cloudwatch:{{region}}:{A}:alarm:*')} & {FROM_A}"
        ),
        "events.amazonaws.com": {**dict.fromkeys(publish, BUS_DECRYPT), "describe": f"for {BUS} & {FROM_A}"},
        **{
            f"logs.{r}.amazonaws.com": dict.fromkeys(
                _no_describe(use), f"encryption context aws:logs:arn matches arn:aws:logs:{r}:{A}:log-group:*"
            )
            for r in TWO_REGIONS
        },
        "s3.amazonaws.com": dict.fromkeys(publish, f"for arn:aws:s3:::orders-uploads & {FROM_A}"),
        "sns.amazonaws.com": dict.fromkeys(
            publish, f"for {_arns(f'arn:aws:sns:{{region}}:{A}:orders-events')} & {FROM_A}"
        ),
    }


PUBLISH = ("decrypt", "generate-data-keys")
MATRICES |= {
    "signing-route53-dnssec": {
        **DEPLOYER,
        **ADMINS,
        "dnssec-route53.amazonaws.com": {
            "create-grants": "for AWS resources only",
            **dict.fromkeys(("sign", "describe"), f"for arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ & {FROM_A}"),
        },
    },
    "symmetric-extra-service-principal": {
        **STANDARD,
        "delivery.logs.amazonaws.com": {"generate-data-keys": f"for arn:aws:logs:eu-west-1:{A}:* & {FROM_A}"},
    },
    "symmetric-integrations-multi-region": {**STANDARD, **_integrations(LOG_USE, PUBLISH)},
    "symmetric-integrations-replica": {**STANDARD, **_integrations(LOG_USE, PUBLISH)},
    # A retired generation keeps only what opens old data: no grants, no new data keys.
    "symmetric-integrations-retired-generation": {
        **DEPLOYER,
        **ADMINS,
        "role/OrdersService": dict.fromkeys(RETIRED_USE, ""),
        **_integrations(RETIRED_USE, ("decrypt",)),
    },
    "symmetric-integrations-named-logs-sqs-any-topic": {
        **STANDARD,
        "logs.eu-west-1.amazonaws.com": dict.fromkeys(
            _no_describe(LOG_USE),
            "encryption context aws:logs:arn="
            + _arns(f"arn:aws:logs:eu-west-1:{A}:log-group:{{region}}", ("/aws/lambda/orders", "/orders/audit")),
        ),
        "sns.amazonaws.com": dict.fromkeys(PUBLISH, f"for arn:aws:sns:eu-west-1:{A}:* & {FROM_A}"),
    },
    "symmetric-sns-monitoring": {
        **STANDARD,
        "cloudwatch.amazonaws.com": dict.fromkeys(PUBLISH, f"for arn:aws:cloudwatch:eu-west-1:{A}:alarm:* & {FROM_A}"),
        "events.amazonaws.com": dict.fromkeys(PUBLISH, f"for arn:aws:events:eu-west-1:{A}:rule/* & {FROM_A}"),
    },
}  # fmt: skip


def _resources(name: str) -> list:
    text = (EXPECTED / f"{name}.key-policy.json").read_text(encoding="utf-8")
    found = [key(text)]
    spec = parse_key_spec(CASES[name].spec)
    for plan in plan_grants(spec):
        # The props the component gives aws.kms.Grant, as the engine sends them (camelCase).
        constraints = [{"encryptionContextSubset": dict(plan.encryption_context_subset or {})}]
        found.append(
            resource(
                GRANT_TYPE,
                f"orders-grant-{plan.name_suffix}",
                keyId=KEY_ARN,
                granteePrincipal=plan.grantee_principal,
                operations=list(plan.operations),
                constraints=constraints,
                retiringPrincipal=plan.retiring_principal,
            )
        )
    consumers = EXPECTED / f"{name}.consumer-policies.json"
    if consumers.exists():
        for account, emitted in json.loads(consumers.read_text(encoding="utf-8")).items():
            document = json.loads(json.dumps(emitted).replace(CASES[name].key_arns[0], KEY_ARN))
            found.append(
                resource(
                    IAM_ROLE_POLICY_TYPE,
                    f"consumer-{account}",
                    role=f"arn:aws:iam::{account}:role/{'Consumer' if account == '123456789012' else 'PartnerReader'}",
                    policy=json.dumps(document),
                )
            )
    return found


def test_every_expected_policy_has_a_matrix() -> None:
    names = {p.name.removesuffix(".key-policy.json") for p in EXPECTED.glob("*.key-policy.json")}
    assert names == set(MATRICES)


@pytest.mark.parametrize("name", sorted(MATRICES))
def test_access_matrix_of_the_reviewed_policy(name: str) -> None:
    assert matrix(_resources(name)) == MATRICES[name]
