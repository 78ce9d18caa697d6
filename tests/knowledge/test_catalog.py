"""The measure catalog (ids and titles, for ``done``) against the full loader, its source: the
same titles in the same order, read from its own small cache after the first time, and never a
wrong answer from a stale, corrupt or unwritable cache."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from heavylegs.knowledge import loader
from heavylegs.knowledge.cache import DATA_DIR
from heavylegs.knowledge.catalog import measure_titles
from heavylegs.knowledge.loader import load_knowledge


def _truth(data_dir: Path = DATA_DIR) -> list[tuple[str, str]]:
    return [(mid, m.title) for mid, m in load_knowledge(data_dir).measures.items()]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "cache"
    monkeypatch.setenv("HEAVYLEGS_CACHE_DIR", str(folder))
    load_knowledge.cache_clear()
    yield folder
    load_knowledge.cache_clear()


def _catalogs(cache: Path) -> list[Path]:
    return sorted(cache.glob("knowledge-*.measures.json"))


def test_the_catalog_is_the_knowledge_bases_titles_then_read_without_it(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = measure_titles()
    assert list(first.items()) == _truth() and first["ankle_pumps"] == "Ankle pumps and circles"
    (catalog,) = _catalogs(cache)
    (pickle_file,) = cache.glob("knowledge-*.pickle")
    assert catalog.name.split(".")[0] == pickle_file.name.split(".")[0], "not the same key"

    def refuse(*_: object) -> None:
        raise AssertionError("the catalog must not load the knowledge base")

    monkeypatch.setattr(loader, "load_knowledge", refuse)
    assert list(measure_titles().items()) == list(first.items())


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not json",
        b"\xff\xfe",
        b"[]",
        b'{"measures": []}',
        b'{"measures": {"ankle_pumps": 3}}',
        b'{"measures": {}, "more": 1}',
        b'{"measures": {"ankle_pumps": "Ankle pumps and circles"',
    ],
)
def test_a_corrupt_catalog_is_rebuilt_from_the_knowledge_base(cache: Path, content: bytes) -> None:
    measure_titles()
    (catalog,) = _catalogs(cache)
    catalog.write_bytes(content)
    assert list(measure_titles().items()) == _truth()
    assert list(json.loads(catalog.read_bytes())["measures"].items()) == _truth()


def test_a_missing_catalog_is_rebuilt(cache: Path) -> None:
    measure_titles()
    (catalog,) = _catalogs(cache)
    catalog.unlink()
    assert list(measure_titles().items()) == _truth()
    assert _catalogs(cache) == [catalog]


def test_a_changed_knowledge_base_has_its_own_catalog(cache: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    before = measure_titles(data)
    assert before["ankle_pumps"] == "Ankle pumps and circles"
    measures = data / "measures.yaml"
    text = measures.read_text(encoding="utf-8")
    assert text.count("title: Ankle pumps and circles\n") == 1
    measures.write_text(text.replace("Ankle pumps and circles", "Ankle pumps"), encoding="utf-8")
    load_knowledge.cache_clear()
    after = measure_titles(data)
    assert after["ankle_pumps"] == "Ankle pumps" and list(after.items()) == _truth(data)
    assert len(_catalogs(cache)) == 2
    assert measure_titles() == measure_titles(DATA_DIR) != after  # the installed base's own


def test_a_catalog_that_cannot_be_written_still_answers_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("HEAVYLEGS_CACHE_DIR", str(blocked / "cache"))
    load_knowledge.cache_clear()
    try:
        assert list(measure_titles().items()) == _truth()
    finally:
        load_knowledge.cache_clear()
    folder = tmp_path / "cache"
    monkeypatch.setenv("HEAVYLEGS_CACHE_DIR", str(folder))
    measure_titles()
    (catalog,) = _catalogs(folder)
    catalog.unlink()
    (catalog / "in-the-way").mkdir(parents=True)  # os.replace onto a folder fails
    assert list(measure_titles().items()) == _truth()
    assert not [p.name for p in folder.iterdir() if p.name.startswith(".knowledge-")]
