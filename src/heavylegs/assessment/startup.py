"""``assess`` without pydantic: the prepared knowledge base and the answer checks from a cache.

Why: importing pydantic and building the knowledge and answer models was more than half of
``heavylegs assess --answers F --json`` (issue 15), yet an assessment needs neither: the rules
read a flat dictionary, and the output is a JSON document. So the first assessment after any
change writes a *bundle* — the table of answer checks (:mod:`heavylegs.assessment.plain_answers`)
and the compiled knowledge base (:mod:`heavylegs.assessment.prepared`) — into the user's cache,
and later runs read it with the standard library alone.

The bundle's key covers everything its content depends on: the knowledge base's key (its YAML
files, the knowledge models, the package version), the source of every module of this package,
and Python's bytecode magic (the rule functions are kept as marshalled code). So a change can
make the next run slower, never make it read a stale bundle. A missing, unreadable or corrupt
bundle is rebuilt; one that cannot be written costs only speed. The cache is the user's own, and
trusted as much as the knowledge base's pickle beside it.

Answers the plain checks are not sure of (including every invalid one) give ``None``: the caller
then takes the full path, so every error message stays pydantic's.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import Any

from heavylegs.assessment.plain_answers import AnswerTable, read_answers
from heavylegs.assessment.prepared import Compiled
from heavylegs.assessment.reasoning import assess_flat
from heavylegs.knowledge.cache import DATA_DIR, cache_dir, fingerprint, knowledge_files
from heavylegs.safejson import JsonInputError, loads

HERE = Path(__file__).parent
FORMAT = 1
"""Bumped when the bundle's layout changes (the key covers the code anyway)."""


class Bundle:
    """What an assessment reads: the answer checks and the compiled knowledge base."""

    __slots__ = ("compiled", "format", "table")

    def __init__(self, table: AnswerTable, compiled: Compiled) -> None:
        self.format = FORMAT
        self.table = table
        self.compiled = compiled


def quick_assess(data: bytes) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """``(answers document, assessment document)`` of the answers JSON ``data`` — what
    ``dump_json(parse_answers_json(data), exclude_none=True)`` and
    ``assess_document(parse_answers_json(data))`` give — or ``None`` when the full path must
    decide (answers the plain checks are not sure of, or no usable bundle)."""
    try:
        raw = loads(data)  # the limits every face applies to JSON from outside
    except JsonInputError:  # the full path words the problem
        return None
    bundle = load_bundle()
    if bundle is None:
        return None
    read = read_answers(raw, bundle.table)
    if read is None:
        return None
    answers, flat = read
    return answers, assess_flat(flat, bundle.compiled)


def bundle_file() -> Path:
    """The bundle's file in the cache folder, named by its key."""
    from importlib.util import MAGIC_NUMBER

    digest = hashlib.sha256(fingerprint(knowledge_files(DATA_DIR)).encode())
    digest.update(MAGIC_NUMBER)
    for name in sorted(os.listdir(HERE)):
        if name.endswith(".py"):
            digest.update(name.encode())
            digest.update((HERE / name).read_bytes())
    return cache_dir() / f"assess-{digest.hexdigest()[:32]}.pickle"


def load_bundle() -> Bundle | None:
    """The cached bundle, else a new one built and cached; ``None`` when the answer models
    have something the plain checks do not know (then every run takes the full path)."""
    target = bundle_file()
    try:
        found = pickle.loads(target.read_bytes())
    except Exception:  # missing, unreadable, corrupt or of an older layout: rebuild
        found = None
    if isinstance(found, Bundle) and getattr(found, "format", None) == FORMAT:
        return found
    return _build(target)


def _build(target: Path) -> Bundle | None:
    """Build the bundle from the validated knowledge base and the answer models (pydantic is
    imported here, once per change) and write it."""
    from heavylegs.assessment.compiled import compile_knowledge
    from heavylegs.assessment.fast_answers import answer_table
    from heavylegs.assessment.prepared import dumps
    from heavylegs.knowledge import load_knowledge
    from heavylegs.knowledge.cache import write_atomically

    table = answer_table()
    if table is None:
        return None
    bundle = Bundle(table, compile_knowledge(load_knowledge()))
    write_atomically(target, dumps(bundle))
    return bundle
