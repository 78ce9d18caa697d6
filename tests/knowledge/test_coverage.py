"""Every item of ``shared/spec/seed-coverage.md`` is covered by the knowledge base, honestly.

* each id is in some entry's ``covers`` (the whole base), and the FAQ alone covers them all, so
  coverage never depends on which other knowledge files happen to exist;
* an entry that covers ``S<k>-..`` cites ``seed-00<k>``: covering a claim means citing it;
* no entry covers an id the file does not list (a typo would silently count for nothing);
* where the file flags a claim as weak or unsafe (a bracketed note), each FAQ answer covering it
  carries a caution citing the better evidence and says so in its own text.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from heavylegs.knowledge.loader import parse_knowledge
from heavylegs.knowledge.models import Entry, KnowledgeBase

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("HEAVYLEGS_SHARED") or REPO.parent / "shared")
COVERAGE = SHARED / "spec" / "seed-coverage.md"

_ITEM = re.compile(r"^- (S[0-4]-\d{2}) (.*)$", re.MULTILINE)


def coverage_items(text: str) -> dict[str, str]:
    """id -> the item's line (claim and any bracketed note)."""
    return dict(_ITEM.findall(text))


# Bracketed items: (groups of source ids: a caution must cite one id of every group,
#                   a pattern the answer's own text must contain).
FLAGGED: dict[str, tuple[list[set[str]], str]] = {
    "S1-06": ([{"nhs-dvt", "nice-cks-dvt", "nice-ng158"}], r"\b(now|today|urgent|immediately)\b"),
    "S1-15": ([{"nice-cks-heart-failure", "nhs-heart-failure", "nice-ng106"}], r"heart failure"),
    "S1-16": ([{"nice-cks-pad", "nice-cg147", "nhs-pad", "nhs-compression-stockings"}], r"arter"),
    "S1-17": ([{"nhs-dvt", "nice-cks-dvt", "nice-ng158"}], r"clot"),
    "S2-06": ([{"buist-2008", "frandsen-2025-spikes"}], r"weak|little evidence|not proven"),
    "S2-17": ([{"seed-000"}], r"swollen|swelling"),
    "S3-05": (
        [{"cochrane-magnesium-cramps-2020"}, {"nhs-kidney-disease", "nice-ng203"}],
        r"kidney",
    ),
    "S3-06": ([{"cochrane-horse-chestnut-2012"}], r"blood.thinn|anticoagul"),
    "S3-07": (
        [{"nice-cks-heart-failure", "nhs-heart-failure", "nice-ng106", "nhs-kidney-disease"}],
        r"restrict|limit",
    ),
    "S1-12": (
        [{"nice-cks-heart-failure", "nhs-heart-failure", "nice-ng106", "nhs-kidney-disease"}],
        r"restrict|limit",
    ),
}


@pytest.fixture(scope="module")
def items() -> dict[str, str]:
    if not COVERAGE.is_file():
        pytest.fail(f"coverage file not found: {COVERAGE} (set HEAVYLEGS_SHARED)")
    found = coverage_items(COVERAGE.read_text(encoding="utf-8"))
    assert len(found) >= 70, "the coverage file parsed to too few items"
    return found


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return parse_knowledge()


def _covered(entries: list[Entry]) -> set[str]:
    return {c for e in entries for c in e.covers}


def test_every_item_is_covered_by_the_knowledge_base(
    items: dict[str, str], kb: KnowledgeBase
) -> None:
    missing = sorted(set(items) - _covered(kb.entries()))
    assert not missing, f"not covered by any entry: {missing}"


def test_the_faq_alone_covers_every_item(items: dict[str, str], kb: KnowledgeBase) -> None:
    missing = sorted(set(items) - _covered(list(kb.faq.values())))
    assert not missing, f"not covered by any FAQ answer: {missing}"


def test_no_entry_covers_an_unknown_item(items: dict[str, str], kb: KnowledgeBase) -> None:
    unknown = [f"{e.id}: {c}" for e in kb.entries() for c in e.covers if c not in items]
    assert not unknown


def test_an_entry_covering_a_seed_item_cites_that_seed(kb: KnowledgeBase) -> None:
    problems = []
    for entry in kb.entries():
        for cover in entry.covers:
            seed = f"seed-00{cover[1]}"
            if seed not in entry.sources:
                problems.append(
                    f"{type(entry).__name__} {entry.id} covers {cover}, cites no {seed}"
                )
    assert not problems, "\n".join(problems)


def test_every_flagged_item_has_a_rule_here(items: dict[str, str]) -> None:
    """A new bracketed note in the coverage file must get a caution rule in ``FLAGGED``."""
    flagged = {cid for cid, line in items.items() if "[" in line}
    assert flagged <= set(FLAGGED), sorted(flagged - set(FLAGGED))


@pytest.mark.parametrize("item", sorted(FLAGGED))
def test_faq_answers_on_a_flagged_item_carry_the_caution(item: str, kb: KnowledgeBase) -> None:
    groups, pattern = FLAGGED[item]
    answers = [f for f in kb.faq.values() if item in f.covers]
    assert answers, f"no FAQ answer covers {item}"
    for faq in answers:
        cited = {s for caution in faq.cautions for s in caution.sources}
        for group in groups:
            assert cited & group, f"faq {faq.id} ({item}): no caution cites one of {sorted(group)}"
        assert re.search(pattern, faq.text, re.IGNORECASE), (
            f"faq {faq.id} ({item}): the answer text does not say it plainly (/{pattern}/)"
        )


def test_coverage_parser_reads_items_and_notes() -> None:
    sample = "## x\n- S0-01 Legs up.\n- S2-06 Ten percent. [weak]\nnot an item\n- S9-01 bad\n"
    assert coverage_items(sample) == {"S0-01": "Legs up.", "S2-06": "Ten percent. [weak]"}
