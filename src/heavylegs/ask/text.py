"""How question text becomes words, and how a phrase is found in it.

One normalisation for everything the ask stage compares (synonyms, stop words, triage patterns):
Unicode NFKC, case folding, apostrophes dropped inside words ("can't" -> "cant", so typographic
and straight quotes agree), then runs of letters and digits. The search index has its own
tokenizer (FTS5 ``unicode61`` with porter stemming); these words only choose what to ask it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence

_APOSTROPHES = re.compile(r"['’ʼ`´]")
_WORD = re.compile(r"[^\W_]+")

Phrase = tuple[str, ...]
"""A phrase as normalised words. A word ending in ``*`` matches any word with that prefix."""


def words(text: str) -> list[str]:
    """Normalised words of ``text`` (see the module docstring)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _WORD.findall(_APOSTROPHES.sub("", folded))


def phrase(text: str) -> Phrase:
    """A phrase written in a data file, normalised the same way as questions.

    A trailing ``*`` on a word survives normalisation so data can say ``elevat*``.
    """
    out: list[str] = []
    for raw in text.split():
        star = raw.endswith("*")
        ws = words(raw[:-1] if star else raw)
        if star and ws:
            ws[-1] += "*"
        out.extend(ws)
    return tuple(out)


def _word_matches(pattern: str, word: str) -> bool:
    if pattern.endswith("*"):
        return word.startswith(pattern[:-1])
    return word == pattern


def find(needle: Phrase, haystack: Sequence[str]) -> list[int]:
    """Start positions where ``needle`` occurs in ``haystack`` (word by word)."""
    n = len(needle)
    if n == 0:
        return []
    return [
        i
        for i in range(len(haystack) - n + 1)
        if all(_word_matches(needle[k], haystack[i + k]) for k in range(n))
    ]


def _match_at(needle: Phrase, haystack: Sequence[str], i: int) -> bool:
    if i + len(needle) > len(haystack):
        return False
    return all(_word_matches(needle[k], haystack[i + k]) for k in range(len(needle)))


class PhraseIndex:
    """Many phrases, found in one pass over a question (indexed by their first word).

    Checking each of a few thousand phrases against every question would cost milliseconds;
    looking up each question word instead keeps matching in the tens of microseconds.
    """

    def __init__(self, phrases: Iterable[Phrase]) -> None:
        self._by_first: dict[str, list[Phrase]] = {}
        self._wild_first: list[Phrase] = []
        for p in dict.fromkeys(phrases):
            if not p:
                continue
            if p[0].endswith("*"):
                self._wild_first.append(p)
            else:
                self._by_first.setdefault(p[0], []).append(p)

    def occurrences(self, haystack: Sequence[str]) -> dict[Phrase, list[int]]:
        """Phrase -> start positions, for every indexed phrase that occurs in ``haystack``."""
        found: dict[Phrase, list[int]] = {}
        for i, word in enumerate(haystack):
            for p in self._by_first.get(word, ()):
                if _match_at(p, haystack, i):
                    found.setdefault(p, []).append(i)
            for p in self._wild_first:
                if _match_at(p, haystack, i):
                    found.setdefault(p, []).append(i)
        return found


_UNIT = (
    r"weeks?|months?|days?|hours?|hrs?|mins?|minutes?|kg|kgs|kilos?|km|k|miles?|lbs?|pounds?"
    r"|stone|cm|mm|percent|steps|bpm|times|x"
)
_AGE = re.compile(
    rf"\b(?:i\s*am|i['’ʼ]?m|aged?)\s+(?P<a>\d{{2,3}})(?![.,:/'’]?\d|\s*(?:{_UNIT})\b|\s*%)"
    r"|\b(?P<b>\d{2,3})[\s-]*(?:years?|yrs?)[\s-]*old\b|\b(?P<c>\d{2,3})\s*yo\b"
    r"|\bin\s+(?:my|his|her|their)\s+(?P<d>[1-9])0s\b"
    r"|\b(?:he|she|dad|mum|mom|mother|father|husband|wife|partner|gran|grandma|granny|grandad"
    r"|grandpa|grandmother|grandfather|nan|nana)\s*(?:is|['’ʼ]s)\s+(?P<e>\d{2,3})"
    rf"(?![.,:/'’]?\d|\s*(?:{_UNIT})\b|\s*%)"
)


def stated_age(text: str) -> int | None:
    """The age a question gives ("I'm 78", "aged 81", "my 85-year-old mum", "in my 70s", "my dad
    is 80"), else ``None``. A number with a unit ("I'm 30 weeks pregnant", "I'm 80 kg") is not an
    age."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    for m in _AGE.finditer(folded):
        decade = m.group("d")
        given = m.group("a") or m.group("b") or m.group("c") or m.group("e")
        value = int(decade) * 10 if decade else int(given)
        if 1 <= value <= 120:
            return value
    return None


_COUNT = (
    r"(?:\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|a\s+few|few"
    r"|a\s+couple\s+of|couple\s+of|several|many)"
)
_SPAN_UNIT = r"(?:days?|weeks?|wks?|months?|years?|yrs?)"
_DURATION = re.compile(
    rf"\b(?:for|since|over)\s+(?:the\s+)?(?:(?:past|last)\s+)?(?:(?:about|around|nearly|almost"
    rf"|over|at\s+least)\s+)?(?:{_COUNT}\s*)?{_SPAN_UNIT}\b(?:\s+now)?"
    rf"|\b{_COUNT}\s*{_SPAN_UNIT}\s+(?:now|ago)\b"
    r"|\bsince\s+last\s+(?:week|month|year)\b"
)
_LONG = re.compile(r"\b(?:weeks?|wks?|months?|years?|yrs?)\b")
"""A duration in weeks or longer is persistent; days are not."""
_YEARS_OLD = re.compile(r"\b\d{1,3}[\s-]*(?:years?|yrs?)[\s-]*old\b")
_WEEKS = r"(?:weeks?|wks?)"
_GESTATION = re.compile(
    rf"\b(?P<a>\d{{1,2}})(?:\s*\+\s*\d)?\s*{_WEEKS}\s*(?:pregnant|preg|gone|along)\b"
    rf"|(?:^\W*|\b(?:i\s*am|i['’ʼ]?m|she\s*is|she['’ʼ]?s|wife\s*is|partner\s*is|now|currently"
    r"|at)\s+)"
    rf"(?P<b>\d{{1,2}})(?:\s*\+\s*\d)?\s*{_WEEKS}\b"
    r"(?!\s*(?:ago|post|after|since|into|out|of|in|on|off|from|before|until|till|to|left"
    r"|training|postpartum|postnatal|clean|sober)\b)"
    rf"|\b(?P<c>\d{{1,2}})\s*{_WEEKS}\s+(?:into|in)\s+(?:my|the|her)\s+pregnancy\b"
)
GESTATION_WEEKS = (4, 42)
"""The weeks of a pregnancy a stated "I'm N weeks" can mean."""


def stated_gestation(text: str) -> int | None:
    """The week of pregnancy a question states ("I'm 36 weeks", "32 weeks pregnant", "34+2 wks
    gone"), else ``None``. "I'm 6 weeks post op" or "12 weeks into training" is not a pregnancy,
    and a number outside 4 to 42 weeks is not read as one."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return next((weeks for _, weeks in _gestations(folded)), None)


def _gestations(folded: str) -> Iterator[tuple[re.Match[str], int]]:
    """Each stated week of pregnancy in ``folded`` text with its number (4 to 42 only)."""
    for m in _GESTATION.finditer(folded):
        value = int(m.group("a") or m.group("b") or m.group("c"))
        if GESTATION_WEEKS[0] <= value <= GESTATION_WEEKS[1]:
            yield m, value


def without_spans(text: str) -> tuple[str, bool, bool]:
    """``text`` (folded) without how long something has lasted, in weeks or longer ("for 3
    weeks", "since last month"), nor a stated gestation ("I'm 36 weeks"), and whether each was
    there.

    Such words say how long or how far along, not what about: searched as words, "weeks" finds
    the training plan of harder and easier weeks."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    pregnant = False
    for m, _weeks in _gestations(folded):
        pregnant = True
        start, end = m.span("a") if m.group("a") else m.span("b" if m.group("b") else "c")
        folded = folded[:start] + " " * (m.end() - start) + folded[m.end() :]
    long = [m.span() for m in _DURATION.finditer(folded) if _LONG.search(m.group())]
    long += [m.span() for m in _YEARS_OLD.finditer(folded)]  # "15 year old": an age, not "old"
    long.sort()
    for start, end in reversed(long):  # "a few days" still says something: soreness, a race
        folded = folded[:start] + " " + folded[end:]
    return folded, bool(long), pregnant
