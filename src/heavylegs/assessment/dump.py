"""``model.model_dump(mode="json")`` without pydantic's serializers, for start-up (issue 15).

pydantic builds a model's serializer together with its validator, the first time either is
needed; for ``assess --json`` that build cost more than the whole assessment. The output models
and the answers hold only plain shapes (:mod:`heavylegs.assessment.shapes`), so a walk over their
fields gives the same document. The walk is strict: a value whose type is not exactly the one its
field declares (an ``int`` in a ``float`` field, a subclass, a non-finite float, extra fields)
stops it, and pydantic's own ``model_dump`` answers instead. ``tests/assessment/test_dump.py``
keeps pydantic as the oracle.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from heavylegs.assessment.shapes import Shape, Unsupported, fields_of

Encode = Callable[[Any, bool], Any]
"""(value, exclude_none) -> its JSON form; raises :class:`_Unsure`."""


class _Unsure(Exception):
    """This value is not one the walk is sure to dump as pydantic does."""


def dump_json(model: BaseModel, *, exclude_none: bool = False) -> dict[str, Any]:
    """Exactly ``model.model_dump(mode="json", exclude_none=exclude_none)``."""
    try:
        return _dump_model(model, exclude_none)
    except _Unsure:
        return model.model_dump(mode="json", exclude_none=exclude_none)


Plan = tuple[tuple[str, Encode, bool], ...]
"""Each field's name, encoder, and whether it may be ``None``."""
_PLANS: dict[type[BaseModel], Plan | None] = {}


def _plan(cls: type[BaseModel]) -> Plan:
    """The plan of ``cls`` (built once per class); ``_Unsure`` for a model the walk does not
    know."""
    if cls not in _PLANS:
        try:
            _PLANS[cls] = tuple(
                (f.name, _encoder(f.shape), f.shape.optional) for f in fields_of(cls)
            )
        except Unsupported:
            _PLANS[cls] = None
    plan = _PLANS[cls]
    if plan is None:
        raise _Unsure
    return plan


def _dump_model(model: BaseModel, exclude_none: bool) -> dict[str, Any]:
    plan = _plan(type(model))
    if model.__pydantic_extra__:
        raise _Unsure
    values = model.__dict__
    out: dict[str, Any] = {}
    try:
        for name, encode, optional in plan:
            value = values[name]
            if value is None:
                if not optional:
                    raise _Unsure
                if not exclude_none:
                    out[name] = None
            else:
                out[name] = encode(value, exclude_none)
    except KeyError:
        raise _Unsure from None
    return out


def _exact(kind: type[Any]) -> Encode:
    def encode(value: Any, exclude_none: bool) -> Any:
        if type(value) is not kind:
            raise _Unsure
        return value

    return encode


def _finite_float(value: Any, exclude_none: bool) -> Any:
    if type(value) is not float or value - value != 0:  # pydantic writes inf and nan as null
        raise _Unsure
    return value


def _encoder(shape: Shape) -> Encode:
    """The encoder of a non-``None`` value of ``shape`` (``None`` is handled by the caller)."""
    if shape.kind == "float":
        return _finite_float
    if shape.kind in ("bool", "int", "str"):
        return _exact({"bool": bool, "int": int, "str": str}[shape.kind])
    if shape.kind == "literal":
        choices = shape.choices

        def literal(value: Any, exclude_none: bool) -> Any:
            if type(value) not in (str, int) or value not in choices:
                raise _Unsure
            return value

        return literal
    target = shape.target
    if shape.kind == "enum":

        def member(value: Any, exclude_none: bool) -> Any:
            if type(value) is not target:
                raise _Unsure
            return value.value

        return member
    if shape.kind == "model":

        def nested(value: Any, exclude_none: bool) -> Any:
            if type(value) is not target:
                raise _Unsure
            return _dump_model(value, exclude_none)

        return nested
    assert shape.item is not None  # a list
    item = _encoder(shape.item)

    def items(value: Any, exclude_none: bool) -> Any:
        if type(value) is not list:
            raise _Unsure
        return [item(v, exclude_none) for v in value]

    return items
