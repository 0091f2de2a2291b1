"""`kmsguard adopt`: existing keys as catalog entries, and a `pulumi import --file` document that puts
them under the components' resource names.

The catalog entries are run through the components under the gate's mock runtime — the same program
`pulumi up` runs — so the import document names exactly the resources the program registers (type,
name, parent), and only resources that exist get an id: whatever has none, `pulumi up` creates.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import yaml  # type: ignore[import-untyped]

import kmsguard
from kmsguard.catalog_spec import CatalogSpec
from kmsguard.gate import urns, wire
from kmsguard.gate.audit import shapes
from kmsguard.gate.audit.aws import Clients
from kmsguard.gate.audit.collect import LiveKey, read_region
from kmsguard.gate.audit.command import account_of
from kmsguard.gate.audit.reverse import AdoptError, Adoption, adopt_key, built_policy, compare
from kmsguard.gate.capture import Captured, run_program
from kmsguard.gate.errors import GateError
from kmsguard.gate.project import Project
from kmsguard.policies.facts import (
    ALIAS_TYPE,
    EXTERNAL_KEY_TYPE,
    GRANT_TYPE,
    KEY_TYPE,
    PRIMARY_KEY_TYPES,
    REPLICA_EXTERNAL_KEY_TYPE,
    REPLICA_KEY_TYPE,
    REPLICA_KEY_TYPES,
)

#: The components' Pulumi program, as installed.
PROGRAM: Final = Path(kmsguard.__file__).parent / "__main__.py"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--key", action="append", required=True, help="key to adopt: alias name, alias ARN, key ARN or key id"
    )
    parser.add_argument("--region", required=True, help="the keys' region (the stack's aws:region)")
    parser.add_argument("--profile", help="AWS profile (default: the usual credential chain)")
    parser.add_argument("--endpoint-url", help="KMS-compatible endpoint, e.g. a local moto server")
    parser.add_argument("--environment", help="environment of the keys (default: their Environment tag)")
    parser.add_argument(
        "--deployer", help="role ARN that runs `pulumi up` (default: the DeployerAdministration statement's)"
    )
    parser.add_argument("--project", default="kmsguard", help="Pulumi project name (default: kmsguard)")
    parser.add_argument("--stack", help="stack name (default: the environment)")
    parser.add_argument("--out", type=Path, default=Path("adopted"), help="output folder (default: adopted)")


#: Inputs pulumi-aws 7 cannot change in place (the resource is replaced): a program value that differs
#: from the imported one would destroy the live key, alias or grant.
REPLACED_ON_CHANGE: Final = {
    KEY_TYPE: ("customerMasterKeySpec", "keyUsage", "multiRegion", "customKeyStoreId", "xksKeyId"),
    EXTERNAL_KEY_TYPE: ("multiRegion", "keyUsage", "keySpec"),
    REPLICA_KEY_TYPE: ("primaryKeyArn",),
    REPLICA_EXTERNAL_KEY_TYPE: ("primaryKeyArn",),
    ALIAS_TYPE: ("name",),
    GRANT_TYPE: ("keyId", "granteePrincipal", "operations", "constraints", "name", "retiringPrincipal"),
}


@dataclass
class Plan:
    """Everything `adopt` writes, and what it reports."""

    config: dict[str, Any]
    import_file: dict[str, Any]
    adoptions: list[Adoption]
    stack: str = ""
    policy_differences: dict[str, list[str]] = field(default_factory=dict)
    #: Resources of the program with no live counterpart: `pulumi up` creates them.
    creates: list[str] = field(default_factory=list)
    #: Imported resources whose program inputs differ where pulumi-aws replaces: must stay empty.
    replaces: list[str] = field(default_factory=list)


def adopt(args: argparse.Namespace) -> int:
    clients = Clients(args.profile, args.endpoint_url)
    plan = plan_adoption(
        clients,
        chosen=list(args.key),
        region=args.region,
        environment=args.environment,
        deployer=args.deployer,
        project=args.project,
        stack=args.stack,
        directory=args.out,
    )
    stack = plan.stack
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"Pulumi.{stack}.yaml").write_text(
        yaml.safe_dump({"config": plan.config}, sort_keys=False), encoding="utf-8"
    )
    (args.out / "import.json").write_text(json.dumps(plan.import_file, indent=2) + "\n", encoding="utf-8")
    print(report(plan))
    print(f"wrote {args.out / f'Pulumi.{stack}.yaml'} and {args.out / 'import.json'}")
    return 0


def report(plan: Plan) -> str:
    lines: list[str] = []
    for adoption in plan.adoptions:
        name = adoption.data_class["name"]
        lines.append(f"{adoption.key.arn} → data class {name!r}")
        for note in adoption.cannot_keep:
            lines.append(f"  cannot keep: {note}")
        for note in adoption.changes:
            lines.append(f"  changes: {note}")
        for note in plan.policy_differences.get(adoption.key.arn, []):
            lines.append(f"  policy: {note}")
    lines += [f"pulumi up creates {c}" for c in plan.creates]
    lines += [f"REPLACES {r}" for r in plan.replaces]
    return "\n".join(lines)


def plan_adoption(
    clients: Clients,
    *,
    chosen: list[str],
    region: str,
    environment: str | None,
    deployer: str | None,
    project: str,
    stack: str | None,
    directory: Path,
) -> Plan:
    account = account_of(clients, [region])
    keys = _select(read_region(clients, region).keys, chosen, region)
    replica_regions = sorted({r for k in keys for r in _replica_regions(k)})
    replicas = {r: read_region(clients, r).keys for r in replica_regions}
    try:
        adoptions = [adopt_key(k, account=account, environment=environment) for k in keys]
    except AdoptError as exc:
        raise GateError(str(exc), "see `kmsguard adopt --help`") from None
    environments = sorted({a.environment for a in adoptions})
    if len(environments) != 1:
        raise GateError(
            f"the keys belong to environments {', '.join(environments)}",
            "adopt the keys of one environment (one stack) at a time",
        )
    env = environments[0]
    deployers = sorted({a.deployer for a in adoptions if a.deployer})
    chosen_deployer = deployer or (deployers[0] if len(deployers) == 1 else None)
    if chosen_deployer is None:
        found = ", ".join(deployers) or "none"
        raise GateError(
            f"cannot tell which role deploys the keys (DeployerAdministration statements: {found})",
            "pass --deployer with the role ARN that runs `pulumi up`",
        )
    catalog = {
        "environment": env,
        "defaults": {"deployer": chosen_deployer},
        "data_classes": [a.data_class for a in adoptions],
    }
    config = {
        "aws:region": region,
        "aws:allowedAccountIds": [account],
        "kmsguard:accountId": account,
        "kmsguard:partition": "aws",
        "kmsguard:catalog": catalog,
    }
    plan = Plan(config, {}, adoptions)
    specs = _key_specs(catalog, region)
    for adoption, spec in zip(adoptions, specs, strict=True):
        if adoption.key.policy is not None:
            built = built_policy(spec, account=account, partition="aws", region=region)
            plan.policy_differences[adoption.key.arn] = compare(adoption.key.policy, built)
    stack_name = stack or env
    captured = run_program(_project(project, stack_name, config, directory), lambda _: None)
    owners = {f"{env}-{a.data_class['name']}": a.key for a in adoptions}
    plan.import_file = import_document(captured, owners, replicas, region)
    imported = {(r["type"], r["name"]) for r in plan.import_file["resources"]}
    plan.creates = [
        f"{r.type} {r.name}"
        for r in captured
        if r.custom and not r.type.startswith("pulumi:") and (r.type, r.name) not in imported
    ]
    plan.replaces = replacements(captured, owners, replicas, region)
    plan.stack = stack_name
    return plan


def _key_specs(catalog: dict[str, Any], region: str) -> tuple[Any, ...]:
    try:
        return CatalogSpec.model_validate(catalog).key_specs(region=region)
    except Exception as exc:  # a spec error names the field; the user needs it verbatim
        raise GateError(
            f"the adopted catalog is not valid:\n{exc}", "this is a bug in kmsguard adopt"
        ) from None


def _select(keys: list[LiveKey], chosen: list[str], region: str) -> list[LiveKey]:
    found: list[LiveKey] = []
    for wanted in chosen:
        match = [
            k
            for k in keys
            if wanted in (k.arn, k.key_id) or any(wanted in (a.name, a.arn) for a in k.aliases)
        ]
        if not match:
            raise GateError(f"no customer-managed key {wanted!r} in {region}", "check --key and --region")
        if match[0] not in found:
            found.append(match[0])
    return found


def _replica_regions(key: LiveKey) -> list[str]:
    config = key.metadata.get("MultiRegionConfiguration") or {}
    return (
        [str(r["Region"]) for r in config.get("ReplicaKeys", [])]
        if key.multi_region_type == "PRIMARY"
        else []
    )


def _project(name: str, stack: str, config: dict[str, Any], directory: Path) -> Project:
    flat = {
        k if ":" in k else f"{name}:{k}": v if isinstance(v, str) else json.dumps(v)
        for k, v in config.items()
    }
    directory.mkdir(parents=True, exist_ok=True)
    return Project(
        name=name,
        directory=directory.resolve(),
        main=PROGRAM,
        stack=stack,
        stack_file=directory.resolve() / f"Pulumi.{stack}.yaml",
        config=flat,
    )


def import_document(
    captured: list[Captured], owners: dict[str, LiveKey], replicas: dict[str, list[LiveKey]], region: str
) -> dict[str, Any]:
    """The `pulumi import --file` document: components as empty components (named in `nameTable`, so
    children can name them as parent), then keys, replicas, aliases and grants with the ids of what
    exists. `owners` maps each key component's name to its live key."""
    name_table: dict[str, str] = {}
    resources: list[dict[str, Any]] = []
    # Parents before children (a component's depth is the `$` count of its URN's type), then by name:
    # the program registers concurrently, and the file should not change from run to run.
    ordered = sorted(captured, key=lambda r: (r.custom, urns.type_of(r.urn).count("$"), r.type, r.name))
    for resource in ordered:
        if resource.type == urns.STACK_TYPE or resource.type.startswith("pulumi:providers:"):
            continue
        entry: dict[str, Any] = {"type": resource.type, "name": resource.name}
        if urns.type_of(resource.parent) not in ("", urns.STACK_TYPE):
            entry["parent"] = urns.name_of(resource.parent)
        if not resource.custom:
            entry["component"] = True
            name_table[resource.name] = resource.urn
            resources.append(entry)
            continue
        owner = owners.get(urns.name_of(resource.parent))
        identifier = _live_id(resource, owner, replicas, region) if owner is not None else None
        if identifier is not None:  # without one, `pulumi up` creates the resource
            entry["id"] = identifier
            resources.append(entry)
    return {"nameTable": name_table, "resources": resources}


def replacements(
    captured: list[Captured], owners: dict[str, LiveKey], replicas: dict[str, list[LiveKey]], region: str
) -> list[str]:
    """Each imported resource whose program inputs differ from the live ones where pulumi-aws replaces."""
    live_keys = [*owners.values(), *(k for keys in replicas.values() for k in keys)]
    live = {(r.type, _import_id_of(r, region)): wire.to_python(r.inputs) for r in shapes.resources(live_keys)}
    # Under the mock runtime a key's ARN is made up; after the import it is the live one.
    real: dict[str, str] = {}
    for resource in captured:
        owner = owners.get(urns.name_of(resource.parent))
        if owner is not None and resource.type in PRIMARY_KEY_TYPES:
            out = wire.to_python(resource.outputs)
            real.update({str(out.get("arn")): owner.arn, str(out.get("id")): owner.key_id})
    found: list[str] = []
    for resource in captured:
        owner = owners.get(urns.name_of(resource.parent))
        if owner is None or resource.type not in REPLACED_ON_CHANGE:
            continue
        identifier = _live_id(resource, owner, replicas, region)
        theirs = live.get((resource.type, identifier)) if identifier is not None else None
        if theirs is None:
            continue
        ours = {
            k: real.get(v, v) if isinstance(v, str) else v for k, v in wire.to_python(resource.inputs).items()
        }
        for prop in REPLACED_ON_CHANGE[resource.type]:
            if _normal(ours.get(prop)) != _normal(theirs.get(prop)):
                found.append(
                    f"{resource.type} {resource.name}: {prop} {theirs.get(prop)!r} → {ours.get(prop)!r}"
                )
    return found


def _normal(value: Any) -> Any:
    # An absent value and the provider's default for it are the same state.
    if value in (None, False, "", [], {}):
        return None
    return value


def _import_id_of(resource: Captured, region: str) -> str:
    props = wire.to_python(resource.outputs)
    where = str(props.get("region") or region)
    suffix = "" if where == region else f"@{where}"
    if resource.type == ALIAS_TYPE:
        return f"{props['name']}{suffix}"
    if resource.type == GRANT_TYPE:
        return f"{props['keyId']}:{props['grantId']}"
    return f"{props['keyId']}{suffix}"


def _live_id(
    resource: Captured, owner: LiveKey, replicas: dict[str, list[LiveKey]], region: str
) -> str | None:
    """The provider's import id of the live counterpart, `@<region>` outside the stack's region
    (pulumi-aws 7 takes a resource's region from its id on import)."""
    props = wire.to_python(resource.inputs)
    where = str(props.get("region") or region)
    suffix = "" if where == region else f"@{where}"
    here = (
        owner
        if where == region
        else next((r for r in replicas.get(where, []) if r.key_id == owner.key_id), None)
    )
    if here is None:
        return None
    if resource.type in (*PRIMARY_KEY_TYPES, *REPLICA_KEY_TYPES):
        return f"{here.key_id}{suffix}"
    if resource.type == ALIAS_TYPE:
        name = props.get("name")
        return f"{name}{suffix}" if any(a.name == name for a in here.aliases) else None
    if resource.type == GRANT_TYPE:
        grant = next((g for g in here.grants if g.name == props.get("name")), None)
        return f"{here.arn}:{grant.grant_id}" if grant is not None else None
    return None
