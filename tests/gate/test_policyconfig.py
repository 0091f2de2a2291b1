"""Reconciliation in the CLI's order, and a user file checked against the schemas before use."""

import pytest

from kmsguard.gate.errors import GateError
from kmsguard.gate.model import PolicyMeta
from kmsguard.gate.policyconfig import reconcile

ROTATION = PolicyMeta(
    name="rotation",
    title="t",
    description="d",
    severity="high",
    enforcement="mandatory",
    config_schema={
        "maxDays": {"type": "integer", "default": 365},
        "tags": {"type": "array", "items": {"type": "string"}},
    },
)
ALIAS = PolicyMeta(name="alias", title="t", description="d", severity="low", enforcement="advisory")


def test_defaults_then_initial_config_then_user_file() -> None:
    settings = reconcile(
        [ROTATION, ALIAS],
        initial={"all": "advisory", "rotation": {"maxDays": 200}},
        user={"rotation": {"enforcementLevel": "mandatory", "tags": ["a"]}},
    )
    assert (settings["rotation"].enforcement, settings["rotation"].properties) == (
        "mandatory",
        {"maxDays": 200, "tags": ["a"]},
    )
    assert settings["alias"].enforcement == "advisory"


def test_all_sets_every_level_before_per_policy_entries() -> None:
    settings = reconcile([ROTATION, ALIAS], initial={}, user={"alias": "mandatory", "all": "disabled"})
    assert {k: v.enforcement for k, v in settings.items()} == {"rotation": "disabled", "alias": "mandatory"}


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ({"rotaton": "mandatory"}, "unknown policy 'rotaton'"),
        ({"rotation": {"maxdays": 1}}, "rotation.maxdays is not a setting of policy 'rotation'"),
        ({"rotation": {"maxDays": "ten"}}, "rotation.maxDays is invalid: 'ten' is not of type 'integer'"),
        ({"rotation": {"tags": ["a", 3]}}, "rotation.tags.1 is invalid"),
        ({"rotation": "strict"}, 'rotation = "strict" is not an enforcement level'),
        ({"alias": 3}, "'alias' must be an enforcement level or an object"),
        ({"all": {"maxDays": 3}}, "`all` takes only an enforcement level"),
    ],
)
def test_bad_user_config_names_the_key(user: dict[str, object], expected: str) -> None:
    with pytest.raises(GateError) as caught:
        reconcile([ROTATION, ALIAS], initial={}, user=user, source="cfg.json")
    assert caught.value.problem.startswith("cfg.json: ")
    assert expected in caught.value.problem
