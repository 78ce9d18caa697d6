"""Where the validated knowledge base and what is derived from it are cached, and under which key.

The key is a hash of the package version, the modules that shape the validated base and every
YAML file's name and bytes: any change to them changes it, so a stale cache can never be read.
Plain Python (no pydantic), so a command that reads only a small derived cache (the measure
catalog of :mod:`heavylegs.knowledge.catalog`) does not import the models.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from heavylegs import __version__

DATA_DIR = Path(__file__).parent / "data"
CODE = tuple(Path(__file__).parent / name for name in ("models.py", "conditions.py", "levels.py"))
"""The modules that shape the validated base: part of the cache key, so a changed model never
reads an old pickle."""


def knowledge_files(data_dir: Path) -> list[Path]:
    """The knowledge base's YAML files, in the order they are read."""
    return sorted(data_dir.glob("*.yaml"))


def fingerprint(files: list[Path]) -> str:
    """The cache key (hex SHA-256) of a knowledge base made of ``files``."""
    digest = hashlib.sha256(__version__.encode())
    for path in CODE:
        digest.update(path.read_bytes())
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_dir() -> Path:
    """``$HEAVYLEGS_CACHE_DIR``, else ``$XDG_CACHE_HOME/heavylegs``, else ``~/.cache/heavylegs``."""
    explicit = os.environ.get("HEAVYLEGS_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "heavylegs"


def cache_file(data_dir: Path, suffix: str) -> Path:
    """The cache file of the knowledge base in ``data_dir`` (``pickle``: the validated base;
    another suffix: something derived from it, under the same key)."""
    key = fingerprint(knowledge_files(data_dir))
    return cache_dir() / f"knowledge-{key[:32]}.{suffix}"


def write_atomically(target: Path, content: bytes) -> None:
    """Best effort and atomic: a read-only home must not stop the app, and a full disk must not
    leave a half-written cache behind."""
    import tempfile  # only when a cache is written: reading one is the start-up path

    tmp = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".knowledge-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        os.replace(tmp, target)
    except OSError:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
