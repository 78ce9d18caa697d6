"""The knowledge base: YAML data validated by pydantic at load. Knows nothing of other stages."""

from heavylegs.knowledge.loader import KnowledgeError, load_knowledge
from heavylegs.knowledge.models import KnowledgeBase, Urgency

__all__ = ["KnowledgeBase", "KnowledgeError", "Urgency", "load_knowledge"]
