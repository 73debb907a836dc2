"""``unslump routine check FILE``: is a routine file one the device can guide; and
``unslump routine reset-notice``: ask the safety notice again before the next stretch.

A routine file is checked as the service reads it (:mod:`unslump.config.routine_file`): a broken
rule is one line naming the file and the key, and exit status 2.

The notice's answer is kept in the log: "understood" starts the stretch, "not for me"
turns the button into a standing break. Someone whose back has healed (or who answered by
mistake) resets it here; the device reads the answer when it starts.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from unslump.config.file import RoutineConfig, find_config, load_config
from unslump.config.routine_file import config_for, load_routine
from unslump.core.practice import MAX_LEVEL
from unslump.core.records import NoticeAnswer, NoticeRecord, Variant
from unslump.core.routine import plan_routine
from unslump.core.routine_spec import RoutineSpec
from unslump.edges.clock import SystemClock
from unslump.edges.store.as_owner import Ids, PlantedLinkError, as_owner_of, refuse_planted_link
from unslump.edges.store.paths import reader_db_path
from unslump.edges.store.sqlite import SqliteStore

EXIT_BAD_INPUT = 2


def register(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    """Add ``routine`` (with ``check`` and ``reset-notice``) to ``commands``."""
    routine = commands.add_parser("routine", parents=parents,
                                  help="routine files, the stretch's safety notice")
    actions = routine.add_subparsers(dest="action", required=True, metavar="ACTION")
    check = actions.add_parser("check", parents=parents,
                               help="check a routine file; print its phases and length")
    check.add_argument("file", metavar="FILE", help="routine file (TOML)")
    check.set_defaults(handler=cmd_check)
    reset = actions.add_parser("reset-notice", parents=parents,
                               help="ask the safety notice again before the next stretch")
    reset.add_argument("--db", metavar="PATH", help="break log (default: as for stats)")
    reset.set_defaults(handler=cmd_reset_notice)


def cmd_check(args: argparse.Namespace) -> int:
    path = Path(args.file)
    spec = load_routine(path)  # a broken rule: RoutineFileError, one line and exit 2
    print(f"{path}: valid")
    for line in summary(spec):
        print(f"  {line}")
    return 0


def summary(spec: RoutineSpec) -> list[str]:
    """The routine in a few lines: its phases, its length, what each variant shows."""
    settings = config_for(spec, RoutineConfig(), given=())
    plan = plan_routine(spec, settings, Variant.SEATED)
    first_rep = [s for s in plan.stages if s.rep <= 1]
    once = ", ".join(f"{s.phase.id} {_length(s.length)}" for s in first_rep if not s.rep)
    lines = [f"{spec.name}: {spec.title}"]
    if once:
        lines.append(f"once: {once}")
    if spec.repeat:
        each = ", ".join(f"{s.phase.id} {_length(s.length)}" for s in first_rep if s.rep)
        lines.append(f"repeat x{plan.reps}: {each}")
    longest = plan_routine(spec, settings, Variant.SEATED, MAX_LEVEL).total
    grows = "" if longest == plan.total else f" ({_length(longest)} at practice level " \
                                              f"{MAX_LEVEL})"
    lines.append(f"total: {_length(plan.total)}{grows}")
    for variant in Variant:
        shown = sum(len(p.cues(variant)) for p in spec.phases if not p.head_down)
        spoken = sum(len(p.cues(variant)) for p in spec.phases if p.head_down)
        heard = f", {spoken} spoken only (head down)" if spoken else ""
        lines.append(f"{variant.value}: {shown} cue lines shown{heard}")
    return lines


def _length(seconds: float) -> str:
    minutes, rest = divmod(round(seconds, 1), 60)
    return f"{int(minutes)} min {rest:g} s" if minutes else f"{rest:g} s"


def cmd_reset_notice(args: argparse.Namespace) -> int:
    config = load_config(find_config(getattr(args, "config", None)))
    return reset_notice(reader_db_path(args.db, config.store.path))


def reset_notice(path: Path, ids: Ids = os,
                 stat_of: Callable[[Path], os.stat_result] = os.stat) -> int:
    """Write the reset into the log at ``path``; ``ids`` (whose process this is) and
    ``stat_of`` (who owns what) are the seams the root tests use.

    Run by root (the way the device's own messages advise), it follows no link a user
    could have planted on the way and writes as the owner of the log's directory, so a
    log it has to replace stays the service's (:mod:`unslump.edges.store.as_owner`).
    """
    try:
        refuse_planted_link(path, ids, stat_of=stat_of)
    except PlantedLinkError as refused:
        print(f"unslump: {refused}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if not path.is_file():
        print(f"unslump: {path}: no break log here yet; nothing to reset (or pass --db)",
              file=sys.stderr)
        return EXIT_BAD_INPUT
    clock = SystemClock()
    with as_owner_of(path.parent, ids, stat_of), SqliteStore.open(
            path, logger=logging.getLogger("unslump.store"), clock=clock) as store:
        before = store.notice_answer()
        store.append(NoticeRecord(clock.wall(), NoticeAnswer.RESET))
        written = store.healthy
    if not written:
        print(f"unslump: {path}: the log cannot be written; run as the device's user "
              "(sudo unslump routine reset-notice)", file=sys.stderr)
        return 1
    was = "never answered" if before is None else f"was '{before}'"
    print(f"safety notice reset in {path} ({was}): the next stretch asks again once the "
          "device restarts (sudo systemctl restart unslump)")
    return 0
