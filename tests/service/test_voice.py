"""Spoken cues: phrases from the routine's own text, rendered once by espeak-ng, cached,
played over the tones; without espeak-ng the tones alone, and the doctor says how."""

from __future__ import annotations

import logging
import os
import select
import wave
from pathlib import Path

import pytest

from tests.support.paths import REPO
from tests.support.sound_analysis import peak
from unslump.cli.doctor import command as doctor
from unslump.cli.doctor import report
from unslump.config.file import AudioConfig, Config
from unslump.core.effects import Play
from unslump.core.routine import spoken_s
from unslump.core.tones import Tone
from unslump.edges.audio.player_client import PlayerAudio, player_command
from unslump.edges.audio.synth import FULL_SCALE, VOICE_HEADROOM, tone_duration
from unslump.edges.audio.voice import (
    VoiceCache,
    find_espeak,
    prepare_voice,
    read_phrase,
    speakable,
    spoken_phrases,
)
from unslump.edges.clock import FakeClock, SystemClock

REPO = REPO
LOGGER = "test.voice"
ROUTINES = Config().routines


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[VoiceCache, dict[str, Path]]:
    """The whole phrase cache, rendered once for this module (espeak-ng from ci-deps)."""
    assert find_espeak() is not None, "espeak-ng missing: run sh scripts/ci-deps.sh"
    cache = VoiceCache(tmp_path_factory.mktemp("voice"), "en")
    phrases, made = cache.ensure(spoken_phrases(ROUTINES), FakeClock())
    assert made.made == len(spoken_phrases(ROUTINES))
    return cache, phrases


def test_voice_phrases_are_the_routines_own_say_lines() -> None:
    phrases = spoken_phrases(ROUTINES)
    for line in ("Head hangs, shoulders loose.", "Soft hips let the belly hold your back.",
                 "Uncurl from the pelvis, bone by bone.", "Front edge of the seat, sit bones even.",
                 "Feet forward, relaxed and flat.", "Stand up and step away from the desk."):
        assert line in phrases
    assert len(phrases) == len(set(phrases))
    assert "" not in phrases
    assert speakable("out: fold over thighs") == "out, fold over thighs"


def test_voice_cache_renders_every_phrase_trimmed_and_below_headroom(
        rendered: tuple[VoiceCache, dict[str, Path]]) -> None:
    cache, phrases = rendered
    assert set(phrases) == set(spoken_phrases(ROUTINES))
    for text, path in phrases.items():
        samples, rate = read_phrase(path)
        assert rate == 22050
        assert 0.3 < len(samples) / rate < 4.0, text  # short phrases, silences trimmed
        # the planner's estimate is never short: speech fills at most half of a phase
        assert len(samples) / rate <= spoken_s(text), text
        assert peak(samples) == pytest.approx(VOICE_HEADROOM * FULL_SCALE, abs=2), text
        assert abs(samples[0]) < 0.1 * peak(samples), text
        assert path.parent == cache.directory


def test_voice_cache_renders_once(rendered: tuple[VoiceCache, dict[str, Path]]) -> None:
    cache, phrases = rendered
    again, made = VoiceCache(cache.directory, "en").ensure(spoken_phrases(ROUTINES), FakeClock())
    assert again == phrases
    assert made.made == 0
    assert made.cache_bytes == sum(p.stat().st_size for p in phrases.values())
    other = VoiceCache(cache.directory, "en-gb")
    phrase = "Head hangs, shoulders loose."
    assert other.path_for(phrase) != cache.path_for(phrase)


def test_voice_bad_voice_name_leaves_the_cue_a_tone(tmp_path: Path,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    cache = VoiceCache(tmp_path, "no-such-voice", logger=logging.getLogger(LOGGER))
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        phrases, made = cache.ensure(["Head hangs, shoulders loose."], FakeClock())
    assert phrases == {} and made.made == 0
    assert "voice_name" in caplog.text and "espeak-ng --voices" in caplog.text
    assert len(caplog.records) == 1
    assert VoiceCache(tmp_path, "en+f3").knows_voice()
    assert VoiceCache(tmp_path, "en-gb").knows_voice()
    assert list(tmp_path.iterdir()) == []


def test_voice_without_espeak_falls_back_to_tones_and_says_how(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no espeak-ng anywhere
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        phrases = prepare_voice(tmp_path / "voice", "en", FakeClock(),
                                logging.getLogger(LOGGER), ROUTINES)
    assert phrases == {}
    assert "sudo apt install espeak-ng" in caplog.text
    link = PlayerAudio(FakeClock(), ["false"], phrases=phrases)
    link.say("Head hangs, shoulders loose.")  # nothing to say: no player is started for it
    assert not link.running


@pytest.mark.parametrize(("voice", "espeak", "ok", "says"), [
    (False, None, True, "sudo apt install espeak-ng"),
    (False, "/usr/bin/espeak-ng", True, "[audio] voice = true"),
    (True, "/usr/bin/espeak-ng", True, "voice 'en'"),
    (True, None, False, "sudo apt install espeak-ng"),
])
def test_voice_doctor_says_how_to_enable_it(voice: bool, espeak: str | None, ok: bool,
                                            says: str) -> None:
    probe = report.Probe(find_program=lambda name: espeak)
    result = doctor.check_voice(Config(audio=AudioConfig(voice=voice)), probe)
    assert result.ok is ok
    assert says in result.line()


def test_voice_phrase_plays_through_the_real_player(
        rendered: tuple[VoiceCache, dict[str, Path]]) -> None:
    _, phrases = rendered
    env = {key: value for key, value in os.environ.items() if not key.startswith("SDL_")}
    env.update(SDL_AUDIODRIVER="dummy", PYTHONPATH=str(REPO))
    clock = SystemClock()
    link = PlayerAudio(clock, player_command(0.5, "swell"), logging.getLogger(LOGGER),
                       env=env, phrases=phrases)
    try:
        link.play(Play(Tone.HANG))
        link.say("Head hangs, shoulders loose.")
        link.say("not a cue of the routine")  # unknown: not sent
        assert link.last_seq == 2
        for _ in range(100):
            if len(link.started) == 2:
                break
            fd = link.fileno()
            assert fd is not None
            select.select([fd], [], [], 10.0)
            link.service(clock.monotonic())
        assert set(link.started) == {1, 2}
        # the phrase plays over the tone (its own channel), not after it
        assert link.started[2] < link.started[1] + tone_duration(Tone.HANG)
    finally:
        link.close()


def test_voice_phrase_files_are_plain_wav(rendered: tuple[VoiceCache, dict[str, Path]]) -> None:
    _, phrases = rendered
    with wave.open(str(phrases["Head hangs, shoulders loose."]), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth()) == (1, 2)
