"""How spec types become the provider's input types, and what stops the generation."""

from __future__ import annotations

import typing
from typing import Literal

import pytest
from pydantic import BaseModel, Field

from kmsguard.policies.facts import KeySpec
from kmsguard.provider import args, derive
from kmsguard.spec import KIND_TAGS


class Sample(BaseModel):
    """A sample."""

    level: Literal["low", "high"] = Field(default="low", description="How much.")
    modes: tuple[Literal["a", "b"], ...] = Field(description="Which modes.")
    conditions: dict[str, str | list[str]] = Field(description="Values.")
    maybe: int | None = Field(default=None, description="Perhaps.")


def rendered(model: type[BaseModel]) -> str:
    deriver = derive._Deriver()
    deriver.model(model, "SampleArgs")
    return deriver.render()


def test_literals_lists_of_choices_unions_and_optional_fields_map_as_documented() -> None:
    text = rendered(Sample)
    assert (
        'class SampleLevel(StrEnum):\n    """SampleLevel: low, high."""\n\n    LOW = "low"\n    HIGH = "high"\n'
        in text
    )
    assert (
        "    level: NotRequired[SampleLevel]\n"
        '    """How much."""\n'
        "    modes: list[str]\n"
        '    """Which modes. Values: a, b."""\n'
        "    conditions: dict[str, list[str]]\n"
        '    """Values."""\n'
        "    maybe: NotRequired[int]\n"
        '    """Perhaps."""\n'
    ) in text


def test_a_type_the_provider_cannot_express_stops_the_generation() -> None:
    class Unsupported(BaseModel):
        either: int | str = Field(description="Either.")

    with pytest.raises(derive.DeriveError) as raised:
        rendered(Unsupported)
    assert str(raised.value) == (
        f"Unsupported.either: {int | str!r} has no provider input type; extend kmsguard.provider.derive"
    )


def test_the_key_kind_union_is_one_type_whose_key_spec_is_the_facts_enum() -> None:
    hints = typing.get_type_hints(args.KeyKind)
    assert hints["key_spec"] is KeySpec
    assert tuple(m.value for m in args.KeyKindType) == KIND_TAGS
