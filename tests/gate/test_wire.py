"""`wire.to_python` walks a Struct itself: the same values, in the same order, as `json_format`."""

import json
import math
from typing import Any

import pytest
from google.protobuf import json_format, struct_pb2  # type: ignore[import-untyped]
from hypothesis import given
from hypothesis import strategies as st

from kmsguard.gate import wire

json_values = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False, allow_infinity=False) | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=30,
)


@given(st.dictionaries(st.text(), json_values, max_size=6))
def test_a_struct_converts_to_what_wire_makes_of_it_key_order_included(props: dict[str, Any]) -> None:
    struct = wire.from_python(props)
    expected = json_format.MessageToDict(struct)
    converted = wire.to_python(struct)
    assert converted == expected
    assert json.dumps(converted) == json.dumps(expected)


def test_a_secret_an_unset_value_and_a_null_convert_as_wire_converts_them() -> None:
    struct = wire.from_python({"secret": wire.secret("hunter2"), "null": None, "n": 3.0})
    struct.fields["unset"].CopyFrom(struct_pb2.Value())
    assert wire.to_python(struct) == json_format.MessageToDict(struct)
    assert wire.value_to_python(struct.fields["unset"]) is None


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        pytest.param(math.nan, "NaN", id="nan"),
        pytest.param(math.inf, "Infinity", id="infinity"),
        pytest.param(-math.inf, "-Infinity", id="minus_infinity"),
    ],
)
def test_a_number_json_cannot_hold_is_named_not_raised(number: float, shown: str) -> None:
    # json_format refuses it; a report of the program that holds it must still be written.
    struct = wire.from_python({"list": [number]})
    with pytest.raises(ValueError, match="Fail to serialize"):
        json_format.MessageToDict(struct)
    assert wire.to_python(struct) == {"list": [shown]}
