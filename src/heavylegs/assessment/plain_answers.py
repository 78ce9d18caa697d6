"""Read plainly valid answers without pydantic: the stored document and the flat values.

Importing pydantic alone costs ``assess`` more start-up than its whole target (issue 15). The
answer models are simple (:mod:`heavylegs.assessment.shapes`): strict types, no nulls, no
unknown keys, ``Literal`` choices, ``ge``/``le`` bounds, lists without repeats. An
:class:`AnswerTable` says exactly that about every field, as plain data: it is built from the
models' own field metadata (``fast_answers.answer_table``, which imports pydantic), can be
pickled, and unpickling it imports only this module. :func:`read_answers` then checks the answers
against it and gives what the pydantic path gives.

It only ever ACCEPTS: anything doubtful or invalid gives ``None``, and the caller validates with
pydantic, so every error message stays pydantic's. ``tests/assessment/test_plain_answers.py``
keeps pydantic as the oracle (hypothesis). The same checks serve ``fast_answers.fast_parse``,
which builds the models from the checked document, so the rules of what is "plainly valid" live
here only. Plain classes with ``__slots__``, not dataclasses: a dataclass compiles its methods at
import, a measurable part of start-up.
"""

from __future__ import annotations

from typing import Any

from heavylegs.assessment.derived import derive

# Each class pickles as a call of its constructor with its arguments (``__reduce__``): that
# unpickles in about half the instructions of the default state of ``__slots__`` classes, and
# checks the table again as it loads.

BOOL, INT, FLOAT, STR, LITERAL, LIST, MODEL = (
    "bool",
    "int",
    "float",
    "str",
    "literal",
    "list",
    "model",
)
KINDS = frozenset({BOOL, INT, FLOAT, STR, LITERAL, LIST, MODEL})
"""The kinds of value a table knows (``enum`` is not one: strict enums want members)."""
EXACT_FLOAT = 2**53
"""An ``int`` in a ``float`` field is taken only when it converts exactly."""


class Unsure(Exception):
    """Not certainly valid: let pydantic decide (and word the problems)."""


class ValueRule:
    """What one value (a field's, or a list's item) must be, when it is given."""

    __slots__ = ("choices", "high", "item", "kind", "low", "model", "unique")
    kind: str

    def __init__(
        self,
        kind: str,
        choices: frozenset[str | int] = frozenset(),
        low: float | None = None,
        high: float | None = None,
        item: ValueRule | None = None,
        unique: bool = False,
        model: ModelTable | None = None,
    ) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}")
        if (kind == LIST) != (item is not None) or (kind == MODEL) != (model is not None):
            raise ValueError(f"{kind}: item is for lists, model for models")
        if unique and (item is None or item.kind in (LIST, MODEL)):
            raise ValueError("unique: only a list of plain values")
        self.kind = kind
        self.choices = choices
        """``literal``: the allowed values (``str`` or ``int``)."""
        self.low = low
        self.high = high
        """``int``/``float``: the ``ge``/``le`` bounds."""
        self.item = item
        """``list``: the rule of each item."""
        self.unique = unique
        """``list``: no item repeated (the models' ``no_duplicates`` after-validator)."""
        self.model = model
        """``model``: the nested model's table."""

    def __reduce__(self) -> tuple[Any, ...]:
        return ValueRule, (
            self.kind,
            self.choices,
            self.low,
            self.high,
            self.item,
            self.unique,
            self.model,
        )


class FieldRule:
    """One model field: its name, whether the input must give it, whether the model may hold
    ``None`` there (the input may never: nulls are refused), and its value's rule."""

    __slots__ = ("name", "optional", "required", "value")

    def __init__(self, name: str, value: ValueRule, required: bool, optional: bool) -> None:
        self.name = name
        self.value = value
        self.required = required
        self.optional = optional

    def __reduce__(self) -> tuple[Any, ...]:
        return FieldRule, (self.name, self.value, self.required, self.optional)


class ModelTable:
    """One model: its fields in definition order (the order of pydantic's output)."""

    __slots__ = ("fields", "known", "name", "required")

    def __init__(self, name: str, fields: tuple[FieldRule, ...]) -> None:
        self.name = name
        """The model class's name, for reading only (never the class: pickling it would import
        pydantic when unpickled)."""
        self.fields = fields
        self.known = frozenset(f.name for f in fields)
        self.required = frozenset(f.name for f in fields if f.required)

    def __reduce__(self) -> tuple[Any, ...]:
        return ModelTable, (self.name, self.fields)


class AnswerTable:
    """The answers model's table, and its sections: the fields whose ``section.field`` values
    the rules read (``features.flatten``'s ``SECTIONS``, in that order)."""

    __slots__ = ("model", "sections")

    def __init__(self, model: ModelTable, sections: tuple[str, ...]) -> None:
        by_name = {f.name: f.value for f in model.fields}
        paths: list[tuple[str, dict[str, str]]] = []
        for section in sections:
            rule = by_name.get(section)
            if rule is None or rule.model is None:
                raise ValueError(f"section {section!r} is not a model field of {model.name}")
            paths.append((section, {f.name: f"{section}.{f.name}" for f in rule.model.fields}))
        self.model = model
        self.sections = tuple(paths)
        """Each section's name and its fields' ``section.field`` paths."""

    def __reduce__(self) -> tuple[Any, ...]:
        return AnswerTable, (self.model, tuple(section for section, _ in self.sections))


def read_answers(data: Any, table: AnswerTable) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """``(doc, flat)`` when ``data`` (parsed JSON) is certainly valid, else ``None``.

    ``doc`` is ``dump_json(Answers.model_validate(data), exclude_none=True)`` and ``flat`` is
    ``features.flatten(Answers.model_validate(data))``: same keys, order, values and value types.
    ``flat`` shares its lists with ``doc`` (neither shares any with ``data``).
    """
    try:
        doc = check_model(data, table.model)
    except Unsure:
        return None
    flat: dict[str, Any] = {}
    for section, paths in table.sections:
        part = doc.get(section)
        if part is not None:
            for name, value in part.items():
                flat[paths[name]] = value
    for name, value in derive(flat).items():
        if value is not None:
            flat["derived." + name] = value
    return doc, flat


def check_model(data: Any, table: ModelTable) -> dict[str, Any]:
    """The JSON document of a model's valid input ``data``: its given fields, checked and
    converted as pydantic would, in definition order; :class:`Unsure` when not certainly
    valid. A given field is never null, so the document's keys are the input's keys."""
    if type(data) is not dict or not table.required <= data.keys():
        raise Unsure
    known = table.known
    for key in data:
        if type(key) is not str or key not in known:
            raise Unsure
    doc: dict[str, Any] = {}
    for field in table.fields:
        name = field.name
        if name in data:
            doc[name] = _value(data[name], field.value)
    return doc


def _value(value: Any, rule: ValueRule) -> Any:
    """A given value checked against ``rule``: the value pydantic keeps, or :class:`Unsure`
    (``None`` is never one of the types taken)."""
    kind = rule.kind
    if kind == BOOL:
        if type(value) is not bool:
            raise Unsure
        return value
    if kind == LITERAL:
        if (type(value) is not str and type(value) is not int) or value not in rule.choices:
            raise Unsure
        return value
    if kind in (FLOAT, INT):
        return _number(value, kind == FLOAT, rule.low, rule.high)
    if kind == LIST:
        if type(value) is not list:
            raise Unsure
        item = rule.item
        assert item is not None
        items = [_value(v, item) for v in value]
        if rule.unique and len(set(items)) != len(items):
            raise Unsure
        return items
    if kind == STR:
        if type(value) is not str:
            raise Unsure
        return value
    assert rule.model is not None
    return check_model(value, rule.model)


def _number(value: Any, is_float: bool, low: float | None, high: float | None) -> Any:
    """Strict numbers: ``int`` for int fields; ``float`` or ``int`` (kept as a float) for float
    fields; never ``bool``; within the bounds, so never nan (and never inf when bounded)."""
    kind = type(value)
    if kind is int:
        if is_float and abs(value) > EXACT_FLOAT:
            raise Unsure
    elif kind is not float or not is_float or value - value != 0:
        raise Unsure
    if (low is not None and not value >= low) or (high is not None and not value <= high):
        raise Unsure
    return float(value) if is_float else value
