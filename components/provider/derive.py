"""The provider's input types, derived from the pydantic specs → `components/provider/args.py`.

Pulumi's component provider learns a component's inputs from the annotations of its `args` type
(TypedDicts, enums and plain types; it refuses unions and cannot read `Literal`). The specs stay the
one source of truth: this walks `KmsKeySpec` and `CatalogSpec` and writes their shape as TypedDicts
with the same field names, their descriptions as attribute docstrings (which the analyzer reads),
so the provider's inputs validate through the very models Python programs use.
`python -m kmsguard.provider.derive --write` regenerates the file; `--check` exits 1 when it is stale.

How a spec type becomes an input type (anything else stops the generation):
- a field with a default, or that may be None, is `NotRequired` (Pulumi has no null: absent is default);
- `Literal[...]` becomes an enum named after the alias that declares it (else `<Model><Field>`);
- a discriminated union of models becomes one type: the tag an enum, every member's other fields
  optional (the spec still refuses a field that does not belong to the chosen member);
- a list or map of enum values is a list or map of strings, their values listed in the description:
  the SDK's ComponentProvider turns each enum item into an empty object (pulumi 3.272);
- `str | list[str]` is `list[str]` (an IAM condition value and a one-element list mean the same);
- dates and times are ISO 8601 strings, which the spec parses.
"""

from __future__ import annotations

import datetime
import enum
import inspect
import json
import re
import sys
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union, get_args, get_origin

from pydantic import AwareDatetime, BaseModel
from pydantic.fields import FieldInfo

from kmsguard.catalog_spec import CatalogSpec
from kmsguard.generated import generated_file_main
from kmsguard.spec import KmsKeySpec

ARGS_PATH = Path(__file__).resolve().parent / "args.py"
#: The top-level spec of each hosted component → the name of its args type.
ROOTS: dict[type[BaseModel], str] = {KmsKeySpec: "KmsKeyArgs", CatalogSpec: "KeyCatalogArgs"}
#: Where type aliases (Literal choices, the key-kind union) are declared, for their names.
_ALIAS_MODULES = (
    "kmsguard.spec.kind",
    "kmsguard.spec.access",
    "kmsguard.spec.integrations",
    "kmsguard.spec.key",
    "kmsguard.spec.lifecycle",
    "kmsguard.catalog_spec",
)


class DeriveError(Exception):
    """A spec type the provider's input types cannot express; the message names the field."""


@dataclass
class _Field:
    name: str
    type: str
    required: bool
    description: str


@dataclass
class _Class:
    name: str
    doc: str
    base: str
    body: list[_Field] | list[tuple[str, str]] = field(default_factory=list)


class _Deriver:
    def __init__(self) -> None:
        self.classes: dict[str, _Class] = {}
        self.sources: dict[str, object] = {}
        self.imports: dict[str, set[str]] = {}

    # -- classes ------------------------------------------------------------------------------
    def model(self, model: type[BaseModel], name: str | None = None) -> str:
        name = name or model.__name__
        if self._claim(name, model):
            fields = [self._field(model.__name__, n, info) for n, info in model.model_fields.items()]
            self.classes[name] = _Class(name, _doc(model), "TypedDict", fields)
        return name

    def union(self, alias: str, members: tuple[type[BaseModel], ...], discriminator: str) -> str:
        """One type for a discriminated union: the tag an enum, the members' other fields optional."""
        if not self._claim(alias, members):
            return alias
        tags = [get_args(m.model_fields[discriminator].annotation)[0] for m in members]
        tag_doc = f"{alias}.{discriminator}: " + "; ".join(
            f"{tag}: {_doc(m).rstrip('.')}" for tag, m in zip(tags, members, strict=True)
        )
        tag_enum = self.enum_of(f"{alias}{_camel(discriminator)}", tuple(tags), f"{tag_doc}.")
        by_name: dict[str, list[tuple[str, FieldInfo]]] = {}
        for member, tag in zip(members, tags, strict=True):
            for n, info in member.model_fields.items():
                if n != discriminator:
                    by_name.setdefault(n, []).append((tag, info))
        fields = [_Field(discriminator, tag_enum, True, f"Which kind: {', '.join(tags)}.")]
        for n, variants in by_name.items():
            annotations = [_strip_optional(info.annotation)[0] for _, info in variants]
            rendered = (
                self._type(alias, n, annotations[0])
                if all(a == annotations[0] for a in annotations)
                else self._merged_choice(alias, n, annotations)
            )
            descriptions = {info.description or "" for _, info in variants}
            description = (
                descriptions.pop()
                if len(descriptions) == 1
                else "; ".join(f"{tag}: {(info.description or '').rstrip('.')}" for tag, info in variants)
                + "."
            )
            fields.append(_Field(n, rendered, False, description))
        doc = (
            f"{alias}: one of {', '.join(tags)} (field `{discriminator}`). The other fields belong to "
            "the kinds their descriptions name; the spec refuses them on any other kind."
        )
        self.classes[alias] = _Class(alias, doc, "TypedDict", fields)
        return alias

    def enum_of(self, name: str, values: tuple[str, ...], doc: str) -> str:
        if self._claim(name, values):
            members = [(_member_name(v), v) for v in values]
            self.classes[name] = _Class(name, doc, "StrEnum", members)
        return name

    def _claim(self, name: str, source: object) -> bool:
        """True the first time `name` is asked for; a second source under one name is an error."""
        if name in self.sources:
            if self.sources[name] != source:
                raise DeriveError(f"two spec types would both be called {name}; rename one")
            return False
        self.sources[name] = source
        return True

    # -- fields and types ---------------------------------------------------------------------
    def _field(self, owner: str, name: str, info: FieldInfo) -> _Field:
        annotation, nullable = _strip_optional(info.annotation)
        description = info.description or ""
        choice = _choice_values(_item_type(annotation))
        if choice is not None:
            description = f"{description} Values: {', '.join(choice)}.".strip()
        rendered = self._type(owner, name, annotation, discriminator=info.discriminator)
        return _Field(name, rendered, info.is_required() and not nullable, description)

    def _type(self, owner: str, name: str, annotation: Any, discriminator: Any = None) -> str:
        annotation = _unannotated(annotation)
        origin = get_origin(annotation)
        where = f"{owner}.{name}"
        if annotation in (str, int, bool, float):
            return str(annotation.__name__)
        if annotation is AwareDatetime or (
            isinstance(annotation, type) and issubclass(annotation, datetime.date)
        ):
            return "str"
        if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
            self.imports.setdefault(annotation.__module__, set()).add(annotation.__name__)
            return annotation.__name__
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return self.model(annotation)
        if origin is typing.Literal:
            values = get_args(annotation)
            alias = _alias_name(annotation) or f"{owner}{_camel(name)}"
            return self.enum_of(alias, values, f"{alias}: {', '.join(values)}.")
        if origin in (tuple, list):
            items = get_args(annotation)
            if origin is tuple and (len(items) != 2 or items[1] is not Ellipsis):
                raise DeriveError(f"{where}: only homogeneous tuples (tuple[X, ...]) become lists")
            item = _unannotated(items[0])
            if _choice_values(item) is not None:
                return "list[str]"
            return f"list[{self._type(owner, name, item)}]"
        if origin is dict:
            key, value = (_unannotated(a) for a in get_args(annotation))
            if key is not str:
                raise DeriveError(f"{where}: map keys must be strings")
            if _choice_values(value) is not None:
                return "dict[str, str]"
            return f"dict[str, {self._type(owner, name, value)}]"
        if _is_union(annotation):
            members = tuple(_unannotated(a) for a in get_args(annotation))
            if set(members) == {str, list[str]}:
                return "list[str]"
            if all(isinstance(m, type) and issubclass(m, BaseModel) for m in members):
                tag = discriminator or _discriminator_of(annotation)
                declared = _alias_name(annotation)
                if tag is None or declared is None:
                    raise DeriveError(
                        f"{where}: a union of models needs a declared alias and a discriminator"
                    )
                return self.union(declared, members, tag)
        raise DeriveError(
            f"{where}: {annotation!r} has no provider input type; extend kmsguard.provider.derive"
        )

    def _merged_choice(self, owner: str, name: str, annotations: list[Any]) -> str:
        """One enum for a field whose members restrict it differently (e.g. kind.key_spec)."""
        values: list[str] = []
        enums: list[type[enum.Enum]] = []
        for annotation in annotations:
            bare = _unannotated(_strip_optional(annotation)[0])
            found = _choice_values(bare)
            if found is None:
                raise DeriveError(f"{owner}.{name}: members give it different, non-choice types")
            values.extend(v for v in found if v not in values)
            if isinstance(bare, type) and issubclass(bare, enum.Enum):
                enums.append(bare)
        for candidate in enums:
            if set(values) <= {m.value for m in candidate}:
                return self._type(owner, name, candidate)
        return self.enum_of(f"{owner}{_camel(name)}", tuple(values), f"{owner}.{name}: {', '.join(values)}.")

    # -- rendering ----------------------------------------------------------------------------
    def render(self) -> str:
        lines = [
            '"""Input types of the hosted components, generated from the pydantic specs; do not edit.',
            "",
            "`python -m kmsguard.provider.derive --write` regenerates this file (see that module for how",
            "each spec type maps). Pulumi's analyzer reads these annotations at runtime: no",
            "`from __future__ import annotations` here.",
            '"""',
            "",
            "from enum import StrEnum",
            "from typing import NotRequired, TypedDict",
            "",
        ]
        for module in sorted(self.imports):
            lines.append(f"from {module} import {', '.join(sorted(self.imports[module]))}")
        for cls in self.classes.values():
            lines += ["", "", f"class {cls.name}({cls.base}):", f"    {_docstring(cls.doc)}", ""]
            for item in cls.body:
                if isinstance(item, _Field):
                    annotation = item.type if item.required else f"NotRequired[{item.type}]"
                    lines += [f"    {item.name}: {annotation}", f"    {_docstring(item.description)}"]
                else:
                    lines.append(f"    {item[0]} = {json.dumps(item[1])}")
        return "\n".join(lines) + "\n"


def render() -> str:
    deriver = _Deriver()
    for model, name in ROOTS.items():
        deriver.model(model, name)
    # Leaves first: no forward references (the analyzer resolves those only in the components' modules).
    deriver.classes = dict(_dependency_order(deriver.classes))
    return deriver.render()


def _dependency_order(classes: dict[str, _Class]) -> Iterator[tuple[str, _Class]]:
    done: set[str] = set()

    def visit(name: str) -> Iterator[tuple[str, _Class]]:
        if name in done or name not in classes:
            return
        done.add(name)
        for item in classes[name].body:
            if isinstance(item, _Field):
                for used in re.findall(r"\w+", item.type):
                    yield from visit(used)
        yield name, classes[name]

    for name in list(classes):
        yield from visit(name)


# -- helpers ----------------------------------------------------------------------------------
def _is_union(annotation: Any) -> bool:
    return get_origin(annotation) in (Union, types.UnionType)


def _unannotated(annotation: Any) -> Any:
    while get_origin(annotation) is typing.Annotated:
        annotation = get_args(annotation)[0]
    return annotation


def _strip_optional(annotation: Any) -> tuple[Any, bool]:
    if _is_union(annotation) and type(None) in get_args(annotation):
        rest = tuple(a for a in get_args(annotation) if a is not type(None))
        return (rest[0] if len(rest) == 1 else Union[rest]), True  # noqa: UP007 - built at runtime
    return annotation, False


def _item_type(annotation: Any) -> Any:
    """The element of a list or the value of a map, else the type itself."""
    bare = _unannotated(annotation)
    if get_origin(bare) in (tuple, list):
        return _unannotated(get_args(bare)[0])
    if get_origin(bare) is dict:
        return _unannotated(get_args(bare)[1])
    return None


def _choice_values(annotation: Any) -> tuple[str, ...] | None:
    """The values of a Literal or an enum, else None."""
    if get_origin(annotation) is typing.Literal:
        return tuple(str(v) for v in get_args(annotation))
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return tuple(str(m.value) for m in annotation)
    return None


def _alias_name(annotation: Any) -> str | None:
    """The module-level name a Literal or union is declared under in the spec modules."""
    found = {
        name
        for module in _ALIAS_MODULES
        for name, value in vars(sys.modules[module]).items()
        if not inspect.isclass(value) and not name.startswith("_") and _same_alias(value, annotation)
    }
    if len(found) > 1:
        raise DeriveError(f"{annotation!r} is declared as {', '.join(sorted(found))}; keep one")
    return found.pop() if found else None


def _same_alias(value: Any, annotation: Any) -> bool:
    try:
        return bool(_unannotated(value) == annotation) and get_origin(_unannotated(value)) is not None
    except TypeError:
        return False


def _discriminator_of(annotation: Any) -> str | None:
    for module in _ALIAS_MODULES:
        for value in vars(sys.modules[module]).values():
            if get_origin(value) is typing.Annotated and _unannotated(value) == annotation:
                for meta in get_args(value)[1:]:
                    if isinstance(meta, FieldInfo) and isinstance(meta.discriminator, str):
                        return meta.discriminator
    return None


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def _member_name(value: str) -> str:
    name = re.sub(r"\W", "_", value).upper()
    return f"_{name}" if name[:1].isdigit() else name


def _doc(model: type[BaseModel]) -> str:
    return _doc_text(model) or model.__name__


def _doc_text(cls: type) -> str:
    doc = cls.__dict__.get("__doc__") or ""
    return " ".join(inspect.cleandoc(doc).split())


def _docstring(text: str) -> str:
    text = " ".join(text.split()).replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    if text.endswith('"'):
        text = text[:-1] + '\\"'
    return f'"""{text}"""'


def main(argv: list[str] | None = None) -> int:
    return generated_file_main("kmsguard.provider.derive", ARGS_PATH, render, argv)


if __name__ == "__main__":
    sys.exit(main())
