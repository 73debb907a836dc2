"""``unslump routine reset-notice``: ask the safety notice again before the next stretch.

The notice's answer is kept in the log: "understood" starts the stretch, "not for me"
turns the button into a standing break. Someone whose back has healed (or who answered by
mistake) resets it here; the device reads the answer when it starts.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

from device.clock import SystemClock
from device.config import find_config, load_config
from device.core.records import NoticeAnswer, NoticeRecord
from device.store.paths import reader_db_path
from device.store.sqlite import SqliteStore

EXIT_BAD_INPUT = 2


def register(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    """Add ``routine`` (with ``reset-notice``) to ``commands``."""
    routine = commands.add_parser("routine", parents=parents,
                                  help="the stretch's safety notice and practice")
    actions = routine.add_subparsers(dest="action", required=True, metavar="ACTION")
    reset = actions.add_parser("reset-notice", parents=parents,
                               help="ask the safety notice again before the next stretch")
    reset.add_argument("--db", metavar="PATH", help="break log (default: as for stats)")
    reset.set_defaults(handler=cmd_reset_notice)


def cmd_reset_notice(args: argparse.Namespace) -> int:
    config = load_config(find_config(getattr(args, "config", None)))
    path = reader_db_path(args.db, config.store.path)
    if not path.is_file():
        print(f"unslump: {path}: no break log here yet; nothing to reset (or pass --db)",
              file=sys.stderr)
        return EXIT_BAD_INPUT
    clock = SystemClock()
    with SqliteStore.open(path, logger=logging.getLogger("device.store"), clock=clock) as store:
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
