"""Ask heavylegs: everyday questions answered from the knowledge base, with sources.

Stage rules: imports ``knowledge`` and ``assessment`` only. Answers are knowledge entries
verbatim (never generated text); a question that describes a warning sign also gets the triage
engine's level and headline as a hint, shown above any answer, and (urgent or worse) an answer
about that sign first. Misspelt words are read as the nearest knowledge-base word (``spelling``).
"""

from heavylegs.ask.index import Kind
from heavylegs.ask.query import (
    MAX_ANSWERS,
    MAX_QUESTION_CHARS,
    Answer,
    AskResult,
    QuestionError,
    ask,
    check_question,
)
from heavylegs.ask.triage import TriageHint

__all__ = [
    "MAX_ANSWERS",
    "MAX_QUESTION_CHARS",
    "Answer",
    "AskResult",
    "Kind",
    "QuestionError",
    "TriageHint",
    "ask",
    "check_question",
]
