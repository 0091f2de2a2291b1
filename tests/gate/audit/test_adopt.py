"""`kmsguard adopt` against moto: catalog entries and an import file for live keys, then the round trip —
the generated stack gated by `kmsguard preview` writes the live key policies back, statement for
statement, except where the adoption report says otherwise."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml  # type: ignore[import-untyped]

from kmsguard.gate.audit.adopt import PROGRAM, Plan, plan_adoption
from kmsguard.gate.audit.aws import Clients
from kmsguard.gate.audit.command import BUNDLED_PACK
from kmsguard.gate.audit.reverse import compare
from kmsguard.gate.cli import main
from kmsguard.policies.facts import ALIAS_TYPE, GRANT_TYPE, KEY_TYPE, REPLICA_KEY_TYPE
from tests.gate.audit import fleet

pytestmark = pytest.mark.slow

GOOD = ("least-privilege", "multi-region-primary")
BAD = ("public-policy", "all-actions-to-role")


def _plan(created: fleet.Fleet, endpoint: str, shapes: tuple[str, ...], out: Path) -> Plan:
    return plan_adoption(
        Clients(endpoint_url=endpoint),
        chosen=[created.specs[s].alias_name for s in shapes],
        region=fleet.PRIMARY_REGION,
        environment=None,
        deployer=None,
        project="kmsguard",
        stack="dev",
        directory=out,
    )


@pytest.fixture(scope="module")
def good_plan(created: fleet.Fleet, moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> Plan:
    return _plan(created, moto_endpoint, GOOD, tmp_path_factory.mktemp("adopt"))


def test_good_keys_are_kept_whole(good_plan: Plan) -> None:
    assert [(a.cannot_keep, a.changes) for a in good_plan.adoptions] == [([], []), ([], [])]
    assert good_plan.policy_differences == {a.key.arn: [] for a in good_plan.adoptions}
    assert good_plan.replaces == []
    # moto's replica has no alias of its own; the components put one in every replica region.
    assert good_plan.creates == ["aws:kms/alias:Alias dev-replicated-alias-dev-replicated-payments-eu-west-1"]


def test_the_catalog_entry_reproduces_the_spec_the_key_was_built_from(good_plan: Plan) -> None:
    catalog = good_plan.config["kmsguard:catalog"]
    assert catalog["environment"] == "dev"
    assert catalog["defaults"] == {"deployer": "arn:aws:iam::123456789012:role/pulumi/PulumiDeployer"}
    assert catalog["data_classes"][0] == {
        "name": "orders",
        "team": "payments",
        "owner": "payments-team",
        "cost_center": "cc-1001",
        "description": "Order records of the payments team",
        "principals": {
            "administrators": ["arn:aws:iam::123456789012:role/KeyAdministrators"],
            "users": ["arn:aws:iam::123456789012:role/OrdersApi"],
        },
        "grants": [fleet.GRANT],
    }
    assert catalog["data_classes"][1]["replication"] == {
        "replica_regions": [fleet.REPLICA_REGION],
        "reason": "Disaster recovery in eu-west-1",
    }


def test_the_import_file_names_the_components_resources(good_plan: Plan, created: fleet.Fleet) -> None:
    key_id = created.arns["least-privilege"].rsplit("/", 1)[1]
    replicated = created.arns["multi-region-primary"].rsplit("/", 1)[1]
    document = good_plan.import_file
    assert document["nameTable"] == {
        "dev": "urn:pulumi:dev::kmsguard::kmsguard:kms:KeyCatalog::dev",
        "dev-orders": "urn:pulumi:dev::kmsguard::kmsguard:kms:KeyCatalog$kmsguard:kms:Key::dev-orders",
        "dev-replicated": "urn:pulumi:dev::kmsguard::kmsguard:kms:KeyCatalog$kmsguard:kms:Key::dev-replicated",
    }
    imported = {
        (r["type"], r["name"]): (r.get("id"), r.get("parent"), r.get("component"))
        for r in document["resources"]
    }
    grant_id = next(g.grant_id for a in good_plan.adoptions for g in a.key.grants if g.name == "batch")
    assert imported == {
        ("kmsguard:kms:KeyCatalog", "dev"): (None, None, True),
        ("kmsguard:kms:Key", "dev-orders"): (None, "dev", True),
        ("kmsguard:kms:Key", "dev-replicated"): (None, "dev", True),
        (KEY_TYPE, "dev-orders-key"): (key_id, "dev-orders", None),
        (ALIAS_TYPE, "dev-orders-alias-dev-orders-payments"): (
            "alias/dev-orders-payments",
            "dev-orders",
            None,
        ),
        (GRANT_TYPE, "dev-orders-grant-batch"): (
            f"{created.arns['least-privilege']}:{grant_id}",
            "dev-orders",
            None,
        ),
        (KEY_TYPE, "dev-replicated-key"): (replicated, "dev-replicated", None),
        (ALIAS_TYPE, "dev-replicated-alias-dev-replicated-payments"): (
            "alias/dev-replicated-payments",
            "dev-replicated",
            None,
        ),
        (REPLICA_KEY_TYPE, "dev-replicated-key-replica-eu-west-1"): (
            f"{replicated}@eu-west-1",
            "dev-replicated",
            None,
        ),
    }


def test_what_the_catalog_cannot_keep_is_reported(
    created: fleet.Fleet, moto_endpoint: str, tmp_path: Path
) -> None:
    plan = _plan(created, moto_endpoint, BAD, tmp_path)
    assert [(a.cannot_keep, a.changes) for a in plan.adoptions] == [
        (
            ["statement 'Everyone' allows every principal (Principal \"*\"): a catalog key is never public"],
            [],
        ),
        (
            [
                "statement 'OpsEverything' gives kms:* to arn:aws:iam::123456789012:role/Ops: the catalog "
                "gives a principal administration or a usage role, never every action; add it to "
                "administrators or a usage role"
            ],
            [],
        ),
    ]
    assert list(plan.policy_differences.values()) == [
        ["the key policy loses statement Everyone"],
        ["the key policy loses statement OpsEverything"],
    ]


def _gate(plan: Plan, out: Path) -> tuple[int, dict[str, object]]:
    """`kmsguard preview` on a project made of the adopted stack config and the components' program."""
    (out / "Pulumi.yaml").write_text(
        yaml.safe_dump({"name": "kmsguard", "runtime": "python", "main": str(PROGRAM.parent)}),
        encoding="utf-8",
    )
    (out / "Pulumi.dev.yaml").write_text(yaml.safe_dump({"config": plan.config}), encoding="utf-8")
    config = out / "policy-config.json"
    config.write_text(json.dumps(fleet.POLICY_CONFIG), encoding="utf-8")
    report = out / "preview.json"
    code = main(
        ["preview", "--stack", "dev", "--program", str(out), "--policy-pack", str(BUNDLED_PACK),
         "--policy-config", str(config), "--json", str(report)]
    )  # fmt: skip
    return code, json.loads(report.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("shapes", "exit_code"), [pytest.param(GOOD, 0, id="good"), pytest.param(BAD, 0, id="bad")]
)
def test_round_trip_policies_match_the_live_ones_but_for_the_reported_differences(
    created: fleet.Fleet, moto_endpoint: str, tmp_path: Path, shapes: tuple[str, ...], exit_code: int
) -> None:
    plan = _plan(created, moto_endpoint, shapes, tmp_path)
    code, report = _gate(plan, tmp_path)
    assert code == exit_code
    gated = {
        r["name"]: r["props"]["policy"]
        for r in report["resources"]  # type: ignore[attr-defined]
        if r["type"] == KEY_TYPE
    }
    for adoption in plan.adoptions:
        assert adoption.key.policy is not None
        built = json.loads(gated[f"dev-{adoption.data_class['name']}-key"])
        assert compare(adoption.key.policy, built) == plan.policy_differences[adoption.key.arn]


def test_cli_writes_the_stack_config_and_the_import_file(
    created: fleet.Fleet,
    moto_endpoint: str,
    tmp_path: Path,
    good_plan: Plan,
    capsys: pytest.CaptureFixture[str],
) -> None:
    keys = [arg for s in GOOD for arg in ("--key", created.arns[s])]
    out = tmp_path / "adopted"
    code = main(
        ["adopt", "--endpoint-url", moto_endpoint, "--region", fleet.PRIMARY_REGION, "--out", str(out), *keys]
    )
    assert code == 0
    assert yaml.safe_load((out / "Pulumi.dev.yaml").read_text(encoding="utf-8")) == {
        "config": good_plan.config
    }
    assert json.loads((out / "import.json").read_text(encoding="utf-8")) == good_plan.import_file
    assert capsys.readouterr().out.splitlines()[-2:] == [
        "pulumi up creates aws:kms/alias:Alias dev-replicated-alias-dev-replicated-payments-eu-west-1",
        f"wrote {out / 'Pulumi.dev.yaml'} and {out / 'import.json'}",
    ]
