"""The audio port's simple backends and the backend choice (the player has its own tests)."""

from __future__ import annotations

import pytest

from unslump.config.file import AudioConfig
from unslump.core.effects import Play
from unslump.core.tones import Tone
from unslump.edges.audio.backends import NullAudio, RecordingAudio, make_audio
from unslump.edges.audio.buzzer import BuzzerAudio
from unslump.edges.audio.player_client import PlayerAudio
from unslump.edges.clock import FakeClock
from unslump.errors import ConfigError


def test_audio_recording_records_times_and_sounds() -> None:
    clock = FakeClock(monotonic_start=50.0)
    audio = RecordingAudio(clock)
    audio.play(Play(Tone.INHALE, 3.6))
    clock.advance(2.5)
    audio.play(Play(Tone.TICK))
    assert audio.plays == [(50.0, Play(Tone.INHALE, 3.6)), (52.5, Play(Tone.TICK))]
    assert audio.played == [(50.0, Tone.INHALE), (52.5, Tone.TICK)]
    assert audio.tones == [Tone.INHALE, Tone.TICK]
    assert audio.deadline() is None
    audio.expect(60.0)
    assert audio.expected == 60.0


def test_audio_recording_ignores_sounds_after_close() -> None:
    audio = RecordingAudio(FakeClock())
    audio.close()
    audio.close()
    audio.play(Play(Tone.ACK))
    assert audio.plays == []


def test_audio_null_does_nothing_and_closes_twice() -> None:
    with NullAudio() as audio:
        audio.play(Play(Tone.REMINDER))
        audio.expect(10.0)
        audio.service(0.0)
        assert audio.deadline() is None
    audio.close()


def test_audio_make_audio_builds_each_backend() -> None:
    clock = FakeClock()
    pygame = make_audio(AudioConfig(backend="pygame"), clock)
    assert isinstance(pygame, PlayerAudio)
    assert not pygame.running  # nothing starts before a sound is near
    assert isinstance(make_audio(AudioConfig(backend="none"), clock), NullAudio)
    buzzer = make_audio(AudioConfig(backend="buzzer", volume=0.0), clock)
    assert isinstance(buzzer, BuzzerAudio)
    buzzer.close()


def test_audio_make_audio_unknown_backend_names_the_key() -> None:
    with pytest.raises(ConfigError,
                       match=r'audio\.backend = "beeper".*"pygame" or "buzzer" or "none"'):
        make_audio(AudioConfig(backend="beeper"), FakeClock())
