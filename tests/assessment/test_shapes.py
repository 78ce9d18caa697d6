"""The shapes the fast paths know, and everything else refused as :class:`Unsupported` (so the
caller takes pydantic's own path rather than guess)."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any, Literal

import pytest
from annotated_types import Ge, Gt, Le
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from heavylegs.assessment.answers import Answers, Symptoms, no_duplicates
from heavylegs.assessment.shapes import Unsupported, fields_of, shape_of


class _Ratio(Enum):
    HALF = 0.5


@pytest.mark.parametrize(
    "annotation",
    [
        dict[str, int],
        int | str,
        int | str | None,
        list[int | None],
        list,  # type: ignore[type-arg]
        Literal[1.5],
        _Ratio,
        Annotated[str, Ge(1)],
        Annotated[int, Gt(1)],
        set[int],
        Any,
    ],
)
def test_unknown_shapes_are_refused(annotation: Any) -> None:
    with pytest.raises(Unsupported):
        shape_of(annotation)


def test_the_answer_shapes_are_read_from_the_models() -> None:
    fields = {f.name: f for f in fields_of(Symptoms)}
    assert fields["legs"].required and fields["legs"].shape.kind == "literal"
    assert fields["legs"].shape.choices == {"both", "left", "right"}
    heaviness = fields["heaviness"].shape
    assert (heaviness.kind, heaviness.optional, heaviness.low, heaviness.high) == (
        "int",
        True,
        0,
        10,
    )
    when = fields["when"].shape
    assert when.kind == "list" and when.after == (no_duplicates,)
    assert when.item is not None and when.item.kind == "literal"
    top = {f.name: f.shape for f in fields_of(Answers)}
    assert top["symptoms"].kind == "model" and top["symptoms"].target is Symptoms


def test_a_bounded_list_item_keeps_its_bounds() -> None:
    shape = shape_of(list[Annotated[float, Ge(0), Le(1)]])
    assert shape.item is not None and (shape.item.low, shape.item.high) == (0, 1)
    checked = shape_of(Annotated[list[str], AfterValidator(no_duplicates)])
    assert checked.after == (no_duplicates,)


class _Aliased(BaseModel):
    name: str = Field(alias="Name")


class _Encoded(BaseModel):
    model_config = ConfigDict(use_enum_values=True)
    name: str


@pytest.mark.parametrize("model", [_Aliased, _Encoded])
def test_models_with_aliases_or_output_settings_are_refused(model: type[BaseModel]) -> None:
    with pytest.raises(Unsupported):
        fields_of(model)
