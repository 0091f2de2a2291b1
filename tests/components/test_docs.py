"""The generated component reference: current, complete, and generation fails on a missing description."""

from __future__ import annotations

import inspect

import pytest
from pydantic import BaseModel, Field

from kmsguard import docs
from kmsguard.catalog import KeyCatalog
from kmsguard.interface import KeyCatalogArgs, KeyMonitoringArgs, KmsKeyArgs
from kmsguard.key import KmsKey
from kmsguard.monitoring import KeyMonitoring


def test_committed_reference_is_current() -> None:
    assert docs.REFERENCE_PATH.read_text() == docs.render(), "run `python -m kmsguard.docs --write`"
    assert docs.main(["--check"]) == 0


def test_a_field_without_description_fails_generation() -> None:
    class Undocumented(BaseModel):
        documented: int = Field(description="Has one.")
        nested: dict[str, str]

    with pytest.raises(
        docs.MissingDescriptionError, match=r"^Undocumented: no description for nested; add one$"
    ):
        docs.model_rows(Undocumented)


def test_nested_and_union_fields_get_their_own_rows() -> None:
    paths = {r.path for r in docs.model_rows(KmsKeyArgs)}
    assert paths == {
        "args",
        "account_id",
        "partition",
        "region",
        "extra_statements",
        "production",
        "today",
        "opts",
    }
    reference = docs.render()
    for row in (
        "`principals.service_users[].services`",
        "`kind[type=imported].valid_to`",
        "`data_classes[].replication.reason`",
        "`kmsguard:catalog`",
        "`consumerPolicies`",
        "`kmsguard:monitoring`",
        "`topic_key.principals.users`",
        "`topicArns`",
    ):
        assert row in reference


@pytest.mark.parametrize(
    ("component", "args"),
    [(KmsKey, KmsKeyArgs), (KeyCatalog, KeyCatalogArgs), (KeyMonitoring, KeyMonitoringArgs)],
)
def test_documented_arguments_are_the_constructors(component: type, args: type[BaseModel]) -> None:
    parameters = [p for p in inspect.signature(component.__init__).parameters if p not in ("self", "name")]
    assert parameters == list(args.model_fields)
