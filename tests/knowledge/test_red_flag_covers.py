"""A warning sign that cites one of the five seed articles says which of its claims it carries.

Citing ``seed-00<k>`` without covering any ``S<k>-..`` item leaves the seed coverage map blind to
the sign (the ask answers' ``covers`` come from it), and a new sign added with a seed source but
no ``covers`` slipped through several times.
"""

from __future__ import annotations

from heavylegs.knowledge import load_knowledge


def test_a_red_flag_citing_a_seed_covers_one_of_its_items() -> None:
    kb = load_knowledge()
    missing = []
    for flag in kb.red_flags.values():
        seeds = {s[-1] for s in flag.sources if s.startswith("seed-00")}
        covered = {c[1] for c in flag.covers}
        if seeds - covered:
            missing.append(
                f"{flag.id}: cites seed(s) {sorted(seeds - covered)} but covers none of its items"
            )
    assert not missing, missing
