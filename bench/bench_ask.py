"""Ask: retrieval quality and speed, against a naive substring scan measured in the same run.

Targets (issue 4): recall@3 >= 0.9 on ``shared/ask/dev.jsonl``; p99 latency < 20 ms per question
after warm-up. The baseline is what one would write without an index: score every knowledge
entry (same entries) by how many of the question's words occur in its text, best first.
Reported: recall@1, recall@3, p50/p99 latency for both, and ratios (ask / baseline).
"""

from __future__ import annotations

import json
import os
import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path

SHARED = Path(os.environ.get("HEAVYLEGS_SHARED") or Path(__file__).resolve().parents[2] / "shared")
REPEATS = 20

Search = Callable[[str], list[tuple[str, tuple[str, ...]]]]
"""question -> [(entry id, covers)], best first."""


DOMAIN = Path(__file__).resolve().parents[1] / "tests" / "ask" / "domain_questions.jsonl"


def _questions(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _naive_search() -> Search:
    from heavylegs.knowledge import load_knowledge

    kb = load_knowledge()
    docs = []
    for table in (kb.faq, kb.measures, kb.causes, kb.red_flags):
        for entry in table.values():
            extra = (
                " ".join([entry.question, *entry.also_asked]) if hasattr(entry, "question") else ""
            )
            docs.append(
                (entry.id, tuple(entry.covers), f"{entry.title} {extra} {entry.text}".lower())
            )

    def search(question: str) -> list[tuple[str, tuple[str, ...]]]:
        terms = [w for w in re.findall(r"[^\W_]+", question.lower()) if len(w) > 2]
        scored = [
            (sum(t in text for t in terms), i, cid, covers)
            for i, (cid, covers, text) in enumerate(docs)
        ]
        scored.sort(key=lambda s: (-s[0], s[1]))
        return [(cid, covers) for n, _, cid, covers in scored[:5] if n > 0]

    return search


def _ask_search() -> Search:
    from heavylegs.ask import ask
    from heavylegs.knowledge import load_knowledge

    kb = load_knowledge()

    def search(question: str) -> list[tuple[str, tuple[str, ...]]]:
        return [(a.id, a.covers) for a in ask(question, kb).answers]

    return search


def _measure(search: Search, questions: list[dict[str, object]]) -> dict[str, float]:
    for q in questions:  # warm up: index build, caches
        search(str(q["question"]))
    hit1 = hit3 = 0
    for q in questions:
        want = set(q["covers_any"])  # type: ignore[arg-type]
        found = search(str(q["question"]))
        hit1 += bool(found and want & set(found[0][1]))
        hit3 += any(want & set(c) for _, c in found[:3])
    times = []
    for _ in range(REPEATS):
        for q in questions:
            start = time.perf_counter()
            search(str(q["question"]))
            times.append(time.perf_counter() - start)
    times.sort()
    n = len(questions)
    return {
        "recall@1": hit1 / n,
        "recall@3": hit3 / n,
        "p50_ms": statistics.median(times) * 1e3,
        "p99_ms": times[min(len(times) - 1, int(len(times) * 0.99))] * 1e3,
    }


def main() -> int:
    """0 when the dev targets are met, 1 otherwise (``bench/run.py`` lists the misses)."""
    ok = True
    start = time.perf_counter()
    ask_search = _ask_search()
    ask_search("warm up")
    first_ms = (time.perf_counter() - start) * 1e3
    naive = _naive_search()
    print(f"first question incl. knowledge load and index build: {first_ms:.1f} ms")
    for label, path in (("dev", SHARED / "ask" / "dev.jsonl"), ("domain", DOMAIN)):
        questions = _questions(path)
        ours, base = _measure(ask_search, questions), _measure(naive, questions)
        print(f"\n{label}: {len(questions)} questions ({path.name}), {REPEATS} timed passes")
        print(f"{'':24}{'recall@1':>9}{'recall@3':>9}{'p50 ms':>9}{'p99 ms':>9}")
        for name, r in (("ask (FTS5 + synonyms)", ours), ("baseline (substring)", base)):
            print(
                f"{name:24}{r['recall@1']:9.2f}{r['recall@3']:9.2f}"
                f"{r['p50_ms']:9.2f}{r['p99_ms']:9.2f}"
            )
        print(
            f"ratio ask/baseline: recall@1 {ours['recall@1'] / max(base['recall@1'], 1e-9):.2f}x, "
            f"recall@3 {ours['recall@3'] / max(base['recall@3'], 1e-9):.2f}x, "
            f"p50 latency {ours['p50_ms'] / base['p50_ms']:.2f}x"
        )
        if label == "dev":
            print(
                f"targets: recall@3 >= 0.90 {'OK' if ours['recall@3'] >= 0.9 else 'MISSED'}; "
                f"p99 < 20 ms {'OK' if ours['p99_ms'] < 20 else 'MISSED'}"
            )
            ok = ours["recall@3"] >= 0.9 and ours["p99_ms"] < 20
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
