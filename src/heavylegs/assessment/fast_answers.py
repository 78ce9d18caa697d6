"""Accept answers that are certainly valid without pydantic's validator (start-up, issue 15).

Building the strict answer models' validator, and the plugin machinery pydantic loads with the
first one, cost about a third of ``assess``'s start-up. Most answers a person gives are plainly
valid, and the models are simple (:mod:`heavylegs.assessment.shapes`): strict types, no nulls,
no unknown keys, ``Literal`` choices, ``ge``/``le`` bounds, lists without repeats. This module
checks exactly that, driven by the models' own field metadata, and builds the models as
pydantic would (same values, same ``model_fields_set``).

It only ever ACCEPTS: anything doubtful or invalid gives ``None``, and the caller validates with
pydantic, so every error message stays pydantic's. A model with anything this module does not
know (a new validator, a setting, an alias) turns the fast path off as a whole.
``tests/assessment/test_fast_answers.py`` keeps pydantic as the oracle (hypothesis).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from heavylegs.assessment.answers import Answers, Strict, no_duplicates
from heavylegs.assessment.shapes import Shape, Unsupported, construct, fields_of

Check = Callable[[Any], Any]
"""A value from the input -> the value pydantic would keep; raises :class:`Unsure`."""

_CONFIG = {"extra": "forbid", "strict": True}
"""The settings the checks implement; besides these only ``frozen`` and ``defer_build`` (which
change neither what is accepted nor the values) may be set."""
_HARMLESS = frozenset({"frozen", "defer_build"})
_EXACT_FLOAT = 2**53
"""An ``int`` in a ``float`` field without bounds is taken only when it converts exactly."""


class Unsure(Exception):
    """Not certainly valid: let pydantic decide (and word the problems)."""


def fast_parse(data: Any) -> Answers | None:
    """``Answers.model_validate(data)`` when ``data`` is certainly valid, else ``None``."""
    parse = _parser()
    if parse is None:
        return None
    try:
        answers: Answers = parse(data)
    except Unsure:
        return None
    return answers


def enabled() -> bool:
    """Whether the answer models are ones this module knows (a test keeps it so)."""
    return _parser() is not None


_PARSER: list[Check | None] = []


def _parser() -> Check | None:
    if not _PARSER:
        try:
            _PARSER.append(model_parser(Answers))
        except Unsupported:
            _PARSER.append(None)
    return _PARSER[0]


def _no_nulls_function() -> Any:
    return Strict.__pydantic_decorators__.model_validators["_no_nulls"].func.__func__  # type: ignore[attr-defined]


def _check_model_class(cls: type[BaseModel]) -> None:
    """Raise :class:`Unsupported` unless ``cls`` is validated by the checks here alone."""
    config = cls.model_config
    if any(config.get(key) != value for key, value in _CONFIG.items()) or not (
        set(config) <= set(_CONFIG) | _HARMLESS
    ):
        raise Unsupported(f"{cls.__name__}: settings {config!r}")
    validators = cls.__pydantic_decorators__.model_validators
    only = validators.get("_no_nulls")
    if (
        set(validators) != {"_no_nulls"}
        or only is None
        or only.info.mode != "before"
        or getattr(only.func, "__func__", None) is not _no_nulls_function()
    ):
        raise Unsupported(f"{cls.__name__}: model validators")
    for name, info in cls.model_fields.items():
        if info.default_factory is not None or info.validate_default:
            raise Unsupported(f"{cls.__name__}.{name}: default")
        if not info.is_required() and info.default is not None:
            raise Unsupported(f"{cls.__name__}.{name}: a default other than None")


def model_parser(cls: type[BaseModel]) -> Check:
    """The check of one answer model: a dict of known keys, no nulls, every required key, each
    value checked; gives the model built as pydantic builds it. Raises :class:`Unsupported`
    for a model with anything the checks do not implement."""
    _check_model_class(cls)
    fields = fields_of(cls)
    checks = {f.name: _check(f.shape) for f in fields}
    required = frozenset(f.name for f in fields if f.required)
    order = tuple(checks.items())

    def model(data: Any) -> Any:
        if type(data) is not dict or not required <= data.keys():
            raise Unsure
        for key in data:
            if type(key) is not str or key not in checks:
                raise Unsure
        values: dict[str, Any] = {}
        for name, check in order:
            if name in data:
                value = data[name]
                if value is None:
                    raise Unsure
                values[name] = check(value)
            else:
                values[name] = None
        return construct(cls, values, set(data))

    return model


def _check(shape: Shape) -> Check:
    """The check of a non-``None`` value of ``shape``, then its after-validators."""
    inner = _plain_check(shape)
    if not shape.after:
        return inner
    if shape.after != (no_duplicates,) or shape.kind != "list":
        raise Unsupported(f"after-validators {shape.after!r}")

    def unique(value: Any) -> Any:
        items = inner(value)
        if len(set(items)) != len(items):
            raise Unsure
        return items

    return unique


def _plain_check(shape: Shape) -> Check:
    kind, low, high = shape.kind, shape.low, shape.high
    if kind in ("int", "float"):
        return _number(kind == "float", low, high)
    if kind == "bool" or kind == "str":
        wanted = bool if kind == "bool" else str

        def exact(value: Any) -> Any:
            if type(value) is not wanted:
                raise Unsure
            return value

        return exact
    if kind == "literal":
        choices = shape.choices

        def literal(value: Any) -> Any:
            if (type(value) is not str and type(value) is not int) or value not in choices:
                raise Unsure
            return value

        return literal
    if kind == "list":
        assert shape.item is not None
        item = _check(shape.item)

        def items(value: Any) -> Any:
            if type(value) is not list:
                raise Unsure
            return [item(v) for v in value]

        return items
    if kind == "model" and shape.target is not None:
        return model_parser(shape.target)
    raise Unsupported(f"{kind} fields")  # strict enums want members, not their values


def _number(is_float: bool, low: float | None, high: float | None) -> Check:
    """Strict numbers: ``int`` for int fields; ``float`` or ``int`` (kept as a float) for float
    fields; never ``bool``; within the bounds, so never nan (and never inf when bounded)."""

    def number(value: Any) -> Any:
        kind = type(value)
        if kind is int:
            if is_float and abs(value) > _EXACT_FLOAT:
                raise Unsure
        elif kind is not float or not is_float or value - value != 0:
            raise Unsure
        if (low is not None and not value >= low) or (high is not None and not value <= high):
            raise Unsure
        return float(value) if is_float else value

    return number
