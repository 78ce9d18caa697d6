"""Load and signals against values computed by hand (the arithmetic is in the comments)."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heavylegs.training.load import (
    LoadMethod,
    banister_trimp,
    cr10_reserve,
    heart_profile,
    session_load,
    trimp_per_minute,
)
from heavylegs.training.series import (
    FITNESS_ALPHA,
    MONOTONY_CAP,
    LoadSeries,
    RatioBand,
    monotony_strain,
    ratio_band,
)

MALE = heart_profile(hr_rest=60, hr_max=180, sex="male")
FEMALE = heart_profile(hr_rest=60, hr_max=180, sex="female")
D0 = dt.date(2026, 1, 5)


def test_banister_trimp_by_hand() -> None:
    # 30 min at 150 bpm: HRr = (150-60)/(180-60) = 0.75
    # male:   30 × 0.75 × 0.64 × e^(1.92×0.75 = 1.44 → 4.220696) = 60.778
    # female: 30 × 0.75 × 0.86 × e^(1.67×0.75 = 1.2525 → 3.499079) = 67.707
    assert banister_trimp([(150, 1800.0)], MALE) == pytest.approx(60.778, abs=0.005)
    assert banister_trimp([(150, 1800.0)], FEMALE) == pytest.approx(67.707, abs=0.005)
    unknown = heart_profile(hr_rest=60, hr_max=180)
    assert banister_trimp([(150, 1800.0)], unknown) == pytest.approx(
        (60.778 + 67.707) / 2, abs=0.01
    )
    assert "sex not given" in unknown.notes[0]


def test_trimp_clips_the_reserve() -> None:
    assert trimp_per_minute(-0.2, "male") == 0.0
    assert trimp_per_minute(1.4, "male") == pytest.approx(0.64 * math.exp(1.92))


def test_session_load_falls_back_to_pace_then_rpe_then_an_assumed_rpe() -> None:
    by_hr = session_load([(150, 1800.0)], 30.0, 9.0, MALE)
    assert by_hr.method is LoadMethod.HEART_RATE and not by_hr.estimated
    # own load per minute at this pace wins over a stated RPE: 40 min × 2.5 = 100
    by_pace = session_load([], 40.0, 5.0, MALE, pace_rate=2.5)
    assert by_pace.method is LoadMethod.PACE and by_pace.value == pytest.approx(100.0)
    # no heart rate, CR10 5 → 65 % HRR, 40 min: 40 × 0.65 × 0.64 × e^(1.248 → 3.483369) = 57.963
    by_rpe = session_load([], 40.0, 5.0, MALE)
    assert by_rpe.method is LoadMethod.RPE and by_rpe.estimated
    assert by_rpe.value == pytest.approx(57.963, abs=0.005)
    assumed = session_load([], 40.0, None, MALE)
    assert assumed.method is LoadMethod.ASSUMED_RPE and assumed.estimated
    # CR10 4 → 55 % HRR: 40 × 0.55 × 0.64 × e^(1.056 → 2.874849) = 40.478
    assert assumed.value == pytest.approx(40.478, abs=0.005)
    # heart rate for only 10 of 60 minutes is not the session: RPE instead
    assert session_load([(150, 600.0)], 60.0, 5.0, MALE).method is LoadMethod.RPE


@pytest.mark.parametrize(
    ("rpe", "reserve"), [(0, 0.0), (4, 0.55), (4.5, 0.60), (5, 0.65), (10, 1.0), (12, 1.0)]
)
def test_cr10_maps_to_acsm_reserve(rpe: float, reserve: float) -> None:
    assert cr10_reserve(rpe) == pytest.approx(reserve)


def test_heart_profile_estimates_are_flagged() -> None:
    by_age = heart_profile(age=40)
    assert by_age.hr_max == pytest.approx(180.0)  # 208 - 0.7 × 40
    assert any("age" in n for n in by_age.notes) and any("HRrest" in n for n in by_age.notes)
    observed = heart_profile(age=40, observed_max=191)
    assert observed.hr_max == 191 and "highest heart rate" in observed.notes[0]
    given_values = heart_profile(hr_rest=48, hr_max=188, sex="female")
    assert given_values.notes == ()
    with pytest.raises(ValueError, match="above"):
        heart_profile(hr_rest=100, hr_max=110, sex="male")


def test_ewma_series_by_hand() -> None:
    series = LoadSeries.build([(D0, 100.0)], D0, D0 + dt.timedelta(days=1), seed=0.0)
    # fatigue α = 1 - e^(-1/7) = 1 - 0.866878 = 0.133122; day 0: 13.3122;
    # day 1: 13.3122 × 0.866878 = 11.5401
    assert series.fatigue.tolist() == pytest.approx([13.3122, 11.5401], abs=1e-4)
    # fitness α = 1 - e^(-1/42) = 1 - 0.976472 = 0.023528
    assert series.fitness[0] == pytest.approx(2.3528, abs=1e-4)
    # acute λ = 2/8 = 0.25: 25, 18.75; chronic λ = 2/29: 6.89655, 6.89655 × 27/29 = 6.42093
    assert series.acute.tolist() == pytest.approx([25.0, 18.75])
    assert series.chronic.tolist() == pytest.approx([6.89655, 6.42093], abs=1e-5)
    assert series.form.tolist() == pytest.approx((series.fitness - series.fatigue).tolist())


def test_a_steady_runner_reads_steady_from_day_one() -> None:
    # 50 a day for 60 days: the seed is the first 42 days' mean, 50; every average starts
    # there and stays there, so form is 0 and the ratio 1 throughout (from 0 they read form
    # -35 and a ratio of 1.3 on day 28)
    days = [(D0 + dt.timedelta(days=i), 50.0) for i in range(60)]
    series = LoadSeries.build(days, D0, D0 + dt.timedelta(days=59))
    assert series.seed == pytest.approx(50.0) and not series.seed_set
    assert np.allclose(series.form, 0.0) and np.allclose(series.ratio(), 1.0)
    assert series.calibrating()[:42].all() and not series.calibrating()[42:].any()
    # runs every other day: seed 25 (rest days count as 0)
    alternate = LoadSeries.build(days[::2], D0, D0 + dt.timedelta(days=59))
    assert alternate.seed == pytest.approx(25.0)
    assert abs(float(alternate.form[27])) < 5 and 0.8 < float(alternate.ratio()[27]) < 1.3
    unseeded = LoadSeries.build(days, D0, D0 + dt.timedelta(days=59), seed=0.0)
    assert unseeded.form[27] < -20 and unseeded.ratio()[27] > 1.1  # the old start-up
    mine = LoadSeries.build(days, D0, D0 + dt.timedelta(days=59), seed=80.0)
    assert mine.seed_set and mine.fitness[0] == pytest.approx(80 + FITNESS_ALPHA * (50 - 80))
    empty = LoadSeries.build([], D0, D0 + dt.timedelta(days=40))
    assert np.isnan(empty.ratio()).all()


@pytest.mark.parametrize(
    ("ratio", "band"),
    [(0.5, RatioBand.LOW), (0.8, RatioBand.MODERATE), (1.29, RatioBand.MODERATE),
     (1.3, RatioBand.HIGH), (1.5, RatioBand.VERY_HIGH), (None, None), (float("nan"), None)],
)  # fmt: skip
def test_gabbett_bands(ratio: float | None, band: RatioBand | None) -> None:
    assert ratio_band(ratio) is band


def test_monotony_and_strain_by_hand() -> None:
    # loads 50,0,50,0,50,0,50: mean 28.5714, population sd 24.7436 → monotony 1.1547
    monotony, strain = monotony_strain(np.array([50, 0, 50, 0, 50, 0, 50], dtype=float))
    assert monotony == pytest.approx(1.1547, abs=1e-4)
    assert strain == pytest.approx(200 * 1.1547, abs=0.02)
    assert monotony_strain(np.zeros(7)) == (None, None)
    # the same load every day: no spread, the most monotonous week: capped at 10 (Runalyze)
    assert monotony_strain(np.full(7, 30.0)) == (MONOTONY_CAP, 210 * MONOTONY_CAP)
    # almost no spread: still the cap, not 10^6
    assert monotony_strain(np.array([30, 30, 30, 30, 30, 30, 30.001]))[0] == MONOTONY_CAP


@given(
    st.lists(st.tuples(st.integers(0, 120), st.floats(0, 400)), min_size=1, max_size=40),
    st.tuples(st.integers(0, 150), st.floats(0, 400)),
)
@settings(max_examples=50, deadline=None)
def test_incremental_update_equals_a_rebuild(
    loads: list[tuple[int, float]], extra: tuple[int, float]
) -> None:
    days = [(D0 + dt.timedelta(days=d), v) for d, v in loads]
    end = D0 + dt.timedelta(days=120)
    series = LoadSeries.build(days, D0, end)
    new_day = D0 + dt.timedelta(days=extra[0])
    series.add(new_day, extra[1])
    rebuilt = LoadSeries.build([*days, (new_day, extra[1])], D0, max(end, new_day))
    for name in ("load", "fitness", "fatigue", "acute", "chronic"):
        assert np.allclose(getattr(series, name), getattr(rebuilt, name)), name
