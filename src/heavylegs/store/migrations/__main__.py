"""``python -m heavylegs.store.migrations MESSAGE``: autogenerate the next revision."""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from heavylegs.store.engine import make_engine, upgrade


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not argv[0].strip():
        print("usage: python -m heavylegs.store.migrations MESSAGE", file=sys.stderr)
        return 2
    message = argv[0].strip()
    config = Config()
    config.set_main_option("script_location", "heavylegs.store:migrations")
    head = ScriptDirectory.from_config(config).get_current_head()
    number = int(head or "0") + 1
    slug = re.sub(r"[^a-z0-9]+", "_", message.lower()).strip("_")[:40]
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'scratch.sqlite3'}")
        upgrade(engine)
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.revision(
                config,
                message,
                autogenerate=True,
                rev_id=f"{number:04d}",
                head=head or "base",
            )
        engine.dispose()
    versions = Path(__file__).parent / "versions"
    for path in versions.glob(f"{number:04d}_*.py"):
        path.rename(versions / f"rev_{number:04d}_{slug}.py")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
