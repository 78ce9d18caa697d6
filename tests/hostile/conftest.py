from tests.store.databases import db_url, pg_url, sqlite_url, store
from tests.training.conftest import corpus

__all__ = ["corpus", "db_url", "pg_url", "sqlite_url", "store"]
