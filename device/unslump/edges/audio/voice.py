"""Spoken cues (``[audio] voice = true``): the routine's own words, rendered once by espeak-ng.

In the fold and the hang the eyes are off the screen, and a screen line is too short to
say why ("soft hips let the belly hold your back"): the routine file's ``say`` phrases are
spoken over the tones, one as each phase starts and the others only where the phase has
room, so speech fills at most half of it (``unslump.core.routine``). They are rendered
with ``espeak-ng`` (22.05 kHz, its own rate, kept as is) into a cache of WAV files when
the service starts, before the loop runs: never during a routine,
and only the first time (a phrase is looked up by a hash of its text, the voice and the
speed). Each file is trimmed of espeak's silences and scaled to ``VOICE_HEADROOM``, so
words over a tone never clip.

Without espeak-ng the device plays its tones alone and logs once how to get the voice;
``unslump doctor`` says the same.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import wave
import zlib
from array import array
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from unslump.core.records import Variant
from unslump.core.routine_spec import Routines
from unslump.edges.audio.synth import FULL_SCALE, VOICE_HEADROOM
from unslump.ports import Clock

ESPEAK = "espeak-ng"
SPEED_WPM = 145
"""Words a minute: a little under espeak's 175, calm enough to follow head down."""

SILENCE = 200
"""Samples quieter than this (of 32767) at either end of a phrase are trimmed."""

RENDER_TIMEOUT_S = 20.0


def spoken_phrases(routines: Routines) -> list[str]:
    """Every phrase the routines may say (both variants), each once, in routine order."""
    phrases: list[str] = []
    for variant in Variant:
        for spec in (routines.stretch, routines.walk):
            for phase in spec.phases:
                for line in phase.says(variant):
                    if line and line not in phrases:
                        phrases.append(line)
    return phrases


def speakable(text: str) -> str:
    """A screen line as espeak should say it: "out: fold" reads as "out, fold"."""
    return text.replace(":", ",")


def find_espeak() -> str | None:
    """The espeak-ng program, or None when it is not installed."""
    return shutil.which(ESPEAK)


@dataclass(frozen=True)
class Rendered:
    """What making the cache cost: phrases made now, their time, the cache's size."""

    made: int
    seconds: float
    cache_bytes: int


class VoiceCache:
    """WAV files of spoken phrases in ``directory``, one per phrase and voice."""

    def __init__(self, directory: Path, voice: str, program: str | None = None,
                 logger: logging.Logger | None = None) -> None:
        self.directory = directory
        self.voice = voice
        self._program = program if program is not None else find_espeak()
        self._log = logger or logging.getLogger(__name__)

    @property
    def available(self) -> bool:
        return self._program is not None

    def path_for(self, text: str) -> Path:
        """The phrase's file: named by 64 bits of checksum of its text, voice and speed.

        zlib, not hashlib: hashlib loads OpenSSL, some 4 MiB of the service's 30.
        """
        data = f"{self.voice}\n{SPEED_WPM}\n{text}".encode()
        key = f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"
        return self.directory / f"{key}.wav"

    def knows_voice(self) -> bool:
        """True if espeak-ng has ``voice`` (it would quietly speak another one if not)."""
        if self._program is None:
            return False
        try:
            listed = subprocess.run([self._program, "--voices"], check=True,
                                    capture_output=True, text=True,
                                    timeout=RENDER_TIMEOUT_S).stdout
        except (OSError, subprocess.SubprocessError):
            return False
        wanted = self.voice.split("+")[0].lower()  # "en+f3": a voice with a variant
        for row in listed.splitlines()[1:]:
            columns = row.split()
            if len(columns) < 5:
                continue
            language, name, file = columns[1].lower(), columns[3].lower(), columns[4].lower()
            if wanted in (language, name, file, file.rsplit("/", 1)[-1]) or \
                    language.startswith(wanted + "-"):
                return True
        return False

    def ensure(self, phrases: Iterable[str], clock: Clock) -> tuple[dict[str, Path], Rendered]:
        """Render every phrase not cached yet; returns text -> WAV file for all of them.

        A phrase espeak cannot render is left out (and logged); the tones still play. An
        unknown voice renders nothing at all (one warning).
        """
        self.directory.mkdir(parents=True, exist_ok=True)
        found: dict[str, Path] = {}
        phrases = list(phrases)
        if any(not self.path_for(text).exists() for text in phrases) and \
                not self.knows_voice():
            self._log.warning("voice: espeak-ng has no voice %r, so the cues stay tones. "
                              "Pick one of espeak-ng --voices for [audio] voice_name",
                              self.voice)
            phrases = [text for text in phrases if self.path_for(text).exists()]
        made, started = 0, clock.monotonic()
        for text in phrases:
            path = self.path_for(text)
            if not path.exists():
                if not self._render(text, path):
                    continue
                made += 1
            found[text] = path
        size = sum(p.stat().st_size for p in self.directory.glob("*.wav"))
        return found, Rendered(made, clock.monotonic() - started, size)

    def _render(self, text: str, path: Path) -> bool:
        if self._program is None:
            return False
        raw = path.with_suffix(".tmp.wav")
        try:
            subprocess.run([self._program, "-v", self.voice, "-s", str(SPEED_WPM), "-w",
                            str(raw), speakable(text)], check=True, capture_output=True,
                           timeout=RENDER_TIMEOUT_S)
            normalise(raw, path)
        except (OSError, subprocess.SubprocessError, wave.Error, ValueError) as exc:
            self._log.warning("voice: espeak-ng could not say %r with voice %r (%s); that "
                              "cue stays a tone. Check [audio] voice_name against "
                              "espeak-ng --voices", text, self.voice, exc)
            return False
        finally:
            raw.unlink(missing_ok=True)
        return True


def normalise(source: Path, target: Path) -> None:
    """``source`` (mono 16-bit) trimmed of silence and scaled to ``VOICE_HEADROOM``."""
    with wave.open(str(source), "rb") as wav:
        if wav.getnchannels() != 1 or wav.getsampwidth() != 2:
            raise ValueError(f"{source}: expected mono 16-bit from espeak-ng")
        rate = wav.getframerate()
        samples = array("h", wav.readframes(wav.getnframes()))
    loud = [i for i, value in enumerate(samples) if abs(value) > SILENCE]
    if not loud:
        raise ValueError(f"{source}: espeak-ng wrote silence")
    samples = samples[max(0, loud[0] - rate // 100): loud[-1] + rate // 20]
    peak = max(abs(value) for value in samples)
    scale = VOICE_HEADROOM * FULL_SCALE / peak
    scaled = array("h", [round(value * scale) for value in samples])
    with wave.open(str(target), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(scaled.tobytes())


def read_phrase(path: Path) -> tuple[array[int], int]:
    """The samples and rate of a cached phrase (for the demo's WAV)."""
    with wave.open(str(path), "rb") as wav:
        return array("h", wav.readframes(wav.getnframes())), wav.getframerate()


def prepare_voice(directory: Path, voice: str, clock: Clock, logger: logging.Logger,
                  routines: Routines) -> Mapping[str, Path]:
    """At start, before the loop: the cached phrases, made if missing; {} without espeak-ng."""
    cache = VoiceCache(directory, voice, logger=logger)
    if not cache.available:
        logger.warning("voice: espeak-ng is not installed, so the cues stay tones. Install "
                       "it (sudo apt install espeak-ng) or set voice = false under [audio]")
        return {}
    try:
        phrases, rendered = cache.ensure(spoken_phrases(routines), clock)
    except OSError as exc:
        logger.warning("voice: cannot write the phrase cache in %s (%s); the cues stay "
                       "tones", directory, exc)
        return {}
    if rendered.made:
        logger.info("voice: rendered %d phrases in %.1f s (cache %d KiB in %s)",
                    rendered.made, rendered.seconds, rendered.cache_bytes // 1024, directory)
    return phrases


__all__ = [
    "ESPEAK",
    "Rendered",
    "VoiceCache",
    "find_espeak",
    "normalise",
    "prepare_voice",
    "read_phrase",
    "speakable",
    "spoken_phrases",
]
