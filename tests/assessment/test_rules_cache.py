"""The compiled-rules cache (start-up, issue 15): a hit gives the very code ``compile`` gives, a
changed rule is a miss, and a corrupt or unwritable cache only costs the compile."""

from __future__ import annotations

import marshal
from pathlib import Path

import pytest

from heavylegs.assessment import rules
from heavylegs.assessment.rules import Context, compile_condition
from heavylegs.knowledge.conditions import Leaf

SOURCE = "def predicate(ctx):\n    return ctx.flat.get('a') == 1\n"
NAME = "<heavylegs rules: predicate>"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> rules._CodeCache:
    monkeypatch.setenv("HEAVYLEGS_CACHE_DIR", str(tmp_path))
    return rules._CodeCache()


def test_a_hit_is_the_code_compile_gives(
    cache: rules._CodeCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = cache.get(SOURCE, NAME)
    assert cache.path().exists()

    def no_compile(*args: object) -> None:
        raise AssertionError("a hit must not compile")

    monkeypatch.setattr(rules, "compile", no_compile, raising=False)
    loaded = rules._CodeCache().get(SOURCE, NAME)  # the next run: reads the file
    monkeypatch.undo()
    assert loaded == first == compile(SOURCE, NAME, "exec")


def test_a_changed_source_is_a_miss(cache: rules._CodeCache) -> None:
    cache.get(SOURCE, NAME)
    changed = SOURCE.replace("== 1", "== 2")
    code = rules._CodeCache().get(changed, NAME)
    namespace: dict[str, object] = {}
    exec(code, namespace)
    assert namespace["predicate"](Context(flat={"a": 2})) is True  # type: ignore[operator]
    assert len(rules._CodeCache().load()) == 2


@pytest.mark.parametrize(
    "content",
    [b"", b"garbage", marshal.dumps({"k": 1}), marshal.dumps([1, 2]), marshal.dumps("x")[:-1]],
)
def test_a_corrupt_cache_is_compiled_again(cache: rules._CodeCache, content: bytes) -> None:
    cache.path().parent.mkdir(parents=True, exist_ok=True)
    cache.path().write_bytes(content)
    code = rules._CodeCache().get(SOURCE, NAME)
    assert code == compile(SOURCE, NAME, "exec")
    assert len(rules._CodeCache().load()) == 1  # rewritten whole


def test_an_unwritable_cache_folder_only_costs_the_compile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("HEAVYLEGS_CACHE_DIR", str(blocker / "cache"))
    assert rules._CodeCache().get(SOURCE, NAME) == compile(SOURCE, NAME, "exec")


def test_compiled_conditions_work_from_the_cache(cache: rules._CodeCache) -> None:
    monkey = rules._CODE
    rules._CODE = cache
    try:
        for _ in range(2):  # a miss, then a hit
            rules._CODE = rules._CodeCache()
            predicate = compile_condition(Leaf(path="about.age", op="gte", value=60))
            assert predicate(Context(flat={"about.age": 61})) is True
            assert predicate(Context(flat={"about.age": 59})) is False
            assert predicate(Context(flat={})) is False
    finally:
        rules._CODE = monkey
