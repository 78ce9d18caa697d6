"""Bounded fuzzing of the readers: mutated corpus bytes end in an activity or a reason, nothing else.

``make test`` runs a few hundred examples; ``make fuzz`` sets ``HEAVYLEGS_FUZZ_EXAMPLES`` for a
long nightly run. Each example has a generous per-file deadline (a hang is a failure), set in
hypothesis' settings rather than as a timing assertion.
"""

from __future__ import annotations

import datetime as dt
import gzip
import os
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heavylegs.training.importer import parse_bytes
from heavylegs.training.model import ActivityFileError
from heavylegs.training.sanity import check_plausible
from heavylegs.training.sources import gunzip
from tests.conftest import SHARED

EXAMPLES = int(os.environ.get("HEAVYLEGS_FUZZ_EXAMPLES", "300"))
MAX_SEED_BYTES = 400_000
NOW = dt.datetime(2026, 11, 21, tzinfo=dt.UTC)


@cache
def seeds() -> tuple[tuple[str, bytes], ...]:
    folder = SHARED / "data" / "activities"
    files = sorted(p for p in folder.rglob("*") if p.suffix in (".fit", ".gpx", ".tcx"))
    return tuple((p.name, p.read_bytes()) for p in files if p.stat().st_size <= MAX_SEED_BYTES)


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    name, data = draw(st.sampled_from(seeds()))
    buffer = bytearray(data)
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["flip", "truncate", "insert", "repeat", "zero"]))
        at = draw(st.integers(0, max(len(buffer) - 1, 0)))
        if kind == "flip" and buffer:
            buffer[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "truncate":
            del buffer[at:]
        elif kind == "insert":
            buffer[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif kind == "repeat":
            buffer[at:at] = bytes(buffer[at : at + draw(st.integers(1, 4096))]) * draw(
                st.integers(1, 50)
            )
        elif kind == "zero":
            buffer[at : at + 16] = bytes(min(16, len(buffer) - at))
    return name, bytes(buffer)


@settings(
    max_examples=EXAMPLES,
    deadline=dt.timedelta(seconds=20),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=EXAMPLES <= 300,
)
@given(mutated(), st.booleans())
def test_mutated_corpus_files_give_an_activity_or_a_reason(
    sample: tuple[str, bytes], through_gzip: bool
) -> None:
    name, data = sample
    try:
        if through_gzip:
            data = gunzip(gzip.compress(data, compresslevel=1), name + ".gz")
        parsed = parse_bytes(data, None, None)
        check_plausible(parsed, NOW)
    except ActivityFileError as exc:
        assert str(exc).strip()


def test_the_fuzz_has_seeds_of_every_format() -> None:
    names = {Path(n).suffix for n, _ in seeds()}
    assert names == {".fit", ".gpx", ".tcx"}
