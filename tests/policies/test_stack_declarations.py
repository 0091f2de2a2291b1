"""The deployer and the partner accounts a stack's `kmsguard:catalog` states, read the way the pack
receives the stack's config (`PULUMI_CONFIG`: structured values JSON-encoded); anything unreadable
declares nothing (fail closed)."""

import json
from typing import Any

import pytest

from kmsguard.config import read_stack_file
from kmsguard.policies.stack_declarations import declared_deployers, declared_partner_accounts
from kmsguard.program import load
from tests.stacks.pack import STACKS

DEPLOYER = "arn:aws:iam::111122223333:role/pulumi/PulumiDeployer"


def catalog(value: Any) -> dict[str, Any]:
    return {"kmsguard:catalog": json.dumps(value)}


def test_reads_the_json_encoded_catalog_as_the_cli_passes_it() -> None:
    config = catalog(
        {
            "defaults": {"deployer": DEPLOYER},
            "data_classes": [
                {"name": "a", "cross_account": [{"account_id": "444455556666"}]},
                {"name": "b"},
                {
                    "name": "c",
                    "cross_account": [{"account_id": "123456789012"}, {"account_id": "444455556666"}],
                },
            ],
        }
    )
    assert declared_deployers(config) == {DEPLOYER}
    assert declared_partner_accounts(config) == {"444455556666", "123456789012"}


def test_reads_an_already_decoded_catalog() -> None:
    config = {"kmsguard:catalog": {"defaults": {"deployer": DEPLOYER}, "data_classes": []}}
    assert declared_deployers(config) == {DEPLOYER}
    assert declared_partner_accounts(config) == frozenset()


@pytest.mark.parametrize(
    "config",
    [
        pytest.param({}, id="no_catalog"),
        pytest.param({"kmsguard:catalog": "{not json"}, id="catalog_not_json"),
        pytest.param(catalog(["defaults"]), id="catalog_not_a_mapping"),
        pytest.param(catalog({"defaults": {"deployer": [DEPLOYER]}}), id="deployer_a_list"),
        pytest.param(catalog({"defaults": {"deployer": ""}}), id="deployer_empty"),
        pytest.param(catalog({"defaults": DEPLOYER}), id="defaults_a_string"),
        # A deployer stated anywhere but defaults is not the one the components build from.
        pytest.param(catalog({"deployer": DEPLOYER}), id="deployer_at_top_level"),
        pytest.param(catalog({"data_classes": [{"deployer": DEPLOYER}]}), id="deployer_in_a_data_class"),
        pytest.param({"kmsguard:deployer": DEPLOYER}, id="other_config_key"),
        # What the components would refuse is no exemption: the stack config may come from the change under review.
        pytest.param(catalog({"defaults": {"deployer": "*"}}), id="deployer_wildcard"),
        pytest.param(
            catalog({"defaults": {"deployer": "arn:aws:iam::111122223333:root"}}), id="deployer_account_root"
        ),
        pytest.param(
            catalog({"defaults": {"deployer": "arn:aws:iam::111122223333:user/alice"}}), id="deployer_a_user"
        ),
        pytest.param(
            catalog({"defaults": {"deployer": "arn:aws:iam::111122223333:role/*"}}),
            id="deployer_role_wildcard",
        ),
        pytest.param(catalog({"defaults": {"deployer": f"{DEPLOYER}\n"}}), id="deployer_trailing_newline"),
    ],
)
def test_unreadable_deployer_declares_nobody(config: dict[str, Any]) -> None:
    assert declared_deployers(config) == frozenset()


@pytest.mark.parametrize(
    "data_classes",
    [
        pytest.param("444455556666", id="data_classes_a_string"),
        pytest.param([{"cross_account": {"account_id": "444455556666"}}], id="cross_account_a_mapping"),
        pytest.param([{"cross_account": ["444455556666"]}], id="share_a_bare_string"),
        pytest.param([{"cross_account": [{"account_id": 444455556666}]}], id="account_a_number"),
        pytest.param([{"cross_account": [{"account": "444455556666"}]}], id="misspelt_field"),
        pytest.param(["444455556666"], id="data_class_a_string"),
        pytest.param([{"cross_account": [{"account_id": "*"}]}], id="account_wildcard"),
        pytest.param([{"cross_account": [{"account_id": "44445555666"}]}], id="account_eleven_digits"),
        pytest.param([{"cross_account": [{"account_id": "444455556666\n"}]}], id="account_trailing_newline"),
    ],
)
def test_unreadable_shares_trust_no_account(data_classes: Any) -> None:
    assert declared_partner_accounts(catalog({"data_classes": data_classes})) == frozenset()


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_the_pack_reads_what_the_components_build_from(stack: str) -> None:
    """Both sides read one statement: the pack's reading equals the deployer and the accounts of
    every key spec the program plans from the same stack file (catalog and alert key)."""
    values = read_stack_file(STACKS / f"Pulumi.{stack}.yaml")
    config = load(values)
    specs = config.catalog.key_specs(region=config.region)
    assert declared_deployers(values) == {spec.deployer for spec in specs}
    assert declared_partner_accounts(values) == {a.account_id for spec in specs for a in spec.cross_account}
