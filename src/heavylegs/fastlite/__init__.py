"""The CLI's default database written with the standard library's ``sqlite3``, for start-up time.

Why: importing SQLAlchemy and the ORM costs ~15-20x a bare ``python -c pass`` on the 2-core
machine, more than the whole budget of a stored ``heavylegs assess`` (issue 15). The work is
small: an assessment is one INSERT and one profile row, ``done`` and ``log`` one INSERT,
``diary`` two SELECTs. So, for the one case that is nearly always the case (a local SQLite
file that already exists, at the newest schema revision, one this module was written for), it
is done here, in one transaction (``BEGIN IMMEDIATE`` for a write) with the store's pragmas.
In every other case (no file yet, another revision, another database, an unusual URL, any
SQLite error) the functions answer ``None`` and the caller takes the store
(:mod:`heavylegs.store`), which creates, migrates, and words any error as it always did.

The store stays the reference: ``tests/store/test_fastlite.py`` writes the same inputs through
both and compares every column of every row, and fails when the store's head revision or a
table's columns change without this module following (:data:`REVISIONS`, :data:`COLUMNS`).
Nothing here imports the store, so it sits beside it, not on it. :mod:`.connect` opens the file
and holds the store's text forms, :mod:`.read` reads the diary, :mod:`.write` writes.
"""

from heavylegs.fastlite.connect import (
    COLUMNS,
    DB_ENV,
    LOCAL_ACCOUNT_ID,
    REVISIONS,
    Busy,
    default_url,
    head_revision,
    sqlite_path,
)
from heavylegs.fastlite.read import ENTRY_FIELDS, MEASURE_FIELDS, is_empty, read_diary
from heavylegs.fastlite.write import record_entry, record_measure, save_assessment

__all__ = [
    "COLUMNS",
    "DB_ENV",
    "ENTRY_FIELDS",
    "LOCAL_ACCOUNT_ID",
    "MEASURE_FIELDS",
    "REVISIONS",
    "Busy",
    "default_url",
    "head_revision",
    "is_empty",
    "read_diary",
    "record_entry",
    "record_measure",
    "save_assessment",
    "sqlite_path",
]
