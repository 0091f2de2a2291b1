"""The example's keys as typed specs: one key per class of data, each admitting exactly its consumers.

- `audit`: CloudTrail log files (the trail's service principal) and one CloudWatch Logs group
  (the regional `logs.<region>` principal); auditors decrypt the trail's logs.
- `events`: an SNS topic that EventBridge rules and CloudWatch alarms publish to, and the SQS
  queue subscribed to it; a worker reads the queue through SQS.
- `orders`: order data in S3, DynamoDB, RDS and the Lambda function's environment, used by the
  application roles only through those services (`kms:ViaService`).
- `secrets`: Secrets Manager secrets (the RDS master password included) and SSM SecureStrings.
"""

from __future__ import annotations

from kmsguard.policies.facts import AwsService
from kmsguard.spec import (
    CloudTrailLogs,
    CloudWatchLogs,
    KeyTags,
    KmsKeySpec,
    Principals,
    ServiceIntegrations,
    ServiceUser,
    SnsTopicPublishers,
    SqsFromSns,
    SymmetricEncryption,
)

TRAIL = "management-events"
LOG_GROUP = "/orders/audit"
TOPIC = "orders-events"
QUEUE = "orders-events-worker"
FUNCTION = "orders-function"


def role(account: str, name: str) -> str:
    return f"arn:aws:iam::{account}:role/{name}"


def _spec(
    environment: str,
    account: str,
    *,
    function: str,
    team: str,
    cost_center: str,
    description: str,
    service_users: tuple[ServiceUser, ...] = (),
    integrations: ServiceIntegrations | None = None,
) -> KmsKeySpec:
    """What every key of the example shares: environment, deployer, administrators, tags."""
    return KmsKeySpec(
        environment=environment,
        function=function,
        team=team,
        description=description,
        tags=KeyTags(owner=f"{team}-team", cost_center=cost_center, data_class=function),
        kind=SymmetricEncryption(type="symmetric"),
        deployer=role(account, "pulumi/PulumiDeployer"),
        principals=Principals(
            administrators=(role(account, "KeyAdministrators"),), service_users=service_users
        ),
        integrations=integrations or ServiceIntegrations(),
    )


def key_specs(environment: str, account: str) -> dict[str, KmsKeySpec]:
    """Data class → the spec of the key that protects it (the environment is the stack's name)."""
    return {
        "audit": _spec(
            environment,
            account,
            function="audit",
            team="security",
            cost_center="cc-9001",
            description="Encrypts the CloudTrail trail's log files and the audit log group",
            integrations=ServiceIntegrations(
                cloudtrail=CloudTrailLogs(
                    trail_names=(TRAIL,), log_readers=(role(account, "SecurityAuditors"),)
                ),
                cloudwatch_logs=CloudWatchLogs(log_group_names=(LOG_GROUP,)),
            ),
        ),
        "events": _spec(
            environment,
            account,
            function="events",
            team="platform",
            cost_center="cc-3003",
            description="Encrypts the order events topic and the queue subscribed to it",
            integrations=ServiceIntegrations(
                sns_publishers=SnsTopicPublishers(publishers=("eventbridge", "cloudwatch_alarms")),
                sqs_from_sns=SqsFromSns(topic_names=(TOPIC,)),
            ),
            service_users=(ServiceUser(principal=role(account, "OrdersWorker"), services=(AwsService.SQS,)),),
        ),
        "orders": _spec(
            environment,
            account,
            function="orders",
            team="payments",
            cost_center="cc-1001",
            description="Encrypts order records in S3, DynamoDB, RDS and the order function's environment",
            service_users=(
                ServiceUser(
                    principal=role(account, "OrdersApp"),
                    services=(AwsService.S3, AwsService.DYNAMODB, AwsService.RDS),
                ),
                ServiceUser(principal=role(account, FUNCTION), services=(AwsService.LAMBDA,)),
            ),
        ),
        "secrets": _spec(
            environment,
            account,
            function="secrets",
            team="payments",
            cost_center="cc-1001",
            description="Encrypts the order service's secrets and SecureString parameters",
            service_users=(
                ServiceUser(
                    principal=role(account, FUNCTION), services=(AwsService.SECRETS_MANAGER, AwsService.SSM)
                ),
            ),
        ),
    }
