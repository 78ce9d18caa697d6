"""Option values of the plain kinds converted without pydantic, for start-up time.

Typer (0.29) turns every option value through a pydantic ``TypeAdapter`` built for it: the first
one a command meets imports pydantic's adapter machinery (~25 ms on the 2-core machine), the
rest cost ~1 ms each, before the command has done anything. heavylegs' options are plain text,
numbers, flags and paths. For those, :func:`speed_up` has Typer use a converter that gives what
Typer's adapter gives for the ordinary spellings (``"3"``, ``"2.5"``, a path) and hands
anything else (a bound not met, ``"1e3"``, an empty path, a kind not listed here) to Typer's own
adapter, so every refusal and its message stay Typer's. ``tests/cli/test_lazy_commands.py``
keeps Typer's adapters as the oracle: the same value through both gives the same result.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typer._click import Context

_INT = re.compile(r"-?[0-9]{1,18}", re.ASCII)
_FLOAT = re.compile(r"-?[0-9]{1,15}(?:\.[0-9]{1,15})?", re.ASCII)


class _Unsure(Exception):
    """The value is not one of the ordinary spellings: Typer's adapter decides."""


Convert = Callable[[Any, Any, "Context"], Any]


def _bounded(kind: type, info: Any) -> Callable[[Any], Any]:
    pattern = _INT if kind is int else _FLOAT
    low, high = info.min, info.max

    def convert(value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**53:
            number = kind(value)  # a default written in the code
        elif isinstance(value, str) and pattern.fullmatch(value) is not None:
            number = kind(value)
        else:
            raise _Unsure
        if (low is not None and number < low) or (high is not None and number > high):
            raise _Unsure  # Typer's adapter words the refusal
        return number

    return convert


def _text(value: Any) -> Any:
    if not isinstance(value, str):
        raise _Unsure
    return value


def _flag(value: Any) -> Any:
    if not isinstance(value, bool):
        raise _Unsure
    return value


def _scalar(annotation: Any, info: Any) -> Convert | None:
    """A converter of one value for ``annotation``, or ``None`` when Typer should keep it."""
    if getattr(info, "parser", None) is not None or getattr(info, "clamp", False):
        return None
    if annotation is str:
        return lambda value, _param, _ctx: _text(value)
    if annotation is bool:
        return lambda value, _param, _ctx: _flag(value)
    if annotation is int or annotation is float:
        number = _bounded(annotation, info)
        return lambda value, _param, _ctx: number(value)
    if annotation is Path:
        from typer._param_types import coerce_cli_path

        def path(value: Any, param: Any, ctx: Context) -> Any:
            if type(value) is str and value:
                value = Path(value)
            elif not isinstance(value, Path):
                raise _Unsure
            return coerce_cli_path(value, info, path_type=Path, param=param, ctx=ctx)

        return path
    return None


def _converter(annotation: Any, info: Any) -> Convert | None:
    from typing import get_args, get_origin

    if get_origin(annotation) is list:
        (item,) = get_args(annotation)
        one = _scalar(item, info)
        if one is None:
            return None

        def items(value: Any, param: Any, ctx: Context) -> Any:
            if not isinstance(value, list | tuple):
                raise _Unsure
            return [one(v, param, ctx) for v in value]

        return items
    return _scalar(annotation, info)


@cache
def _plain_class() -> type:
    """A Typer ``RuntimeParam`` that tries the converter first, then Typer's adapter."""
    from typer._coercion import RuntimeParam, build_runtime_param

    @dataclass(frozen=True)
    class Plain(RuntimeParam):
        convert: Convert
        descriptor: Any

        def _coerce_value(self, value: Any, param: Any, ctx: Context) -> Any:
            try:
                return self.convert(value, param, ctx)
            except Exception:  # Typer's adapter decides, and words any refusal
                typer_param = build_runtime_param(self.descriptor)
                return typer_param._coerce_value(value, param=param, ctx=ctx)

    return Plain


def plain_runtime_param(descriptor: Any) -> Any:
    """What Typer's ``build_runtime_param`` gives for ``descriptor``, converting the plain
    kinds without pydantic."""
    from typer._coercion import build_runtime_param

    convert = None
    if descriptor.file_annotation is None:
        convert = _converter(descriptor.annotation, descriptor.parameter_info)
    if convert is None:
        return build_runtime_param(descriptor)
    return _plain_class()(
        parameter_info=descriptor.parameter_info,
        annotation=descriptor.annotation,
        convert=convert,
        descriptor=descriptor,
    )


def speed_up() -> None:
    """Have Typer build every parameter's conversion with :func:`plain_runtime_param` (for the
    console script; a Typer without runtime parameters is left as it is)."""
    import typer.core

    if callable(getattr(typer.core, "build_runtime_param", None)):
        typer.core.build_runtime_param = plain_runtime_param  # type: ignore[attr-defined]
