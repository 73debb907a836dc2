"""The break log in one SQLite file, written so that a pulled plug loses nothing returned.

Durability: WAL with ``synchronous=FULL`` and one transaction per row, so a row whose
:meth:`SqliteStore.append` returned is on the card. WAL keeps readers (a ``sqlite3`` shell
over SSH) from blocking the device's writes.

Resilience: the device must keep working when the log cannot. A database that is not a
database, or fails ``integrity_check``, is moved aside and replaced by a fresh one (rows
that only break a CHECK rule are bad values, left out by the readers: the log stays). When
the disk is full or read-only, rows wait in a bounded buffer and are retried on a backoff
driven by :meth:`deadline` and :meth:`service`, which the loop calls like every other
timer; :attr:`healthy` tells the screen to show its warning mark.

Threading: one connection, used only by the loop thread that opened it. sqlite3's own
same-thread check stays on, so a callback thread that touches the store fails loudly.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import sqlite3
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

from unslump.core.day_stats import DaySummary
from unslump.core.practice import Practice, PracticeDay
from unslump.core.records import BreakRecord, EndedBy, NoticeAnswer, NoticeRecord, Record
from unslump.edges.clock import Clock, SystemClock
from unslump.edges.store import outbox, queries, vanished
from unslump.edges.store.clean_stop import (
    CLEAN,
    RUNNING,
    as_noted,
    forget_verified,
    mark,
    remember_verified,
    stale_wal,
    wal_has_frames,
)
from unslump.edges.store.integrity import Findings, check_rows_told, findings
from unslump.edges.store.pending import PendingRows
from unslump.edges.store.rows import CLOSE_OPEN_STATEMENTS, insert_statement
from unslump.edges.store.schema import (
    APPLICATION_ID,
    LATEST_VERSION,
    application_id,
    damage,
    foreign_tables,
    mark_as_ours,
    migrate,
    schema_version,
)
from unslump.errors import BadRowError, ForeignLogError, StoreError
from unslump.ports import ClosesOnExit, OutboxRow

Connect = Callable[[Path], sqlite3.Connection]
"""Opens the database file; injectable so tests can stand in for a failing disk."""

T = TypeVar("T")

BUSY_TIMEOUT_MS = 5000  # a reader holding a lock (a shell over SSH) delays, never fails, a write
SQLITE_HEADER = b"SQLite format 3\x00"
_CORRUPTION_CODES = frozenset({sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB})


def connect_file(path: Path) -> sqlite3.Connection:
    """A connection in autocommit mode: the store writes its own ``BEGIN``/``COMMIT``."""
    connection = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    connection.text_factory = lenient_text
    return connection


def lenient_text(stored: bytes) -> str:
    """Text from SQLite that never fails to decode: a damaged byte in a row or in the schema
    becomes U+FFFD, and the value is then refused (or the file set aside) by our checks."""
    return stored.decode("utf-8", "replace")


class SqliteStore(ClosesOnExit):
    """The break log on disk. Make one with :meth:`open`; close it with :meth:`close`."""

    def __init__(
        self,
        path: Path,
        logger: logging.Logger,
        clock: Clock,
        connect: Connect,
        pending: PendingRows,
    ):
        self._path = path
        self._log = logger
        self._clock = clock
        self._connect = connect
        self._pending = pending
        self._connection: sqlite3.Connection | None = None
        self._failing = False
        self._closed = False
        self._outbox_cap = 0  # 0: no outbox (MQTT off)
        self._outbox_dropped = 0
        self._bad_rows: set[tuple[str, object]] = set()  # told once each, not every read

    @classmethod
    def open(
        cls,
        path: Path,
        logger: logging.Logger | None = None,
        clock: Clock | None = None,
        *,
        connect: Connect = connect_file,
        buffer_rows: int = 1000,
        first_retry_s: float = 30.0,
        max_retry_s: float = 300.0,
        outbox_cap: int = 0,
    ) -> SqliteStore:
        """Open (creating, migrating or replacing as needed) the break log at ``path``.

        Nothing about the file stops the start: a disk that refuses it, a directory in
        its place or a schema newer than this code (each named in the log with its fix)
        leave the store unhealthy, keeping rows in memory and retrying, as the README
        promises; a damaged file is set aside and a fresh one made. With
        ``outbox_cap`` above 0 (``[mqtt]`` is on) every published row also goes to the
        outbox in its own transaction (:mod:`unslump.edges.store.outbox`).
        """
        store = cls(
            Path(path),
            logger or logging.getLogger(__name__),
            clock or SystemClock(),
            connect,
            PendingRows(buffer_rows, first_retry_s, max_retry_s),
        )
        store._outbox_cap = outbox_cap
        try:
            store._connection = store._open_connection()
        except (sqlite3.DatabaseError, OSError) as error:
            if not _is_disk_failure(error):
                raise
            store._fail(error, store._clock.monotonic())
        return store

    # -- what the loop uses ---------------------------------------------------------

    @property
    def path(self) -> Path:
        return self._path

    @property
    def healthy(self) -> bool:
        """False while rows are waiting for the disk (the screen shows a warning mark)."""
        return not self._failing

    @property
    def pending_rows(self) -> int:
        """Rows accepted but not yet on disk."""
        return len(self._pending)

    @property
    def dropped_rows(self) -> int:
        """Rows lost because the buffer overflowed during the current failure."""
        return self._pending.dropped

    def append(self, record: Record) -> None:
        """Write ``record`` in its own transaction, committed before returning.

        If the disk refuses it, the row is kept for a later retry instead (behind any row
        already waiting, so the log keeps its order) and :attr:`healthy` turns False.
        """
        if self._closed:
            raise StoreError(f"{self._path}: the break log is closed; open it again to append")
        if self._failing or self._connection is None:
            self._pending.push(record)
            return
        try:
            self._connection = self._still_there(self._connection)
            self._write(self._connection, record)
        except (sqlite3.DatabaseError, OSError) as error:
            if not _is_disk_failure(error):
                raise
            self._pending.push(record)
            self._fail(error, self._clock.monotonic())

    def close_open(self, ended_by: EndedBy) -> int:
        """Close every row a power cut left open, at its last checkpoint; return how many.

        Called once at start, before the device writes anything: a clean stop closes its
        own rows, so whatever is open now was open when the power went. On a disk that
        refuses the update the rows stay open (and still count) until the next start.
        """
        if self._connection is None or self._failing:
            return 0
        connection = self._connection
        try:
            connection.execute("BEGIN IMMEDIATE")
            keys = outbox.open_keys(connection) if self._outbox_cap else {}
            # An UPDATE checks only the CHECK rules of the columns it sets: an open row
            # that breaks another rule is closed like the rest (and still left out).
            closed = sum(connection.execute(sql, {"ended_by": str(ended_by)}).rowcount
                         for sql in CLOSE_OPEN_STATEMENTS)
            queries.settle_practice(connection)  # every row is final now
            if keys:
                outbox.queue_rows_by_key(connection, keys, self._outbox_cap)
            connection.execute("COMMIT")
        except (sqlite3.DatabaseError, OSError) as error:
            if connection.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    connection.execute("ROLLBACK")
            if not _is_disk_failure(error):
                raise
            self._log.warning("break log %s: could not close the rows left open (%s); "
                              "they stay open until the next start", self._path, error)
            return 0
        if closed:
            self._log.info("break log %s: closed %d rows left open by a power cut or crash, "
                           "at their last checkpoint", self._path, closed)
        return closed

    def deadline(self) -> float | None:
        """The monotonic time the next retry is due, or None while healthy."""
        return self._pending.due if self._failing and not self._closed else None

    def service(self, now: float) -> None:
        """Retry the disk if the retry is due at ``now`` (monotonic seconds)."""
        due = self.deadline()
        if due is not None and now >= due:
            self._retry(now)

    def notice_answer(self) -> NoticeAnswer | None:
        """The newest answer to the safety notice (None: never answered, or reset)."""
        waiting = [r.answer for r in self._pending if isinstance(r, NoticeRecord)]
        answer = waiting[-1] if waiting else self._read(
            lambda c: queries.notice_answer(c, self._bad_row), None)
        return None if answer is NoticeAnswer.RESET else answer

    def practice(self) -> Practice:
        """The practice replayed through every completed stretch, waiting rows included."""
        waiting = self._waiting_keys()
        practice = self._read(lambda c: queries.practice_in(c, waiting), Practice())
        for item in queries.stretches_in(self._pending):
            practice = practice.practised(item.start.date(), item.smooth)
        return practice

    def practice_days(self, first_day: date, last_day: date) -> list[PracticeDay]:
        """The days in the range with completed stretches, waiting rows included."""
        waiting = self._waiting_keys()
        on_disk: list[PracticeDay] = self._read(
            lambda c: queries.practice_days(c, first_day, last_day, waiting), [])
        return queries.merge_practice(
            on_disk, queries.practice_records(self._pending, first_day, last_day))

    def _waiting_keys(self) -> set[str]:
        return {record.key for record in self._pending
                if isinstance(record, BreakRecord) and record.key}

    def breaks_on(self, day: date) -> int:
        """Breaks on a local day (completed guided + natural), waiting rows included."""
        waiting = (record for record in self._pending if isinstance(record, BreakRecord))
        return self._read(lambda c: queries.breaks_on(c, day), 0) + queries.count_breaks(
            day, waiting
        )

    def latest_ends(self, first_day: date, last_day: date) -> tuple[datetime | None,
                                                                    datetime | None]:
        """When the newest break ended, and the newest bout ended by a leave (waiting rows
        included), within the local days."""
        rows = self._rows(first_day, last_day)
        breaks = [row.end for row in rows.breaks if row.ended_by is not None]
        left = [row.end for row in rows.bouts if row.ended_by is EndedBy.ENDED]
        return (max(breaks) if breaks else None), (max(left) if left else None)

    def response_times(self, first_day: date, last_day: date) -> list[float]:
        return queries.response_times_in(first_day, last_day, self._rows(first_day, last_day))

    def day_summary(self, day: date) -> DaySummary:
        """The stats of one local day (see :mod:`unslump.edges.store.queries`)."""
        return queries.summarize_days([day], self._rows(day, day))[0]

    def week_summary(self, last_day: date) -> list[DaySummary]:
        """Seven day summaries ending with ``last_day``, oldest first."""
        days = queries.week_ending(last_day)
        return queries.summarize_days(days, self._rows(days[0], days[-1]))

    def close(self) -> None:
        """Write what is waiting if the disk allows, then let go of the file. Idempotent."""
        if self._closed:
            return
        if self._failing:
            self._retry(self._clock.monotonic())
            if self._failing:
                self._log.warning(
                    "break log %s: closing with %d rows still unwritten; they are lost",
                    self._path,
                    len(self._pending),
                )
        self._closed = True
        verifiable = self._stop_cleanly()
        self._drop_connection()  # the last connection: SQLite deletes the emptied WAL
        if verifiable:
            with contextlib.suppress(OSError):
                remember_verified(self._path)

    def _stop_cleanly(self) -> bool:
        """Check the log and fold it into its one file, marked ``clean``
        (:mod:`unslump.edges.store.clean_stop`); True if the next start may trust it
        unread if it finds it unchanged. Damage found now is left for the next start's
        full check, which sets the file aside; rows breaking a CHECK rule are told again
        there."""
        connection = self._connection
        if connection is None or self._failing or vanished.missing(self._path):
            return False
        try:
            found = findings(connection)
            if found.damage is not None or not _to_rollback(connection):
                return False
            mark(connection, CLEAN)  # in the file itself, the WAL gone
            return not found.check_rows
        except (sqlite3.DatabaseError, OSError) as error:
            if not _is_disk_failure(error):
                raise
            return False

    # -- opening ----------------------------------------------------------------------

    def _open_connection(self) -> sqlite3.Connection:
        if self._path.is_dir():
            raise StoreError(
                f"{self._path} is a directory; the break log must be a file path "
                "(fix the store path in the config, or remove the directory)"
            )
        self._path.parent.mkdir(parents=True, exist_ok=True)
        self._set_aside_what_is_not_the_log()
        unchanged = not wal_has_frames(self._path) and as_noted(self._path)
        connection = self._connect(self._path)
        found = Findings()
        try:
            # Before WAL mode is set, which would turn another program's file to it.
            if tables := foreign_tables(connection):
                _close_quietly(connection)
                raise ForeignLogError(self._path, tables)
            # Damage read before any write too, so the file set aside is as it was found.
            problem = damage(connection)
            if problem is None:
                _settings(connection)
                # Unchanged since a clean stop checked it: the check that reads every
                # page (and grows with years of rows) was done then (clean_stop).
                found = Findings() if unchanged else findings(connection)
                problem = found.damage
        except UnicodeDecodeError as error:
            # A damaged header can make SQLite hand back bytes that are not text (the
            # journal mode, an integrity message): the file is damaged, not the disk.
            problem = f"unreadable text from SQLite: {error.reason}"
        except sqlite3.DatabaseError as error:
            if not _is_corruption(error):
                _close_quietly(connection)
                raise
            problem = str(error)
        if problem is not None:
            _close_quietly(connection)
            self._move_aside(problem)
            connection = self._connect(self._path)
        try:
            _settings(connection)
            migrate(connection, self._path)
            mark_as_ours(connection)
            # After a clean stop the file is in rollback mode: the mark goes into the file
            # itself, atomically, before the WAL (and any row) exists (clean_stop).
            mark(connection, RUNNING)
            forget_verified(self._path)  # the file changed: the note is no longer true
            _to_wal(connection)
        except BaseException:
            _close_quietly(connection)
            raise
        for table, rows in sorted(found.check_rows.items()):
            self._log.warning(check_rows_told(self._path, table, rows))
        return connection

    def _set_aside_what_is_not_the_log(self) -> None:
        """Before connecting: a connection would replay a WAL that is not the log's, and
        closing one on a file that is not SQLite's would delete the WAL beside it, which
        belongs in the post-mortem and must never be replayed into a new log."""
        if _has_foreign_header(self._path):
            self._move_aside("not an SQLite file")
        elif (foreign_wal := _foreign_wal(self._path)) is not None:
            self._move_wal_aside(f"another database's: {foreign_wal}")
        elif stale_wal(self._path):
            self._move_wal_aside("the log was stopped cleanly, which leaves no WAL: an old "
                                 "one beside a restored backup?")

    def _move_aside(self, problem: str) -> None:
        """Keep a corrupt file (and its WAL) for a post-mortem, under a dated name."""
        stamp = self._clock.wall().strftime("%Y%m%dT%H%M%S")
        base = f"{self._path.name}.corrupt-{stamp}"
        serial = 1
        while self._path.with_name(base).exists():
            serial += 1
            base = f"{self._path.name}.corrupt-{stamp}-{serial}"
        forget_verified(self._path)  # the note was of this file; the new log has none
        for suffix in ("", "-wal", "-shm", "-journal"):
            source = self._path.with_name(self._path.name + suffix)
            if source.exists():
                source.rename(self._path.with_name(base + suffix))
        self._log.warning(
            "break log %s is corrupt (%s): moved it aside as %s and started a new log",
            self._path,
            _one_line(problem),
            base,
        )

    def _move_wal_aside(self, why: str) -> None:
        """Keep a WAL that is not the log's (and its index) out of the log, unchanged."""
        stamp = self._clock.wall().strftime("%Y%m%dT%H%M%S")
        wal = self._path.with_name(self._path.name + "-wal")
        aside = wal.with_name(f"{wal.name}.foreign-{stamp}")
        wal.rename(aside)
        shm = self._path.with_name(self._path.name + "-shm")
        if shm.exists():
            shm.rename(shm.with_name(f"{shm.name}.foreign-{stamp}"))
        self._log.warning("break log %s: the WAL beside it is not the log's (%s): moved it "
                          "aside as %s and kept the log as it was", self._path, why,
                          aside.name)

    # -- failing and recovering -------------------------------------------------------

    def _fail(self, error: BaseException, now: float) -> None:
        self._drop_connection()
        if not self._failing:
            self._failing = True
            self._log.warning(
                "break log %s not writable (%s); keeping up to %d rows in memory and retrying",
                self._path,
                _one_line(str(error)),
                self._pending.capacity,
            )
        self._pending.failed(now)

    def _retry(self, now: float) -> None:
        try:
            if self._connection is None:
                self._connection = self._open_connection()
            # A full disk: give back the WAL's slack first, then write what waits in
            # chunks of rows a transaction, folding the WAL into the file after each: a
            # row at a time costs a few WAL pages per row and never caught up on a little
            # freed space, one transaction for all could need more than was freed.
            _checkpoint_truncate(self._connection)
            while self._pending:
                chunk = list(itertools.islice(self._pending, RETRY_CHUNK_ROWS))
                self._write_all(self._connection, chunk)
                for _ in chunk:
                    self._pending.pop()
                _checkpoint_truncate(self._connection)
        except (sqlite3.DatabaseError, OSError) as error:
            # StoreError included: a path that became a directory may be fixed by hand.
            if not _is_disk_failure(error):
                raise
            self._drop_connection()
            self._pending.failed(now)
            return
        dropped = self._pending.recovered()
        self._failing = False
        self._log.info(
            "break log %s writable again; caught up (%d rows dropped while it was not)",
            self._path,
            dropped,
        )

    def _still_there(self, connection: sqlite3.Connection) -> sqlite3.Connection:
        """The connection to write with: a new one on a copy written back at the path if
        the log's file was deleted under it (:mod:`unslump.edges.store.vanished`)."""
        if not vanished.missing(self._path):
            return connection
        self._log.warning(
            "break log %s was deleted while the device ran (its folder removed?); "
            "writing it back there with every row so far", self._path)
        fresh = vanished.write_back(connection, self._path, self._connect)
        self._connection = fresh
        _configure(fresh)
        return fresh

    def _write(self, connection: sqlite3.Connection, record: Record) -> None:
        self._write_all(connection, [record])

    def _write_all(self, connection: sqlite3.Connection, records: list[Record]) -> None:
        dropped = _write_all(connection, records, self._outbox_cap)
        if dropped:
            if not self._outbox_dropped:
                self._log.warning(
                    "break log %s: the MQTT outbox is full (%d rows: [mqtt] outbox_rows); "
                    "dropping the oldest unsent rows (they stay in the log; `unslump "
                    "export` has them)", self._path, self._outbox_cap)
            self._outbox_dropped += dropped

    def outbox_waiting(self, after: int, limit: int) -> list[OutboxRow]:
        """Outbox rows above ``after``, oldest first (none while the disk is unreadable)."""
        return self._read(lambda c: outbox.waiting(c, after, limit), [])

    def outbox_depth(self) -> int:
        return self._read(outbox.depth, 0)

    def outbox_acknowledged(self, seqs: list[int]) -> bool:
        """The broker has these rows; False if the disk refused (they are sent again later,
        and consumers drop the duplicate by its id and seq)."""
        if self._connection is None or self._failing:
            return False
        try:
            outbox.acknowledged(self._connection, seqs)
        except (sqlite3.DatabaseError, OSError) as error:
            if not _is_disk_failure(error):
                raise
            return False
        return True

    @property
    def outbox_dropped(self) -> int:
        """Outbox rows pushed out by the cap since this store was opened."""
        return self._outbox_dropped

    def _drop_connection(self) -> None:
        if self._connection is not None:
            _close_quietly(self._connection)
            self._connection = None

    # -- reading ----------------------------------------------------------------------

    def _read(self, query: Callable[[sqlite3.Connection], T], fallback: T) -> T:
        """Run a read; an unreadable disk gives ``fallback`` (reads never change health)."""
        if self._connection is None:
            return fallback
        try:
            return query(self._connection)
        except (sqlite3.DatabaseError, OSError) as error:
            if not _is_disk_failure(error):
                raise
            return fallback

    def _rows(self, first_day: date, last_day: date) -> queries.LogRows:
        rows = self._read(lambda c: queries.load_rows(c, first_day, last_day, self._bad_row),
                          None)
        return (rows or queries.LogRows()).add(self._pending)

    def _bad_row(self, error: BadRowError) -> None:
        """A row left out of an answer: one warning per row for the life of the store (the
        stats pages and the MQTT state read the same rows again and again)."""
        if (error.table, error.row_id) not in self._bad_rows:
            self._bad_rows.add((error.table, error.row_id))
            self._log.warning("break log %s: left out %s; fix or delete that row with the "
                              "sqlite3 shell", self._path, error.row_problem)


CACHE_KIB = 256


# The WAL is checkpointed every WAL_PAGES pages and cut back to JOURNAL_LIMIT bytes after
# each checkpoint: on a nearly full card it never holds more than a few dozen KiB that
# the log itself could use (SQLite's defaults let it grow to 4 MiB and keep it).
WAL_PAGES = 32
JOURNAL_LIMIT = 128 * 1024
RETRY_CHUNK_ROWS = 50  # rows a transaction when catching up: a few pages of WAL each


def _configure(connection: sqlite3.Connection) -> None:
    """Per-connection settings, and WAL mode."""
    _settings(connection)
    _to_wal(connection)


def _to_wal(connection: sqlite3.Connection) -> None:
    """WAL mode: the device's writes never wait on a reader (kept in the file)."""
    connection.execute("PRAGMA journal_mode = WAL").fetchone()


def _to_rollback(connection: sqlite3.Connection) -> bool:
    """Fold the WAL into the file and leave WAL mode (the WAL file is deleted); False if
    another connection (a reader) keeps the log in WAL mode."""
    (mode,) = connection.execute("PRAGMA journal_mode = DELETE").fetchone()
    return str(mode).lower() == "delete"


def _settings(connection: sqlite3.Connection) -> None:
    """Per-connection settings: none of them is stored in the file, so set them every open."""
    connection.execute(f"PRAGMA wal_autocheckpoint = {WAL_PAGES}")
    connection.execute(f"PRAGMA journal_size_limit = {JOURNAL_LIMIT}").fetchone()
    connection.execute("PRAGMA synchronous = FULL")
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    # SQLite's default page cache grows to 2 MiB; a log of a few rows a day, read a week at
    # a time, needs a fraction of that, and the Pi Zero has 512 MB for months.
    connection.execute(f"PRAGMA cache_size = -{CACHE_KIB}")


def _has_foreign_header(path: Path) -> bool:
    """True if ``path`` holds bytes that do not start like an SQLite database."""
    try:
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return False
    return bool(header) and header != SQLITE_HEADER


def _header_identity(path: Path) -> tuple[int, int] | None:
    """(user_version, application_id) from the file's own header, WAL not applied."""
    try:
        with path.open("rb") as file:
            header = file.read(100)
    except OSError:
        return None
    if len(header) < 100 or not header.startswith(SQLITE_HEADER):
        return None
    return int.from_bytes(header[60:64], "big", signed=True), int.from_bytes(header[68:72], "big")


def _foreign_wal(path: Path) -> str | None:
    """Why the ``-wal`` beside an Unslump log is another database's, or None.

    SQLite replays any WAL it finds beside a file (a restored backup beside a stale WAL,
    another program's file copied in): the log's rows would be gone and our tables made
    anew. The log's own header says it is ours; read together with the WAL (a read-only
    connection, which never checkpoints), an application id of another program, a lower
    version or a missing table of ours says the WAL is not.
    """
    wal = path.with_name(path.name + "-wal")
    own = _header_identity(path)
    if own is None or not wal.is_file() or wal.stat().st_size == 0:
        return None
    version, app = own
    if not (app == APPLICATION_ID or 1 <= version <= LATEST_VERSION):
        return None  # not known to be ours on its own: nothing to compare with
    try:
        probe = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None  # the open that follows meets the same problem and says it
    probe.text_factory = lenient_text
    try:
        together = (schema_version(probe), application_id(probe))
        tables = set(foreign_tables(probe))
    except (sqlite3.DatabaseError, OSError):
        return None  # unreadable together: the integrity check decides
    finally:
        _close_quietly(probe)
    if together[1] not in (0, APPLICATION_ID) or tables:
        return f"its tables: {', '.join(sorted(tables)) or 'none'}"
    if together[0] < version:
        return f"schema version {together[0]} over the log's {version}"
    return None


def _checkpoint_truncate(connection: sqlite3.Connection) -> None:
    """Fold the WAL into the database and cut the WAL file to nothing, if nobody reads."""
    with contextlib.suppress(sqlite3.Error):
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()


def _write_all(connection: sqlite3.Connection, records: list[Record],
               outbox_cap: int = 0) -> int:
    """Insert ``records`` (and their outbox rows) in one transaction: all of them are on
    disk, or none; returns how many outbox rows the cap dropped."""
    if not records:
        return 0
    connection.execute("BEGIN IMMEDIATE")
    try:
        dropped = 0
        for record in records:
            connection.execute(*insert_statement(record))
            if outbox_cap > 0:
                dropped += outbox.queue_row(connection, record, outbox_cap)
        connection.execute("COMMIT")
        return dropped
    except BaseException:
        if connection.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                connection.execute("ROLLBACK")
        raise


def _is_corruption(error: BaseException) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    return code is not None and (code & 0xFF) in _CORRUPTION_CODES


def _is_disk_failure(error: BaseException) -> bool:
    """Errors the disk causes (full, read-only, gone, damaged), as opposed to our bugs, or to
    a path at another program's file, which no retry fixes."""
    if isinstance(error, ForeignLogError):
        return False
    return isinstance(error, sqlite3.OperationalError | OSError) or _is_corruption(error)


def _close_quietly(connection: sqlite3.Connection) -> None:
    with contextlib.suppress(sqlite3.Error):
        connection.close()


def _one_line(text: str) -> str:
    """SQLite's messages may quote a schema across lines; the journal gets one a line."""
    return " ".join(text.split())
