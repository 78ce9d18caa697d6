"""The knowledge base loads, is complete against the spec, and fails loudly when it is wrong."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from heavylegs.knowledge import loader
from heavylegs.knowledge.loader import DATA_DIR, KnowledgeError, load_knowledge, parse_knowledge

SPEC_CAUSES_RE = re.compile(r"### Cause ids\n(.*?)\n\n###", re.S)
SPEC_MEASURES_RE = re.compile(r"### Safety-relevant measure ids.*?\n(.*?)\n\n##", re.S)


ADDED_CAUSES = frozenset(
    {
        "muscle_strain_or_injury",
        "bone_stress_injury",
        "gout_or_arthritis",
        "superficial_thrombophlebitis",
        "stroke",
        "sepsis_or_severe_infection",
        "kidney_disease",
    }
)
"""Cause ids added to the spec's vocabulary (issue 9: additive, so one cause need not explain
everything). Any other new id is a typo or needs adding here on purpose."""


def _ids(block: str) -> set[str]:
    return set(re.findall(r"`([a-z_]+)`", block))


def test_the_real_knowledge_base_loads() -> None:
    kb = parse_knowledge()
    assert kb.causes and kb.red_flags and kb.measures and kb.avoid and kb.faq
    assert kb.version and kb.disclaimer


def test_every_spec_cause_and_measure_id_exists(shared: Path) -> None:
    spec = (shared / "spec" / "README.md").read_text(encoding="utf-8")
    causes = _ids(SPEC_CAUSES_RE.search(spec).group(1))  # type: ignore[union-attr]
    measures = _ids(SPEC_MEASURES_RE.search(spec).group(1))  # type: ignore[union-attr]
    assert len(causes) == 24 and len(measures) >= 27
    kb = load_knowledge()
    assert causes <= set(kb.causes), causes - set(kb.causes)
    assert measures <= set(kb.measures), measures - set(kb.measures)
    assert set(kb.causes) <= causes | ADDED_CAUSES, "cause ids are a fixed vocabulary"
    assert set(kb.causes) >= ADDED_CAUSES


def test_every_seed_article_is_a_source(shared: Path) -> None:
    kb = load_knowledge()
    for path in sorted((shared / "seeds").glob("*.txt")):
        source = kb.sources[f"seed-{path.name[:3]}"]
        assert source.file == path.name


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_missing_source_fails_loudly(data_copy: Path) -> None:
    _edit(
        data_copy / "causes.yaml",
        "sources: [seed-002, seed-004, seed-001]",
        "sources: [seed-002, nowhere-2031]",
    )
    with pytest.raises(
        KnowledgeError, match=r"cause muscle_fatigue: unknown source 'nowhere-2031'"
    ):
        parse_knowledge(data_copy)


def test_an_unknown_field_fails_loudly_naming_file_and_entry(data_copy: Path) -> None:
    _edit(
        data_copy / "red_flags.yaml",
        "  level: emergency\n",
        "  level: emergency\n  levle: urgent\n",
    )
    with pytest.raises(KnowledgeError, match=r"red_flags.yaml\[0\] \(stroke_signs\): levle"):
        parse_knowledge(data_copy)


def test_a_dangling_id_fails_loudly(data_copy: Path) -> None:
    _edit(
        data_copy / "red_flags.yaml",
        "do_now: [call_emergency_number, rest_affected_leg]",
        "do_now: [call_the_cavalry]",
    )
    with pytest.raises(KnowledgeError, match=r"unknown measure 'call_the_cavalry'"):
        parse_knowledge(data_copy)
    shutil.copy(DATA_DIR / "red_flags.yaml", data_copy / "red_flags.yaml")
    _edit(data_copy / "red_flags.yaml", "cause: pulmonary_embolism", "cause: pulmonary_embolisms")
    with pytest.raises(KnowledgeError, match=r"unknown cause 'pulmonary_embolisms'"):
        parse_knowledge(data_copy)


def test_a_faq_warning_sign_must_be_a_red_flag(data_copy: Path) -> None:
    _edit(
        data_copy / "faq_safety.yaml",
        "warning_sign: one_leg_swelling",
        "warning_sign: one_leg_swollen_ish",
    )
    with pytest.raises(
        KnowledgeError, match=r"warning_sign: unknown red flag 'one_leg_swollen_ish'"
    ):
        parse_knowledge(data_copy)


def test_criteria_sources_and_paths_are_checked(data_copy: Path) -> None:
    _edit(data_copy / "causes.yaml", "sources: [ecq-1992, nice-cg147]", "sources: [ecq-1993]")
    with pytest.raises(KnowledgeError, match=r"criteria: unknown source 'ecq-1993'"):
        parse_knowledge(data_copy)


def test_a_duplicate_id_fails_loudly(data_copy: Path) -> None:
    text = (data_copy / "causes.yaml").read_text(encoding="utf-8")
    first = text[text.index("- id: muscle_fatigue") : text.index("- id: overtraining")]
    (data_copy / "causes_copy.yaml").write_text(first, encoding="utf-8")
    with pytest.raises(KnowledgeError, match="duplicate causes id 'muscle_fatigue'"):
        parse_knowledge(data_copy)


def test_a_malformed_condition_fails_loudly(data_copy: Path) -> None:
    _edit(
        data_copy / "red_flags.yaml",
        "symptoms.sudden_cold_pale_or_blue_leg: true",
        "sudden_cold: true",
    )
    with pytest.raises(KnowledgeError, match="unknown condition form"):
        parse_knowledge(data_copy)


def test_the_cache_is_used_and_invalidated(
    data_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("HEAVYLEGS_CACHE_DIR", str(cache))
    load_knowledge.cache_clear()
    first = load_knowledge(data_copy)
    files = list(cache.glob("knowledge-*.pickle"))
    assert len(files) == 1
    load_knowledge.cache_clear()
    calls: list[Path] = []
    real = loader.parse_knowledge
    monkeypatch.setattr(loader, "parse_knowledge", lambda d=DATA_DIR: calls.append(d) or real(d))
    again = load_knowledge(data_copy)
    assert again == first and calls == [], "second load must come from the cache"
    _edit(
        data_copy / "meta.yaml", "heavylegs gives information", "heavylegs gives information only"
    )
    load_knowledge.cache_clear()
    changed = load_knowledge(data_copy)
    assert calls == [data_copy] and changed.version != first.version
    assert len(list(cache.glob("knowledge-*.pickle"))) == 2


def test_a_corrupt_cache_is_ignored(
    data_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("HEAVYLEGS_CACHE_DIR", str(cache))
    load_knowledge.cache_clear()
    load_knowledge(data_copy)
    (target,) = cache.glob("knowledge-*.pickle")
    target.write_bytes(b"not a pickle")
    load_knowledge.cache_clear()
    assert load_knowledge(data_copy).causes
    load_knowledge.cache_clear()


@pytest.mark.parametrize("number", [".inf", "-.inf", ".nan"])
def test_a_non_finite_number_in_a_rule_fails_the_load_naming_the_rule(
    data_copy: Path, number: str
) -> None:
    _edit(
        data_copy / "red_flags.yaml",
        "symptoms.duration_days: {gte: 90}",
        f"symptoms.duration_days: {{gte: {number}}}",
    )
    with pytest.raises(KnowledgeError, match=r"\(one_leg_swelling\).*needs a finite number"):
        parse_knowledge(data_copy)


def test_a_non_finite_value_compared_for_equality_fails_the_load(data_copy: Path) -> None:
    _edit(
        data_copy / "red_flags.yaml",
        "symptoms.duration_days: {gte: 90}",
        "symptoms.duration_days: .nan",
    )
    with pytest.raises(KnowledgeError, match=r"\(one_leg_swelling\).*needs a finite number"):
        parse_knowledge(data_copy)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("{cause: {id: deep_vein_thrombosis, gte: [0.3]}}", "gte: needs a number"),
        ("{cause: {id: [deep_vein_thrombosis], gte: 0.3}}", "id: needs a cause id"),
        ("{cause: {id: deep_vein_thrombosis, gte: .inf}}", "needs a finite number"),
        ("{cause_in_top: {ids: deep_vein_thrombosis, n: 3}}", "ids: needs a non-empty list"),
        ("{cause_in_top: {ids: [deep_vein_thrombosis], n: three}}", "n: needs a whole number"),
    ],
)
def test_a_mistyped_plan_rule_is_a_knowledge_error_naming_the_rule(
    data_copy: Path, rule: str, message: str
) -> None:
    _edit(data_copy / "avoid.yaml", "{cause: {id: deep_vein_thrombosis, gte: 0.3}}", rule)
    with pytest.raises(KnowledgeError, match=rf"avoid.yaml\[\d+\] \(\w+\): .*{message}"):
        parse_knowledge(data_copy)


def test_the_routine_action_must_be_an_action_in_the_knowledge_base(data_copy: Path) -> None:
    _edit(data_copy / "meta.yaml", "routine_action: book_appointment", "routine_action: book_it")
    with pytest.raises(KnowledgeError, match=r"meta routine_action: unknown measure 'book_it'"):
        parse_knowledge(data_copy)
    _edit(data_copy / "meta.yaml", "routine_action: book_it", "routine_action: ankle_pumps")
    with pytest.raises(KnowledgeError, match=r"'ankle_pumps' is not an action"):
        parse_knowledge(data_copy)
    _edit(data_copy / "meta.yaml", "routine_action: ankle_pumps\n", "")
    with pytest.raises(KnowledgeError, match=r"needs a 'routine_action'"):
        parse_knowledge(data_copy)
