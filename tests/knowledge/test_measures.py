"""The plan knowledge: measures and avoid rules are complete, concrete, and safe by construction.

These checks are static (no engine): the spec's measure ids exist, every measure tells a person
how much, when and why, guided measures can be timed or counted, avoid rules name real measures,
flagged seed claims carry their caution, and runner-only advice cannot reach a non-runner.
What the rules *do* for a given person is tested at engine level in
``tests/assessment/test_contraindications.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from heavylegs.knowledge.conditions import (
    AllOf,
    CauseInTop,
    CauseLikely,
    Cond,
    Leaf,
    RedFlagFired,
    walk,
)
from heavylegs.knowledge.loader import DATA_DIR, parse_knowledge
from heavylegs.knowledge.models import AvoidRule, KnowledgeBase, Measure, MeasureKind

SPEC_MEASURES = {
    "walking", "running", "legs_up_the_wall", "leg_elevation", "ankle_pumps", "glute_bridge",
    "calf_raises", "swimming", "compression_stockings", "massage", "cooling", "high_fluid_intake",
    "potassium_magnesium_foods", "magnesium_supplement", "horse_chestnut", "stretching",
    "strength_training", "plyometrics", "heavy_squats", "static_standing", "reduce_training_load",
    "slow_down", "raise_cadence", "carbohydrate_fuelling", "iron_rich_foods", "sleep",
    "movement_breaks",
}  # fmt: skip
"""Fixed by ``shared/spec/README.md``: outside tests look these ids up."""

PLAN_EXTRAS = {
    "supportive_shoes", "warm_up", "cool_down", "belly_breathing", "run_mind_strategies",
    "active_recovery", "periodize_training", "everyday_hydration", "electrolyte_drinks",
    "balanced_diet", "reduce_salt", "gait_analysis", "side_lying_elevation",
    "supervised_exercise_programme", "stop_smoking", "foot_care", "medication_review",
    "calf_stretch_for_cramp", "weight_management", "skin_care",
}  # fmt: skip
"""Measures the plan relies on for particular people (pregnancy, PAD, diabetes, runners...)."""

RUNNER_CAUSES = {"overtraining", "glycogen_depletion", "running_biomechanics"}

# Seed-coverage items about a measure or something to avoid: each must be covered by a measure
# or an avoid rule (FAQ answers cover them too, but the plan itself must say them).
PLAN_ITEMS = {
    "S0-01", "S0-02", "S0-03", "S0-04", "S0-06", "S0-07", "S0-08", "S0-09", "S0-10", "S0-11",
    "S0-12", "S0-13", "S1-02", "S1-03", "S1-04", "S1-05", "S1-06", "S1-07", "S1-08", "S1-09",
    "S1-10", "S1-11", "S1-12", "S1-13", "S1-14", "S1-15", "S1-16", "S1-17", "S1-18", "S1-19",
    "S1-20", "S2-02", "S2-03", "S2-04", "S2-05", "S2-06", "S2-07", "S2-09", "S2-10", "S2-11",
    "S2-12", "S2-13", "S2-14", "S2-15", "S2-16", "S2-17", "S2-18", "S2-19", "S2-20", "S3-03",
    "S3-04", "S3-05", "S3-06", "S3-07", "S4-04", "S4-05", "S4-07", "S4-08", "S4-10",
}  # fmt: skip

# Measures whose seed claim is weak or unsafe for some: (measure, sources one of which a caution
# must cite, a pattern the caution texts must contain).
CAUTIONS = [
    ("gradual_progression", {"buist-2008"}, r"10 ?%"),
    ("gradual_progression", {"frandsen-2025-spikes"}, r"single run"),
    ("magnesium_supplement", {"cochrane-magnesium-cramps-2020"}, r"unlikely|night cramps"),
    ("magnesium_supplement", {"nhs-kidney-disease", "nice-ng203"}, r"kidney"),
    ("potassium_magnesium_foods", {"nhs-kidney-disease", "nice-ng203"}, r"kidney"),
    ("horse_chestnut", {"cochrane-horse-chestnut-2012"}, r"oral"),
    ("horse_chestnut", {"nccih-horse-chestnut"}, r"anticoagul|blood thinn"),
    ("high_fluid_intake", {"nice-ng106", "nhs-heart-failure", "nhs-kidney-disease"}, r"restrict"),
    ("everyday_hydration", {"nice-ng106", "nhs-heart-failure", "nhs-kidney-disease"}, r"limit"),
    ("leg_elevation", {"nice-ng106", "nhs-heart-failure"}, r"heart failure"),
    ("compression_stockings", {"nice-ng89", "nice-cg147"}, r"arterial"),
    ("compression_stockings", {"nice-ng89", "nhs-compression-stockings"}, r"neuropathy"),
    ("compression_stockings", {"engel-2016-compression-running"}, r"runner"),
    ("massage", {"nhs-dvt", "nice-cks-dvt"}, r"clot"),
    ("plyometrics", {"seed-000"}, r"swollen"),
    ("raise_cadence", {"heiderscheit-2011"}, r"gradual"),
    ("iron_rich_foods", {"nice-cks-anaemia-iron"}, r"blood test"),
]


def _read(kind: str) -> dict[str, list[dict[str, object]]]:
    """Raw YAML entries of one kind, by file, so a test can say which file is wrong."""
    files = [DATA_DIR / f"{kind}.yaml", *sorted(DATA_DIR.glob(f"{kind}_*.yaml"))]
    return {p.name: yaml.safe_load(p.read_text(encoding="utf-8")) for p in files if p.is_file()}


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return parse_knowledge()


@pytest.fixture(scope="module")
def measures() -> dict[str, Measure]:
    """Every measure validated on its own, so these checks do not depend on other kinds' files."""
    out: dict[str, Measure] = {}
    for name, entries in _read("measures").items():
        for raw in entries:
            measure = Measure.model_validate(raw)
            assert measure.id not in out, f"{name}: duplicate measure {measure.id}"
            out[measure.id] = measure
    return out


@pytest.fixture(scope="module")
def rules() -> dict[str, AvoidRule]:
    out: dict[str, AvoidRule] = {}
    for entries in _read("avoid").values():
        for raw in entries:
            rule = AvoidRule.model_validate(raw)
            out[rule.id] = rule
    return out


def _plan_measures(measures: dict[str, Measure]) -> list[Measure]:
    return [m for m in measures.values() if m.kind is not MeasureKind.ACTION]


def test_the_knowledge_base_loads_with_every_cross_reference(kb: KnowledgeBase) -> None:
    assert set(kb.measures) >= SPEC_MEASURES
    assert len(kb.avoid) >= 20


def test_every_spec_measure_id_exists(measures: dict[str, Measure]) -> None:
    assert sorted(SPEC_MEASURES - set(measures)) == []


def test_the_plan_extras_exist(measures: dict[str, Measure]) -> None:
    assert sorted(PLAN_EXTRAS - set(measures)) == []


def test_static_standing_is_a_habit_to_avoid(measures: dict[str, Measure]) -> None:
    assert measures["static_standing"].kind is MeasureKind.AVOID_HABIT


@pytest.mark.parametrize("field", ["text", "dose", "timing", "why", "evidence"])
def test_every_measure_says_how_much_when_and_why(field: str, measures: dict[str, Measure]) -> None:
    thin = [m.id for m in _plan_measures(measures) if len(str(getattr(m, field)).split()) < 3]
    assert thin == [], f"{field} is empty or a stub for {thin}"


def test_every_measure_cites_a_source_and_has_steps(measures: dict[str, Measure]) -> None:
    for m in _plan_measures(measures):
        assert m.sources, m.id
        assert len(m.steps) >= 2, f"{m.id}: give at least two how-to steps"


def test_every_sourced_id_exists(kb: KnowledgeBase, measures: dict[str, Measure]) -> None:
    cited = {s for m in measures.values() for s in m.sources}
    cited |= {s for m in measures.values() for c in m.cautions for s in c.sources}
    assert sorted(cited - set(kb.sources)) == []


def test_guided_measures_can_be_timed_or_counted(measures: dict[str, Measure]) -> None:
    guided = [m for m in measures.values() if m.guided is not None]
    assert len(guided) >= 10
    for m in guided:
        assert m.guided is not None
        assert m.guided.seconds is not None or m.guided.reps is not None, m.id


def test_the_core_guided_sessions_match_their_doses(measures: dict[str, Measure]) -> None:
    wall = measures["legs_up_the_wall"].guided
    assert wall is not None and wall.seconds is not None
    assert 600 <= wall.seconds <= 900
    assert any("tingl" in s.lower() and "2 minutes" in s for s in wall.sensations)
    pumps = measures["ankle_pumps"].guided
    assert pumps is not None and pumps.reps == 20
    assert any("circles" in s for s in pumps.sensations)
    elevation = measures["leg_elevation"].guided
    assert elevation is not None and elevation.seconds is not None
    assert 900 <= elevation.seconds <= 1200
    for mid in ("calf_raises", "glute_bridge"):
        session = measures[mid].guided
        assert session is not None and session.reps is not None and session.sets >= 2, mid
    stretch = measures["stretching"].guided
    assert stretch is not None and stretch.seconds is not None and 20 <= stretch.seconds <= 60


@pytest.mark.parametrize(
    ("mid", "pattern"),
    [
        ("legs_up_the_wall", r"10–15 minutes"),
        ("leg_elevation", r"15–20 minutes.*above heart"),
        ("ankle_pumps", r"20 pumps.*10 circles each way"),
        ("high_fluid_intake", r"2–3 litres"),
        ("walking", r"30 minutes.*10–15 minutes every 2–3 hours"),
        ("compression_stockings", r"class 1"),
        ("reduce_salt", r"6 g"),
        ("sleep", r"7–9 hours"),
        ("carbohydrate_fuelling", r"30–60 g"),
        ("supervised_exercise_programme", r"2 hours.* a week for 3 months"),
    ],
)
def test_doses_are_concrete(mid: str, pattern: str, measures: dict[str, Measure]) -> None:
    assert re.search(pattern, measures[mid].dose), measures[mid].dose


def test_the_timing_of_the_hourly_measures(measures: dict[str, Measure]) -> None:
    assert "every hour" in measures["ankle_pumps"].timing
    assert "30–60 minutes" in measures["movement_breaks"].timing
    assert "morning" in measures["compression_stockings"].timing


def test_avoid_habits_are_never_offered_as_things_to_do(measures: dict[str, Measure]) -> None:
    offered = [
        m.id for m in measures.values() if m.kind is MeasureKind.AVOID_HABIT and m.indications
    ]
    assert offered == []


def test_only_gentle_measures_are_offered_while_waiting_for_urgent_care(
    measures: dict[str, Measure],
) -> None:
    """While waiting to be seen, exercise, supplements and devices are off the table."""
    waiting = {m.id for m in _plan_measures(measures) if m.while_waiting}
    assert waiting <= {"leg_elevation", "foot_care", "side_lying_elevation"}
    assert "leg_elevation" in waiting


def test_avoid_rules_name_existing_measures_and_never_actions(
    rules: dict[str, AvoidRule], measures: dict[str, Measure]
) -> None:
    for rule in rules.values():
        for mid in rule.measures:
            assert mid in measures, f"avoid {rule.id}: unknown measure {mid}"
            assert measures[mid].kind is not MeasureKind.ACTION, f"avoid {rule.id}: {mid}"
        assert len(set(rule.measures)) == len(rule.measures), f"avoid {rule.id}: repeats"
        assert len(rule.why.split()) >= 8, f"avoid {rule.id}: the reason shown is too thin"


def test_the_measures_the_engine_may_put_in_avoid_have_rules(rules: dict[str, AvoidRule]) -> None:
    named = {mid for rule in rules.values() for mid in rule.measures}
    must = {"plyometrics", "heavy_squats", "static_standing", "running", "walking", "massage"}
    must |= {"compression_stockings", "legs_up_the_wall", "leg_elevation", "high_fluid_intake"}
    must |= {"horse_chestnut", "magnesium_supplement", "potassium_magnesium_foods"}
    assert sorted(must - named) == []


def _when_nodes(cond: Cond | None) -> list[Cond]:
    return [] if cond is None else walk(cond)


def _is_runner_leaf(cond: Cond) -> bool:
    return isinstance(cond, Leaf) and cond.path == "derived.runner" and cond.value is True


def _loose_runner_indications(measure: Measure) -> list[str]:
    """Indications that could fire for someone who does not run.

    Safe: only runner causes, or ``derived.runner`` as the whole condition or as a direct part
    of a top-level ``all`` (a runner leaf buried inside ``any`` or ``not`` would not protect).
    """
    loose = []
    for i, ind in enumerate(measure.indications):
        when = ind.when
        guarded = when is not None and (
            _is_runner_leaf(when)
            or (isinstance(when, AllOf) and any(_is_runner_leaf(c) for c in when.items))
        )
        if not guarded and not (ind.causes and set(ind.causes) <= RUNNER_CAUSES):
            loose.append(f"{measure.id} indication {i}")
    return loose


def test_runner_measures_only_reach_runners() -> None:
    raw = yaml.safe_load((DATA_DIR / "measures_running.yaml").read_text(encoding="utf-8"))
    loose = [x for e in raw for x in _loose_runner_indications(Measure.model_validate(e))]
    assert loose == []


def _training_measure(indications: list[dict[str, object]]) -> Measure:
    return Measure.model_validate(
        {
            "id": "x", "title": "x", "text": "x", "sources": ["seed-002"], "kind": "training",
            "dose": "x", "timing": "x", "why": "x", "evidence": "x", "indications": indications,
        }
    )  # fmt: skip


def test_the_runner_check_catches_loose_indications() -> None:
    runner = {"derived.runner": True}
    measure = _training_measure(
        [
            {"causes": ["overtraining"]},
            {"when": runner},
            {"when": {"all": [runner, {"symptoms.when": "during_running"}]}},
            {"causes": ["muscle_fatigue"]},
            {"when": {"any": [runner, {"lifestyle.work": "sitting"}]}},
            {"causes": ["overtraining", "static_posture"]},
        ]
    )
    assert _loose_runner_indications(measure) == [f"x indication {i}" for i in (3, 4, 5)]


def test_cause_thresholds_in_rules_are_sane(
    rules: dict[str, AvoidRule], measures: dict[str, Measure]
) -> None:
    """A clot or an ischaemic leg must trip the rule well before the cause is a sure thing."""
    for rule in rules.values():
        for node in _when_nodes(rule.when):
            if isinstance(node, CauseLikely):
                assert 0.1 <= node.gte <= 0.4, f"avoid {rule.id}: {node}"
    for m in measures.values():
        for ind in m.indications:
            for node in _when_nodes(ind.when):
                if isinstance(node, CauseInTop):
                    assert node.n >= 1


def test_clot_rule_covers_every_clot_signal(rules: dict[str, AvoidRule]) -> None:
    nodes = _when_nodes(rules["suspected_clot"].when)
    flags = {n.id for n in nodes if isinstance(n, RedFlagFired)}
    assert {"suspected_dvt", "suspected_pe", "one_leg_swelling"} <= flags
    causes = {n.id: n.gte for n in nodes if isinstance(n, CauseLikely)}
    assert causes.get("deep_vein_thrombosis", 1.0) <= 0.3
    assert {"walking", "massage", "compression_stockings", "running"} <= set(
        rules["suspected_clot"].measures
    )


@pytest.mark.parametrize(("mid", "sources", "pattern"), CAUTIONS)
def test_weak_or_unsafe_claims_carry_a_caution(
    mid: str, sources: set[str], pattern: str, measures: dict[str, Measure]
) -> None:
    cautions = [c for c in measures[mid].cautions if set(c.sources) & sources]
    assert cautions, f"{mid}: no caution cites one of {sorted(sources)}"
    assert any(re.search(pattern, c.text, re.IGNORECASE) for c in cautions), (
        f"{mid}: the caution does not say /{pattern}/"
    )


def test_plan_seed_items_are_covered_by_measures_or_avoid_rules(
    measures: dict[str, Measure], rules: dict[str, AvoidRule]
) -> None:
    covered = {c for m in measures.values() for c in m.covers}
    covered |= {c for r in rules.values() for c in r.covers}
    assert sorted(PLAN_ITEMS - covered) == []


def test_the_runner_file_is_where_runner_measures_live() -> None:
    running = {e["id"] for e in yaml.safe_load(Path(DATA_DIR, "measures_running.yaml").read_text())}
    assert {
        "slow_down",
        "raise_cadence",
        "reduce_training_load",
        "carbohydrate_fuelling",
    } <= running
