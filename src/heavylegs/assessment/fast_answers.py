"""Accept answers that are certainly valid without pydantic's validator (start-up, issue 15).

Building the strict answer models' validator, and the plugin machinery pydantic loads with the
first one, cost about a third of ``assess``'s start-up. Most answers a person gives are plainly
valid, and the models are simple (:mod:`heavylegs.assessment.shapes`): strict types, no nulls,
no unknown keys, ``Literal`` choices, ``ge``/``le`` bounds, lists without repeats. This module
reads the models' own field metadata into the plain tables of
:mod:`heavylegs.assessment.plain_answers` (which check exactly that, and import no pydantic), and
builds the models from the checked document as pydantic would (same values, same
``model_fields_set``).

It only ever ACCEPTS: anything doubtful or invalid gives ``None``, and the caller validates with
pydantic, so every error message stays pydantic's. A model with anything the tables do not
know (a new validator, a setting, an alias) turns the fast path off as a whole.
``tests/assessment/test_fast_answers.py`` and ``test_plain_answers.py`` keep pydantic as the
oracle (hypothesis).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from heavylegs.assessment.answers import SECTIONS, Answers, Strict, no_duplicates
from heavylegs.assessment.plain_answers import (
    LIST,
    MODEL,
    AnswerTable,
    FieldRule,
    ModelTable,
    ValueRule,
    check_model,
)
from heavylegs.assessment.plain_answers import Unsure as Unsure
from heavylegs.assessment.shapes import Shape, Unsupported, construct, fields_of

Check = Callable[[Any], Any]
"""A value from the input -> the value pydantic would keep; raises :class:`Unsure`."""
Build = Callable[[Any], Any]
"""A checked JSON value -> the value the model holds (models built, lists of them too)."""

_CONFIG = {"extra": "forbid", "strict": True}
"""The settings the checks implement; besides these only ``frozen`` and ``defer_build`` (which
change neither what is accepted nor the values) may be set."""
_HARMLESS = frozenset({"frozen", "defer_build"})


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


_ANSWERS: list[tuple[AnswerTable | None, Check | None]] = []
"""The plain table and the parser of :class:`Answers`, made by one walk of the models."""


def _answers() -> tuple[AnswerTable | None, Check | None]:
    if not _ANSWERS:
        try:
            table, build = _compiled(Answers)
        except Unsupported:
            _ANSWERS.append((None, None))
            return _ANSWERS[0]
        targets = {f.name: f.shape.target for f in fields_of(Answers)}
        # read_answers flattens the sections SECTIONS names: only then is its table usable
        same = all(targets.get(name) is model for name, model in SECTIONS.items())
        plain = AnswerTable(table, tuple(SECTIONS)) if same else None
        _ANSWERS.append((plain, _parser_of(table, build)))
    return _ANSWERS[0]


def _parser() -> Check | None:
    return _answers()[1]


def answer_table() -> AnswerTable | None:
    """The plain table of :class:`Answers` for ``plain_answers.read_answers`` (picklable, no
    pydantic inside), or ``None`` when the models have anything the tables do not know."""
    return _answers()[0]


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
    return _parser_of(*_compiled(cls))


def _parser_of(table: ModelTable, build: Build) -> Check:
    def parse(data: Any) -> Any:
        return build(check_model(data, table))

    return parse


def _compiled(cls: type[BaseModel]) -> tuple[ModelTable, Build]:
    """The plain table of ``cls``, and the builder of its instances from a checked document;
    :class:`Unsupported` for a model with anything the tables do not implement."""
    _check_model_class(cls)
    fields = fields_of(cls)
    rules: list[FieldRule] = []
    nested: dict[str, Build] = {}
    for f in fields:
        rule, build = _rule(f.shape)
        rules.append(FieldRule(f.name, rule, required=f.required, optional=f.shape.optional))
        if build is not None:
            nested[f.name] = build
    names = tuple(f.name for f in fields)

    def model(doc: dict[str, Any]) -> Any:
        values: dict[str, Any] = {}
        for name in names:
            value = doc.get(name)
            if value is not None and name in nested:
                value = nested[name](value)
            values[name] = value
        return construct(cls, values, set(doc))  # a given field is never null: keys = input's

    return ModelTable(cls.__name__, tuple(rules)), model


_PLAIN_RULES: dict[tuple[str, frozenset[Any], float | None, float | None], ValueRule] = {}
"""The rules of plain values, by what they say (a rule is never changed once made)."""


def _rule(shape: Shape) -> tuple[ValueRule, Build | None]:
    """The rule of a non-``None`` value of ``shape``, and its builder when it holds models."""
    unique = bool(shape.after)
    if unique and (shape.after != (no_duplicates,) or shape.kind != LIST):
        raise Unsupported(f"after-validators {shape.after!r}")
    kind = shape.kind
    if kind in ("bool", "int", "float", "str", "literal"):
        key = (kind, shape.choices, shape.low, shape.high)
        if key not in _PLAIN_RULES:  # shared: a pickled table then holds each rule once
            _PLAIN_RULES[key] = ValueRule(
                kind, choices=shape.choices, low=shape.low, high=shape.high
            )
        return _PLAIN_RULES[key], None
    if kind == LIST:
        assert shape.item is not None
        item, inner = _rule(shape.item)
        if unique and item.kind in (LIST, MODEL):
            raise Unsupported("no_duplicates on a list of lists or models")
        rule = ValueRule(kind, item=item, unique=unique)
        if inner is None:
            return rule, None
        build = inner
        return rule, lambda items: [build(v) for v in items]
    if kind == MODEL and shape.target is not None:
        table, model = _compiled(shape.target)
        return ValueRule(kind, model=table), model
    raise Unsupported(f"{kind} fields")  # strict enums want members, not their values
