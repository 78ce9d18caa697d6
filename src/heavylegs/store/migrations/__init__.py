"""Alembic migrations, shipped inside the package and run by :func:`heavylegs.store.upgrade`.

To add a revision after changing ``heavylegs/store/models.py`` (from the repository root)::

    .venv/bin/python -m heavylegs.store.migrations "what changed"

It autogenerates ``versions/rev_<NNNN>_<slug>.py`` against a scratch SQLite database at the
current head; review it, then bump ``HEAD_REVISION`` in ``heavylegs/store/engine.py``.
"""
