"""The action catalogue agrees with a third-party IAM catalogue (parliament's), in both directions."""

from parliament import iam_definition

from kmsguard_policies import catalogue


def _parliament_kms_actions() -> set[str]:
    kms = next(s for s in iam_definition if s["prefix"] == "kms")
    return {p["privilege"] for p in kms["privileges"]}


def test_kms_actions_match_parliament_exactly() -> None:
    assert set(catalogue.KMS_ACTIONS) == _parliament_kms_actions()


def test_every_role_list_names_only_real_actions_and_no_wildcard() -> None:
    role_lists = [
        catalogue.ADMIN_ACTIONS, catalogue.MULTI_REGION_ADMIN_ACTIONS, catalogue.IMPORTED_MATERIAL_ADMIN_ACTIONS,
        catalogue.DEFAULT_CRITICAL_ACTIONS, catalogue.OPTIONAL_CRITICAL_ACTIONS, catalogue.ENCRYPT_ACTIONS,
        catalogue.DECRYPT_ACTIONS, catalogue.SERVICE_GRANT_ACTIONS, catalogue.SIGN_VERIFY_ACTIONS,
        catalogue.PUBLIC_KEY_ENCRYPTION_ACTIONS, catalogue.MAC_ACTIONS, catalogue.KEY_AGREEMENT_ACTIONS,
        catalogue.GRANT_OPERATIONS,
    ]  # fmt: skip
    for actions in role_lists:
        assert set(actions) <= catalogue.KMS_ACTIONS
        assert list(actions) == sorted(actions), "role lists are sorted so policies are deterministic"


def test_administrators_cannot_create_grants() -> None:
    assert "CreateGrant" not in catalogue.ADMIN_ACTIONS
    assert "CreateGrant" not in catalogue.ADMINISTRATION_ACTIONS


def test_administration_and_usage_are_disjoint() -> None:
    assert not (catalogue.ADMINISTRATION_ACTIONS & catalogue.USAGE_ACTIONS)


def test_canonical_action_is_case_insensitive() -> None:
    assert catalogue.canonical_action("KMS:decrypt") == "Decrypt"
    assert catalogue.canonical_action("kms:NoSuchAction") is None


def test_conventional_alias_round_trips() -> None:
    name = catalogue.conventional_alias("prod", "orders", "payments")
    assert name == "alias/prod-orders-payments"
    assert catalogue.parse_conventional_alias(name, catalogue.DEFAULT_ENVIRONMENTS) == (
        "prod",
        "orders",
        "payments",
    )
    assert catalogue.parse_conventional_alias("alias/aws/s3", catalogue.DEFAULT_ENVIRONMENTS) is None
    assert (
        catalogue.parse_conventional_alias("alias/prod-Orders-payments", catalogue.DEFAULT_ENVIRONMENTS)
        is None
    )
    assert (
        catalogue.parse_conventional_alias("alias/uat-orders-payments", catalogue.DEFAULT_ENVIRONMENTS)
        is None
    )
