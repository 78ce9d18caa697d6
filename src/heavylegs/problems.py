"""The one shape of an error that carries a list of located problems.

Each problem is one ``place: message`` line (a field path, a file and byte, a table and row), so
every face shows them the same way: the CLI one line each on stderr, the web next to the field,
the API as a list. A stage's error subclasses :class:`Problems` (and ``ValueError`` where bad
input is the cause); nothing here knows about a face.
"""

from __future__ import annotations

from collections.abc import Iterable


class Problems(Exception):
    """An error with ``problems``: one ``place: message`` line each, in the order found."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))

    @property
    def locations(self) -> list[str]:
        """The place of each problem (the text before its first ``": "``)."""
        return [p.split(": ", 1)[0] for p in self.problems]
