"""What a pydantic model's fields hold, read from the models' own field metadata.

The fast paths of start-up (issue 15) — :mod:`heavylegs.assessment.dump` instead of pydantic's
serializers and :mod:`heavylegs.assessment.fast_answers` instead of its validator — must never
disagree with pydantic. They therefore know only a few plain shapes (bool, int, float, str,
``Literal``, ``Enum``, lists, nested models, ``X | None``, ``ge``/``le`` bounds and the
``AfterValidator`` functions a caller names); anything else is :class:`Unsupported`, and the
caller then always takes pydantic's own path. A changed model can so make a fast path slower,
never wrong.
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

Kind = typing.Literal["bool", "int", "float", "str", "literal", "enum", "list", "model"]
_PLAIN: dict[Any, Kind] = {bool: "bool", int: "int", float: "float", str: "str"}


class Unsupported(Exception):
    """A model or field has something the fast paths do not know: use pydantic's path."""


class Shape:
    """One field's value: its kind, whether ``None`` is allowed, and its checks.

    A plain class rather than a dataclass: a dataclass writes and compiles its methods at
    import, which was a measurable part of ``assess``'s start-up (issue 15).
    """

    __slots__ = ("after", "choices", "high", "item", "kind", "low", "optional", "target")

    def __init__(
        self,
        kind: Kind,
        optional: bool = False,
        choices: frozenset[Any] = frozenset(),
        target: type[Any] | None = None,
        item: Shape | None = None,
        low: float | None = None,
        high: float | None = None,
        after: tuple[Callable[..., Any], ...] = (),
    ) -> None:
        self.kind = kind
        self.optional = optional
        self.choices = choices
        """``literal``: the allowed values."""
        self.target = target
        """``enum``: the enum class; ``model``: the model class."""
        self.item = item
        """``list``: the shape of each item."""
        self.low = low
        self.high = high
        self.after = after
        """``AfterValidator`` functions, innermost first (the fast validator names those it
        knows)."""

    def replaced(self, **changes: Any) -> Shape:
        """This shape with ``changes`` (keyword arguments of the constructor)."""
        return Shape(**{**{name: getattr(self, name) for name in self.__slots__}, **changes})


class FieldShape:
    """One model field: its name, its shape, and whether the input must give it."""

    __slots__ = ("name", "required", "shape")

    def __init__(self, name: str, shape: Shape, required: bool) -> None:
        self.name = name
        self.shape = shape
        self.required = required


def _bounds(shape: Shape, metadata: typing.Iterable[Any]) -> Shape:
    """``shape`` with the ``ge``/``le`` bounds and after-validators of ``metadata`` added."""
    from annotated_types import Ge, Le
    from pydantic.functional_validators import AfterValidator

    low, high, after = shape.low, shape.high, list(shape.after)
    for meta in metadata:
        if type(meta) is Ge and isinstance(meta.ge, int | float):
            low = meta.ge
        elif type(meta) is Le and isinstance(meta.le, int | float):
            high = meta.le
        elif type(meta) is AfterValidator:
            after.append(meta.func)
        else:
            raise Unsupported(f"metadata {meta!r}")
    if (low is not None or high is not None) and shape.kind not in ("int", "float"):
        raise Unsupported("bounds on a value that is not a number")
    return shape.replaced(low=low, high=high, after=tuple(after))


def shape_of(annotation: Any, metadata: typing.Iterable[Any] = ()) -> Shape:
    """The shape of a field annotation (plus the field's own metadata); raises Unsupported."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        rest = [a for a in args if a is not type(None)]
        if len(rest) != 1 or len(args) != 2:
            raise Unsupported(f"union {annotation!r}")
        inner = shape_of(rest[0])
        if inner.optional:
            raise Unsupported(f"nested optional {annotation!r}")
        found = inner.replaced(optional=True)
    elif origin is typing.Annotated:
        found = _bounds(shape_of(args[0]), annotation.__metadata__)
    elif origin is list:
        item = shape_of(args[0]) if len(args) == 1 else None
        if item is None or item.optional:
            raise Unsupported(f"list {annotation!r}")
        found = Shape("list", item=item)
    elif origin is typing.Literal:
        if not args or any(type(a) not in (str, int) for a in args):
            raise Unsupported(f"literal {annotation!r}")
        found = Shape("literal", choices=frozenset(args))
    elif annotation in _PLAIN:
        found = Shape(_PLAIN[annotation])
    elif isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        if any(type(m.value) not in (str, int) for m in annotation):
            raise Unsupported(f"enum values of {annotation!r}")
        found = Shape("enum", target=annotation)
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        found = Shape("model", target=annotation)
    else:
        raise Unsupported(f"annotation {annotation!r}")
    return _bounds(found, metadata) if metadata else found


M = typing.TypeVar("M", bound=BaseModel)


def construct(cls: type[M], values: dict[str, Any], fields_set: set[str]) -> M:
    """An instance of ``cls`` as pydantic's validator leaves one (a model without extras or
    private attributes): ``values`` holds every field, in definition order. No checks: the
    callers (``result.trusted``, ``fast_answers``) have made sure of the values."""
    built = cls.__new__(cls)
    object.__setattr__(built, "__dict__", values)
    object.__setattr__(built, "__pydantic_fields_set__", fields_set)
    object.__setattr__(built, "__pydantic_extra__", None)
    object.__setattr__(built, "__pydantic_private__", None)
    return built


def fields_of(cls: type[BaseModel]) -> tuple[FieldShape, ...]:
    """Every field of ``cls`` in definition order (the order of pydantic's output), or
    :class:`Unsupported` when the model has anything that changes validation or output beyond
    the shapes: aliases, serializers, computed fields, private attributes, ``model_post_init``,
    validators other than ``AfterValidator`` metadata (the caller checks model validators)."""
    decorators = cls.__pydantic_decorators__
    if (
        decorators.validators
        or decorators.field_validators
        or decorators.root_validators
        or decorators.field_serializers
        or decorators.model_serializers
        or decorators.computed_fields
        or cls.__private_attributes__
        or cls.__pydantic_post_init__ is not None
        or cls.model_config.get("json_encoders")
        or cls.model_config.get("alias_generator")
        or cls.model_config.get("use_enum_values")
    ):
        raise Unsupported(f"{cls.__name__}: validators, serializers or settings")
    found = []
    for name, info in cls.model_fields.items():
        if (
            info.alias is not None
            or info.validation_alias is not None
            or info.serialization_alias is not None
            or info.exclude is not None
            or info.discriminator is not None
        ):
            raise Unsupported(f"{cls.__name__}.{name}: alias or exclude")
        found.append(FieldShape(name, shape_of(info.annotation, info.metadata), info.is_required()))
    return tuple(found)
