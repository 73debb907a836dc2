"""The player process: ``python -m unslump.edges.audio.player_process``, the only place pygame runs.

pygame and an open mixer cost the service some 18 MiB and 50 wake-ups a second, for a
device that is silent nearly all day. So the service never imports pygame: it starts this
small process ahead of need (the start of a routine, a few seconds before a reminder),
tells it what to play over a pipe, and ends it after a few seconds of silence
(:mod:`unslump.edges.audio.player_client`). If it hangs or dies, the service loses the sound,
never its loop.

Protocol, one line each way per message (ASCII):

* in: ``play SEQ TONE LENGTH CUT`` (LENGTH in seconds or ``-``, CUT ``0``/``1``),
  ``say SEQ PATH`` (a spoken phrase: a WAV file, the rest of the line), ``rest`` (close
  the device until the next sound), ``quit``; end of input also quits.
* out: ``ready T`` each time the mixer opens, ``started SEQ T`` as each sound begins,
  ``idle T`` when the last sound has ended, ``prepared T`` once every sound is made,
  ``rested T`` once the device is closed, ``error TEXT`` before giving up. T is
  ``CLOCK_MONOTONIC``, the same clock as the service's.

The mixer stays open while sounds follow each other: an I2S amplifier (MAX98357A)
pops when its clock starts and stops, so it should happen once per routine, not once per
breath. An open mixer wakes the process 50-90 times a second even in silence, so when
the service keeps the player for a sound minutes away (a reminder's next chime) it says
``rest``: the mixer closes (one pop per chime, not 5,000 wake-ups a minute) and the next
sound opens it again, with pygame already loaded and the sounds already made.

Started after a first cue that ``aplay`` plays (:mod:`unslump.edges.audio.first_cue`), it
gets ``--open-after T``: the device is opened at T, and tried again for ``OPEN_RETRY_S``
if still busy. ``--write-cues TONES`` only writes those first cues' WAV files into
``--cache`` and exits, without pygame.

Tones queue on one channel (:class:`~unslump.edges.audio.sequencer.Lane`), phrases on a
second one over them; a cut fades out, and quitting fades out and lets a short silence
play before the device closes.
"""

from __future__ import annotations

import argparse
import io
import os
import select
import sys
import wave
import zlib
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from unslump.core.effects import Play
from unslump.core.tones import BREATH_TONES, Tone
from unslump.edges.audio.first_cue import CUE_RATE, cue_path
from unslump.edges.audio.sequencer import Lane, Slot
from unslump.edges.audio.synth import BREATH_STYLES, DEFAULT_RATE, ToneSynth, design_for
from unslump.edges.clock import SystemClock
from unslump.edges.system.import_block import never_import
from unslump.errors import AudioError

MIXER_BUFFER = 256
"""Samples per mixer buffer: 12 ms at 22.05 kHz. SDL keeps about two buffers in flight,
so 512 (23 ms each) measured 50-70 ms from the command to the first sample and missed
the 50 ms target; mixing one mono channel is cheap enough in C for a Pi Zero."""

FADE_MS = 30
"""A cut sound fades out over this long (no click)."""

CLOSING_SILENCE_S = 0.15
"""Silence played after the last fade before the device closes (the amplifier's tail)."""

OPENING_SILENCE_S = 0.1
"""Silence played after the device opens before the first sound: an amplifier that clicks
as its clock starts has settled by then, so the click is not on top of the cue."""

CUE_LEAD_S = 0.05
"""Silence at the head of a first cue's WAV file (``aplay`` has no opening silence of its
own): shorter than ``OPENING_SILENCE_S``, as this cue is the one a person waits for after
a press, and still past an amplifier's start-up click."""

OPEN_RETRY_S = 1.0
"""With ``--open-after``, how long a device still busy (``aplay`` draining on a loaded
machine) is tried again before the player gives up."""


def cue_wav(samples: array[int], rate: int) -> bytes:
    """``samples`` as a mono 16-bit WAV file, after ``CUE_LEAD_S`` of silence."""
    lead = array("h", bytes(2 * round(CUE_LEAD_S * rate)))
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes((lead + samples).tobytes())
    return out.getvalue()


def write_cues(directory: Path, tones: list[Tone], synth: ToneSynth) -> list[Path]:
    """Write each tone's first-cue WAV into ``directory`` where it is missing or differs
    (a new design or volume); returns the files written. Whole or absent: a cut power
    never leaves half a cue for ``aplay``."""
    written = []
    directory.mkdir(parents=True, exist_ok=True)
    for tone in tones:
        path = cue_path(directory, tone, synth.volume)
        data = cue_wav(synth.samples(tone), synth.rate)
        try:
            if path.read_bytes() == data:
                continue
        except OSError:
            pass
        partial = path.with_suffix(".part")
        partial.write_bytes(data)
        partial.replace(path)
        written.append(path)
    return written


def resample(samples: array[int], src_rate: int, dst_rate: int) -> array[int]:
    """``samples`` (signed 16-bit) at ``dst_rate``, by linear interpolation.

    Linear interpolation is enough here: the tones are below 3 kHz and the usual change is
    22050 to 44100 or 48000 Hz, an upsampling that adds no aliasing.
    """
    if src_rate == dst_rate or len(samples) < 2:
        return array("h", samples)
    count = max(2, round(len(samples) * dst_rate / src_rate))
    step = (len(samples) - 1) / (count - 1)
    out = array("h", bytes(2 * count))
    last = len(samples) - 1
    for i in range(count):
        position = i * step
        left = int(position)
        if left >= last:
            out[i] = samples[last]
            continue
        fraction = position - left
        out[i] = round(samples[left] + (samples[left + 1] - samples[left]) * fraction)
    return out


def to_mixer_format(samples: array[int], rate: int, mixer: tuple[int, int, int]) -> bytes:
    """Mono signed 16-bit ``samples`` at ``rate`` as raw PCM for a mixer opened as ``mixer``.

    ``mixer`` is ``pygame.mixer.get_init()``: (frequency, size, channels), where size is
    the bits per sample, negative when signed; pygame reports its 32-bit float format as
    -32. ``Sound(buffer=...)`` takes bytes in exactly that format, native byte order.
    """
    frequency, size, channels = mixer
    mono = resample(samples, rate, frequency)
    converted: array[int] | array[float]
    if size == -16:
        converted = mono
    elif size == 16:
        converted = array("H", [value + 32768 for value in mono])
    elif size == -8:
        converted = array("b", [value >> 8 for value in mono])
    elif size == 8:
        converted = array("B", [(value >> 8) + 128 for value in mono])
    elif size in (-32, 32):
        converted = array("f", [value / 32768.0 for value in mono])
    else:
        raise ValueError(f"unsupported mixer sample size {size}")
    return _interleave(converted.tobytes(), converted.itemsize, channels)


def _interleave(pcm: bytes, itemsize: int, channels: int) -> bytes:
    """Each ``itemsize``-byte sample of mono ``pcm`` repeated on every one of ``channels``."""
    if channels == 1:
        return pcm
    frame = itemsize * channels
    out = bytearray(len(pcm) * channels)
    for channel in range(channels):
        for byte in range(itemsize):
            out[channel * itemsize + byte::frame] = pcm[byte::itemsize]
    return bytes(out)


class PcmCache:
    """Sounds already made, as raw PCM files in ``directory``: a Pi Zero synthesises a
    routine's sounds in some fifteen seconds, and reads them back in a blink.

    A file is named by a checksum of everything that shapes its samples (the design,
    the length, volume, style, rate and the mixer's format), so a changed design or
    setting simply makes a new file. Any trouble with the directory only means making
    the sound again; it never stops one from playing.
    """

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory

    def get(self, key: str, make: Callable[[], bytes]) -> bytes:
        if self.directory is None:
            return make()
        path = self.directory / f"{zlib.crc32(key.encode()):08x}{len(key):04x}.pcm"
        try:
            return path.read_bytes()
        except OSError:
            pass
        pcm = make()
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".part")
            partial.write_bytes(pcm)
            partial.replace(path)  # whole or absent: a cut power never leaves half a sound
        except OSError:
            pass
        return pcm


@dataclass(frozen=True, slots=True)
class Command:
    """One parsed input line."""

    verb: str  # "play", "say", "rest" or "quit"
    seq: int = 0
    play: Play | None = None
    path: str = ""


def parse_command(line: str) -> Command:
    """One input line as a :class:`Command`; ValueError names what is wrong."""
    words = line.split()
    if words in (["quit"], ["rest"]):
        return Command(words[0])
    if len(words) == 5 and words[0] == "play":
        _, seq, tone, length, cut = words
        return Command("play", int(seq), Play(Tone(tone), None if length == "-"
                                              else float(length), cut == "1"))
    if len(words) >= 3 and words[0] == "say":
        _, seq, path = line.strip().split(maxsplit=2)
        return Command("say", int(seq), path=path)
    raise ValueError(f"not a player command: {line!r}")


def format_play(seq: int, play: Play) -> str:
    """The input line for ``play`` (the inverse of :func:`parse_command`)."""
    length = "-" if play.length_s is None else f"{play.length_s:.3f}"
    return f"play {seq} {play.tone.value} {length} {int(play.cut)}\n"


class Player:
    """The mixer, the sounds made for it, the lane, and the messages back."""

    def __init__(self, pygame: ModuleType, synth: ToneSynth, out: Any,
                 clock: SystemClock, cache: PcmCache | None = None) -> None:
        self._pygame = pygame
        self._synth = synth
        self._cache = cache or PcmCache(None)
        self._out = out
        self._clock = clock
        self._sounds: dict[tuple[Tone, float | None], Any] = {}
        self._lane = Lane()
        self._waiting: dict[int, int] = {}  # id(slot.play) -> seq, to report starts
        self._mixer: tuple[int, int, int] | None = None
        self._tones: Any = None  # the channel tones play on
        self._voice: Any = None  # the channel phrases play on
        self._sounding: Slot | None = None
        self._idle_told = True
        self._phrase_sounds: dict[str, Any] = {}
        self._phrases_due: list[tuple[float, Any, int]] = []  # (start, Sound, seq), in order
        self._voice_free = 0.0  # when the last phrase asked for ends
        self._quiet_until = 0.0  # nothing starts before this (the opening silence)
        self._resting: dict[tuple[Tone, float | None], bytes] = {}  # PCM kept while closed
        self._resting_format: tuple[int, int, int] | None = None  # the mixer it was made for

    def open_after(self, at: float) -> None:
        """Open the device at ``at`` (a first cue plays until then), trying again for
        ``OPEN_RETRY_S`` while it is still busy."""
        wait_s(at - self._clock.monotonic())
        while True:
            try:
                self.open()
                return
            except self._pygame.error:
                if self._clock.monotonic() >= at + OPEN_RETRY_S:
                    raise
                wait_s(0.05)

    def open(self) -> None:
        mixer = self._pygame.mixer
        mixer.init(frequency=self._synth.rate, size=-16, channels=1, buffer=MIXER_BUFFER)
        granted = mixer.get_init()
        if not granted:
            raise AudioError("the mixer reported no format after opening")
        self._mixer = granted
        self._quiet_until = self._clock.monotonic() + OPENING_SILENCE_S
        mixer.set_num_channels(2)
        self._tones, self._voice = mixer.Channel(0), mixer.Channel(1)
        self.tell(f"ready {self._clock.monotonic():.6f}")

    def prepare_one(self, todo: list[Play]) -> None:
        """Make the first sound of ``todo`` ahead of need (synthesis is slow on a Pi Zero);
        called only while nothing is waiting to be played."""
        if todo:
            self._sound(todo.pop(0))

    @property
    def is_open(self) -> bool:
        return self._mixer is not None

    def rest(self) -> None:
        """Close the device until the next sound; the sounds made are kept as PCM."""
        if self._mixer is None:
            return
        mixer = self._mixer
        self._resting = {key: sound.get_raw() for key, sound in self._sounds.items()}
        self._sounds.clear()
        self._phrase_sounds.clear()  # read again from their files when next said
        self._lane = Lane()
        self._waiting.clear()
        self._phrases_due.clear()
        self._sounding, self._idle_told, self._voice_free = None, True, 0.0
        self.close()
        self._resting_format = mixer
        self.tell(f"rested {self._clock.monotonic():.6f}")

    def handle(self, command: Command) -> None:
        if command.verb == "rest":
            self.rest()
            return
        if self._mixer is None:
            self.open()  # after a rest: the opening silence comes before the sound
        if command.verb == "play" and command.play is not None:
            play = command.play
            self._sound(play)  # made first (if not made ahead), so the lane plans real times
            now = max(self._clock.monotonic(), self._quiet_until)
            if play.cut and self._sounding is not None:
                self._tones.fadeout(FADE_MS)
                self._sounding = None
            slot = self._lane.add(now, play, self._synth.duration(play))
            self._waiting[id(slot.play)] = command.seq
            self._idle_told = False
        elif command.verb == "say":
            phrase = self._phrase(command.path)
            now = max(self._clock.monotonic(), self._quiet_until)
            start = max(now, self._voice_free)
            self._voice_free = start + phrase.get_length()
            self._phrases_due.append((start, phrase, command.seq))
            self._idle_told = False

    def run_due(self) -> None:
        """Start what is due; say when the last sound has ended."""
        now = self._clock.monotonic()
        due = self._lane.due(now)
        if due:  # one at a time: a late wake must not start two over each other
            slot = self._sounding = self._lane.began_late(due[0], now)
            self._tones.play(self._sound(slot.play))
            seq = self._waiting.pop(id(slot.play), 0)
            self.tell(f"started {seq} {self._clock.monotonic():.6f}")
        while self._phrases_due and self._phrases_due[0][0] <= now:
            _, phrase, seq = self._phrases_due.pop(0)
            self._voice.play(phrase)
            self.tell(f"started {seq} {self._clock.monotonic():.6f}")
        if self._sounding is not None and now >= self._sounding.end:
            self._sounding = None
        if (not self._idle_told and self._sounding is None and self._lane.next_start() is None
                and not self._phrases_due and now >= self._voice_free):
            self._lane.forget_before(now)
            self._idle_told = True
            self.tell(f"idle {now:.6f}")

    def next_wake(self) -> float | None:
        """When :meth:`run_due` has something to do next."""
        times = [self._lane.next_start()]
        if self._sounding is not None:
            times.append(self._sounding.end)
        if self._phrases_due:
            times.append(self._phrases_due[0][0])
        elif not self._idle_told and self._voice_free > self._clock.monotonic():
            times.append(self._voice_free)
        present = [t for t in times if t is not None]
        return min(present) if present else None

    def close(self) -> None:
        if self._mixer is None:
            return
        self._pygame.mixer.fadeout(FADE_MS)
        wait_s(FADE_MS / 1000 + CLOSING_SILENCE_S)
        self._pygame.mixer.quit()
        self._mixer = None

    def tell(self, message: str) -> None:
        """One line to the service; dropped if the service is not reading (never block)."""
        try:
            self._out.write(message + "\n")
            self._out.flush()
        except (BlockingIOError, BrokenPipeError):
            pass

    def _phrase(self, path: str) -> Any:
        """The spoken phrase in ``path`` as a Sound at the tones' volume (made once)."""
        sound = self._phrase_sounds.get(path)
        if sound is None:
            sound = self._phrase_sounds[path] = self._pygame.mixer.Sound(file=path)
            sound.set_volume(self._synth.volume)
        return sound

    def _sound(self, play: Play) -> Any:
        key = (play.tone, play.length_s)
        sound = self._sounds.get(key)
        if sound is None:
            mixer = self._mixer
            assert mixer is not None
            kept = self._resting.pop(key, None)
            if kept is not None and mixer == self._resting_format:
                sound = self._sounds[key] = self._pygame.mixer.Sound(buffer=kept)
                return sound
            synth = self._synth
            shape = repr((design_for(play.tone, play.length_s, synth.breath), synth.volume,
                          synth.rate, mixer))
            pcm = self._cache.get(shape, lambda: to_mixer_format(
                synth.samples(play.tone, play.length_s), synth.rate, mixer))
            sound = self._sounds[key] = self._pygame.mixer.Sound(buffer=pcm)
        return sound


NEED_ORDER = (Tone.REMINDER, Tone.SETUP, Tone.PHASE, Tone.INHALE, Tone.FOLD, Tone.EXHALE,
              Tone.HANG, Tone.HANG_END, Tone.RECOMMIT, Tone.UNCURL, Tone.TICK, Tone.REST,
              Tone.PIP, Tone.PAUSE, Tone.RESUME, Tone.STOP, Tone.COMPLETE, Tone.ACK)
"""The order sounds are first needed in: the chime (a reminder warms the player six
seconds ahead), then the stretch as it unfolds. A Pi Zero takes seconds to make them
all; the first in-breath comes eight seconds into a routine."""


def ahead_of_need(breaths: list[Play]) -> list[Play]:
    """Every sound to make ahead, in ``NEED_ORDER``; the breath sounds at their lengths."""
    todo: list[Play] = []
    for tone in NEED_ORDER:
        if tone in BREATH_TONES:
            todo += [play for play in breaths if play.tone is tone] or [Play(tone)]
        else:
            todo.append(Play(tone))
    return todo


def wait_s(seconds: float) -> None:
    """Let ``seconds`` pass without a sleep call: a select on nothing times out."""
    select.select([], [], [], max(0.0, seconds))


def import_pygame() -> ModuleType:
    """pygame, with SDL told to leave signals alone and its banner unprinted.

    pygame's ``pkgdata`` imports setuptools' ``pkg_resources`` wherever setuptools is
    installed (a fifth of a second of every cold start here, more on a Pi Zero) to find
    its default font and icon, which the player never asks for; without it pygame reads
    the same files directly. ``None`` in ``sys.modules`` is how Python marks a module not
    to import, in this process only.
    """
    os.environ.setdefault("SDL_NO_SIGNAL_HANDLERS", "1")
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    never_import("pkg_resources")
    import pygame

    return pygame


def serve(fd: int, player: Player, clock: SystemClock, todo: list[Play]) -> None:
    """Read commands from ``fd`` until ``quit`` or end of input, playing as they come;
    in between, make the sounds of ``todo`` one by one (while the device is open: a
    resting player sleeps until told to play)."""
    pending = b""
    rest_when_made = False  # told to rest while still making sounds ahead: made first
    while True:
        wake = player.next_wake()
        timeout = None if wake is None else max(0.0, wake - clock.monotonic())
        if todo and player.is_open and (timeout is None or timeout > 0.05):
            timeout = 0.0
        readable, _, _ = select.select([fd], [], [], timeout)
        if readable:
            chunk = os.read(fd, 4096)
            if not chunk:
                return
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                if not line.strip():
                    continue
                command = parse_command(line.decode("ascii"))
                if command.verb == "quit":
                    return
                rest_when_made = command.verb == "rest" and bool(todo)
                if rest_when_made:
                    continue
                player.handle(command)
                player.run_due()  # at once: the next command may take a while to make
        player.run_due()
        if not readable and todo and player.is_open:
            player.prepare_one(todo)
            if not todo:
                player.tell(f"prepared {clock.monotonic():.6f}")
                if rest_when_made:
                    player.rest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--volume", type=float, default=0.5)
    parser.add_argument("--breath", choices=BREATH_STYLES, default="swell")
    parser.add_argument("--rate", type=int, default=DEFAULT_RATE)
    parser.add_argument("--prepare", default="",
                        help="breath lengths to make at start, e.g. inhale:3.6,exhale:5.4")
    parser.add_argument("--cache", type=Path, default=None,
                        help="directory to keep the sounds made, for the next start")
    parser.add_argument("--open-after", type=float, default=None, metavar="T",
                        help="open the device at monotonic T (a first cue plays until then)")
    parser.add_argument("--write-cues", default=None, metavar="TONES",
                        help="only write these tones' first-cue WAVs into --cache, e.g. "
                             "setup,phase")
    args = parser.parse_args(argv)
    if args.write_cues is not None:
        if args.cache is None:
            parser.error("--write-cues needs --cache")
        tones = [Tone(name) for name in args.write_cues.split(",") if name]
        write_cues(args.cache, tones, ToneSynth(CUE_RATE, args.volume, args.breath))
        return 0
    clock = SystemClock()
    out = sys.stdout
    try:
        pygame = import_pygame()
        player = Player(pygame, ToneSynth(args.rate, args.volume, args.breath), out, clock,
                        PcmCache(args.cache))
        if args.open_after is None:
            player.open()
        else:
            player.open_after(args.open_after)
    except (ImportError, RuntimeError, OSError, ValueError) as exc:
        # pygame.error is a RuntimeError; ImportError: pygame is not installed.
        out.write(f"error {type(exc).__name__}: {exc}\n")
        out.flush()
        return 1
    os.set_blocking(out.fileno(), False)
    try:
        breaths = [Play(Tone(name), float(length)) for name, length in
                   (item.split(":") for item in args.prepare.split(",") if item)]
        todo = ahead_of_need(breaths)
        serve(sys.stdin.fileno(), player, clock, todo)
    finally:
        player.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
