from tests.store.databases import db_url, pg_url, sqlite_url, store

__all__ = ["db_url", "pg_url", "sqlite_url", "store"]
