"""The measures' ids and titles, from a small cache beside the knowledge base's, for start-up.

Why: ``heavylegs done`` needs only which measure ids exist and each one's title, but loading the
whole validated knowledge base (unpickling pydantic models: importing pydantic and the models)
was about a third of its start-up time (issue 15). The catalog is derived from the full loader
(:func:`heavylegs.knowledge.load_knowledge`) and kept as JSON under the same key as the base's
pickle (:func:`heavylegs.knowledge.cache.cache_file`), so a changed knowledge base never reads an
old catalog; a catalog missing, unreadable or of another shape is rebuilt from the full loader.
"""

from __future__ import annotations

import json
from pathlib import Path

from heavylegs.knowledge.cache import DATA_DIR, cache_file, write_atomically

SUFFIX = "measures.json"
"""The catalog's file: ``knowledge-KEY.measures.json`` beside ``knowledge-KEY.pickle``."""


def measure_titles(data_dir: Path = DATA_DIR) -> dict[str, str]:
    """Every measure's title by id, as ``{m.id: m.title for m in load_knowledge().measures}``
    gives them, in that order."""
    target = cache_file(data_dir, SUFFIX)
    try:
        cached = json.loads(target.read_bytes())
    except (OSError, ValueError):
        cached = None
    if _is_catalog(cached):
        return dict(cached["measures"])
    from heavylegs.knowledge.loader import load_knowledge

    titles = {mid: measure.title for mid, measure in load_knowledge(data_dir).measures.items()}
    text = json.dumps({"measures": titles}, ensure_ascii=False)
    write_atomically(target, text.encode("utf-8"))
    return titles


def _is_catalog(cached: object) -> bool:
    if not isinstance(cached, dict) or set(cached) != {"measures"}:
        return False
    measures = cached["measures"]
    return isinstance(measures, dict) and all(
        isinstance(key, str) and isinstance(title, str) for key, title in measures.items()
    )
