"""What every command shares: the clock, the ``--db`` option and opening the database, one Rich
console, JSON on stdout, and errors as one ``field: message`` line each (``guard``/``Fail``)."""

from __future__ import annotations

import datetime as dt
import os
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from heavylegs.problems import Problems

if TYPE_CHECKING:
    import sqlite3

    from rich.console import Console

    from heavylegs.store import Store


@cache
def console() -> Console:
    from rich.console import Console

    return Console(highlight=False)


def now() -> dt.datetime:
    """The wall clock (aware, UTC). Command modules import it by name
    (``from heavylegs.cli.output import now``), so a test replaces it on the module it runs."""
    return dt.datetime.now(dt.UTC)


def print_json(document: object) -> None:
    """A JSON document on stdout, indented, non-ASCII text as it is (the ``--json`` output)."""
    import json

    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    binary = getattr(sys.stdout, "buffer", None)
    if writes_utf8(sys.stdout) or binary is None:
        sys.stdout.write(text)
        return
    # JSON is UTF-8 (RFC 8259): an output in another encoding (a Windows code page when
    # redirected, PYTHONIOENCODING=ascii) failed on the first "é" of a note.
    sys.stdout.flush()
    binary.write(text.encode("utf-8"))
    binary.flush()


def writes_utf8(stream: object) -> bool:
    """Whether ``stream`` encodes text as UTF-8 (no encoding named: yes; an unknown one: no)."""
    import codecs

    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        return codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False


def error_lines(problems: list[str]) -> None:
    """Bad input: one line per problem on stderr (the caller exits 2, stdout stays empty)."""
    for problem in problems:
        sys.stderr.write(f"error: {problem}\n")


DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        metavar="URL|FILE",
        help="Database: a SQLite file path or a URL (see heavylegs --help).",
        show_default=False,
    ),
]
"""The ``--db`` option of the newer commands (``--db`` before the command name works too)."""

_chosen_db: list[str | None] = [None]
"""``--db`` given before the command name (``heavylegs --db X diary``); set by the app callback."""


def choose_db(db: str | None) -> None:
    """Remember ``--db`` given before the command name, for :func:`open_db`."""
    _chosen_db[0] = db


def resolve_db(db: str | None) -> tuple[str, bool]:
    """The database URL a command uses, and whether the person chose it (else the default).

    ``--db`` after the command wins over ``--db`` before it, which wins over ``$HEAVYLEGS_DB``.
    A plain file path means a SQLite file; a URL of an unknown kind is refused here, with the
    kinds that work, instead of a traceback from deep inside SQLAlchemy.
    """
    import os

    from heavylegs.fastlite import DB_ENV, default_url, sqlite_path  # without SQLAlchemy

    for given in (db, _chosen_db[0]):
        if given is not None and not given.strip():  # `--db ""`: a slip, not the default file
            raise Fail(["--db: empty; give a file path or a database URL"])
    chosen = db or _chosen_db[0] or os.environ.get(DB_ENV)
    option = _db_source(db)
    if not chosen:
        url = default_url()
        path = sqlite_path(url)
        if path is not None:  # heavylegs' own file: owner-only, as new ones are made
            from heavylegs.cli.private_file import keep_own_database_private

            keep_own_database_private(path)
        return url, False
    return database_url(chosen, option), True


def _db_source(db: str | None) -> str:
    """Where a chosen database came from, as an error names it: ``--db``, else the variable
    (``HEAVYLEGS_DB`` is not ``--db`` to the person who set it)."""
    return "--db" if db or _chosen_db[0] else "HEAVYLEGS_DB"


def database_url(text: str, option: str = "--db") -> str:
    """``text`` as a SQLAlchemy URL: a file path becomes ``sqlite:///ABSOLUTE``; a
    :class:`Fail` naming ``option`` when it cannot be one."""
    from heavylegs.fastlite import sqlite_path

    if sqlite_path(text) is not None:
        return text  # a plain SQLite file URL: nothing to check, and no SQLAlchemy to import
    kinds = "use a file path, sqlite:///FILE or postgresql://USER@HOST/NAME"
    if "://" not in text:
        if not text.strip():
            raise Fail([f"{option}: empty; {kinds}"])
        return f"sqlite:///{Path(text).expanduser().absolute()}"
    from sqlalchemy import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    from heavylegs.store.engine import normalise_url

    try:
        url = make_url(normalise_url(text))
    except ArgumentError:
        raise Fail([f"{option}: not a database URL: {text!r}; {kinds}"]) from None
    try:
        url.get_dialect()
    except NoSuchModuleError:
        raise Fail(
            [f"{option}: unknown kind of database {url.get_backend_name()!r} in {text!r}; {kinds}"]
        ) from None
    except ImportError:
        pass  # a known kind whose driver is missing: the store says which package to install
    return text


def sqlite_file(url: str) -> Path | None:
    """The file behind a SQLite URL (``None`` for other databases and in-memory SQLite)."""
    from heavylegs.fastlite import sqlite_path

    path = sqlite_path(url)
    if path is not None:
        return path
    from sqlalchemy import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).expanduser()


def open_db(db: str | None, *, creates: bool = False) -> Store | _NewStore:
    """Open (and migrate) the database for a command; use it as ``with open_db(db) as store``.

    A SQLite file the person named but that does not exist is refused (a typo must not look
    like lost data) unless the command ``creates`` data; then stderr says it was created.
    The default file in the user data folder is created when first needed.
    SQLAlchemy is imported here, not at start-up, so commands without a database stay fast.
    """
    from heavylegs.store import open_store

    url, explicit = resolve_db(db)
    path = sqlite_file(url)
    if creates and path is None and _in_memory(url):
        raise Fail(
            [
                f"{_db_source(db)}: {url} is a database in "
                "memory: nothing recorded would be kept after this command; give a file path"
            ]
        )
    new = path is not None and not path.exists()
    if new and explicit and not creates:
        raise Fail(
            [
                f"no database at {path}: check the path or --db (nothing was created), or "
                "record something first, e.g. heavylegs log --heaviness 4 --db …"
            ],
            1,
        )
    foreign = _foreign_tables(path) if path is not None and not new else []
    if foreign:
        raise Fail(
            [
                f"--db: {path} is another program's database (tables {', '.join(foreign[:5])}"
                f"{', …' if len(foreign) > 5 else ''}): heavylegs keeps its data in a file of "
                "its own; check the path (nothing was changed)"
            ],
            1,
        )
    try:
        store = open_store(url)
    except OSError as exc:  # its folder cannot be made: under a file, a read-only disk
        where = path if path is not None else url
        reason = exc.strerror or str(exc)
        if isinstance(exc, FileExistsError | NotADirectoryError):
            reason = f"a file is in the way of its folder ({exc.filename})"
        option = _db_source(db) if explicit else "database"  # the default: named by nobody
        raise Fail([f"{option}: cannot create {where}: {reason}"], 1) from None
    if new and path is not None:
        return _NewStore(store.engine, store._factory, path)
    return store


def _in_memory(url: str) -> bool:
    """Whether ``url`` is SQLite in memory (``sqlite://``, ``sqlite:///:memory:``), gone when
    the command ends. Why: ``log`` said "Logged" and the entry vanished with the process."""
    from sqlalchemy import make_url

    parsed = make_url(url)
    name = parsed.database or ""
    in_memory = name in ("", ":memory:") or "mode=memory" in name
    return parsed.get_backend_name() == "sqlite" and in_memory


def _read_only(path: Path) -> sqlite3.Connection | None:
    """The SQLite file at ``path`` opened read-only and without waiting for a lock (a look
    that changes nothing), or ``None`` when it cannot be opened so."""
    import sqlite3

    try:
        return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=0)
    except (sqlite3.Error, ValueError, OSError):
        return None


def _foreign_tables(path: Path) -> list[str]:
    """The tables of a SQLite file that holds tables but not heavylegs' (none: a heavylegs
    database, an empty or unreadable file, which opening then judges).

    Why: a path mistyped into another program's database (a browser's history, a photo
    library) was migrated: seventeen heavylegs tables added to it, even by ``diary``."""
    import sqlite3

    conn = _read_only(path)
    if conn is None:
        return []
    try:
        names = sorted(
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        )
    except sqlite3.Error:
        return []
    finally:
        conn.close()
    if not names or {"alembic_version", "diary_entries"} <= set(names):
        return []
    return names


class _NewStore:
    """A database this command created: "created …" when the command succeeds; when it fails,
    the new file is removed again, so a refused command leaves nothing behind.

    Removed only while it is still the file this command made and holds nothing a person
    wrote: another command started at the same moment may have recorded an entry in it (both
    saw no file), or this one committed before it failed (Ctrl-C after an import's first
    batch). Anything unsure keeps the file: an empty file left is a small cost, data lost is
    not."""

    def __init__(self, engine: Any, factory: Any, path: Path) -> None:
        from heavylegs.store import Store

        self.store = Store(engine, factory)
        self.path = path
        self.identity = _identity(path)

    def __enter__(self) -> Store:
        return self.store

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self.store.close()
        if exc_type is None:
            sys.stderr.write(f"created the database {self.path}\n")
            return
        if self.identity is None or _identity(self.path) != self.identity:
            return
        if not _holds_nothing(self.path):
            sys.stderr.write(f"created the database {self.path} (kept: it holds data)\n")
            return
        for suffix in ("", "-wal", "-shm", "-journal"):
            with suppress(OSError):
                self.path.with_name(self.path.name + suffix).unlink(missing_ok=True)


def _identity(path: Path) -> tuple[int, int] | None:
    """Which file is at ``path`` (device and inode), ``None`` when none is."""
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_dev, status.st_ino


def _holds_nothing(path: Path) -> bool:
    """Whether the SQLite file at ``path`` holds no row besides its schema version and the
    local account (``False`` when that cannot be read now: locked, damaged)."""
    import sqlite3

    conn = _read_only(path)
    if conn is None:
        return False
    try:
        names = [
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        for name in names:
            if name == "alembic_version":
                continue
            quoted = '"' + name.replace('"', '""') + '"'
            (count,) = conn.execute(
                f"SELECT COUNT(*) FROM (SELECT 1 FROM {quoted} LIMIT 2)"
            ).fetchone()
            if count > (1 if name == "accounts" else 0):
                return False
        return True
    except sqlite3.Error:
        return False
    finally:
        conn.close()


class Fail(Problems):
    """Stop a command: ``problems`` go to stderr, ``code`` is the exit code."""

    def __init__(self, problems: list[str], code: int = 2) -> None:
        super().__init__(problems)
        self.code = code


def _store_errors() -> tuple[type[Exception], ...]:
    """``StoreError`` once the store is loaded; nothing before (no store, no store error), so a
    command that never opens a database never imports SQLAlchemy for its guard (~250 ms).
    Likewise the quick writes' ``Busy`` (:mod:`heavylegs.fastlite`) once they are loaded."""
    errors: list[type[Exception]] = []
    engine = sys.modules.get("heavylegs.store.engine")
    if engine is not None:
        errors.append(engine.StoreError)
    fast = sys.modules.get("heavylegs.fastlite")
    if fast is not None:
        errors.append(fast.Busy)
    return tuple(errors)


@contextmanager
def guard(codes: dict[type[Exception], int] | None = None) -> Iterator[None]:
    """Turn the stages' errors into exit codes with one line per problem on stderr.

    :class:`Fail` carries its own code; a database that cannot be opened exits 1; any other
    stage error with located problems (:class:`~heavylegs.problems.Problems`) is bad input,
    exit 2, unless ``codes`` gives its type another exit code (``NotFound``: 1).
    """
    extra = tuple(codes or {})
    try:
        yield
    except Fail as exc:
        error_lines(exc.problems)
        raise typer.Exit(exc.code) from None
    except _store_errors() as exc:
        error_lines([str(exc)])
        raise typer.Exit(1) from None
    except extra as exc:
        error_lines(list(getattr(exc, "problems", [str(exc)])))
        code = next(code for kind, code in (codes or {}).items() if isinstance(exc, kind))
        raise typer.Exit(code) from None
    except Problems as exc:
        error_lines(exc.problems)
        raise typer.Exit(2) from None


def chart_file_problems(path: Path | None, option: str = "--plot") -> list[str]:
    """What is wrong with a chart file name, as the option it came by (nothing when fine)."""
    from heavylegs.chart_files import ChartFormatError, chart_format

    if path is None:
        return []
    try:
        chart_format(path)
    except ChartFormatError as exc:
        return [f"{option}: {problem}" for problem in exc.problems]
    return []


_NOT_AN_END = ("e.g.", "i.e.", "etc.", "vs.", "cf.")


def first_sentence(text: str) -> str:
    """The first sentence of ``text``, whole: up to the first ``.``, ``?`` or ``!`` that ends a
    sentence (not the dot of "e.g."), with the line breaks of a docstring folded."""
    words = " ".join(text.split()).split(" ")
    taken: list[str] = []
    depth = 0
    for word in words:
        taken.append(word)
        depth += word.count("(") - word.count(")")
        if depth <= 0 and word.endswith((".", "?", "!")) and word.lower() not in _NOT_AN_END:
            break
    return " ".join(taken)


def plural(n: int, one: str, many: str) -> str:
    """``1 day logged``, ``3 days logged``: the count with the right word."""
    return f"{n} {one if n == 1 else many}"


def duration_text(seconds: float) -> str:
    """``45 s``, ``12 min``, ``1 min 30 s``: a duration as a person says it."""
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    minutes, rest = divmod(whole, 60)
    return f"{minutes} min" + (f" {rest} s" if rest else "")


def write_atomically(out: str, content: bytes, option: str = "--out") -> None:
    """Write ``content`` to ``out`` ('-' = standard output) through a temporary file, so a full
    disk or a crash never leaves a half-written file behind (the temporary one is removed).

    The file is readable by its owner only (0600): everything written here (a backup, a PDF
    report, a FHIR bundle, a calendar of the plan, saved answers) is health data, not for the
    other users of a shared machine. The temporary file gets a fresh name (``mkstemp``: created,
    never opened through a link someone left under the expected name)."""
    if out == "-":
        if sys.stdout is None:  # started with standard output closed (>&-)
            raise Fail([f"{option}: standard output is closed"], 1)
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
        return
    target = Path(out)
    if not out.strip() or not target.name:
        raise Fail([f"{option}: give a file name (or '-' for standard output)"])
    if target.is_symlink():
        # Write where the link points (as the shell's > does): replacing the link itself left
        # the file it names (a backup on a USB stick) as it was, while saying "Exported".
        target = Path(os.path.realpath(target))
    if _is_stream(target):
        _write_into(target, content, option)
        return
    if _is_database(target):
        raise Fail(
            [
                f"{option}: {out} is a database (SQLite): writing over it would lose what it "
                "holds; give another file name"
            ]
        )
    import tempfile

    tmp: Path | None = None
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        tmp = Path(name)
        with os.fdopen(fd, "wb") as stream:
            stream.write(content)
        tmp.replace(target)
    except OSError as exc:
        # A read-only folder refuses even removing what is not there: nothing was left.
        with suppress(OSError):
            if tmp is not None:
                tmp.unlink(missing_ok=True)
        raise Fail([f"{option}: cannot write {out}: {exc.strerror or exc}"], 1) from None


def _is_stream(target: Path) -> bool:
    """A pipe, a terminal or a device (``/dev/stdout``, ``>(gzip > x)``): written into, never
    replaced by a file (as root, a temporary file in /dev took the place of /dev/full)."""
    try:
        mode = target.stat().st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _write_into(target: Path, content: bytes, option: str) -> None:
    try:
        with open(target, "wb") as stream:
            stream.write(content)
    except OSError as exc:
        raise Fail([f"{option}: cannot write {target}: {exc.strerror or exc}"], 1) from None


_SQLITE_HEADER = b"SQLite format 3\x00"


def _is_database(target: Path) -> bool:
    """Whether ``target`` is a SQLite database or one of its side files (``-wal``, ``-shm``,
    ``-journal``): ``export --out`` given the database's own name (a slip of tab completion)
    replaced the diary with its backup, and ``report`` or ``calendar`` with a PDF or a plan."""
    name = target.name
    for suffix in ("-wal", "-shm", "-journal"):
        if name.endswith(suffix) and _is_database(target.with_name(name.removesuffix(suffix))):
            return True
    try:
        if not stat.S_ISREG(target.stat().st_mode):  # a pipe is not opened (it would wait)
            return False
        with open(target, "rb") as stream:
            return stream.read(len(_SQLITE_HEADER)) == _SQLITE_HEADER
    except OSError:  # none there (or unreadable: the write says what is wrong)
        return False


def read_input(source: str, option: str, limit: int, what: str) -> bytes:
    """The bytes of the file ``source`` ('-' = standard input), read at most ``limit`` of them.

    Why bounded: a wrong file (a video, ``/dev/zero``, an endless pipe) must be refused in
    one line, not read until the machine runs out of memory. Every problem names ``option``;
    ``what`` says what the file should be ("an answers file").
    """
    if source == "-":
        data = sys.stdin.buffer.read(limit + 1)
    elif not source.strip():
        raise Fail([f"{option}: give a file name (or '-' for standard input)"])
    else:
        try:
            with open(source, "rb") as stream:
                data = stream.read(limit + 1)
        except FileNotFoundError:
            raise Fail([f"{option}: no such file: {source}"]) from None
        except IsADirectoryError:
            raise Fail([f"{option}: is a folder, not a file: {source}"]) from None
        except OSError as exc:
            raise Fail([f"{option}: cannot read {source}: {exc.strerror or exc}"]) from None
    if len(data) > limit:
        where = "standard input" if source == "-" else source
        raise Fail([f"{option}: {where} is larger than {_mebibytes(limit)}, too big for {what}"])
    return data


def _mebibytes(n: int) -> str:
    return f"{n // 2**20} MB" if n >= 2**20 else f"{n // 1024} KB"


@contextmanager
def writing_file(path: Path, option: str) -> Iterator[None]:
    """A file a stage writes itself (a chart): a folder that cannot be written is one line on
    stderr naming ``option`` and the file, exit 1, instead of the library's traceback.

    The file is made for its owner only (0600) before the stage writes it, as
    :func:`write_atomically` does: a chart of heaviness and ankles is health data too."""
    made = False
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        made = True
    except FileExistsError:
        with suppress(OSError):  # another owner's file: the stage says whether it can write
            os.chmod(path, 0o600)
    except OSError:
        pass  # the stage's own write says what is wrong, below
    try:
        yield
    except BaseException as exc:
        if made:
            with suppress(OSError):
                path.unlink()
        if isinstance(exc, OSError):
            reason = exc.strerror or str(exc)
            raise Fail([f"{option}: cannot write {path}: {reason}"], 1) from None
        raise
