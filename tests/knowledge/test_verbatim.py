"""No knowledge text may copy the seed articles: no run of 12 words may be shared with a seed.

The knowledge base cites the five seed articles but says everything in its own words. The check
normalises case, punctuation and whitespace on both sides, so re-wrapping a copied sentence or
changing its commas does not hide it. The checker itself is tested on planted copies, so the
main test cannot pass just because the checker is broken.

Bibliographic titles of sources are exempt: citing an article by its own title is not copying
its text (the seed titles in ``sources.yaml`` are the articles' headlines).
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from heavylegs.knowledge.loader import DATA_DIR

RUN = 12
REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("HEAVYLEGS_SHARED") or REPO.parent / "shared")
SEEDS = SHARED / "seeds"

_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """Lower-case words with punctuation, quotes, dashes and whitespace dropped.

    NFKC folds typographic variants (curly quotes, non-breaking spaces); apostrophes split
    words the same way on both sides, so "don't" and "don’t" compare equal.
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _WORD.findall(folded)


def shingles(text: str, n: int = RUN) -> set[tuple[str, ...]]:
    """Every run of ``n`` consecutive words."""
    ws = words(text)
    return {tuple(ws[i : i + n]) for i in range(len(ws) - n + 1)}


def shared_runs(candidate: str, seed_runs: set[tuple[str, ...]], n: int = RUN) -> list[str]:
    """The ``n``-word runs of ``candidate`` that also occur in a seed, as readable strings."""
    return [" ".join(run) for run in sorted(shingles(candidate, n) & seed_runs)]


def yaml_strings(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string scalar in a parsed YAML document with its path (``[3].text``)."""
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from yaml_strings(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from yaml_strings(value, f"{path}[{i}]")


def knowledge_texts(data_dir: Path) -> Iterator[tuple[str, str]]:
    """(``file:path``, text) for every string of every knowledge YAML file, source titles
    excepted (see the module docstring)."""
    for path in sorted(data_dir.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        is_sources = path.stem == "sources" or path.stem.startswith("sources_")
        for where, text in yaml_strings(doc):
            if is_sources and where.endswith(".title"):
                continue
            yield f"{path.name}:{where}", text


def seed_runs(seed_dir: Path) -> dict[str, set[tuple[str, ...]]]:
    return {p.name: shingles(p.read_text(encoding="utf-8")) for p in sorted(seed_dir.glob("*.txt"))}


def copied_passages(data_dir: Path, seed_dir: Path) -> list[str]:
    """One line per knowledge string that shares a 12-word run with a seed."""
    seeds = seed_runs(seed_dir)
    problems = []
    for where, text in knowledge_texts(data_dir):
        for seed_name, runs in seeds.items():
            hits = shared_runs(text, runs)
            if hits:
                problems.append(f"{where} copies {seed_name}: {hits[0]!r}")
    return problems


@pytest.fixture(scope="module")
def seeds() -> dict[str, set[tuple[str, ...]]]:
    if not SEEDS.is_dir():
        pytest.fail(f"seed folder not found: {SEEDS} (set HEAVYLEGS_SHARED)")
    found = seed_runs(SEEDS)
    assert len(found) == 5, f"expected the five seed articles in {SEEDS}, found {sorted(found)}"
    return found


def test_no_knowledge_text_copies_a_seed(seeds: dict[str, set[tuple[str, ...]]]) -> None:
    problems = copied_passages(DATA_DIR, SEEDS)
    assert not problems, "\n".join(problems)


def test_the_knowledge_base_has_text_to_check() -> None:
    texts = list(knowledge_texts(DATA_DIR))
    assert sum(len(words(t)) for _, t in texts) > 5000


# --- the checker is tested on planted copies ---------------------------------------------------

SEED_SNIPPET = (
    "Before we look at the movements, you must understand the physiology. Heavy legs usually "
    "result from poor venous return."
)


def test_checker_finds_an_exact_copy() -> None:
    runs = shingles(SEED_SNIPPET)
    assert shared_runs("Intro. " + SEED_SNIPPET + " Outro.", runs)


def test_checker_sees_through_case_punctuation_and_line_breaks() -> None:
    runs = shingles(SEED_SNIPPET)
    disguised = (
        "BEFORE we look at the movements -- you must\n   understand the PHYSIOLOGY;\n"
        "heavy legs usually result…"
    )
    hits = shared_runs(disguised, runs)
    assert len(hits) == 4  # 15 shared words make four 12-word runs
    assert "before we look at the movements you must understand the physiology heavy" in hits


def test_checker_sees_through_typographic_quotes() -> None:
    runs = shingles("If you don’t feel that weird tingle, you probably aren’t elevated enough.")
    assert shared_runs("if you don't feel that weird tingle you probably aren't elevated", runs)


def test_checker_allows_eleven_shared_words() -> None:
    runs = shingles(SEED_SNIPPET)
    eleven = "before we look at the movements you must understand the physiology"
    assert len(words(eleven)) == 11
    assert shared_runs(eleven + " of swollen ankles", runs) == []


def test_checker_flags_a_planted_copy_in_a_knowledge_folder(
    tmp_path: Path, seeds: dict[str, set[tuple[str, ...]]]
) -> None:
    seed_text = next(iter(sorted(SEEDS.glob("*.txt")))).read_text(encoding="utf-8")
    sentence = " ".join(words(seed_text)[40:60])
    (tmp_path / "faq_planted.yaml").write_text(
        yaml.safe_dump([{"id": "planted", "text": f"Our words first. {sentence.upper()}!"}]),
        encoding="utf-8",
    )
    (tmp_path / "sources_x.yaml").write_text(
        yaml.safe_dump([{"id": "s", "title": sentence}]), encoding="utf-8"
    )
    problems = copied_passages(tmp_path, SEEDS)
    assert len(problems) == 1
    assert problems[0].startswith("faq_planted.yaml:[0].text copies ")
