"""Alembic environment: runs on the connection :func:`heavylegs.store.upgrade` hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from heavylegs.store.models import Base


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things: batch mode copies the table
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from heavylegs.store.engine import default_url, make_engine

    engine = make_engine(context.config.get_main_option("sqlalchemy.url") or default_url())
    try:
        with engine.begin() as conn:
            _run(conn)
    finally:
        engine.dispose()


run()
