"""Target 8: sound without pygame in the service; effect to first sample, warm and cold.

The player process (``device.adapters.player``) runs on SDL's ``disk`` driver, which
writes every buffer it mixes to a file at the pace a sound card would take them. So
"first sample" is literal: the moment the first non-zero sample of the sound asked for
appears in that file, measured from the ``play()`` call in this process (the effect).

* cold: no player running; ``play()`` starts it (interpreter, pygame, mixer, the sound).
* warm: the player up, idle, its sounds made ahead; median and worst of ``repeat``.
* the player's resident memory once it has made every sound of a routine (the steady
  state while a routine plays); ``run.py`` adds the service's own figure for the tree.
"""

from __future__ import annotations

import logging
import os
import select
import statistics
import tempfile
from array import array
from pathlib import Path

from bench import proc
from bench.results import Figure
from device.adapters.player_link import PlayerAudio, player_command
from device.clock import SystemClock
from device.config import RoutineConfig
from device.core.effects import Play
from device.core.routine import breath_plays
from device.core.tones import Tone

ROOT = Path(__file__).resolve().parent.parent
LIMIT_S = 20.0
CLOCK = SystemClock()


def wait_s(seconds: float) -> None:
    select.select([], [], [], seconds)


def first_sample_after(raw: Path, offset: int, since: float) -> float:
    """Seconds from ``since`` until a non-zero 16-bit sample lands past ``offset``."""
    while CLOCK.monotonic() - since < LIMIT_S:
        size = raw.stat().st_size if raw.exists() else 0
        if size > offset:
            with raw.open("rb") as stream:
                stream.seek(offset)
                data = stream.read(size - offset)
            samples = array("h", data[: len(data) // 2 * 2])
            if any(samples):
                return CLOCK.monotonic() - since
            offset += len(samples) * 2
        wait_s(0.0005)
    raise TimeoutError("no sound reached the disk driver's file")


def settle(link: PlayerAudio, until: object) -> None:
    """Let the player talk until ``until()`` is true (reading its pipe, no sleeping)."""
    start = CLOCK.monotonic()
    while not until():  # type: ignore[operator]
        fd = link.fileno()
        if fd is None or CLOCK.monotonic() - start > LIMIT_S:
            raise TimeoutError("the player did not get there")
        select.select([fd], [], [], 0.05)
        link.service(CLOCK.monotonic())


def run(repeat: int = 20) -> tuple[list[Figure], dict[str, object]]:
    with tempfile.TemporaryDirectory(prefix="bench-audio-") as directory:
        raw = Path(directory) / "mixed.raw"
        env = {key: value for key, value in os.environ.items() if not key.startswith("SDL_")}
        env.update(SDL_AUDIODRIVER="disk", SDL_DISKAUDIOFILE=str(raw),
                   PYTHONPATH=str(ROOT))
        command = player_command(0.5, "swell", breath_plays(RoutineConfig()))
        link = PlayerAudio(CLOCK, command, logging.getLogger("bench.audio"), env=env,
                           linger_s=3600.0)
        try:
            since = CLOCK.monotonic()
            link.play(Play(Tone.SETUP))
            cold = first_sample_after(raw, 0, since)
            settle(link, lambda: link.prepared_at is not None)
            assert link.pid is not None
            player_kib = proc.sample(link.pid).rss_kib
            warm: list[float] = []
            for _ in range(repeat):
                settle(link, lambda: not link._unconfirmed)
                wait_s(0.3)  # the tick before is over: the file holds silence again
                offset = raw.stat().st_size
                since = CLOCK.monotonic()
                link.play(Play(Tone.TICK))
                warm.append(first_sample_after(raw, offset, since))
        finally:
            link.close()
    warm_ms = sorted(1000 * w for w in warm)
    figures = [
        Figure("audio_cold_ms", "Audio: effect to first sample, player cold",
               round(cold * 1000, 1), "ms", 500, "max"),
        Figure("audio_warm_ms", f"Audio: effect to first sample, player warm, p50 of {repeat}",
               round(statistics.median(warm_ms), 1), "ms", 50, "max"),
        Figure("audio_warm_worst_ms", "Audio: effect to first sample, player warm, worst",
               round(warm_ms[-1], 1), "ms"),
        Figure("rss_player", "Memory: VmRSS of the player with every sound of a routine made",
               round(player_kib / 1024, 1), "MiB"),
    ]
    return figures, {"audio": {"cold_s": cold, "warm_ms": warm_ms,
                               "player_rss_kib": player_kib}}
