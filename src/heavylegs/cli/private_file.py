"""Who may read the database: its owner only, as heavylegs creates it (``store.engine``).

A database made by an older version kept the mode the umask gave it, usually 0644: every other
user of the machine could read the person's symptoms and diary. Two cases, treated apart:

- heavylegs' own file (the one in its data folder, used when no ``--db`` or ``$HEAVYLEGS_DB``
  is given) is made owner-only when a command opens it, with its ``-wal``/``-shm`` files and
  the folder, and stderr says so once. Nobody chose those modes; heavylegs made them.
- a file the person named is theirs to arrange (a folder shared with a partner or a clinician,
  a group on a server): it is left as it is, and ``heavylegs info`` says who else may read it.

Only regular files and folders owned by the person running heavylegs are changed (never
through a symbolic link: one in the data folder is a choice someone made), owner bits are kept
(a file made read-only stays read-only), and on a system without POSIX modes nothing is done.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

_OTHERS = 0o077
"""The group and other bits: any of them set lets someone besides the owner in."""

_COMPANIONS = ("-wal", "-shm", "-journal")


def file_mode(path: Path) -> int | None:
    """The permission bits of the file at ``path`` (``None``: missing, or no POSIX modes here:
    Windows answers 0o666 for every file it may write)."""
    if os.name != "posix":
        return None
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return None


def is_private(mode: int) -> bool:
    """Whether only the owner may read or write a file of this ``mode``."""
    return not mode & _OTHERS


def keep_own_database_private(path: Path) -> None:
    """Make heavylegs' own database at ``path``, its companion files and its folder readable by
    their owner only; say so on stderr when something was changed (module docstring: why)."""
    if os.name != "posix":
        return
    files = [path, *(path.with_name(path.name + s) for s in _COMPANIONS)]
    changed = [target for target in files if _tighten(target, stat.S_ISREG)]
    if _tighten(path.parent, stat.S_ISDIR):
        changed.append(path.parent)
    if path in changed or path.parent in changed:
        sys.stderr.write(
            f"note: {path} could be read by other users of this machine; it holds health data,"
            " so heavylegs made it readable by you only\n"
        )


def _tighten(target: Path, kind: Callable[[int], bool]) -> bool:
    """Clear the group and other bits of ``target`` when it is of the ``kind`` expected (a
    regular file, a folder); whether it is now private and was not."""
    try:
        status = os.lstat(target)
    except OSError:
        return False
    if not kind(status.st_mode):
        return False  # a link, a file where the folder should be…: not heavylegs' to change
    mode = stat.S_IMODE(status.st_mode)
    if not mode & _OTHERS or status.st_uid != os.getuid():
        return False
    with suppress(OSError):
        os.chmod(target, mode & ~_OTHERS)
        # A file system without modes (a FAT stick) accepts chmod and changes nothing.
        return not stat.S_IMODE(os.lstat(target).st_mode) & _OTHERS
    return False
