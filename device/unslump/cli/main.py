"""The ``unslump`` command: run the device, play scenarios, show the configuration.

Errors the user can fix (a bad config key, a malformed scenario line, an option's value)
end the command with one line naming the file and the fix, and exit status 2; hardware
that cannot be reached exits with status 1.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from unslump import __version__
from unslump.config.file import Config, find_config, load_config, render_defaults
from unslump.edges.clock import Clock, local_zone
from unslump.edges.system.journal import configure_logging
from unslump.edges.system.lean_imports import keep_service_lean
from unslump.errors import ConfigError, ScenarioError, UnslumpError, UsageError

Handler = Callable[[argparse.Namespace], int]

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


def _config_from(args: argparse.Namespace) -> Config:
    return load_config(find_config(getattr(args, "config", None)))


def cmd_run(args: argparse.Namespace) -> int:
    keep_service_lean()  # done already by main(); here too for a caller of cmd_run alone
    from unslump.app.assembly import OpenStandIn, run_device

    stand_in: OpenStandIn | None = None
    if args.simulate:
        from unslump.sim.simulator import open_simulator

        stand_in = open_simulator
    run_device(_config_from(args), stand_in=stand_in, db=args.db)
    return 0


def cmd_scenario(args: argparse.Namespace) -> int:
    import tempfile  # here, not at the top: the service (``run``) never needs it

    from unslump.app.integrations import outbox_cap
    from unslump.edges.store.paths import writable_db_path
    from unslump.edges.store.sqlite import SqliteStore
    from unslump.sim.scenario.runner import run_script
    from unslump.sim.scenario.script import read_script

    script = read_script(Path(args.file))
    config = _config_from(args)
    chosen = writable_db_path(args.db) if args.db else None
    if args.frames:
        Path(args.frames).mkdir(parents=True, exist_ok=True)
    frames = Path(args.frames) if args.frames else None
    with tempfile.TemporaryDirectory(prefix="unslump-scenario-") as scratch:
        db = chosen or Path(scratch) / "scenario.db"
        opened: list[SqliteStore] = []

        def open_store(clock: Clock) -> SqliteStore:
            opened.append(SqliteStore.open(db, logger=logging.getLogger("unslump.store"),
                                           clock=clock, outbox_cap=outbox_cap(config)))
            return opened[-1]

        # the start line may name the zone the scenario is played in
        zone = local_zone(script.zone) if script.zone else contextlib.nullcontext()
        try:
            with zone:
                run_script(script, config, open_store, sys.stdout, frames)
        finally:
            for store in opened:
                store.close()
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from unslump.sim.demo import run_demo

    run_demo(Path(args.out), sys.stdout, _config_from(args))
    return 0


def cmd_config(args: argparse.Namespace) -> int:
    if args.defaults:
        sys.stdout.write(render_defaults())
        return 0
    if args.template or args.action:
        return cmd_config_edit(args)
    path = find_config(args.config)
    config = load_config(path)
    print(f"{path}: valid" if path else "no config file found; using the built-in defaults")
    if config.mqtt.enabled:  # what Home Assistant set, kept beside the log, overrides it
        from unslump.edges.mqtt.ha_settings import described
        from unslump.edges.store.paths import chosen_db_path

        for line in described(chosen_db_path(getattr(args, "db", None), config.store.path)):
            print(line)
    return 0


def cmd_config_edit(args: argparse.Namespace) -> int:
    """``config --template`` and ``config set SECTION.KEY VALUE`` (unslump.config.edit)."""
    from unslump.config.edit import render_template, set_key, target_path

    if args.template:
        sys.stdout.write(render_template())
        return 0
    if len(args.action) != 3 or args.action[0] != "set":
        raise ConfigError("config: expected `unslump config set SECTION.KEY VALUE`, e.g. "
                          "unslump config set audio.backend buzzer")
    _, name, value = args.action
    path = target_path(find_config(args.config), os.geteuid(), Path.home())
    print(set_key(path, name, value).summary())
    return 0


BUILT_IN = frozenset({"run", "scenario", "demo", "config"})
"""The commands defined in this module."""

COMMAND_MODULES = {
    "stats": "unslump.cli.stats", "export": "unslump.cli.stats",
    "blank": "unslump.cli.blank", "routine": "unslump.cli.routine_commands",
    "doctor": "unslump.cli.doctor.command", "mqtt-dropin": "unslump.cli.mqtt_dropin",
}
"""The other commands, each registered by its module's ``register(commands, parents)``."""


def _command_in(argv: Sequence[str] | None) -> str | None:
    """The command ``argv`` names (its first word that is not an option), read before the
    parser exists."""
    words = [word for word in (sys.argv[1:] if argv is None else argv)
             if not word.startswith("-")]
    return words[0] if words else None


def _modules_for(argv: Sequence[str] | None) -> list[str]:
    """The command modules to load for ``argv``: none for a built-in command (the service
    starts with ``run`` and so never loads doctor, stats and the rest), the one named, or
    all of them for ``--help``, no command or a misspelt one, so argparse lists them all."""
    named = _command_in(argv)
    if named in BUILT_IN:
        return []
    if named in COMMAND_MODULES:
        return [COMMAND_MODULES[named]]
    return list(dict.fromkeys(COMMAND_MODULES.values()))


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The command line for ``argv`` (the process's own by default); every subcommand
    answers ``--help`` and ``--version``."""
    version = argparse.ArgumentParser(add_help=False)
    version.add_argument("--version", action="version", version=f"unslump {__version__}")
    configured = argparse.ArgumentParser(add_help=False)
    configured.add_argument("--config", metavar="PATH",
                            help="config file (default: $UNSLUMP_CONFIG, "
                                 "/etc/unslump/config.toml, ~/.config/unslump/config.toml)")

    parser = argparse.ArgumentParser(
        prog="unslump", parents=[version],
        description="A desk companion that notices long sitting and guides a "
                    "lower-back stretch.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", parents=[version, configured],
                              help="run the device (real hardware, or --simulate)")
    run.add_argument("--simulate", action="store_true",
                     help="mock pins and the OLED in a window (or the terminal); "
                          "keys: space = button, s = seat, q = quit")
    run.add_argument("--db", metavar="PATH",
                     help="break log file (default: [store] path; with --simulate, the "
                          "simulator's own simulator.db beside the default log)")
    run.set_defaults(handler=cmd_run)

    scenario = commands.add_parser("scenario", parents=[version, configured],
                                   help="play a scripted session in virtual time")
    scenario.add_argument("file", metavar="FILE", help="scenario file")
    scenario.add_argument("--db", metavar="PATH",
                          help="break log to write (default: a temporary one)")
    scenario.add_argument("--frames", metavar="DIR",
                          help="save each distinct screen as a PNG scaled x4")
    scenario.set_defaults(handler=cmd_scenario)

    demo = commands.add_parser("demo", parents=[version, configured],
                               help="play a scripted morning into demo.gif and demo.wav")
    demo.add_argument("--out", metavar="DIR", default="demo-out",
                      help="where to write demo.gif and demo.wav (default: ./demo-out)")
    demo.set_defaults(handler=cmd_demo)

    config = commands.add_parser("config", parents=[version, configured],
                                 help="check the config file, or print the defaults")
    config.add_argument("--defaults", action="store_true",
                        help="print the full default config with a comment per key")
    config.add_argument("--db", metavar="PATH",
                        help="the break log beside which settings set from Home Assistant "
                        "are kept (default: see [store] path)")
    config.add_argument("--template", action="store_true",
                        help="print the file the install writes: the defaults commented out")
    config.add_argument("action", nargs="*", metavar="set SECTION.KEY VALUE",
                        help="change one key, keeping the file's comments; the value and the "
                             "whole file are checked before it is written")
    config.set_defaults(handler=cmd_config)
    for module in _modules_for(argv):
        importlib.import_module(module).register(commands, [version, configured])
    describe(parser)
    return parser


EXAMPLES = {
    "run": "unslump run --simulate (off the Pi: the OLED in a window or this terminal)",
    "scenario": "unslump scenario tests/scenarios/sit-press-stand.txt --frames frames",
    "demo": "unslump demo --out demo-out",
    "config": "unslump config --defaults > ~/.config/unslump/config.toml",
    "stats": "unslump stats --week (add --sim for what the simulator logged)",
    "export": "unslump export --format csv --out breaks.csv",
    "blank": "unslump blank",
    "routine": "unslump routine check my-stretch.toml",
    "routine check": "unslump routine check my-stretch.toml",
    "routine reset-notice": "sudo unslump routine reset-notice",
    "doctor": "sudo unslump doctor (or --live, with the service stopped)",
    "mqtt-dropin": "sudo unslump mqtt-dropin --write /etc/systemd/system/unslump.service.d",
}
"""One example per command and subcommand, shown at the end of its ``--help``."""


def describe(parser: argparse.ArgumentParser, path: str = "") -> None:
    """Give every subcommand's ``--help`` a one-line description (its ``help`` text, if it
    has none of its own) and an example from :data:`EXAMPLES`."""
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            continue
        for listed in action._choices_actions:
            name = f"{path} {listed.dest}".strip()
            command = action.choices[listed.dest]
            if not command.description and listed.help:
                command.description = listed.help[0].upper() + listed.help[1:] + "."
            if name in EXAMPLES:
                command.epilog = f"example: {EXAMPLES[name]}"
            describe(command, name)


def report_fatal(exc: UnslumpError, env: Mapping[str, str] = os.environ) -> None:
    """The one line saying why the command ends; at err priority when stderr is the journal.

    Other lines get their priority from unslump.edges.system.journal; without this prefix
    the reason a service could not start would be filed at info, out of ``journalctl -p err``.
    """
    prefix = "<3>" if env.get("JOURNAL_STREAM") else ""
    print(f"{prefix}unslump: {exc}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    if _command_in(argv) == "run":
        keep_service_lean()  # first: argparse itself imports what the service leaves out
    args = build_parser(argv).parse_args(argv)
    configure_logging()
    handler: Handler = args.handler
    try:
        return handler(args)
    except BrokenPipeError:
        # The reader stopped early (`unslump scenario FILE | head`): no traceback, and no
        # second error when Python flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        print("unslump: the output was closed before the end (broken pipe)", file=sys.stderr)
        return EXIT_FAILED
    except (ConfigError, ScenarioError, UsageError) as exc:
        report_fatal(exc)
        return EXIT_BAD_INPUT
    except UnslumpError as exc:
        report_fatal(exc)
        return EXIT_FAILED
