"""Parse untrusted answers (JSON text or data) into :class:`Answers`, or say exactly why not.

Every problem names its field path (``symptoms.heaviness: must be between 0 and 10``) so a person
or a form can point at the field; the CLI prints one line per problem and the API returns them
with a 422.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from heavylegs.assessment.answers import SECTIONS, Answers
from heavylegs.assessment.fast_answers import fast_parse
from heavylegs.problems import Problems

MAX_PROBLEMS = 50
"""At most this many problems are listed (a hostile document can have tens of thousands), then
one line says how many more there are."""
_DIGITS = re.compile(r"(\d+)")

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails


class AnswersError(Problems, ValueError):
    """The answers are unusable; ``problems`` holds one ``path: message`` line per problem."""


def parse_answers_json(text: str | bytes) -> Answers:
    """Decode JSON text (within :mod:`heavylegs.safejson`'s limits) and validate it."""
    from heavylegs.safejson import JsonInputError, loads

    try:
        data = loads(text)
    except JsonInputError as exc:
        raise AnswersError([f"(document): {exc}"]) from None
    return parse_answers(data)


def parse_answers(data: Any) -> Answers:
    """Validate decoded data against the schema; raise :class:`AnswersError` naming each field.

    Plainly valid answers are taken by :func:`fast_parse` (the same model, without building
    pydantic's validator at start-up); everything else, and every error, is pydantic's.
    """
    fast = fast_parse(data)
    if fast is not None:
        return fast
    return _validated(data)


def _validated(data: Any) -> Answers:
    """pydantic's validation, its errors as :class:`AnswersError` naming each field."""
    if not isinstance(data, dict):
        raise AnswersError(
            ["(document): must be a JSON object with 'schema_version' and 'symptoms'"]
        )
    from pydantic import ValidationError

    try:
        return Answers.model_validate(data)
    except ValidationError as exc:
        problems = sorted({_describe(err) for err in exc.errors()}, key=_order)
        raise AnswersError(capped(problems)) from None


def capped(problems: list[str]) -> list[str]:
    """At most :data:`MAX_PROBLEMS` of ``problems``, then one line saying how many more."""
    hidden = len(problems) - MAX_PROBLEMS
    if hidden <= 0:
        return problems
    return [*problems[:MAX_PROBLEMS], f"(document): {hidden} more problems not shown"]


def checked_answers(data: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(answers document, flat answers)`` of decoded data — ``dump_json(answers,
    exclude_none=True)`` and ``features.flatten(answers)`` of :func:`parse_answers` — for the
    faces that assess and store without needing the models (the API). Plainly valid answers
    are read by :func:`heavylegs.assessment.plain_answers.read_answers`, without building any
    model; everything else goes to pydantic, as in :func:`parse_answers`, which raises
    :class:`AnswersError` with pydantic's words."""
    from heavylegs.assessment.fast_answers import answer_table
    from heavylegs.assessment.plain_answers import read_answers

    table = answer_table()
    found = None if table is None else read_answers(data, table)
    if found is not None:
        return found
    from heavylegs.assessment.dump import dump_json
    from heavylegs.assessment.features import flatten

    answers = _validated(data)  # the plain checks already said they are not sure
    return dump_json(answers, exclude_none=True), flatten(answers)


def stored_problems(answers: object, output: object) -> list[str]:
    """Why a stored assessment from outside (a backup) is not one heavylegs could have written:
    ``answers.…`` and ``output.…`` lines, none when it is. The result pages read the output
    with the :class:`~heavylegs.assessment.result.Assessment` model and the reports its fields,
    so a row that fails either check would break them after the restore."""
    from pydantic import ValidationError

    from heavylegs.assessment.result import Assessment

    problems: list[str] = []
    try:
        parse_answers(answers)
    except AnswersError as exc:
        problems.extend(f"answers.{line}" for line in exc.problems)
    try:
        Assessment.model_validate(output)
    except ValidationError as exc:
        lines = sorted({f"{_path(tuple(e['loc']))}: {e['msg']}" for e in exc.errors()}, key=_order)
        problems.extend(f"output.{line}" for line in lines)
    return capped(problems)


def _order(line: str) -> tuple[int, tuple[str | int, ...]]:
    """Problems in the order of the schema's sections, then by path with list positions in
    number order (``[2]`` before ``[10]``), stable for tests."""
    head = line.split(":")[0].split(".")[0].split("[")[0]
    keys = list(Answers.model_fields)
    parts = tuple(int(p) if p.isdigit() else p for p in _DIGITS.split(line))
    # Text and numbers alternate from the start, so equal positions compare like with like.
    return (keys.index(head) if head in keys else len(keys), parts)


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out or "(document)"


def _bounds(loc: tuple[int | str, ...]) -> tuple[Any, Any] | None:
    names = [p for p in loc if isinstance(p, str)]
    if len(names) != 2 or names[0] not in SECTIONS:
        return None
    info = SECTIONS[names[0]].model_fields.get(names[1])
    if info is None:
        return None
    low = high = None
    for meta in info.metadata:
        low = getattr(meta, "ge", low)
        high = getattr(meta, "le", high)
    return (low, high) if low is not None and high is not None else None


def _describe(err: ErrorDetails) -> str:
    loc = tuple(err["loc"])
    # pydantic adds the tag of the chosen type (e.g. 'list[...]'/'function-after') to union paths
    loc = tuple(
        p for p in loc if not (isinstance(p, str) and ("[" in p or p.startswith("function")))
    )
    path = _path(loc)
    kind = err["type"]
    ctx = err.get("ctx", {})
    if kind == "missing":
        message = "is required"
    elif kind == "extra_forbidden":
        message = "is not a known field"
    elif kind == "literal_error":
        message = f"must be one of {ctx.get('expected', '')}".replace("'", "")
    elif kind in ("greater_than_equal", "less_than_equal"):
        bounds = _bounds(loc)
        if bounds:
            message = f"must be between {bounds[0]} and {bounds[1]}"
        elif kind.startswith("greater"):
            message = f"must be at least {ctx.get('ge')}"
        else:
            message = f"must be at most {ctx.get('le')}"
    elif kind in ("int_type", "int_from_float", "int_parsing"):
        message = "must be a whole number"
    elif kind in ("float_type", "float_parsing"):
        message = "must be a number"
    elif kind in ("bool_type", "bool_parsing"):
        message = "must be true or false"
    elif kind in ("list_type",):
        message = "must be a list"
    elif kind in ("model_type", "dict_type", "model_attributes_type"):
        message = "must be an object"
    elif kind == "string_type":
        message = "must be text"
    elif kind == "null_value":
        path = _path((*loc, ctx["field"]))
        message = "must not be null (leave it out for 'unknown')"
    elif kind == "value_error":
        message = str(ctx.get("error", err["msg"]))
    else:
        message = err["msg"][0].lower() + err["msg"][1:]
    return f"{path}: {message}"
