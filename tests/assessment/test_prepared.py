"""The prepared knowledge base pickles with its generated rule functions (marshalled code and
constants) and assesses the same after loading, with no pydantic object inside."""

from __future__ import annotations

import pickle
import subprocess
import sys
from typing import Any

import pytest

from heavylegs.assessment.compiled import compile_knowledge
from heavylegs.assessment.features import flatten
from heavylegs.assessment.prepared import Compiled, Context, dumps
from heavylegs.assessment.reasoning import assess_flat
from heavylegs.assessment.validation import parse_answers
from heavylegs.knowledge import load_knowledge
from tests.assessment.test_fast_answers import _documents, _pydantic


def _valid() -> list[dict[str, Any]]:
    """The examples, vignettes and cases whose answers are valid (some cases expect errors)."""
    return [d for d in _documents() if _pydantic(d) is not None]


@pytest.fixture(scope="module")
def compiled() -> Compiled:
    return compile_knowledge(load_knowledge())


def test_a_loaded_base_assesses_as_the_built_one(compiled: Compiled) -> None:
    loaded = pickle.loads(dumps(compiled))
    assert isinstance(loaded, Compiled)
    assert loaded.answers_test is not compiled.answers_test
    for data in _valid():
        flat = flatten(parse_answers(data))
        assert assess_flat(flat, loaded) == assess_flat(flat, compiled)


def test_generated_functions_keep_their_constants(compiled: Compiled) -> None:
    loaded = pickle.loads(dumps(compiled))
    text, test = next((t, p) for t, p in loaded.safety_net if p is not None)
    original = dict(compiled.safety_net)[text]
    assert test is not None and original is not None
    assert test.__code__.co_code == original.__code__.co_code
    constants = {k: v for k, v in test.__globals__.items() if k.startswith("K")}
    assert constants == {k: v for k, v in original.__globals__.items() if k.startswith("K")}
    for flat in ({}, {"symptoms.legs": "left"}):
        ctx = Context(flat)
        assert test(ctx) == original(ctx)


def _module_function(ctx: Any) -> bool:
    return True


def test_other_functions_pickle_by_reference() -> None:
    assert pickle.loads(dumps(_module_function)) is _module_function
    with pytest.raises((pickle.PicklingError, AttributeError)):
        dumps(lambda ctx: True)


def test_the_pickled_base_holds_no_pydantic_object(compiled: Compiled) -> None:
    code = (
        "import pickle, sys\n"
        "base = pickle.loads(sys.stdin.buffer.read())\n"
        "assert type(base).__name__ == 'Compiled', type(base)\n"
        "print(sorted(m for m in sys.modules if m.startswith(('pydantic', 'heavylegs'))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], input=dumps(compiled), capture_output=True, check=True
    )
    modules = done.stdout.decode()
    assert "pydantic" not in modules, modules
    assert "heavylegs.assessment.prepared" in modules
