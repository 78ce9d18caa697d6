"""Assessment outputs are pinned: any change shows up as a diff (regenerate with ``make golden``)."""

from __future__ import annotations

import pytest

from tests.golden.cases import OUT, inputs, render

INPUTS = inputs()


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_assessment_matches_golden(name: str) -> None:
    expected = (OUT / f"{name}.json").read_text(encoding="utf-8")
    assert render(INPUTS[name]) == expected, f"golden {name} changed: run `make golden` and review"


def test_every_golden_file_has_an_input() -> None:
    assert {p.stem for p in OUT.glob("*.json")} == set(INPUTS)
