"""Target 8: sound without pygame in the service; effect to first sample, warm and cold.

The player process (``unslump.edges.audio.player_process``) runs on SDL's ``disk`` driver, which
writes every buffer it mixes to a file at the pace a sound card would take them. So
"first sample" is literal: the moment the first non-zero sample of the sound asked for
appears in that file, measured from the ``play()`` call in this process (the effect).

* cold: no player running; ``play()`` starts it (interpreter, pygame, mixer, the sound).
  The figure is when SDL mixed that sample, worked out from where it lies in the file
  (see :func:`first_sample_after`): what a sound card would be handed at that moment.
* warm: the player up, idle, its sounds made ahead; median and worst of ``repeat``.
* resting: the player kept between a reminder's chimes, its sounds made, its device
  closed; ``play()`` opens the device again (the opening silence included): the first
  cue of a stretch started by a press at a repeated reminder. Median and worst of
  ``rest_repeat``.
* first cue after a press, cold: the device's own loop (``bench.assembly``, seated, the
  safety notice answered), no player running, a press as a finger makes it; from the
  press's settle (the release plus the debounce, when the core decides it is a press)
  to the first non-zero sample of the stretch's first cue reaching the sound device.
  That cue is played by ``aplay`` (:mod:`unslump.edges.audio.first_cue`), given an ALSA
  configuration (``ALSA_CONFIG_PATH``) whose default device is a ``file`` PCM writing
  into a FIFO over the ``null`` PCM: the figure is when its first bytes arrive, plus the
  cue's leading silence (a card would play that first). Median and worst of
  ``press_repeat``, each on a fresh device. And the same press with no ``aplay`` path
  (as before it existed): the cold player plays the cue, on SDL's ``disk`` driver.
* the player's resident memory once it has made every sound of a routine (the steady
  state while a routine plays); ``run.py`` adds the service's own figure for the tree.
* with espeak-ng installed: rendering the spoken cues into a fresh cache, per phrase,
  and the cache's size.
"""

from __future__ import annotations

import logging
import math
import os
import select
import shutil
import statistics
import tempfile
import threading
from array import array
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from bench import proc
from bench.alsa import file_pcm_config
from bench.assembly import assemble, open_panel
from bench.results import Figure
from unslump.app.assembly import queue_waiter
from unslump.config.file import Config
from unslump.core.effects import Play
from unslump.core.records import NoticeAnswer, NoticeRecord
from unslump.core.routine import breath_plays
from unslump.core.tones import Tone
from unslump.edges.audio.first_cue import CUE_RATE, cue_path
from unslump.edges.audio.player_client import PlayerAudio, player_command
from unslump.edges.audio.player_process import MIXER_BUFFER
from unslump.edges.audio.voice import Rendered, VoiceCache, spoken_phrases
from unslump.edges.clock import SystemClock
from unslump.edges.store.sqlite import SqliteStore
from unslump.edges.system.sd_notify import Notifier
from unslump.ports import Stop

ROOT = Path(__file__).resolve().parent.parent
LIMIT_S = 20.0
DEVICE_RATE = 22050  # the player asks for 22.05 kHz mono 16-bit; the disk driver grants it
CLOCK = SystemClock()


def wait_s(seconds: float) -> None:
    select.select([], [], [], seconds)


def first_sample_after(raw: Path, offset: int, since: float, rate: int = DEVICE_RATE) -> float:
    """Seconds from ``since`` until SDL mixed the first non-zero sample past ``offset``.

    The disk driver writes through stdio, so the file grows in 4 KiB bursts (93 ms of
    sound) and the moment a byte appears would add up to that much to the figure. But
    the driver takes one mixer buffer per buffer's worth of real time, so the newest
    buffer of each burst was handed over when the burst landed, and a buffer ``n``
    samples before the end of it ``n / rate`` seconds earlier. The figure is when the
    buffer holding the sound's first sample was handed to the "device".
    """
    while CLOCK.monotonic() - since < LIMIT_S:
        size = raw.stat().st_size if raw.exists() else 0
        if size > offset:
            landed = CLOCK.monotonic()
            with raw.open("rb") as stream:
                stream.seek(offset)
                data = stream.read(size - offset)
            samples = array("h", data[: len(data) // 2 * 2])
            first = next((i for i, value in enumerate(samples) if value), None)
            if first is not None:
                # the driver writes a whole mixer buffer at once, when it is handed over
                index = offset // 2 + first
                handed = math.ceil((index + 1) / MIXER_BUFFER) * MIXER_BUFFER
                return landed - (offset // 2 + len(samples) - handed) / rate - since
            offset += len(samples) * 2
        wait_s(0.0005)
    raise TimeoutError("no sound reached the disk driver's file")


def settle(link: PlayerAudio, until: Callable[[PlayerAudio], bool]) -> None:
    """Let the player talk until ``until(link)`` is true (reading its pipe, no sleeping)."""
    start = CLOCK.monotonic()
    while not until(link):
        fd = link.fileno()
        if fd is None or CLOCK.monotonic() - start > LIMIT_S:
            raise TimeoutError("the player did not get there")
        select.select([fd], [], [], 0.05)
        link.service(CLOCK.monotonic())


def run(repeat: int = 20, cold_repeat: int = 3, rest_repeat: int = 5,
        press_repeat: int = 7) -> tuple[list[Figure], dict[str, object]]:
    with tempfile.TemporaryDirectory(prefix="bench-audio-") as directory:
        pressed = press_cues(Path(directory) / "press", press_repeat)
        by_player = press_cues(Path(directory) / "press-player", max(3, press_repeat // 2),
                               aplay=False)
        colds: list[float] = []
        for attempt in range(cold_repeat + 1):
            raw = Path(directory) / f"mixed-{attempt}.raw"
            link = _link(raw, linger_s=3600.0)
            try:
                since = CLOCK.monotonic()
                link.play(Play(Tone.SETUP))
                colds.append(first_sample_after(raw, 0, since))
                if attempt < cold_repeat:
                    continue
                # the last player stays: its sounds made, it is the warm one
                settle(link, lambda player: player.prepared_at is not None)
                assert link.pid is not None
                player_kib = proc.sample(link.pid).rss_kib
                warm: list[float] = []
                for _ in range(repeat):
                    settle(link, lambda player: not player.waiting)
                    wait_s(0.3)  # the tick before is over: the file holds silence again
                    offset = raw.stat().st_size
                    since = CLOCK.monotonic()
                    link.play(Play(Tone.TICK))
                    warm.append(first_sample_after(raw, offset, since))
            finally:
                link.close()
        resting = _resting(Path(directory) / "resting.raw", rest_repeat)
        voice = _voice(Path(directory) / "voice")
    warm_ms = sorted(1000 * w for w in warm)
    cold_ms = sorted(1000 * c for c in colds)
    figures = [
        *press_figures(pressed, by_player),
        Figure("audio_cold_ms",
               f"Audio: effect to first sample, player cold, median of {len(cold_ms)}",
               round(statistics.median(cold_ms), 1), "ms", 500, "max"),
        Figure("audio_warm_ms", f"Audio: effect to first sample, player warm, p50 of {repeat}",
               round(statistics.median(warm_ms), 1), "ms", 50, "max"),
        Figure("audio_warm_worst_ms", "Audio: effect to first sample, player warm, worst",
               round(warm_ms[-1], 1), "ms"),
        Figure("audio_resting_ms", "Audio: effect to first sample, player resting (kept "
               f"between a reminder's chimes, device closed), median of {len(resting)}",
               round(statistics.median(resting), 1), "ms", 150, "max",
               "the opening silence (100 ms) included"),
        Figure("audio_resting_worst_ms", "Audio: effect to first sample, player resting, worst",
               round(resting[-1], 1), "ms"),
        Figure("rss_player", "Memory: VmRSS of the player with every sound of a routine made",
               round(player_kib / 1024, 1), "MiB"),
    ]
    if voice is not None:
        figures += [
            Figure("voice_render_ms", f"Voice: espeak-ng render, per phrase ({voice.made} "
                   "phrases, once at first start)", round(1000 * voice.seconds / voice.made, 1),
                   "ms"),
            Figure("voice_cache_kib", "Voice: the phrase cache on disk",
                   round(voice.cache_bytes / 1024), "KiB"),
        ]
    return figures, {"audio": {"press_cue_ms": pressed, "press_cue_by_player_ms": by_player,
                               "cold_ms": cold_ms,
                               "warm_ms": warm_ms, "resting_ms": resting,
                               "player_rss_kib": player_kib,
                               "voice": None if voice is None else voice.__dict__}}


def _rested_since(before: float | None) -> Callable[[PlayerAudio], bool]:
    """True once the player has rested again after its rest at ``before``."""
    return lambda player: player.rested_at not in (None, before)


def _resting(raw: Path, repeat: int) -> list[float]:
    """Effect to first sample, in ms, from a player resting between a reminder's chimes
    (kept for the next one, device closed): a press at a repeated reminder."""
    link = _link(raw, linger_s=0.2)
    try:
        link.play(Play(Tone.REMINDER))
        link.expect(CLOCK.monotonic() + 600.0)  # the chime's repeat, ten minutes off
        times: list[float] = []
        for _ in range(repeat):
            settle(link, _rested_since(link.rested_at))
            raw.unlink(missing_ok=True)  # SDL's disk driver writes a new file at each open
            since = CLOCK.monotonic()
            link.play(Play(Tone.SETUP))
            times.append(1000 * first_sample_after(raw, 0, since))
            settle(link, lambda player: not player.waiting)
        return sorted(times)
    finally:
        link.close()


def _voice(directory: Path) -> Rendered | None:
    """Render every spoken cue into a fresh cache, as a first start does (if espeak-ng)."""
    cache = VoiceCache(directory, "en")
    if not cache.available:
        return None
    _, rendered = cache.ensure(spoken_phrases(Config().routines), CLOCK)
    return rendered


def _link(raw: Path, linger_s: float) -> PlayerAudio:
    """A link to a fresh player on SDL's disk driver, writing what it mixes to ``raw``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("SDL_")}
    env.update(SDL_AUDIODRIVER="disk", SDL_DISKAUDIOFILE=str(raw), PYTHONPATH=str(ROOT))
    config = Config()
    command = player_command(0.5, "swell", breath_plays(config.routines.stretch, config.routine))
    return PlayerAudio(CLOCK, command, logging.getLogger("bench.audio"), env=env,
                       linger_s=linger_s)


# -- the first cue after a press, cold ------------------------------------------------

PRESS_DOWN_S = 0.12
"""How long the finger keeps the button down (a person: 80-200 ms)."""


def press_figures(pressed: list[float] | str,
                  by_player: list[float] | str = "not measured") -> list[Figure]:
    """The rows of :func:`press_cues` (or one saying why it did not run), and the same
    press with the player playing the cue, as before ``aplay`` did."""
    label = "Audio: first cue after a press, cold (settle to the first sample at the device)"
    if isinstance(pressed, str):
        return [Figure("audio_press_cue_ms", label, "not run", "", note=pressed)]
    figures = [
        Figure("audio_press_cue_ms", f"{label}, median of {len(pressed)}",
               round(statistics.median(pressed), 1), "ms", 150, "max",
               "no player running; aplay plays the cue, its 50 ms lead-in silence included"),
        Figure("audio_press_cue_worst_ms", "Audio: first cue after a press, cold, worst",
               round(max(pressed), 1), "ms"),
    ]
    if not isinstance(by_player, str):
        figures.append(Figure(
            "audio_press_cue_by_player_ms", "Audio: first cue after a press, cold, played by "
            f"the player instead (no aplay, as before), median of {len(by_player)}",
            round(statistics.median(by_player), 1), "ms",
            note="interpreter, pygame, mixer; its 100 ms opening silence included"))
    return figures


@contextmanager
def alsa_into(fifo: Path) -> Iterator[None]:
    """ALSA's default device, for programs started meanwhile: a ``file`` PCM over ``null``
    that writes every sample into ``fifo`` at once (no card, no pacing)."""
    conf = fifo.with_suffix(".conf")
    conf.write_text(file_pcm_config(fifo))
    before = os.environ.get("ALSA_CONFIG_PATH")
    os.environ["ALSA_CONFIG_PATH"] = str(conf)
    try:
        yield
    finally:
        if before is None:
            del os.environ["ALSA_CONFIG_PATH"]
        else:
            os.environ["ALSA_CONFIG_PATH"] = before


def press_cues(directory: Path, repeat: int, aplay: bool = True) -> list[float] | str:
    """Settle to the first sample of the stretch's first cue, in ms, ``repeat`` presses,
    each on a fresh device with no player running; a string says why it did not run.
    ``aplay`` False: the device has no first cues, the player plays the cue (SDL's
    ``disk`` driver, a file per press)."""
    directory.mkdir()
    if not aplay:
        return sorted(1000 * _one_press(directory, attempt, None) for attempt in range(repeat))
    if shutil.which("aplay") is None:
        return "aplay is missing: sh scripts/ci-deps.sh (alsa-utils)"
    fifo = directory / "device.pcm"
    os.mkfifo(fifo)
    # read and write: the FIFO never reads as ended between two aplay runs
    reader = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)
    times: list[float] = []
    try:
        with alsa_into(fifo):
            for attempt in range(repeat):
                times.append(1000 * _one_press(directory, attempt, reader))
    finally:
        os.close(reader)
    return sorted(times)


def _one_press(directory: Path, attempt: int, reader: int | None) -> float:
    """One fresh device, seated, pressed once: seconds from the settle to the cue's first
    sample reaching the device (``reader``: aplay's FIFO; None: no aplay, the player on
    SDL's disk driver plays it)."""
    config = Config()
    db = directory / f"log-{attempt}.db"
    with SqliteStore.open(db) as store:
        store.append(NoticeRecord(datetime.now().astimezone(), NoticeAnswer.UNDERSTOOD))
    handed: dict[str, Any] = {}
    ready = threading.Event()
    raw = directory / f"player-{attempt}.raw"
    audio = None
    if reader is None:  # no first cues: every sound goes to the player
        env = {key: value for key, value in os.environ.items() if not key.startswith("SDL_")}
        env.update(SDL_AUDIODRIVER="disk", SDL_DISKAUDIOFILE=str(raw), PYTHONPATH=str(ROOT))
        command = player_command(config.audio.volume, config.audio.breath, breath_plays(
            config.routines.stretch, config.routine), directory / "sounds")
        audio = PlayerAudio(CLOCK, command, logging.getLogger("bench.audio"), env=env)

    def loop() -> None:
        with ExitStack() as stack:
            parts = assemble(stack, config, CLOCK, db, Notifier(env={}),
                             open_panel("dummy", config), audio)
            parts.start_seated()
            handed["parts"] = parts
            ready.set()
            parts.runtime.run_forever(queue_waiter(parts.events, CLOCK))

    thread = threading.Thread(target=loop, name="loop")
    thread.start()
    try:
        if not ready.wait(LIMIT_S):
            raise TimeoutError("the device's loop did not start")
        parts = handed["parts"]
        if reader is not None:
            cue = cue_path(db.parent / "sounds", Tone.SETUP, config.audio.volume)
            cues = parts.audio.cues
            _wait_for(lambda: cue.exists() and not cues.busy,
                      "the first cues were not written (player_process --write-cues)")
        if parts.audio.running:
            raise RuntimeError("a player was running before the press: not a cold start")
        button = parts.factory.pin(config.pins.button)
        button.drive_low()
        wait_s(PRESS_DOWN_S)
        released = CLOCK.monotonic()
        button.drive_high()
        settled = released + config.button.debounce_s
        if reader is None:
            return first_sample_after(raw, 0, settled)
        arrived, first = _first_sound(reader)
        return arrived + first / CUE_RATE - settled
    finally:
        if "parts" in handed:
            handed["parts"].events.put(Stop("bench"))
        thread.join()


def _wait_for(done: Callable[[], bool], what: str) -> None:
    start = CLOCK.monotonic()
    while not done():
        if CLOCK.monotonic() - start > LIMIT_S:
            raise TimeoutError(what)
        wait_s(0.02)


def _first_sound(reader: int) -> tuple[float, int]:
    """When the bytes holding the first non-zero sample arrived, and how many samples
    came before it (the silence a card would play first); everything aplay writes for
    the cue is read, so the next press starts on an empty FIFO."""
    start = CLOCK.monotonic()
    before = 0
    found: tuple[float, int] | None = None
    pending = b""
    while True:
        left = LIMIT_S - (CLOCK.monotonic() - start)
        if left <= 0:
            raise TimeoutError("no sound reached the device after the press")
        readable, _, _ = select.select([reader], [], [], left if found is None else 0.3)
        if not readable:
            if found is not None:
                return found  # aplay is done: nothing more for 0.3 s
            continue
        at = CLOCK.monotonic()
        try:
            pending += os.read(reader, 1 << 16)
        except BlockingIOError:
            continue
        whole = len(pending) // 2 * 2
        samples, pending = array("h", pending[:whole]), pending[whole:]
        if found is None:
            index = next((i for i, value in enumerate(samples) if value), None)
            if index is None:
                before += len(samples)
            else:
                found = (at, before + index)
