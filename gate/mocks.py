"""Realistic outputs for the mock runtime: ids and ARNs in the stack's account, partition and region.

Values are derived from the resource's URN, so two runs of the same program produce the same ids.
"""

from __future__ import annotations

import uuid
from typing import Any, Final

import pulumi

from kmsguard.gate.project import Project
from kmsguard.gate.schema import Kind, autonamed, computed_outputs
from kmsguard.policies.facts import (
    ALIAS_TYPE,
    ALL_KEY_TYPES,
    GRANT_TYPE,
    IAM_GROUP_TYPE,
    IAM_POLICY_TYPE,
    IAM_ROLE_TYPE,
    IAM_USER_TYPE,
    RESOURCE_ARNS,
)

_NAMESPACE = uuid.UUID("3b241101-e2bb-4255-8caf-4136c566a962")
_SERVICE_OF_MODULE = {"kms": "kms", "iam": "iam", "s3": "s3", "sns": "sns", "sqs": "sqs"}
_GLOBAL_SERVICES = frozenset({"iam", "s3"})
#: IAM's unique-id prefixes (AWS documents one per kind of identity).
_UNIQUE_ID_PREFIX = {
    "Role": "AROA",
    "User": "AIDA",
    "Group": "AGPA",
    "Policy": "ANPA",
    "InstanceProfile": "AIPA",
}
#: A fixed instant, so two runs of one program produce the same outputs.
_TIMESTAMP = "2024-01-01T00:00:00Z"


#: The provider functions a program calls for its account, partition and region.
CALLER_IDENTITY_TOKEN: Final = "aws:index/getCallerIdentity:getCallerIdentity"
PARTITION_TOKEN: Final = "aws:index/getPartition:getPartition"
REGION_TOKEN: Final = "aws:index/getRegion:getRegion"


class RealisticMocks(pulumi.runtime.Mocks):
    def __init__(self, project: Project) -> None:
        self.project = project

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        inputs = dict(args.inputs)
        if args.typ.startswith("pulumi:providers:"):
            return f"{args.name}-provider-id", inputs
        region = inputs.get("region") if isinstance(inputs.get("region"), str) else self.project.region
        outputs = _outputs(self.project, args.typ, args.name, inputs, str(region))
        if isinstance(inputs.get("arn"), str):
            # An `arn` the program passes names another resource (an EventTarget's or a TopicPolicy's
            # target) and AWS reports it back unchanged; a made-up one would hide what it points at.
            outputs.pop("arn", None)
        computed = _computed(self.project, args.typ, args.name, inputs, str(region), outputs)
        if args.typ in RESOURCE_ARNS and "arn" in outputs:
            # The policy pack matches key-policy conditions against these ARNs (KG-S06): give them
            # the shape AWS gives them, from the resource's (auto)name.
            outputs["arn"] = _formatted_arn(
                self.project, RESOURCE_ARNS[args.typ], {**computed, **inputs}, str(region)
            )
        return str(outputs.get("id", f"{args.name}-id")), {**computed, **inputs, **outputs, "region": region}

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict[str, Any]:  # type: ignore[override]
        # A bare dict, not the (outputs, failures) pair: MockMonitor iterates failures without a None check.
        project = self.project
        account, partition = project.account_id, project.partition
        if args.token == CALLER_IDENTITY_TOKEN:
            arn = f"arn:{partition}:iam::{account}:user/kmsguard-preview"
            return {"accountId": account, "arn": arn, "id": account, "userId": "AIDAKMSGUARDPREVIEW"}
        if args.token == PARTITION_TOKEN:
            dns = "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com"
            reverse = ".".join(reversed(dns.split(".")))
            return {"partition": partition, "id": partition, "dnsSuffix": dns, "reverseDnsSuffix": reverse}
        if args.token == REGION_TOKEN:
            region = str(args.args.get("region") or args.args.get("name") or project.region)
            endpoint = f"ec2.{region}.amazonaws.com"
            return {"name": region, "region": region, "id": region, "endpoint": endpoint}
        return {}


def _computed(  # noqa: PLR0917 - the resource and what is already known of it
    project: Project, typ: str, name: str, inputs: dict[str, Any], region: str, known: dict[str, Any]
) -> dict[str, Any]:
    """A realistic value for every output the provider's schema says it computes, so that what a
    program derives from them (`role.unique_id.apply(...)`) is known and can be judged."""
    values: dict[str, Any] = {}
    if autonamed(typ) and "name" not in inputs and "name" not in known:
        values["name"] = f"{name}-{_uuid(project.stack, typ, name, 'name')[:7]}"  # as Pulumi autonames
    for prop, kind in computed_outputs(typ):
        if prop not in known:
            values[prop] = _value(project, typ, name, inputs, region, prop, kind)
    return values


def _value(  # noqa: PLR0917 - the resource and the output it asks about
    project: Project, typ: str, name: str, inputs: dict[str, Any], region: str, prop: str, kind: Kind
) -> Any:
    if prop == "tagsAll":
        return dict(inputs["tags"]) if isinstance(inputs.get("tags"), dict) else {}
    if kind != "str":
        return {"bool": False, "number": 0, "list": [], "map": {}}.get(kind)  # objects: None (known)
    token = _uuid(project.stack, typ, name, prop)
    kind_name = typ.rsplit(":", 1)[-1]
    lowered = prop.lower()
    if prop == "uniqueId":
        return _UNIQUE_ID_PREFIX.get(kind_name, "AIDA") + token.replace("-", "").upper()[:17]
    if lowered.endswith("arn"):
        module = typ.split(":", 2)[1].split("/", 1)[0] if typ.count(":") == 2 else ""
        service = _SERVICE_OF_MODULE.get(module, module or "service")
        where = "" if service in _GLOBAL_SERVICES else region
        return f"arn:{project.partition}:{service}:{where}:{project.account_id}:{prop[:-3].lower() or kind_name.lower()}/{token}"
    if lowered.endswith(("date", "time", "timestamp")):
        return _TIMESTAMP
    if lowered.endswith(("url", "endpoint")):
        return f"https://{name}-{token[:8]}.{region}.amazonaws.com"
    if lowered.endswith(("domainname", "dnsname")):
        return f"{name}-{token[:8]}.{region}.amazonaws.com"
    if lowered.endswith("region"):
        return region
    return f"{name}-{prop}-{token[:8]}"


def _formatted_arn(project: Project, template: str, props: dict[str, Any], region: str) -> str:
    known = {"partition": project.partition, "region": region, "account": project.account_id}
    return template.format_map({**{k: v for k, v in props.items() if isinstance(v, str)}, **known})


def _realistic_arn(project: Project, typ: str, props: dict[str, Any], region: str, made_up: Any) -> Any:
    """The ARN AWS gives a resource of RESOURCE_ARNS; the made-up one when its name is not text."""
    try:
        return _formatted_arn(project, RESOURCE_ARNS[typ], props, region)
    except KeyError:
        return made_up


def _uuid(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "/".join(parts)))


def _outputs(project: Project, typ: str, name: str, inputs: dict[str, Any], region: str) -> dict[str, Any]:
    account, partition, stack = project.account_id, project.partition, project.stack
    module = typ.split(":", 2)[1].split("/", 1)[0] if typ.count(":") == 2 else ""
    kind = typ.rsplit(":", 1)[-1]
    if typ in ALL_KEY_TYPES:
        key_id = _key_id(stack, name, inputs)
        return {"id": key_id, "keyId": key_id, "arn": f"arn:{partition}:kms:{region}:{account}:key/{key_id}"}
    if typ == ALIAS_TYPE:
        alias = inputs.get("name") if isinstance(inputs.get("name"), str) else f"alias/{name}"
        return {
            "id": alias,
            "name": alias,
            "arn": f"arn:{partition}:kms:{region}:{account}:{alias}",
            "targetKeyArn": f"arn:{partition}:kms:{region}:{account}:key/{inputs.get('targetKeyId', '')}",
        }
    if typ == GRANT_TYPE:
        grant_id = _uuid(stack, name, "grant").replace("-", "")
        return {"id": f"{inputs.get('keyId', '')}:{grant_id}", "grantId": grant_id, "grantToken": grant_id}
    if typ in (IAM_ROLE_TYPE, IAM_USER_TYPE, IAM_GROUP_TYPE, IAM_POLICY_TYPE):
        resource_name = inputs.get("name") if isinstance(inputs.get("name"), str) else name
        path = inputs.get("path") if isinstance(inputs.get("path"), str) else "/"
        arn = f"arn:{partition}:iam::{account}:{kind.lower()}{path}{resource_name}"
        return {"id": arn if kind == "Policy" else resource_name, "name": resource_name, "arn": arn}
    service = _SERVICE_OF_MODULE.get(module, module or "service")
    where = "" if service in _GLOBAL_SERVICES else region
    resource_id = f"{name}-{_uuid(stack, typ, name)[:8]}"
    return {
        "id": resource_id,
        "arn": f"arn:{partition}:{service}:{where}:{account}:{kind.lower()}/{resource_id}",
    }


def _key_id(stack: str, name: str, inputs: dict[str, Any]) -> str:
    primary = inputs.get("primaryKeyArn")
    if isinstance(primary, str) and "/" in primary:
        # A replica shares its primary's key id; that is how AWS names multi-Region keys.
        return primary.rsplit("/", 1)[-1]
    key_id = _uuid(stack, name)
    return f"mrk-{key_id.replace('-', '')}" if inputs.get("multiRegion") is True else key_id
