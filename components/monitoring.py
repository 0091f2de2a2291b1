"""`KeyMonitoring`: the detective controls of one environment's key catalog.

Children, `<m>` being the component name, `<r>` each region a catalog key lives in (primary first):

- `<m>-alerts` — a `KmsKey` for the alert topics (a data class of its own, replicated to every `<r>`),
  whose `sns_publishers` integration lets this account's EventBridge rules and CloudWatch alarms publish;
- `<m>-topic-<r>`, `<m>-topic-policy-<r>` — the alert topic of each region under that key, and the
  topic policy that lets this account's rules and alarms publish; `<m>-subscription-<i>-<r>` per
  configured subscriber;
- `<m>-<purpose>-<r>` + `<m>-<purpose>-<r>-target` — EventBridge rules on the default bus, each
  sending to the region's topic: `api-keys` (watched calls that name a key), `api-grants` (CreateGrant
  to a grantee outside the account), `api-aliases` (DeleteAlias of the catalog's aliases), and
  `kms-events` (KMS CMK Deletion / Rotation / Imported Key Material Expiration); when a region's keys
  overflow one pattern (EventBridge's 2,048 characters) the next rules of a kind are `<purpose>-2`, …;
- `<m>-pending-deletion` + `<m>-pending-deletion-alarm` — the KMS guide's metric filter on the trail's
  log group and its alarm, which notifies the stack region's topic;
- with `trail`: `<m>-trail` and its bucket, log group and role (`kmsguard.trail`), encrypted with the
  named data class's key;
- with a responder: `<m>-responder-policy` and `<m>-responder-logs` on the role the program registers
  before the catalog (`register_responder_role`), and per region `<m>-responder-function-<r>`, its rule
  `<m>-responder-<r>` (ScheduleKeyDeletion of a catalog key) with `-target` and `-permission`.

EventBridge rules are regional and CloudTrail delivers a call to the default bus of the region the
call was made in, so every region with a watched key (replicas included) gets its own rules; every
generation of a manually rotated key is watched, since deleting a retired one loses data too.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

import pulumi
import pulumi_aws as aws

from kmsguard.builders.monitoring import (
    RESPONDER_PATH,
    PendingDeletionAlarm,
    WatchedKey,
    lambda_trust_policy,
    placeholder_keys,
    plan_rules,
    responder_policy,
    responder_publish_statements,
    responder_role_arn,
    responder_role_name,
    rule_pattern,
    topic_policy,
)
from kmsguard.catalog import KeyCatalog
from kmsguard.catalog_spec import CatalogSpec, DataClass
from kmsguard.errors import KmsGuardError
from kmsguard.key import KmsKey, check_key, key_id_of
from kmsguard.monitoring_spec import MonitoringSpec
from kmsguard.origin import config_item
from kmsguard.responder import CODE_DIR, HANDLER
from kmsguard.spec import KmsKeySpec, MultiRegionSpec, parse_key_spec
from kmsguard.spec.integrations import ServiceIntegrations
from kmsguard.trail import check_trail_key, register_trail

MONITORING_TYPE_TOKEN = "kmsguard:kms:KeyMonitoring"
RESPONDER_RUNTIME = "python3.12"
#: The one call the responder undoes.
RESPONDER_ACTIONS = ("ScheduleKeyDeletion",)
LAMBDA_BASIC_EXECUTION = "arn:{partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"

Watched = list[tuple[str, pulumi.Output[str], pulumi.Output[str], tuple[str, ...]]]
#: Why the alert key is multi-region: the MultiRegionReason tag.
ALERT_KEY_REASON = "Encrypts the KMS alert topic of every region the catalog's keys live in"
#: Who publishes to the alert topics, so who may use the alert key (the service presets' names).
ALERT_PUBLISHERS = ("cloudwatch_alarms", "eventbridge")


@dataclass(frozen=True)
class MonitoringPlan:
    """What the component will build, decided before anything is registered."""

    #: The stack's region first, then every other region a catalog key lives in.
    regions: tuple[str, ...]
    alert_key: KmsKeySpec


def plan_monitoring(
    spec: MonitoringSpec,
    catalog: CatalogSpec,
    key_specs: Sequence[KmsKeySpec],
    *,
    region: str,
    account_id: str | None = None,
    partition: str | None = None,
    path: str = "",
) -> MonitoringPlan:
    """The regions to watch and the alert key's validated spec; raises `KmsGuardError` naming fields."""
    where = f"{path}.topic_key" if path else "topic_key"
    if spec.topic_key.replication is not None:
        raise KmsGuardError(
            f"{where}.replication: the alert key is replicated to the catalog's regions by the component; "
            "remove it"
        )
    if spec.topic_key.name in {d.name for d in catalog.data_classes}:
        raise KmsGuardError(
            f"{where}.name: {spec.topic_key.name!r} is already a data class of the catalog; choose another"
        )
    others = sorted({r for k in key_specs for r in k.replica_regions} - {region})
    topic_key = _with_publishers(spec.topic_key)
    if others:
        topic_key = topic_key.model_copy(
            update={"replication": MultiRegionSpec(replica_regions=tuple(others), reason=ALERT_KEY_REASON)}
        )
    # The alert key is merged with the catalog's defaults exactly as a data class would be.
    alert_key = parse_key_spec(catalog._merge(topic_key, region), path=where)
    try:
        check_key(alert_key, account_id=account_id, partition=partition)
    except KmsGuardError as exc:
        raise KmsGuardError(f"{where}: {exc}") from None
    if account_id and partition:
        _check_fits(spec, [*key_specs, alert_key], account_id=account_id, partition=partition, path=path)
    return MonitoringPlan((region, *others), alert_key)


def _check_fits(
    spec: MonitoringSpec, key_specs: Sequence[KmsKeySpec], *, account_id: str, partition: str, path: str
) -> None:
    """Every key fits an EventBridge pattern on its own (the rules split keys, not one key's aliases)."""
    for key_spec in key_specs:
        for r in (key_spec.region, *key_spec.replica_regions):
            assert r is not None
            stand_in = placeholder_keys(r, [key_spec.alias_names], account_id=account_id, partition=partition)
            try:
                plan_rules(stand_in, actions=spec.actions, account_id=account_id, partition=partition)
            except KmsGuardError as exc:
                where = f"{path}: " if path else ""
                raise KmsGuardError(f"{where}{key_spec.alias_names[0]} in {r}: {exc}") from None


def _with_publishers(data_class: DataClass) -> DataClass:
    """The alert key's data class with EventBridge and CloudWatch alarms among its SNS publishers."""
    integrations = (
        data_class.integrations.model_dump(exclude_unset=True, mode="json") if data_class.integrations else {}
    )
    sns = dict(integrations.get("sns_publishers") or {})
    sns["publishers"] = sorted({*sns.get("publishers", ()), *ALERT_PUBLISHERS})
    integrations["sns_publishers"] = sns
    return data_class.model_copy(update={"integrations": ServiceIntegrations.model_validate(integrations)})


def register_responder_role(
    name: str, environment: str, *, opts: pulumi.ResourceOptions | None = None
) -> aws.iam.Role:
    """The responder's role, registered before the catalog: KMS refuses a key policy naming a principal
    that does not exist yet, so the catalog's keys depend on it."""
    return aws.iam.Role(
        name,
        aws.iam.RoleArgs(
            name=responder_role_name(environment),
            path=RESPONDER_PATH,
            description="kmsguard responder: cancels unapproved KMS key deletions",
            assume_role_policy=json.dumps(lambda_trust_policy()),
            tags={"Environment": environment},
        ),
        opts=opts,
    )


def watched_keys(keys: Sequence[KmsKey]) -> Watched:
    """(region, key id, key ARN, aliases there) of every generation's primary and replicas."""
    found: Watched = []
    for key in keys:
        assert key.spec.region is not None
        for i, generation in enumerate(key.generations):
            # Aliases point at the newest generation only.
            aliases = key.spec.alias_names if i == len(key.generations) - 1 else ()
            found.append((key.spec.region, key_id_of(generation.primary), generation.primary.arn, aliases))
            for replica_region, replica in generation.replicas.items():
                found.append((replica_region, replica.key_id, replica.arn, aliases))
    return found


def _resolved(
    region: str, keys: Sequence[tuple[pulumi.Output[str], pulumi.Output[str], tuple[str, ...]]]
) -> pulumi.Output[list[WatchedKey]]:
    """The region's keys once their ids and ARNs are known."""

    def build(pairs: list[list[str]]) -> list[WatchedKey]:
        return [
            WatchedKey(region, key_id, arn, aliases)
            for (key_id, arn), (_, _, aliases) in zip(pairs, keys, strict=True)
        ]

    return pulumi.Output.all(*(pulumi.Output.all(k, a) for k, a, _ in keys)).apply(build)


def _topic_policy(
    topic_arn: pulumi.Output[str], *, account_id: str, partition: str, region: str
) -> pulumi.Output[str]:
    return topic_arn.apply(
        lambda arn: json.dumps(
            topic_policy(topic_arn=arn, account_id=account_id, partition=partition, region=region)
        )
    )


class KeyMonitoring(pulumi.ComponentResource):
    """EventBridge rules, the pending-deletion alarm and encrypted alert topics for a key catalog."""

    alert_key: KmsKey
    topics: dict[str, aws.sns.Topic]
    rules: dict[str, aws.cloudwatch.EventRule]
    topic_arns: pulumi.Output[dict[str, str]]

    def __init__(
        self,
        name: str,
        spec: MonitoringSpec,
        catalog: KeyCatalog,
        catalog_spec: CatalogSpec,
        *,
        region: str,
        account_id: str,
        partition: str,
        responder_role: aws.iam.Role | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        if spec.responder is not None and responder_role is None:
            raise KmsGuardError(
                "responder: pass the role from register_responder_role, created before the catalog"
            )
        keys = list(catalog.keys.values())
        trail_key = None
        if spec.trail is not None:
            trail_key = catalog.keys.get(spec.trail.data_class)
            if trail_key is None:
                raise KmsGuardError(
                    f"trail.data_class: {spec.trail.data_class!r} is not a key of the catalog; name one of "
                    f"{', '.join(catalog.keys)}"
                )
            check_trail_key(spec.trail, trail_key.spec)
        plan = plan_monitoring(
            spec,
            catalog_spec,
            [k.spec for k in keys],
            region=region,
            account_id=account_id,
            partition=partition,
        )
        super().__init__(MONITORING_TYPE_TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        caller = opts or pulumi.ResourceOptions()
        role_arn = (
            None
            if responder_role is None
            else responder_role_arn(catalog_spec.environment, account_id=account_id, partition=partition)
        )
        with config_item("topic_key"):
            self.alert_key = KmsKey(
                f"{name}-{spec.topic_key.name}",
                plan.alert_key,
                account_id=account_id,
                partition=partition,
                extra_statements=(lambda _r: responder_publish_statements(role_arn)) if role_arn else None,
                opts=pulumi.ResourceOptions(
                    parent=self,
                    protect=caller.protect,
                    retain_on_delete=caller.retain_on_delete,
                    depends_on=[responder_role] if responder_role is not None else None,
                ),
            )
        alert_arns = {region: self.alert_key.key_arn} | {
            r: replica.arn for r, replica in self.alert_key.generations[-1].replicas.items()
        }
        self._alert_arns = alert_arns
        self.topics = {}
        for r in plan.regions:
            topic = aws.sns.Topic(
                f"{name}-topic-{r}",
                aws.sns.TopicArgs(
                    kms_master_key_id=alert_arns[r], region=r, tags={"Environment": catalog_spec.environment}
                ),
                opts=child,
            )
            aws.sns.TopicPolicy(
                f"{name}-topic-policy-{r}",
                aws.sns.TopicPolicyArgs(
                    arn=topic.arn,
                    policy=_topic_policy(topic.arn, account_id=account_id, partition=partition, region=r),
                    region=r,
                ),
                opts=child,
            )
            for i, subscription in enumerate(spec.subscriptions):
                aws.sns.TopicSubscription(
                    f"{name}-subscription-{i}-{r}",
                    aws.sns.TopicSubscriptionArgs(
                        topic=topic.arn,
                        protocol=subscription.protocol,
                        endpoint=subscription.endpoint,
                        region=r,
                    ),
                    opts=child,
                )
            self.topics[r] = topic

        watched = watched_keys([*keys, self.alert_key])
        self.rules = {}
        for r in plan.regions:
            in_region = [(k, a, aliases) for kr, k, a, aliases in watched if kr == r]
            stand_ins = placeholder_keys(
                r, [aliases for *_, aliases in in_region], account_id=account_id, partition=partition
            )
            resolved = _resolved(r, in_region)
            for rule_plan in plan_rules(
                stand_ins, actions=spec.actions, account_id=account_id, partition=partition
            ):
                rule = aws.cloudwatch.EventRule(
                    f"{name}-{rule_plan.purpose}-{r}",
                    aws.cloudwatch.EventRuleArgs(
                        description=f"kmsguard: {rule_plan.kind} of the {catalog_spec.environment} key catalog",
                        event_pattern=resolved.apply(
                            partial(
                                rule_pattern,
                                rule_plan,
                                actions=spec.actions,
                                account_id=account_id,
                                partition=partition,
                            )
                        ),
                        state="ENABLED",
                        region=r,
                    ),
                    opts=child,
                )
                aws.cloudwatch.EventTarget(
                    f"{name}-{rule_plan.purpose}-{r}-target",
                    aws.cloudwatch.EventTargetArgs(rule=rule.name, arn=self.topics[r].arn, region=r),
                    opts=child,
                )
                self.rules[f"{rule_plan.purpose}-{r}"] = rule

        log_group_name: pulumi.Input[str] = spec.trail_log_group
        if spec.trail is not None and trail_key is not None:
            own = register_trail(
                f"{name}-trail",
                spec.trail,
                key_arn=trail_key.key_arn,
                environment=catalog_spec.environment,
                region=region,
                account_id=account_id,
                partition=partition,
                parent=self,
            )
            log_group_name = own.log_group.name
        alarm = PendingDeletionAlarm()
        metric_filter = aws.cloudwatch.LogMetricFilter(
            f"{name}-pending-deletion",
            aws.cloudwatch.LogMetricFilterArgs(
                log_group_name=log_group_name,
                pattern=alarm.filter_pattern,
                metric_transformation=aws.cloudwatch.LogMetricFilterMetricTransformationArgs(
                    name=alarm.metric_name, namespace=alarm.namespace, value=alarm.metric_value
                ),
                region=region,
            ),
            opts=child,
        )
        aws.cloudwatch.MetricAlarm(
            f"{name}-pending-deletion-alarm",
            aws.cloudwatch.MetricAlarmArgs(
                alarm_description="A KMS key pending deletion was used: cancel the deletion before data is lost",
                metric_name=alarm.metric_name,
                namespace=alarm.namespace,
                comparison_operator=alarm.comparison_operator,
                threshold=alarm.threshold,
                evaluation_periods=alarm.evaluation_periods,
                datapoints_to_alarm=alarm.datapoints_to_alarm,
                statistic=alarm.statistic,
                period=alarm.period_seconds,
                treat_missing_data=alarm.treat_missing_data,
                alarm_actions=[self.topics[region].arn],
                region=region,
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[metric_filter]),
        )
        if spec.responder is not None and responder_role is not None:
            with config_item("responder"):
                self._responder(
                    name,
                    spec=spec,
                    plan=plan,
                    catalog_keys=watched_keys(keys),
                    role=responder_role,
                    account_id=account_id,
                    partition=partition,
                )
        self.topic_arns = pulumi.Output.all(**{r: t.arn for r, t in self.topics.items()}).apply(dict)
        self.register_outputs({"topicArns": self.topic_arns})

    def _responder(
        self,
        name: str,
        *,
        spec: MonitoringSpec,
        plan: MonitoringPlan,
        catalog_keys: Watched,
        role: aws.iam.Role,
        account_id: str,
        partition: str,
    ) -> None:
        """A function per region, invoked by its own rule on ScheduleKeyDeletion of a catalog key (not
        the alert key: the responder publishes with it, and may not also administer it)."""
        assert spec.responder is not None
        child = pulumi.ResourceOptions(parent=self)
        aws.iam.RolePolicy(
            f"{name}-responder-policy",
            aws.iam.RolePolicyArgs(
                role=role.id,
                policy=pulumi.Output.all(
                    [a for _, _, a, _ in catalog_keys],
                    [t.arn for t in self.topics.values()],
                    [self.alert_key.key_arn, self.alert_key.replica_arns],
                ).apply(
                    lambda parts: json.dumps(
                        responder_policy(
                            key_arns=parts[0],
                            topic_arns=parts[1],
                            alert_key_arns=[parts[2][0], *parts[2][1].values()],
                        )
                    )
                ),
            ),
            opts=child,
        )
        aws.iam.RolePolicyAttachment(
            f"{name}-responder-logs",
            aws.iam.RolePolicyAttachmentArgs(
                role=role.name, policy_arn=LAMBDA_BASIC_EXECUTION.format(partition=partition)
            ),
            opts=child,
        )
        code = pulumi.AssetArchive({"handler.py": pulumi.FileAsset(str(CODE_DIR / "handler.py"))})
        for r in plan.regions:
            in_region = [(k, a) for kr, k, a, _ in catalog_keys if kr == r]
            if not in_region:
                continue
            function = aws.lambda_.Function(
                f"{name}-responder-function-{r}",
                aws.lambda_.FunctionArgs(
                    runtime=RESPONDER_RUNTIME,
                    handler=HANDLER,
                    role=role.arn,
                    code=code,
                    timeout=30,
                    # Its environment names the alert topic: encrypted with the alert key, not alias/aws/lambda.
                    kms_key_arn=self._alert_arns[r],
                    environment=aws.lambda_.FunctionEnvironmentArgs(
                        variables={
                            "TOPIC_ARN": self.topics[r].arn,
                            "APPROVAL_TAG": spec.responder.approval_tag,
                        }
                    ),
                    region=r,
                ),
                opts=child,
            )
            stand_ins = placeholder_keys(
                r, [() for _ in in_region], account_id=account_id, partition=partition
            )
            resolved = _resolved(r, [(k, a, ()) for k, a in in_region])
            for rule_plan in plan_rules(
                stand_ins,
                actions=RESPONDER_ACTIONS,
                account_id=account_id,
                partition=partition,
                service_events=False,
            ):
                rule_name = (
                    f"{name}-responder-{r}"
                    if rule_plan.index == 1
                    else f"{name}-responder-{rule_plan.index}-{r}"
                )
                rule = aws.cloudwatch.EventRule(
                    rule_name,
                    aws.cloudwatch.EventRuleArgs(
                        description="kmsguard: cancel unapproved deletions of catalog keys",
                        event_pattern=resolved.apply(
                            partial(
                                rule_pattern,
                                rule_plan,
                                actions=RESPONDER_ACTIONS,
                                account_id=account_id,
                                partition=partition,
                            )
                        ),
                        state="ENABLED",
                        region=r,
                    ),
                    opts=child,
                )
                aws.lambda_.Permission(
                    f"{rule_name}-permission",
                    aws.lambda_.PermissionArgs(
                        action="lambda:InvokeFunction",
                        function=function.name,
                        principal="events.amazonaws.com",
                        source_arn=rule.arn,
                        region=r,
                    ),
                    opts=child,
                )
                aws.cloudwatch.EventTarget(
                    f"{rule_name}-target",
                    aws.cloudwatch.EventTargetArgs(rule=rule.name, arn=function.arn, region=r),
                    opts=child,
                )
