"""Every way the knowledge files or the rule language can be wrong is refused at load with a
message naming the place: a typo in a YAML file must never reach an assessment."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path
from typing import Any

import pytest

from heavylegs.knowledge import loader
from heavylegs.knowledge.conditions import (
    AllOf,
    AtLeast,
    CauseInTop,
    CauseLikely,
    LevelAtLeast,
    RedFlagFired,
    parse_condition,
)
from heavylegs.knowledge.loader import DATA_DIR, KnowledgeError, load_knowledge, parse_knowledge


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# ------------------------------------------------------------------------- the rule language


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"all": []}, r"^when\.all: needs a non-empty list"),
        ({"at_least": {"n": 1}}, r"^when\.at_least: needs exactly 'n' and 'of'"),
        ({"at_least": {"n": 3, "of": [{"a.b": 1}]}}, r"'n' must be a whole number from 1"),
        ({"red_flag": ["suspected_dvt"]}, r"^when\.red_flag: needs a red flag id"),
        ({"level_at_least": "serious"}, r"^when\.level_at_least: must be one of self_care"),
        ({"cause": {"id": "x"}}, r"^when\.cause: needs exactly 'id' and 'gte'"),
        ({"cause_in_top": {"ids": ["x"]}}, r"^when\.cause_in_top: needs exactly 'ids' and 'n'"),
        ({"cause_in_top": {"ids": ["x"], "n": True}}, r"\.n: needs a whole number of at least 1"),
        ({"heaviness": 3}, r"^when\.heaviness: unknown condition form"),
        ({"symptoms.heaviness": {"gte": 3, "lte": 5}}, r"has exactly one operator"),
        ({"symptoms.heaviness": {"about": 3}}, r"unknown operator 'about'"),
        ({"symptoms.when": {"in": "constant"}}, r"^when\.symptoms\.when\.in: needs a list"),
        ({"symptoms.heaviness": {"known": "yes"}}, r"\.known: needs true or false"),
        ({"symptoms.when": ["constant"]}, r"use \{in: \[\.\.\.\]\} or \{any_of"),
        ([{"symptoms.heaviness": 3}], r"a mapping with exactly one key"),
    ],
)
def test_each_malformed_condition_is_refused_naming_its_place(raw: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_condition(raw)


def test_the_place_of_a_nested_mistake_is_its_path() -> None:
    raw = {"any": [{"a.b": 1}, {"not": {"at_least": {"n": 1, "of": [{"a.b": {"in": 3}}]}}}]}
    with pytest.raises(ValueError, match=r"^red_flag x\.any\[1\]\.not\.at_least\.of\[0\]\.a\.b"):
        parse_condition(raw, "red_flag x")


def test_a_parsed_condition_is_taken_as_it_is() -> None:
    """Models hold parsed trees: validating a copied model must not parse them twice."""
    for parsed in (
        parse_condition({"all": [{"a.b": 1}, {"red_flag": "suspected_dvt"}]}),
        parse_condition({"at_least": {"n": 1, "of": [{"a.b": {"known": True}}]}}),
        parse_condition({"level_at_least": "urgent"}),
        parse_condition({"cause": {"id": "x", "gte": 0.3}}),
        parse_condition({"cause_in_top": {"ids": ["x"], "n": 2}}),
    ):
        assert parse_condition(parsed) is parsed
    assert isinstance(parse_condition({"red_flag": "y"}), RedFlagFired)
    assert isinstance(parse_condition({"level_at_least": "urgent"}), LevelAtLeast)
    assert isinstance(parse_condition({"cause": {"id": "x", "gte": 1}}), CauseLikely)
    assert isinstance(parse_condition({"cause_in_top": {"ids": ["x"], "n": 1}}), CauseInTop)
    tree = parse_condition({"all": [{"at_least": {"n": 1, "of": [{"a.b": 2}]}}]})
    assert isinstance(tree, AllOf) and isinstance(tree.items[0], AtLeast)


# ------------------------------------------------------------------------------- the files


def test_a_file_of_an_unknown_kind_is_refused(data_copy: Path) -> None:
    (data_copy / "remedies.yaml").write_text("[]\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"^remedies\.yaml: not a known knowledge file"):
        parse_knowledge(data_copy)


def test_a_file_that_is_not_yaml_is_refused_naming_it(data_copy: Path) -> None:
    (data_copy / "causes_extra.yaml").write_text("- id: [unclosed\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"^causes_extra\.yaml: not valid YAML"):
        parse_knowledge(data_copy)


def test_a_file_that_is_not_a_list_of_entries_is_refused(data_copy: Path) -> None:
    (data_copy / "causes_extra.yaml").write_text("id: lonely\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"^causes_extra\.yaml: must be a list of entries"):
        parse_knowledge(data_copy)


def test_meta_must_be_a_mapping(data_copy: Path) -> None:
    (data_copy / "meta.yaml").write_text("- disclaimer\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"^meta\.yaml: must be a mapping"):
        parse_knowledge(data_copy)


def test_do_now_must_name_an_action(data_copy: Path) -> None:
    _edit(data_copy / "red_flags.yaml", "do_now: [call_emergency_number]", "do_now: [ankle_pumps]")
    with pytest.raises(KnowledgeError, match=r"do_now 'ankle_pumps' is not an action"):
        parse_knowledge(data_copy)


def test_plan_only_conditions_are_refused_in_a_cause_feature(data_copy: Path) -> None:
    _edit(
        data_copy / "causes.yaml",
        "{when: {symptoms.relieved_by: rest}, weight: 0.3",
        "{when: {red_flag: suspected_dvt}, weight: 0.3",
    )
    with pytest.raises(
        KnowledgeError, match=r"cause muscle_fatigue: RedFlagFired only works in plan rules"
    ):
        parse_knowledge(data_copy)


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("{red_flag: suspected_dvts}", r"avoid \S+: unknown red flag 'suspected_dvts'"),
        ("{cause: {id: dvt, gte: 0.3}}", r"avoid \S+: unknown cause 'dvt'"),
        ("{cause_in_top: {ids: [dvt], n: 3}}", r"avoid \S+: unknown cause 'dvt'"),
    ],
)
def test_a_plan_rule_naming_a_missing_id_is_refused(
    data_copy: Path, new: str, message: str
) -> None:
    _edit(data_copy / "avoid.yaml", "{red_flag: suspected_dvt}", new)
    with pytest.raises(KnowledgeError, match=message):
        parse_knowledge(data_copy)


def test_a_faq_related_entry_must_exist(data_copy: Path) -> None:
    _edit(data_copy / "faq.yaml", "faq-short-bouts, faq-shoes, walking]", "faq-short-bouts, ski]")
    with pytest.raises(KnowledgeError, match=r"unknown related entry 'ski'"):
        parse_knowledge(data_copy)


# ------------------------------------------------------------------------------- the cache


def test_the_cache_folder_follows_xdg_then_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("HEAVYLEGS_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert loader.cache_dir() == tmp_path / "xdg" / "heavylegs"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert loader.cache_dir() == tmp_path / "home" / ".cache" / "heavylegs"


def test_a_cache_holding_something_else_is_replaced(
    data_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("HEAVYLEGS_CACHE_DIR", str(cache))
    load_knowledge.cache_clear()
    try:
        first = load_knowledge(data_copy)
        (target,) = cache.glob("knowledge-*.pickle")
        target.write_bytes(pickle.dumps({"causes": {}}))
        load_knowledge.cache_clear()
        assert load_knowledge(data_copy) == first
        assert isinstance(pickle.loads(target.read_bytes()), type(first))
    finally:
        load_knowledge.cache_clear()


def test_a_cache_that_cannot_be_written_leaves_nothing_behind(
    data_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache is best effort: the knowledge base still loads, and no half-written file stays."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("HEAVYLEGS_CACHE_DIR", str(cache))
    load_knowledge.cache_clear()
    try:
        load_knowledge(data_copy)
        (target,) = cache.glob("knowledge-*.pickle")
        target.unlink()
        (target / "in-the-way").mkdir(parents=True)  # os.replace onto a folder fails
        load_knowledge.cache_clear()
        assert load_knowledge(data_copy).causes
        assert sorted(p.name for p in cache.iterdir()) == [target.name]
        blocked = tmp_path / "a-file"
        blocked.write_text("not a folder", encoding="utf-8")
        monkeypatch.setenv("HEAVYLEGS_CACHE_DIR", str(blocked / "cache"))
        load_knowledge.cache_clear()
        assert load_knowledge(data_copy).causes  # mkdir fails: no cache, no error
    finally:
        load_knowledge.cache_clear()
