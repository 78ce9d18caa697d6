"""What every form page does with its input and its errors, in one place for all pages.

Why a module of its own: the diary, its edit pages, the profile and the sign-in page each need
them, and none of those pages may import another (import contracts in ``.importlinter``).
"""

from __future__ import annotations

from heavylegs.web.problems import plain


def safe_next(value: object, default: str) -> str:
    """Only a path on this site (never ``//host`` or ``https://…``) is a place to go back to."""
    text = str(value or "")
    if text.startswith("/") and not text.startswith("//") and "\\" not in text:
        return text
    return default


def field_errors(problems: list[str]) -> dict[str, str]:
    """A stage's ``field: message`` lines as the message to show next to each field (the
    first per field), in the words a page uses."""
    out: dict[str, str] = {}
    for line in problems:
        name, _, message = line.partition(": ")
        out.setdefault(name, plain(message))
    return out
