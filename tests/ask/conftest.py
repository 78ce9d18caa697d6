"""Fixtures for the ask tests: the real knowledge base and the question sets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from heavylegs.knowledge import KnowledgeBase, load_knowledge

HERE = Path(__file__).parent


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge()


@pytest.fixture(scope="session")
def dev_questions(shared: Path) -> list[dict[str, Any]]:
    path = shared / "ask" / "dev.jsonl"
    if not path.is_file():
        pytest.fail(f"{path} not found (set HEAVYLEGS_SHARED)")
    return read_jsonl(path)


@pytest.fixture(scope="session")
def domain_questions() -> list[dict[str, Any]]:
    """Our own everyday phrasings (not the dev set): a check that we built for the domain."""
    return read_jsonl(HERE / "domain_questions.jsonl")
