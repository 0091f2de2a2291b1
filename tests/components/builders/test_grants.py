"""Grant plans map 1:1 onto aws.kms.Grant."""

from __future__ import annotations

from kmsguard.builders import GrantPlan, plan_grants
from kmsguard.spec import parse_key_spec
from tests.components.builders.cases import CASES
from tests.components.spec.baseline import ACCOUNT, ADMIN, BASELINE


def test_grant_plan_carries_every_grant_argument() -> None:
    assert plan_grants(parse_key_spec(CASES["symmetric-grants"].spec)) == (
        GrantPlan(
            name_suffix="batch",
            grantee_principal=f"arn:aws:iam::{ACCOUNT}:role/Batch",
            operations=("Decrypt", "GenerateDataKey"),
            encryption_context_equals=None,
            encryption_context_subset={"tenant": "acme"},
            retiring_principal=ADMIN,
        ),
    )


def test_no_grants_no_plans() -> None:
    assert plan_grants(parse_key_spec(BASELINE)) == ()
