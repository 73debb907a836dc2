"""The seated, idle service in real time: ``python -m bench.service --db PATH``.

The process the idle, start-up and peer benchmarks watch from outside: it sends READY=1
on ``$NOTIFY_SOCKET`` once seated and started, plays one tone (so the player process starts
and, a few seconds after the tone, ends again; after a reminder's chime it is kept, resting,
for the next chime), then sleeps in the loop until SIGTERM.
"""

from __future__ import annotations

import argparse
from contextlib import ExitStack
from pathlib import Path

from unslump.edges.system.lean_imports import keep_service_lean


def main(argv: list[str] | None = None) -> int:
    # First, as `unslump run` does (unslump.cli.main.main): this process is the service,
    # and what it leaves out must be left out before gpiozero, Pillow or luma is imported.
    keep_service_lean()
    from bench.assembly import PANELS, assemble, open_panel
    from unslump.app.assembly import queue_waiter, stop_on_signals
    from unslump.app.integrations import keep_paho_lean
    from unslump.config.file import Config, load_config
    from unslump.core.effects import Play
    from unslump.core.tones import Tone
    from unslump.edges.clock import SystemClock
    from unslump.edges.system.sd_notify import Notifier

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, required=True, help="SQLite break log to use")
    parser.add_argument("--panel", choices=PANELS, default="dummy")
    parser.add_argument("--no-tone", action="store_true", help="skip the tone at start")
    parser.add_argument("--tone", type=Tone, default=Tone.ACK,
                        help="the tone at start: ack (a press's; the player ends after it) "
                             "or reminder (the player is kept for the next chime)")
    parser.add_argument("--config", type=Path, help="a config file (the [mqtt] idle figures)")
    parser.add_argument("--exit-at-ready", action="store_true",
                        help="stop right after READY=1 (the instruction count of a start)")
    args = parser.parse_args(argv)
    config = load_config(args.config) if args.config else Config()
    keep_paho_lean(config)  # as run_device does: this process is the service
    clock = SystemClock()
    with ExitStack() as stack:
        notifier = stack.enter_context(Notifier())
        parts = assemble(stack, config, clock, args.db, notifier,
                         open_panel(args.panel, config))
        stop_on_signals(parts.events)
        parts.start_seated()
        notifier.ready()
        if args.exit_at_ready:
            parts.runtime.stop("measured to READY")
            return 0
        if not args.no_tone:
            parts.audio.play(Play(args.tone))
        reason = parts.runtime.run_forever(queue_waiter(parts.events, clock))
        notifier.stopping()
        parts.runtime.stop(reason)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
