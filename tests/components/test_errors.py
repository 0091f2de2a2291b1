from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kmsguard.errors import FieldError, KmsGuardError, PolicyBuildError, SpecError


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid")
    days: int = Field(ge=7)


class _Outer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: list[_Item]


def test_spec_error_lists_each_problem_with_its_path() -> None:
    try:
        _Outer.model_validate({"items": [{"days": 3}, {"dayz": 9}]})
    except ValidationError as exc:
        error = SpecError.from_validation_error(exc, prefix="catalog.keys[0]")
    assert error.errors == (
        FieldError(
            "catalog.keys[0].items[0].days", "input should be greater than or equal to 7; change the value"
        ),
        FieldError("catalog.keys[0].items[1].days", "is required; add it"),
        FieldError("catalog.keys[0].items[1].dayz", "is not a known field; remove it or fix its spelling"),
    )
    assert str(error) == "\n".join(str(e) for e in error.errors)


def test_one_exception_family() -> None:
    assert issubclass(SpecError, KmsGuardError)
    assert issubclass(PolicyBuildError, KmsGuardError)
    assert not issubclass(KmsGuardError, ValueError)
