"""Persistence: SQLAlchemy 2 models, an engine/session factory from a URL, Alembic migrations.

Rows only, no formulas: the stages that own a concept (diary, training, …) compute; the store keeps.

Opening
    ``open_store(url=None) -> Store`` opens ``url`` (default ``default_url()``: ``$HEAVYLEGS_DB``,
    else ``sqlite:///<platformdirs.user_data_dir("heavylegs")>/heavylegs.sqlite3``), creates the
    file if needed and migrates to the newest schema. ``store.session()`` is a context manager for
    one transaction (commit at the end, rollback on error). ``store.close()`` when done.
    Errors a person can act on raise :class:`StoreError` with a message naming the database;
    ``store.session()`` turns driver errors into its subclasses :class:`DatabaseBusy` (another
    program holds the lock past ``busy_timeout_ms``; retry), :class:`DatabaseFull` and
    :class:`DatabaseReadOnly`. Messages never hold SQL values (``hide_parameters``); NUL
    characters are dropped from stored text (PostgreSQL refuses them).

Assessments (for ``heavylegs assess`` and the web app)::

    from heavylegs.store import open_store, save_assessment

    with open_store(db_url) as store, store.session() as session:
        answers_json = answers.model_dump(mode="json", exclude_none=True)
        output_json = result.model_dump(mode="json")
        assessment_id = save_assessment(
            session, answers_json, output_json, result.knowledge_version, datetime.now(UTC)
        )

    ``save_assessment`` is ``record_assessment`` then ``upsert_profile`` (unless
    ``update_profile=False``), in one transaction.

    ``record_assessment(session, answers, output, knowledge_version, at) -> int`` stores the input
    JSON, the output JSON (its ``triage.level`` is also kept as a column), the knowledge version
    and the aware time. ``upsert_profile(session, answers, at)`` folds the stable sections
    (about, history, lifestyle, running) into the single profile row: a field present in the new
    answers replaces the old value, an omitted field keeps it. ``get_profile(session)`` returns
    those sections (to prefill the next interview); ``latest_assessment(session)`` the newest
    :class:`StoredAssessment` or ``None``; ``get_assessment(session, id)`` one by id or ``None``.

Backup
    ``export_backup(session) -> dict`` and ``dumps_backup(doc) -> str`` (canonical text);
    ``import_backup(session, doc) -> counts`` restores into an empty database or raises
    :class:`BackupError` (``.problems``: one line each, naming the place).

Diary rows are written and read through :mod:`heavylegs.diary`, which validates first.

Owners (server mode)
    Every row of personal data belongs to an account (:mod:`heavylegs.store.owners`); a store
    and its sessions act for one owner: ``open_store(url)`` for the single-person app's account
    (:data:`LOCAL_ACCOUNT_ID`), ``store.for_owner(account_id)`` for another, and
    ``open_store(url, owner=None)`` for accounts work only (:mod:`heavylegs.store.accounts`,
    :mod:`heavylegs.store.sharing`); personal data read without an owner raises
    :class:`Unscoped`.
"""

# Imported for its tables: the schema (and the backup) must not depend on which modules a caller
# happened to import first.
from heavylegs.store import account_rows as account_rows
from heavylegs.store import activities as activities
from heavylegs.store.assessments import (
    StoredAssessment,
    get_assessment,
    get_profile,
    latest_assessment,
    merge_profile,
    record_assessment,
    save_assessment,
    upsert_profile,
)
from heavylegs.store.backup import BackupError, dumps_backup, export_backup, import_backup
from heavylegs.store.engine import (
    HEAD_REVISION,
    LOCAL_ACCOUNT_ID,
    Access,
    DatabaseBusy,
    DatabaseFull,
    DatabaseReadOnly,
    Store,
    StoreError,
    default_url,
    open_store,
    upgrade,
)
from heavylegs.store.owners import Unscoped

__all__ = [
    "HEAD_REVISION",
    "LOCAL_ACCOUNT_ID",
    "Access",
    "BackupError",
    "DatabaseBusy",
    "DatabaseFull",
    "DatabaseReadOnly",
    "Store",
    "StoreError",
    "StoredAssessment",
    "Unscoped",
    "default_url",
    "dumps_backup",
    "export_backup",
    "get_assessment",
    "get_profile",
    "import_backup",
    "latest_assessment",
    "merge_profile",
    "open_store",
    "record_assessment",
    "save_assessment",
    "upgrade",
    "upsert_profile",
]
