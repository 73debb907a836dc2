"""``unslump blank``: switch the panel off after the device has stopped, however it stopped.

systemd runs it as ``ExecStopPost=`` after every stop, crashes included. A clean stop
already blanks the panel from the device's own ``ExitStack``, but a killed or crashed
process leaves its last frame lit, and an OLED burns in a frame left lit for days.

systemd names how the service ended in ``$SERVICE_RESULT``: after a clean stop
(``success``) with ``[display] persist = true`` the builder asked for the last frame to
stay, so the panel is left alone (not even opened: opening it resets it). Every other
case is blanked. A display that cannot be opened has nothing to blank, which is not a
failure of the stop, so the command then prints one line and still exits 0.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Mapping
from typing import Any, TextIO

from unslump.config.file import DisplayConfig, find_config, load_config
from unslump.errors import ConfigError, DisplayError

CLEAN_STOP = "success"


def should_blank(config: DisplayConfig, service_result: str | None) -> bool:
    """False only when the last frame is meant to persist and the stop was clean."""
    return not (config.persist and service_result == CLEAN_STOP)


def blank_device(device: Any) -> None:
    """Clear the panel's memory, switch it off, and let go without luma's own re-blank.

    Cleared before hidden, so that whatever switches the panel on next (the device's
    start) shows nothing stale; ``persist`` keeps luma's cleanup (also run at exit)
    from sending the same commands again.
    """
    device.clear()
    device.hide()
    device.persist = True
    device.cleanup()


def blank(
    config: DisplayConfig,
    env: Mapping[str, str],
    out: TextIO,
    open_device: Callable[[DisplayConfig], Any] | None = None,
) -> int:
    """Blank the panel described by ``config`` unless it is meant to persist; exit status."""
    result = env.get("SERVICE_RESULT")
    if not should_blank(config, result):
        print(f"display: left lit ([display] persist = true, service result {result})",
              file=out)
        return 0
    from unslump.edges.display import oled as display_adapter  # Pillow: not at `unslump` start

    opener = open_device or display_adapter.open_luma_device
    try:
        device = opener(config)
    except DisplayError as exc:
        print(f"display: nothing to blank ({exc})", file=out)
        return 0
    blank_device(device)
    print("display: blanked", file=out)
    return 0


EXIT_BAD_INPUT = 2


def cmd_blank(args: argparse.Namespace) -> int:
    """Blank the panel; a bad config still blanks (where the defaults say the panel is),
    then exits 2 so the mistake is not mistaken for success."""
    try:
        config = load_config(find_config(args.config)).display
    except ConfigError as exc:
        # The panel may still hold a stale frame: blank it where the defaults say it is.
        print(f"unslump blank: {exc}; blanked the default [display]", file=sys.stderr)
        blank(DisplayConfig(), os.environ, sys.stdout)
        return EXIT_BAD_INPUT
    return blank(config, os.environ, sys.stdout)


def register(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    """Add ``blank`` to the ``unslump`` subcommands (``commands`` from add_subparsers)."""
    parser = commands.add_parser(
        "blank", parents=parents,
        help="switch the display off (run by systemd after the service stops)",
        description="Clear and switch off the display, unless [display] persist = true "
                    "and $SERVICE_RESULT is 'success'. Exits 0 when there is no display.")
    add_config_option(parser)
    parser.set_defaults(handler=cmd_blank)


def add_config_option(parser: argparse.ArgumentParser) -> None:
    """``--config PATH``, unless a parent parser (cli's shared one) already added it."""
    with contextlib.suppress(argparse.ArgumentError):
        parser.add_argument("--config", metavar="PATH", help="config file (default: "
                            "$UNSLUMP_CONFIG, /etc/unslump/config.toml, "
                            "~/.config/unslump/config.toml)")


__all__ = ["add_config_option", "blank", "blank_device", "cmd_blank", "register",
           "should_blank"]
