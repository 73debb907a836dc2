"""``unslump stats`` and ``unslump export``: the break log, read on the command line.

Both open the database read-only (SQLite URI ``mode=ro``), so they can run over SSH
beside a running device without taking a write lock or changing the file: WAL lets the
device keep writing while they read. A log written by an older Unslump is copied into
memory and migrated there, since a read-only reader may not upgrade the file itself.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from unslump.config.file import find_config, load_config
from unslump.core.day_stats import DaySummary, median_or_none
from unslump.edges.clock import SystemClock
from unslump.edges.store import queries
from unslump.edges.store.paths import reader_db_path, simulator_db_path
from unslump.edges.store.schema import LATEST_VERSION, damage, migrate, schema_version
from unslump.edges.store.sqlite import lenient_text
from unslump.errors import BadRowError, StoreError, UsageError

EXIT_BAD_INPUT = 2

# The day summary as printed, in order: (key, label).
DAY_ROWS: tuple[tuple[str, str], ...] = (
    ("breaks_guided", "guided breaks"),
    ("breaks_natural", "natural breaks"),
    ("routines_stopped", "routines stopped"),
    ("reminders", "reminders"),
    ("snoozes", "snoozes"),
    ("sitting_s", "sitting"),
    ("longest_sit_s", "longest bout"),
    ("bouts", "bouts"),
    ("median_response_s", "median response"),
)
DURATION_KEYS = frozenset({"sitting_s", "longest_sit_s"})


def register(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    """Add ``stats`` and ``export`` to ``commands`` (from ``add_subparsers()``)."""
    stats = commands.add_parser(
        "stats", parents=parents, help="print a day's or a week's stats from the break log"
    )
    _add_db_option(stats)
    stats.add_argument("--sim", action="store_true",
                       help="read the simulator's own log (what `make run` wrote off the Pi)")
    stats.add_argument("--day", metavar="YYYY-MM-DD",
                       help="the local day to show (default: today); with --week, its last day")
    stats.add_argument("--week", action="store_true", help="the seven days ending with --day")
    stats.add_argument("--json", action="store_true",
                       help="print JSON (a day object, or a list of seven) instead of a table")
    stats.set_defaults(handler=cmd_stats)

    export = commands.add_parser(
        "export", parents=parents, help="write every row of the break log as CSV or JSON"
    )
    _add_db_option(export)
    export.add_argument("--sim", action="store_true", help="export the simulator's own log")
    export.add_argument("--format", required=True, choices=("csv", "json"),
                        help="csv: one sheet, a 'table' column says which table each row is "
                             "from; json: an object of table name to list of rows")
    export.add_argument("--since", metavar="YYYY-MM-DD",
                        help="only rows on or after this local day")
    export.add_argument("--out", metavar="FILE", help="write here instead of standard output")
    export.set_defaults(handler=cmd_export)


def cmd_stats(args: argparse.Namespace) -> int:
    try:
        day = _parse_day("--day", args.day) if args.day else SystemClock().wall().date()
        path = _db_path(args)
        if not path.exists():
            # Nothing logged yet is a fresh start, not an error.
            print(f"no break log at {path} yet: nothing is counted until the device has "
                  "run" + (" (make run, the simulator, writes it)" if args.sim else
                           " (off the Pi, try make run and then unslump stats --sim)"))
            return 0
        bad = _left_out(path)
        with read_only_log(path) as connection:
            if args.week:
                summaries = queries.week_summary(connection, day, bad)
                responses = queries.response_times(connection, summaries[0]["day"], day, bad)
            else:
                summaries = [queries.day_summary(connection, day, bad)]
    except UsageError as problem:
        print(f"unslump: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.json:
        plain = [summary_as_json(summary) for summary in summaries]
        json.dump(plain if args.week else plain[0], sys.stdout, indent=2)
        sys.stdout.write("\n")
    elif args.week:
        sys.stdout.write(week_table(summaries, median_or_none(responses)))
    else:
        sys.stdout.write(day_table(summaries[0]))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Stream every row to the output as it is read (memory stays flat; see
    :mod:`unslump.edges.store.export`)."""
    from unslump.edges.store.export import EXPORTERS  # csv: only when exporting, not in the service

    write = EXPORTERS[args.format]
    try:
        since = _parse_day("--since", args.since) if args.since else None
        with read_only_log(_db_path(args)) as connection:
            if args.out:
                # newline="" keeps the csv module's \r\n row ends exactly as written.
                try:
                    with open(args.out, "w", encoding="utf-8", newline="") as file:
                        write(connection, file, since)
                except OSError as exc:
                    raise UsageError(f"--out {args.out}: cannot write it ({exc.strerror}); "
                                   "choose a writable path") from None
            else:
                write(connection, sys.stdout, since)
    except UsageError as problem:
        print(f"unslump: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return 0


# -- reading the log ----------------------------------------------------------------------


@contextmanager
def read_only_log(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection to the break log at ``path``, at the latest schema.

    Raises :class:`UsageError` when there is no log at ``path`` and :class:`StoreError`
    when there is a file but it cannot be read as a break log.
    """
    if not path.exists():
        raise UsageError(f"{path}: no break log here yet; run the device first or pass --db")
    if path.is_dir():
        raise UsageError(f"{path} is a directory; pass the break log file with --db")
    try:
        connection = sqlite3.connect(read_only_uri(path), uri=True)
    except sqlite3.Error as error:
        raise _unreadable(path, error) from error
    connection.text_factory = lenient_text
    with closing(connection):
        try:
            version = schema_version(connection)
            if problem := damage(connection):
                raise StoreError(f"{path}: the break log is damaged ({problem}); the device "
                                 "sets it aside when it next starts")
            if version == LATEST_VERSION:
                yield connection
                return
        except BadRowError as error:
            raise StoreError(f"{path}: {error}") from error
        except (sqlite3.Error, UnicodeDecodeError) as error:
            raise _unreadable(path, error) from error
        if version == 0:
            raise StoreError(f"{path}: an SQLite file without Unslump's tables; check --db")
        if version < 0 or version > LATEST_VERSION:
            newer = version > LATEST_VERSION
            raise StoreError(
                f"{path}: schema version {version} is "
                + (f"newer than this Unslump knows (up to {LATEST_VERSION}); run the newer "
                   "unslump's stats" if newer else "not one Unslump writes; the file is "
                   "damaged (the device sets it aside when it next starts)"))
        try:
            with closing(_migrated_copy(connection, path)) as upgraded:
                yield upgraded
        except BadRowError as error:
            raise StoreError(f"{path}: {error}") from error
        except (sqlite3.Error, UnicodeDecodeError) as error:
            raise _unreadable(path, error) from error


def _left_out(path: Path) -> queries.BadRows:
    """Says on stderr, once a row, that a row which cannot be read is left out of the stats
    (the stats of the rest are still worth printing)."""
    told: set[tuple[str, object]] = set()

    def warn(error: BadRowError) -> None:
        if (error.table, error.row_id) not in told:
            told.add((error.table, error.row_id))
            print(f"unslump: {path}: left out {error.row_problem}", file=sys.stderr)

    return warn


def _unreadable(path: Path, error: BaseException) -> StoreError:
    """One line for a log that SQLite cannot read (damaged, or not ours to read)."""
    detail = str(error).splitlines()[0] if str(error) else type(error).__name__
    return StoreError(f"{path}: cannot read it as a break log ({detail}); check the --db "
                      "path, or read it as the user the device runs as")


def read_only_uri(path: Path) -> str:
    """The SQLite URI that reads ``path`` without creating or changing any file.

    ``mode=ro`` alone still creates the ``-wal`` and ``-shm`` files beside a WAL database
    and leaves them there, owned by whoever ran the command: run with sudo, that would
    lock the device's own user out of its log. Without a ``-wal`` file no connection is
    open (the last one to close removes it), so the file is read as ``immutable``, which
    creates nothing; with one, the device is running and ``mode=ro`` joins its WAL.
    """
    # as_uri() percent-encodes the path, so '?' or '#' in a file name stay part of it.
    uri = f"{path.resolve().as_uri()}?mode=ro"
    if not path.with_name(path.name + "-wal").exists():
        uri += "&immutable=1"
    return uri


def _migrated_copy(connection: sqlite3.Connection, path: Path) -> sqlite3.Connection:
    """An in-memory copy of an older log, brought up to the latest schema."""
    copy = sqlite3.connect(":memory:", isolation_level=None)
    connection.backup(copy)
    migrate(copy, path)
    return copy


def _db_path(args: argparse.Namespace) -> Path:
    if getattr(args, "sim", False):
        return simulator_db_path(args.db)
    config = load_config(find_config(getattr(args, "config", None)))
    return reader_db_path(args.db, config.store.path)


# The days a log can hold: the Pi's clock starts at 1970 at worst; the end leaves room
# for a week and a day either side of any day asked for (date.max is 9999-12-31).
FIRST_DAY, LAST_DAY = date(1970, 1, 1), date(9999, 12, 1)


def _parse_day(option: str, value: str) -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option} {value!r}: not a date; use YYYY-MM-DD") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise UsageError(f"{option} {value}: out of range; use a day from "
                         f"{FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}")
    return day


def _add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="PATH",
                        help="break log file (default: [store] path, else the service's "
                             "/var/lib/unslump/unslump.db when it is installed, else "
                             "$XDG_DATA_HOME/unslump/unslump.db)")


# -- showing it ---------------------------------------------------------------------------


def summary_as_json(summary: DaySummary) -> dict[str, object]:
    """A day summary with the date as ``YYYY-MM-DD`` and seconds to a tenth."""
    values: Mapping[str, object] = summary
    plain: dict[str, object] = {"day": summary["day"].isoformat()}
    for key, _ in DAY_ROWS:
        value = values[key]
        plain[key] = round(value, 1) if isinstance(value, float) else value
    plain["bout_open"] = summary["bout_open"]
    return plain


def day_table(summary: DaySummary) -> str:
    """A day as ``label  value`` lines under a ``YYYY-MM-DD Mon`` title."""
    values: Mapping[str, object] = summary
    day = summary["day"]
    lines = [f"{day.isoformat()} {day:%a}"]
    lines.extend(f"  {label:<18}{_shown(key, values[key]):>8}" for key, label in DAY_ROWS)
    return "\n".join(lines) + "\n"


def week_table(summaries: list[DaySummary], week_median_s: float | None) -> str:
    """Seven days as rows under a header, then the week's totals."""
    header = (
        f"{'day':<14} {'guided':>6} {'natural':>7} {'stopped':>7} {'remind':>6} "
        f"{'snooze':>6} {'sitting':>8} {'longest':>8} {'bouts':>5} {'response':>8}"
    )
    lines = [header, "-" * len(header)]
    for summary in summaries:
        day = summary["day"]
        lines.append(_week_row(f"{day.isoformat()} {day:%a}", summary))
    totals = _totals(summaries, week_median_s)
    lines.append("-" * len(header))
    lines.append(_week_row("week", totals))
    return "\n".join(lines) + "\n"


def _week_row(title: str, summary: DaySummary) -> str:
    return (
        f"{title:<14} {summary['breaks_guided']:>6} {summary['breaks_natural']:>7} "
        f"{summary['routines_stopped']:>7} {summary['reminders']:>6} {summary['snoozes']:>6} "
        f"{_duration(summary['sitting_s']):>8} {_duration(summary['longest_sit_s']):>8} "
        f"{summary['bouts']:>5} {_response(summary['median_response_s']):>8}"
    )


def _totals(
    summaries: list[DaySummary], week_median_s: float | None
) -> DaySummary:
    """The week as one summary: sums, the longest bout, the median over all responses."""
    return DaySummary(
        day=summaries[-1]["day"] - timedelta(days=6),
        breaks_guided=sum(s["breaks_guided"] for s in summaries),
        breaks_natural=sum(s["breaks_natural"] for s in summaries),
        routines_stopped=sum(s["routines_stopped"] for s in summaries),
        reminders=sum(s["reminders"] for s in summaries),
        snoozes=sum(s["snoozes"] for s in summaries),
        sitting_s=sum(s["sitting_s"] for s in summaries),
        longest_sit_s=max(s["longest_sit_s"] for s in summaries),
        bouts=sum(s["bouts"] for s in summaries),
        median_response_s=week_median_s,
        bout_open=any(s["bout_open"] for s in summaries),
    )


def _shown(key: str, value: object) -> str:
    if key == "median_response_s":
        return _response(value if isinstance(value, float | int) else None)
    if key in DURATION_KEYS and isinstance(value, float | int):
        return _duration(value)
    return str(value)


def _duration(seconds: float) -> str:
    """``0m``, ``45m`` or ``3h02m``: whole minutes, as on the display."""
    hours, minutes = divmod(round(seconds / 60), 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m"


def _response(seconds: float | None) -> str:
    return "-" if seconds is None else f"{round(seconds)}s"
