"""The first cue of a stretch by the real ``aplay`` (alsa-utils, from scripts/ci-deps.sh),
into a file instead of a sound card: an ALSA configuration of its own (``ALSA_CONFIG_PATH``)
whose default device is a ``file`` PCM over ``null``. The player runs on SDL's dummy driver.
Required, not skipped: the device plays its first cues with aplay."""

from __future__ import annotations

import logging
import os
import select
import shutil
from array import array
from pathlib import Path

import pytest

from bench.alsa import file_pcm_config
from tests.support.paths import REPO
from unslump.core.effects import Play
from unslump.core.tones import Tone
from unslump.edges.audio.first_cue import WAV_HEADER, FirstCues, cue_path
from unslump.edges.audio.player_client import PlayerAudio, cue_write_command, player_command
from unslump.edges.clock import SystemClock

LOGGER = "test.first_cue"
APLAY = shutil.which("aplay")
TONES = (Tone.PHASE, Tone.SETUP)


def alsa_env(tmp_path: Path, device: str) -> dict[str, str]:
    """The environment of the player and aplay: SDL's dummy driver, and ALSA's default
    device as ``device`` says (the file ``sound.raw`` in ``tmp_path``, or a card that is
    not there)."""
    conf = tmp_path / "asound.conf"
    conf.write_text(file_pcm_config(tmp_path / "sound.raw") if device == "file"
                    else "pcm.!default {\n type hw\n card 99\n}\n")
    env = {key: value for key, value in os.environ.items() if not key.startswith("SDL_")}
    env.update(SDL_AUDIODRIVER="dummy", PYTHONPATH=str(REPO), ALSA_CONFIG_PATH=str(conf))
    return env


@pytest.fixture(autouse=True)
def aplay() -> None:
    assert APLAY is not None, "aplay is missing: run scripts/ci-deps.sh (alsa-utils)"


def link_with_cues(tmp_path: Path, env: dict[str, str], links: list[PlayerAudio],
                   clock: SystemClock) -> PlayerAudio:
    """A link whose cue files were written by the real writer, as at a service start."""
    cache = tmp_path / "sounds"
    cues = FirstCues.found(cache, 0.5, TONES, cue_write_command(0.5, "swell", TONES, cache),
                           logging.getLogger(LOGGER), env=env)
    link = PlayerAudio(clock, player_command(0.5, "swell", cache=cache),
                       logging.getLogger(LOGGER), env=env, cues=cues)
    links.append(link)
    cues.write()
    for _ in range(600):
        if not cues.busy:
            break
        select.select([], [], [], 0.05)
        link.service(clock.monotonic())
    assert not cues.busy, "the cue writer did not finish in 30 s"
    assert all(cue_path(cache, tone, 0.5).exists() for tone in TONES)
    return link


def run_until(link: PlayerAudio, clock: SystemClock, done: object, limit_s: float = 20.0) -> None:
    """The service's part of the loop: wake at the link's deadline or its player's word."""
    end = clock.monotonic() + limit_s
    while not done():  # type: ignore[operator]
        assert clock.monotonic() < end, "not done in time"
        fd = link.fileno()
        deadline = link.deadline()
        wait = 0.05 if deadline is None else min(0.05, max(0.0, deadline - clock.monotonic()))
        select.select([fd] if fd is not None else [], [], [], wait)
        link.service(clock.monotonic())


def test_first_cue_real_aplay_sounds_the_cue_once_and_the_player_the_rest(
        tmp_path: Path, links: list[PlayerAudio]) -> None:
    env = alsa_env(tmp_path, "file")
    clock = SystemClock()
    link = link_with_cues(tmp_path, env, links, clock)
    link.play(Play(Tone.SETUP))  # a press, no player running
    link.expect(clock.monotonic() + 1.0)  # the next sound: the player starts for it
    assert link.cued_at is not None and link.running
    run_until(link, clock, lambda: link.ready_at is not None)
    link.play(Play(Tone.INHALE, 1.0))
    run_until(link, clock, lambda: 1 in link.started)
    run_until(link, clock, lambda: link.deadline() is None or not link.waiting)
    # the device got the cue's samples, whole and once (the player's went to SDL's dummy),
    # then the silence aplay pads its last period with
    cue = cue_path(tmp_path / "sounds", Tone.SETUP, 0.5).read_bytes()[WAV_HEADER:]
    got = (tmp_path / "sound.raw").read_bytes()
    assert got[:len(cue)] == cue and not any(got[len(cue):])
    assert array("h", cue).tolist().count(0) < len(cue) // 4  # a sound, not silence


def test_first_cue_aplay_without_a_device_falls_back_to_the_player_and_says_so_once(
        tmp_path: Path, links: list[PlayerAudio], caplog: pytest.LogCaptureFixture) -> None:
    env = alsa_env(tmp_path, "no card")
    clock = SystemClock()
    link = link_with_cues(tmp_path, env, links, clock)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        link.play(Play(Tone.PHASE))
        assert link.cued_at is not None
        run_until(link, clock, lambda: 1 in link.started)  # the player played it instead
        link.close()
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warned) == 1 and "aplay could not play the first cue" in warned[0]
