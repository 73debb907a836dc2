"""The first cue of a stretch started by a press: played by ``aplay`` (a fake spawner here)
while no player runs, and the player started for what follows, after that cue."""

from __future__ import annotations

import logging
import select
import sys
import textwrap
from array import array
from collections.abc import Sequence
from pathlib import Path

import pytest

from unslump.app.assembly import press_tones
from unslump.config.file import Config
from unslump.core.effects import Play
from unslump.core.tones import Tone
from unslump.edges.audio.first_cue import (
    CUE_MARGIN_S,
    CUE_RATE,
    WAV_HEADER,
    Cueing,
    FirstCues,
    cue_path,
)
from unslump.edges.audio.player_client import WARM_S, PlayerAudio, cue_write_command
from unslump.edges.audio.player_process import CUE_LEAD_S, cue_wav, write_cues
from unslump.edges.audio.synth import ToneSynth
from unslump.edges.clock import FakeClock

LOGGER = "test.first_cue"
APLAY = "/usr/bin/aplay"

# A player that speaks the protocol without pygame and writes its argv and every line it
# is sent to the file named by its first argument.
RECORDING_PLAYER = textwrap.dedent("""
    import sys
    with open(sys.argv[1], "w") as log:
        log.write(" ".join(sys.argv[2:]) + "\\n")
        log.flush()
        print("ready 0.0", flush=True)
        for line in sys.stdin:
            log.write(line)
            log.flush()
            words = line.split()
            if words == ["quit"]:
                break
            if words[0] == "play":
                print("started", words[1], "0.0", flush=True)
                print("idle 0.0", flush=True)
""")


class FakeProcess:
    """A program the fake spawner started: running until ``status`` is set."""

    def __init__(self, argv: Sequence[str]) -> None:
        self.argv = list(argv)
        self.status: int | None = None
        self.killed = False

    def poll(self) -> int | None:
        return self.status

    def wait(self, timeout: float | None = None) -> int:
        return -9 if self.status is None else self.status

    def kill(self) -> None:
        self.killed, self.status = True, -9


class FakeSpawner:
    """Records every command; ``refuse`` makes it raise as a missing program would."""

    def __init__(self, refuse: bool = False) -> None:
        self.started: list[FakeProcess] = []
        self.refuse = refuse

    def __call__(self, argv: Sequence[str]) -> FakeProcess:
        if self.refuse:
            raise FileNotFoundError(2, "No such file or directory", argv[0])
        process = FakeProcess(argv)
        self.started.append(process)
        return process

    @property
    def commands(self) -> list[list[str]]:
        return [process.argv for process in self.started]


def cue_file(directory: Path, tone: Tone, seconds: float) -> Path:
    """A cue file of ``seconds`` of samples, as the writer leaves it."""
    path = cue_path(directory, tone, 0.5)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(WAV_HEADER + 2 * round(seconds * CUE_RATE)))
    return path


def cues(directory: Path, spawn: FakeSpawner, aplay: str | None = APLAY) -> FirstCues:
    return FirstCues(directory, 0.5, (Tone.SETUP, Tone.PHASE), ["write-cues"],
                     logging.getLogger(LOGGER), spawn=spawn, aplay=aplay)


def link_for(links: list[PlayerAudio], clock: FakeClock, log: Path,
             first: FirstCues | None) -> PlayerAudio:
    link = PlayerAudio(clock, [sys.executable, "-c", RECORDING_PLAYER, str(log)],
                       logging.getLogger(LOGGER), cues=first)
    links.append(link)
    return link


def player_heard(link: PlayerAudio, log: Path, clock: FakeClock, lines: int) -> list[str]:
    """The player's argv line and the commands it was sent, once it has ``lines``."""
    for _ in range(100):
        text = log.read_text() if log.exists() else ""
        if text.count("\n") >= lines:
            return text.splitlines()
        fd = link.fileno()
        assert fd is not None, "the player is not running"
        select.select([fd], [], [], 0.1)
        link.service(clock.monotonic())
    raise AssertionError(f"the player did not get {lines} lines: {log.read_text()!r}")


def test_first_cue_cold_press_plays_the_cue_by_aplay_and_the_player_comes_after_it(
        tmp_path: Path, links: list[PlayerAudio]) -> None:
    clock = FakeClock(monotonic_start=100.0)
    spawn = FakeSpawner()
    path = cue_file(tmp_path, Tone.SETUP, 0.32)
    link = link_for(links, clock, tmp_path / "player.log", cues(tmp_path, spawn))
    link.play(Play(Tone.SETUP))
    assert spawn.commands == [[APLAY, "-q", str(path)]]
    assert not link.running  # nothing waits on the player for this cue
    assert link.cued_at == 100.0
    assert link.last_seq == 0  # the player is never sent it: no cue twice
    link.expect(108.0)  # the stretch's next sound: the player starts WARM_S ahead of it
    clock.advance_to(108.0 - WARM_S)
    link.service(clock.monotonic())
    assert link.running
    argv = player_heard(link, tmp_path / "player.log", clock, 1)[0]
    # it opens the device once the cue (and aplay's drain) is over
    assert argv == f"--open-after {100.0 + 0.32 + CUE_MARGIN_S:.6f}"
    clock.advance_to(108.0)
    link.play(Play(Tone.INHALE, 3.6))
    heard = player_heard(link, tmp_path / "player.log", clock, 2)
    assert heard[1:] == ["play 1 inhale 3.600 0"]


def test_first_cue_player_already_running_plays_it_itself(
        tmp_path: Path, links: list[PlayerAudio]) -> None:
    clock = FakeClock()
    spawn = FakeSpawner()
    cue_file(tmp_path, Tone.SETUP, 0.3)
    link = link_for(links, clock, tmp_path / "player.log", cues(tmp_path, spawn))
    link.expect(clock.monotonic() + WARM_S / 2)  # a chime near: the player is up
    assert link.running
    link.play(Play(Tone.SETUP))
    assert spawn.commands == []
    assert player_heard(link, tmp_path / "player.log", clock, 2) == ["", "play 1 setup - 0"]


@pytest.mark.parametrize("why", ["no file", "no aplay", "aplay will not start",
                                 "not a first cue", "a cut"])
def test_first_cue_that_cannot_go_to_aplay_goes_to_the_player(
        tmp_path: Path, links: list[PlayerAudio], why: str,
        caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    spawn = FakeSpawner(refuse=why == "aplay will not start")
    if why != "no file":
        cue_file(tmp_path, Tone.SETUP, 0.3)
        cue_file(tmp_path, Tone.TICK, 0.1)
    play = {"not a first cue": Play(Tone.TICK),
            "a cut": Play(Tone.SETUP, cut=True)}.get(why, Play(Tone.SETUP))
    first = cues(tmp_path, spawn, aplay=None if why == "no aplay" else APLAY)
    link = link_for(links, clock, tmp_path / "player.log", first)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        link.play(play)
    assert link.running and link.cued_at is None and spawn.started == []
    heard = player_heard(link, tmp_path / "player.log", clock, 2)
    assert heard[0] == ""  # opens the device at once: nothing else holds it
    assert heard[1].startswith(f"play 1 {play.tone.value} ")
    warned = [r.getMessage() for r in caplog.records]
    assert len(warned) == (1 if why == "aplay will not start" else 0)


def test_first_cue_failed_aplay_is_said_once_and_the_player_plays_it_and_later_ones(
        tmp_path: Path, links: list[PlayerAudio], caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    spawn = FakeSpawner()
    cue_file(tmp_path, Tone.SETUP, 0.3)
    cue_file(tmp_path, Tone.PHASE, 0.2)
    first = cues(tmp_path, spawn)
    link = link_for(links, clock, tmp_path / "player.log", first)
    link.play(Play(Tone.PHASE))
    spawn.started[0].status = 1  # the device would not open
    check_at = link.deadline()
    assert check_at == pytest.approx(clock.monotonic() + 0.2 + CUE_MARGIN_S)
    clock.advance(check_at - clock.monotonic())
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        link.service(clock.monotonic())
    assert [r.getMessage() for r in caplog.records] == [
        "audio: aplay could not play the first cue (status 1); the player plays the first "
        "cue from now on (check: aplay -l)"]
    assert player_heard(link, tmp_path / "player.log", clock, 2)[1] == "play 1 phase - 0"
    link.close()
    again = link_for(links, clock, tmp_path / "again.log", first)
    again.play(Play(Tone.SETUP))  # aplay is not tried again
    assert len(spawn.started) == 1 and again.running


def test_first_cue_aplay_still_draining_is_checked_again_and_reaped(
        tmp_path: Path, links: list[PlayerAudio]) -> None:
    clock = FakeClock()
    spawn = FakeSpawner()
    cue_file(tmp_path, Tone.SETUP, 0.3)
    link = link_for(links, clock, tmp_path / "player.log", cues(tmp_path, spawn))
    link.play(Play(Tone.SETUP))
    first_check = link.deadline()
    assert first_check is not None
    clock.advance(first_check - clock.monotonic())
    link.service(clock.monotonic())
    again = link.deadline()
    assert again is not None and again > first_check  # a fixed later look, not a spin
    spawn.started[0].status = 0
    clock.advance(again - clock.monotonic())
    link.service(clock.monotonic())
    assert link.deadline() is None  # nothing left to wake for: the device is idle again


def test_first_cue_second_sound_during_the_cue_goes_to_the_player_after_it(
        tmp_path: Path, links: list[PlayerAudio]) -> None:
    """A pause pressed while the first cue plays: the player takes it, opening after."""
    clock = FakeClock(monotonic_start=10.0)
    spawn = FakeSpawner()
    cue_file(tmp_path, Tone.SETUP, 0.3)
    link = link_for(links, clock, tmp_path / "player.log", cues(tmp_path, spawn))
    link.play(Play(Tone.SETUP))
    clock.advance(0.1)
    link.play(Play(Tone.PAUSE, cut=True))
    assert len(spawn.started) == 1
    heard = player_heard(link, tmp_path / "player.log", clock, 2)
    assert heard == [f"--open-after {10.0 + 0.3 + CUE_MARGIN_S:.6f}", "play 1 pause - 1"]


def test_first_cue_files_are_written_by_a_child_and_reaped(tmp_path: Path) -> None:
    spawn = FakeSpawner()
    first = FirstCues(tmp_path, 0.5, (Tone.PHASE, Tone.SETUP),
                      cue_write_command(0.5, "swell", (Tone.PHASE, Tone.SETUP), tmp_path),
                      spawn=spawn, aplay=APLAY)
    first.write()
    first.write()  # one writer at a time
    assert len(spawn.commands) == 1
    assert spawn.commands[0][1:] == [
        "-m", "unslump.edges.audio.player_process", "--volume", "0.5", "--breath", "swell",
        "--cache", str(tmp_path), "--write-cues", "phase,setup"]
    assert first.busy
    first.reap()
    assert first.busy
    spawn.started[0].status = 0
    first.reap()
    assert not first.busy


def test_first_cue_writer_running_at_start_is_looked_in_on_until_reaped(
        tmp_path: Path, links: list[PlayerAudio]) -> None:
    """The loop services the link only at its deadline: a writer nobody looks in on
    would stay a zombie, and the link busy for good."""
    clock = FakeClock()
    spawn = FakeSpawner()
    first = cues(tmp_path, spawn)
    first.write()
    link = link_for(links, clock, tmp_path / "player.log", first)
    look_in = link.deadline()
    assert look_in is not None and look_in <= clock.monotonic() + 1.0
    clock.advance_to(look_in)
    link.service(clock.monotonic())
    assert first.busy and link.deadline() is not None  # still writing: another look
    spawn.started[0].status = 0
    clock.advance_to(link.deadline() or 0.0)
    link.service(clock.monotonic())
    assert not first.busy and link.deadline() is None


def test_first_cue_files_are_not_written_without_aplay(tmp_path: Path) -> None:
    spawn = FakeSpawner()
    cues(tmp_path, spawn, aplay=None).write()
    assert spawn.started == []


def test_first_cue_without_aplay_on_the_path_is_said_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing to run here
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        first = FirstCues.found(tmp_path, 0.5, (Tone.SETUP,), ["write-cues"],
                                logging.getLogger(LOGGER))
        first.write()
        assert first.start(Play(Tone.SETUP), 0.0) is None
    assert [r.getMessage() for r in caplog.records] == [
        "audio: no aplay (alsa-utils): a stretch started by a press waits for the player to "
        "start; install it with: sudo apt install alsa-utils"]


def test_first_cue_writer_that_failed_is_said_once(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    spawn = FakeSpawner()
    first = cues(tmp_path, spawn)
    first.write()
    spawn.started[0].status = 1
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        first.reap()
        first.reap()
    assert len(caplog.records) == 1
    assert "could not be written" in caplog.records[0].getMessage()


def test_first_cue_close_kills_a_writer_still_running(tmp_path: Path) -> None:
    spawn = FakeSpawner()
    first = cues(tmp_path, spawn)
    first.write()
    first.close()
    assert spawn.started[0].killed and not first.busy


def test_first_cue_wav_starts_after_a_short_silence_and_is_rewritten_only_when_changed(
        tmp_path: Path) -> None:
    synth = ToneSynth(CUE_RATE, 0.5)
    written = write_cues(tmp_path, [Tone.SETUP, Tone.PHASE], synth)
    assert [path.name for path in written] == ["cue-setup-0.5.wav", "cue-phase-0.5.wav"]
    data = written[0].read_bytes()
    samples = array("h", data[WAV_HEADER:])
    first = next(i for i, value in enumerate(samples) if value)
    assert first == pytest.approx(CUE_LEAD_S * CUE_RATE, abs=2)
    assert samples[first:].tolist() == synth.samples(Tone.SETUP)[first - len(samples):].tolist()
    assert data == cue_wav(synth.samples(Tone.SETUP), CUE_RATE)
    assert write_cues(tmp_path, [Tone.SETUP, Tone.PHASE], synth) == []  # unchanged
    louder = write_cues(tmp_path, [Tone.SETUP], ToneSynth(CUE_RATE, 0.8))
    assert [path.name for path in louder] == ["cue-setup-0.8.wav"]


def test_first_cue_length_is_read_from_the_file(tmp_path: Path) -> None:
    spawn = FakeSpawner()
    cue_file(tmp_path, Tone.SETUP, 0.5)
    started = cues(tmp_path, spawn).start(Play(Tone.SETUP), 3.0)
    assert isinstance(started, Cueing)
    assert started.ends == pytest.approx(3.5)


def test_first_cue_tones_are_what_a_press_can_start_with() -> None:
    # the safety notice's sound, the stretch's set-up, the standing break's "stand up"
    assert set(press_tones(Config())) == {Tone.PHASE, Tone.SETUP}


class BusyMixer:
    """pygame's mixer whose device is busy for its first ``busy`` opens; each refusal
    takes ``cost_s`` of the fake clock (a refused open is not free)."""

    def __init__(self, clock: FakeClock, busy: int, cost_s: float) -> None:
        self.clock, self.busy, self.cost_s = clock, busy, cost_s
        self.opened_at: list[float] = []

    def init(self, **_: object) -> None:
        if self.busy:
            self.busy -= 1
            self.clock.advance(self.cost_s)
            raise FakePygame.error("ALSA: Couldn't open audio device: Device or resource busy")
        self.opened_at.append(self.clock.monotonic())

    def get_init(self) -> tuple[int, int, int]:
        return (CUE_RATE, -16, 1)

    def set_num_channels(self, count: int) -> None:
        pass

    def Channel(self, number: int) -> object:  # pygame's name
        return object()


class FakePygame:
    class error(RuntimeError):  # pygame's name
        pass

    def __init__(self, mixer: BusyMixer) -> None:
        self.mixer = mixer


@pytest.mark.parametrize(("busy", "opens"), [(0, True), (2, True), (5, False)])
def test_first_cue_player_opens_after_the_cue_and_tries_a_busy_device_again(
        busy: int, opens: bool) -> None:
    """aplay may still be draining on a loaded machine when the player's time comes: a busy
    device is tried again for OPEN_RETRY_S, then the error goes up as before."""
    import io

    from unslump.edges.audio.player_process import OPEN_RETRY_S, Player

    clock = FakeClock(monotonic_start=50.0)
    mixer = BusyMixer(clock, busy, cost_s=0.4)
    out = io.StringIO()
    player = Player(FakePygame(mixer), ToneSynth(CUE_RATE, 0.5), out, clock)
    if opens:
        player.open_after(50.0)
        assert player.is_open and mixer.opened_at == [50.0 + busy * 0.4]
        assert out.getvalue() == f"ready {50.0 + busy * 0.4:.6f}\n"
    else:
        with pytest.raises(FakePygame.error):
            player.open_after(50.0)
        assert not player.is_open and clock.monotonic() >= 50.0 + OPEN_RETRY_S
