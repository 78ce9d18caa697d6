"""The knowledge base: YAML data validated by pydantic at load. Knows nothing of other stages.

The names below are imported on first use (PEP 562), so importing a light module of the package
(``knowledge.levels``) does not import pydantic's models and the loader (start-up, issue 15).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from heavylegs.knowledge.loader import KnowledgeError, load_knowledge
    from heavylegs.knowledge.models import KnowledgeBase, Urgency

__all__ = ["KnowledgeBase", "KnowledgeError", "Urgency", "load_knowledge"]

_HOMES = {
    "KnowledgeBase": "heavylegs.knowledge.models",
    "KnowledgeError": "heavylegs.knowledge.loader",
    "Urgency": "heavylegs.knowledge.levels",
    "load_knowledge": "heavylegs.knowledge.loader",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(home), name)
