"""The ``pygame`` backend as the service sees it: a pipe to the player process.

The service never imports pygame (it would stay at 48 MiB for good after the first
chime). :class:`PlayerAudio` starts ``python -m unslump.edges.audio.player_process`` ahead of need:
when the core says a sound is coming within ``warm_s`` (the runtime passes on the next
planned sound time, :meth:`unslump.core.modes.Mode.next_sound_at`), or at once when a sound
is asked for cold. It ends the player once it has been silent for ``linger_s`` and no
sound is expected within ``keep_s``, so a whole routine plays on one open device (no
amplifier pops between cues) and a silent day costs nothing. A reminder repeats its chime
minutes apart until it is answered: after a chime the player is kept for the next one
the core plans, as long as that plan stands (:meth:`PlayerAudio.expect`). An open mixer
wakes the player some 90 times a second even in silence, so a player kept for a sound
minutes off is told to rest (it closes the device until that sound, pygame still loaded
and every sound still made): one amplifier pop per chime, and a kept player that sleeps.
A press for a stretch finds no player: its first cue, if it has a file ready, is played
by ``aplay`` (:mod:`unslump.edges.audio.first_cue`) in well under a tenth of a second
while the player starts for what follows, opening the device once that cue has ended. So
no player is kept ahead of a press that may come (one resting through the last third of
every bout held some 29 MiB for the whole of it).

Nothing here may stall the loop: the pipes are non-blocking, every read is of what is
already there, and a player that does not open the device within ``start_s`` of its
start or then confirm a sound within ``hang_s``, dies, or
stops reading is killed and logged; the device goes on silently and tries a fresh player
at the next need, up to ``MAX_FAILURES`` times.
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from unslump.core.effects import Play
from unslump.core.tones import Tone
from unslump.edges.audio.first_cue import CUE_MARGIN_S, Cueing, FirstCues, Process
from unslump.ports import Clock, ClosesOnExit

WARM_S = 6.0
"""Start the player this long before a planned sound: a Pi Zero needs a few seconds to
import pygame and open the device."""

LINGER_S = 4.0
"""Keep the player this long after its last sound ended ..."""

KEEP_S = 20.0
"""... unless a sound is planned within this long (the set-up, a pause of a few seconds)."""

HANG_S = 2.0
"""A sound not confirmed as started within this long means the player hangs (counted
from when the player said its device is open: a cold start takes longer, below)."""

START_S = 20.0
"""A player that has not opened the device this long after it was started hangs: a Pi
Zero takes seconds to import pygame, more while it is busy (a 2 s limit killed every cold
player on a loaded machine, so a stretch started by a press played nothing)."""

LOOK_IN_S = 1.0
"""How often a busy player's messages are read (and a quitting one reaped)."""

QUIT_WAIT_S = 1.0
"""At shutdown, how long the player may take to fade out and close before it is killed."""

MAX_FAILURES = 3
"""After this many hangs or crashes the backend stays silent until the service restarts."""


def _player_process(volume: float, breath: str) -> list[str]:
    """The player process's program and the sound options every use of it shares: this
    interpreter, the same package."""
    return [sys.executable, "-m", "unslump.edges.audio.player_process", "--volume",
            f"{volume}", "--breath", breath]


def player_command(volume: float, breath: str, prepare: Sequence[Play] = (),
                   cache: Path | None = None) -> list[str]:
    """The player's command line; ``cache`` keeps the sounds it makes for the next start."""
    made = ",".join(f"{p.tone.value}:{p.length_s:.3f}" for p in prepare
                    if p.length_s is not None)
    command = [*_player_process(volume, breath), "--prepare", made]
    return command if cache is None else [*command, "--cache", str(cache)]


def cue_write_command(volume: float, breath: str, tones: Sequence[Tone],
                      cache: Path) -> list[str]:
    """The command line that writes the first cues' WAV files into ``cache`` (no pygame)."""
    return [*_player_process(volume, breath), "--cache", str(cache), "--write-cues",
            ",".join(tone.value for tone in tones)]


class PlayerAudio(ClosesOnExit):
    """Plays through the player process; the ``pygame`` audio backend.

    ``command`` is the player's argv (:func:`player_command`); ``env`` its environment
    (None: the service's). The monotonic clock is shared with the player (both read
    ``CLOCK_MONOTONIC``), so the times it reports can be compared with ours. ``phrases``
    maps the text of each spoken cue to its cached WAV (empty: voice off). ``cues`` plays
    a first cue asked for while no player runs (None: the player plays every sound).
    """

    def __init__(self, clock: Clock, command: Sequence[str], logger: logging.Logger | None = None,
                 *, env: dict[str, str] | None = None, warm_s: float = WARM_S,
                 linger_s: float = LINGER_S, keep_s: float = KEEP_S, hang_s: float = HANG_S,
                 start_s: float = START_S,
                 phrases: Mapping[str, Path] | None = None, cues: FirstCues | None = None):
        self._clock = clock
        self._cues = cues
        self._cueing: Cueing | None = None  # the cue aplay plays, until it is checked
        self._cue_check_at: float | None = None  # when to see how aplay fared
        self.cued_at: float | None = None  # when aplay was last started for a first cue
        self._phrases = dict(phrases or {})
        self._command = list(command)
        self._env = env
        self._log = logger or logging.getLogger(__name__)
        self._warm_s, self._linger_s, self._keep_s, self._hang_s = (warm_s, linger_s, keep_s,
                                                                  hang_s)
        self._start_s = start_s
        self._proc: subprocess.Popen[bytes] | None = None
        self._quitting: list[Process] = []  # asked to quit (or a cue playing), not yet reaped
        self._look_in_at: float | None = None  # the next look at a busy or quitting player
        self._received = b""
        self._eof = False  # the player closed its output: it has ended
        self._seq = 0
        self._unconfirmed: dict[int, float] = {}  # seq -> when it was sent
        self._idle_since: float | None = None  # the player's last "idle" (None: busy)
        self._expected: float | None = None  # the next planned sound, from the core
        self._chimed = False  # a reminder chime was sent; the next plan is its repeat
        self._held_for: float | None = None  # the repeat chime the player is kept open for
        self._rested = False  # told to close the device until the next sound
        self._failures = 0
        self._closed = False
        self.started: dict[int, float] = {}  # seq -> when the player started it
        self.ready_at: float | None = None  # when the running player opened the device
        self.prepared_at: float | None = None  # when it had made every sound ahead
        self.rested_at: float | None = None  # when it last closed the device to rest
        self.spawned_at: float | None = None
        self._opened_at: float | None = None  # when we heard "ready" (our clock)
        self._schedule_look_in(clock.monotonic())  # the first cues' writer, to be reaped

    @property
    def running(self) -> bool:
        """True while a player process is up (it holds the audio device)."""
        return self._proc is not None

    @property
    def cues(self) -> FirstCues | None:
        """The first cues ``aplay`` plays while no player runs (None: none)."""
        return self._cues

    @property
    def waiting(self) -> bool:
        """True while a sound sent has not been confirmed as started."""
        return bool(self._unconfirmed)

    @property
    def pid(self) -> int | None:
        """The running player's process id (benchmarks read its memory)."""
        return None if self._proc is None else self._proc.pid

    def fileno(self) -> int | None:
        """The player's output pipe while it runs (tests and benchmarks wait on it)."""
        proc = self._proc
        return None if proc is None or proc.stdout is None else proc.stdout.fileno()

    @property
    def silent(self) -> bool:
        """True once the backend has given up (or is closed)."""
        return self._closed or self._failures >= MAX_FAILURES

    def expect(self, at: float | None) -> None:
        """The core's next planned sound (monotonic seconds), or None: nothing planned.

        The plan passed on right after a reminder chime is its next repeat: the player is
        held open until then, however far off. Any other plan (stood up, snoozed, the
        stretch begun, the repeats used up) ends the hold.
        """
        if self._chimed:
            self._chimed, self._held_for = False, at
        elif at != self._held_for:
            self._held_for = None
        self._expected = at
        if at is not None and at - self._clock.monotonic() <= self._warm_s:
            self._ensure_running()

    def play(self, play: Play) -> None:
        """Send ``play`` to the player (starting it cold if need be); ``last_seq`` is its
        number in :attr:`started`."""
        self._chimed = play.tone is Tone.REMINDER
        if self.silent or (self._proc is None and self._cue_at_once(play)):
            return
        if not self._ensure_running():
            return
        self._seq += 1
        self._unconfirmed[self._seq] = self._clock.monotonic()
        self._idle_since, self._rested = None, False
        self._send(f"play {self._seq} {play.tone.value} "
                   f"{'-' if play.length_s is None else f'{play.length_s:.3f}'} "
                   f"{int(play.cut)}\n")
        self._schedule_look_in(self._clock.monotonic())

    def say(self, text: str) -> None:
        """Speak ``text`` over the tones, if its phrase was rendered (voice on)."""
        path = self._phrases.get(text)
        if path is None or self.silent or not self._ensure_running():
            return
        self._seq += 1
        self._unconfirmed[self._seq] = self._clock.monotonic()
        self._idle_since, self._rested = None, False
        self._send(f"say {self._seq} {path}\n")
        self._schedule_look_in(self._clock.monotonic())

    @property
    def last_seq(self) -> int:
        """The number of the last sound sent (0: none yet)."""
        return self._seq

    def deadline(self) -> float | None:
        times: list[float] = []
        if self._look_in_at is not None:
            times.append(self._look_in_at)
        if self._cue_check_at is not None:
            times.append(self._cue_check_at)
        if self._proc is None:
            if self._expected is not None and not self.silent:
                times.append(self._expected - self._warm_s)
        else:
            if self._unconfirmed:
                times.append(self._confirm_by(min(self._unconfirmed.values())))
            if self._idle_since is not None:
                times.append(self._quit_time(self._idle_since))
            if (rest_at := self._rest_time()) is not None:
                times.append(rest_at)
        return min(times) if times else None

    def service(self, now: float) -> None:
        self._quitting = [proc for proc in self._quitting if proc.poll() is None]
        if self._cues is not None:
            self._cues.reap()
        if self._cue_check_at is not None and now >= self._cue_check_at:
            self._check_cue(now)
        self._schedule_look_in(now)
        if self._proc is None:
            if (self._expected is not None and not self.silent
                    and now >= self._expected - self._warm_s):
                self._ensure_running()
            return
        self._read()
        if self._proc is None:
            return
        if self._eof or self._proc.poll() is not None:
            self._fail(f"the player process ended by itself (status {self._proc.returncode})")
            return
        late = [seq for seq, sent in self._unconfirmed.items() if now >= self._confirm_by(sent)]
        if late and self._opened_at is None:
            self._fail(f"the player did not open the sound device within "
                       f"{self._start_s:.0f} s of its start")
            return
        if late:
            self._fail(f"the player did not start sound {late[0]} within {self._hang_s:.0f} s")
            return
        if self._idle_since is not None and now >= self._quit_time(self._idle_since):
            self._stop()
        elif (rest_at := self._rest_time()) is not None and now >= rest_at:
            self._rested = True
            self._send("rest\n")
            self._log.debug("audio: player told to rest (device closed until the next sound)")
        self._schedule_look_in(now)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._stop()
        if self._cues is not None:
            self._cues.close()
        if self._cueing is not None:  # a short cue: it ends by itself, or is killed below
            self._quitting.append(self._cueing.process)
            self._cueing, self._cue_check_at = None, None
        for proc in self._quitting:
            try:
                proc.wait(QUIT_WAIT_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self._quitting.clear()

    # -- the first cue, by aplay ---------------------------------------------------------

    def _cue_at_once(self, play: Play) -> bool:
        """True if ``aplay`` now plays ``play`` (a first cue with its file ready); the
        player is then started by :meth:`expect` if more sounds are planned, and opens the
        device after the cue."""
        if self._cues is None or self._cueing is not None or self._quitting:
            return False  # a player still fading out may hold the device
        now = self._clock.monotonic()
        cueing = self._cues.start(play, now)
        if cueing is None:
            return False
        self._cueing, self.cued_at = cueing, now
        self._cue_check_at = cueing.ends + CUE_MARGIN_S
        self._log.debug("audio: first cue %s by aplay", play.tone.value)
        return True

    def _check_cue(self, now: float) -> None:
        """``aplay`` should be done: reaped if so; if it failed, the player plays the cue
        (late, not lost) and every first cue from now on."""
        cueing = self._cueing
        assert cueing is not None
        status = cueing.process.poll()
        if status is None:  # still draining (a busy machine): look again
            self._cue_check_at = now + LOOK_IN_S
            return
        self._cueing, self._cue_check_at = None, None
        if status != 0 and self._cues is not None:
            self._cues.failed(f"aplay could not play the first cue (status {status})")
            self.play(cueing.play)

    def _device_free_at(self) -> float | None:
        """When the cue ``aplay`` plays leaves the device to the player (None: free)."""
        cueing = self._cueing
        if cueing is None or cueing.process.poll() is not None:
            return None
        return cueing.ends + CUE_MARGIN_S

    # -- the process ----------------------------------------------------------------

    def _schedule_look_in(self, now: float) -> None:
        """While the player is busy (it cannot wake the loop, which sleeps on its own
        queue) or a quitting one is still to be reaped, look in every ``LOOK_IN_S``: a
        fixed time, reached and then moved on, never "now plus a bit"."""
        wanted = (self._quitting or (self._proc is not None and self._idle_since is None)
                  or (self._cues is not None and self._cues.busy))
        if not wanted:
            self._look_in_at = None
        elif self._look_in_at is None or now >= self._look_in_at:
            self._look_in_at = now + LOOK_IN_S

    def _quit_time(self, idle_since: float) -> float:
        """When a player idle since ``idle_since`` is ended (later if a sound is near, or
        a reminder's next chime is planned)."""
        quit_at = idle_since + self._linger_s
        expected = self._expected
        if expected is not None and (expected - quit_at < max(self._keep_s, self._warm_s)
                                     or expected == self._held_for):
            quit_at = max(quit_at, expected + self._linger_s)
        return quit_at

    def _confirm_by(self, sent: float) -> float:
        """When a sound sent at ``sent`` must have started: ``hang_s`` after it was sent
        or the device opened, whichever is later; a cold player has ``start_s`` to open."""
        if self._opened_at is None:
            return max(sent + self._hang_s, (self.spawned_at or sent) + self._start_s)
        return max(sent, self._opened_at) + self._hang_s

    def _rest_time(self) -> float | None:
        """When an idle player kept for a sound far off (a reminder's next chime) closes
        its device: an open mixer wakes the player 50-90 times a second in silence. None
        while a sound is near (one device opening per routine: an I2S amplifier pops at
        each), or when the player is ended at that time anyway."""
        idle_since = self._idle_since
        if self._proc is None or idle_since is None or self._rested:
            return None
        rest_at = idle_since + self._linger_s
        if self._quit_time(idle_since) <= rest_at:
            return None
        expected = self._expected
        if expected is not None and expected - rest_at < self._keep_s:
            return None
        return rest_at

    def _ensure_running(self) -> bool:
        if self._proc is not None:
            return True
        if self.silent:
            return False
        command = self._command
        if (free_at := self._device_free_at()) is not None:
            command = [*command, "--open-after", f"{free_at:.6f}"]
        try:
            self._proc = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL, env=self._env, close_fds=True)
        except OSError as exc:
            self._failures = MAX_FAILURES
            self._log.warning("audio: cannot start the player (%s); running silent. Check "
                              "the installation, or set backend = \"none\" under [audio]", exc)
            return False
        assert self._proc.stdin is not None and self._proc.stdout is not None
        os.set_blocking(self._proc.stdin.fileno(), False)
        os.set_blocking(self._proc.stdout.fileno(), False)
        self.spawned_at = self._clock.monotonic()
        self.ready_at = None
        self.prepared_at = None
        self.rested_at = None
        self._opened_at = None
        self._rested = False
        self._received = b""
        self._eof = False
        self._idle_since = self.spawned_at  # a fresh player is idle until told to play
        self._log.debug("audio: player started (pid %d)", self._proc.pid)
        return True

    def _send(self, line: str) -> None:
        proc = self._proc
        assert proc is not None and proc.stdin is not None
        try:
            written = os.write(proc.stdin.fileno(), line.encode("ascii"))
        except BlockingIOError:
            self._fail("the player stopped reading its commands")
            return
        except BrokenPipeError:
            self._fail("the player process is gone")
            return
        if written != len(line):
            self._fail("the player stopped reading its commands")

    def _read(self) -> None:
        """Take in whatever the player has said so far, without waiting."""
        proc = self._proc
        assert proc is not None and proc.stdout is not None
        while True:
            try:
                chunk = os.read(proc.stdout.fileno(), 4096)
            except BlockingIOError:
                break
            if not chunk:
                self._eof = True
                break
            self._received += chunk
        *lines, self._received = self._received.split(b"\n")
        for raw in lines:
            self._heard(raw.decode("ascii", "replace").split())
            if self._proc is None:
                return

    def _heard(self, words: list[str]) -> None:
        if not words:
            return
        match words:
            case ["ready", at]:
                self.ready_at = float(at)
                self._opened_at = self._clock.monotonic()
            case ["prepared", at]:
                self.prepared_at = float(at)
            case ["rested", at]:
                self.rested_at = float(at)
            case ["started", seq, at]:
                self._unconfirmed.pop(int(seq), None)
                self.started[int(seq)] = float(at)
            case ["idle", _]:
                if not self._unconfirmed:  # counted from when we heard it: one clock
                    self._idle_since = self._clock.monotonic()
            case ["error", *text]:
                self._fail(f"the player cannot play: {' '.join(text)}", give_up=True)

    def _fail(self, why: str, give_up: bool = False) -> None:
        """Log ``why``, kill the player; silent until the next need (or for good)."""
        self._failures = MAX_FAILURES if give_up else self._failures + 1
        if self.silent:
            self._log.warning(
                "audio: %s; running silent from now on. Check that the sound device exists "
                "and is free (aplay -l), or set backend = \"none\" under [audio]", why)
        else:
            self._log.warning("audio: %s; stopped it, the next sound starts a fresh one", why)
        self._kill()

    def _stop(self) -> None:
        """Ask the player to fade out and quit; it is reaped by a later :meth:`service`."""
        proc = self._proc
        if proc is None:
            return
        try:
            assert proc.stdin is not None
            os.write(proc.stdin.fileno(), b"quit\n")
        except OSError:
            pass
        self._close_pipes(proc)
        self._quitting.append(proc)
        self._proc = None
        self._unconfirmed.clear()
        self._idle_since = None
        self._look_in_at = None
        self._schedule_look_in(self._clock.monotonic())
        self._log.debug("audio: player asked to quit")

    def _kill(self) -> None:
        proc = self._proc
        if proc is None:
            return
        proc.kill()
        proc.wait()  # SIGKILL cannot be refused: this returns at once
        self._close_pipes(proc)
        self._proc = None
        self._unconfirmed.clear()
        self._idle_since = None

    @staticmethod
    def _close_pipes(proc: subprocess.Popen[bytes]) -> None:
        for pipe in (proc.stdin, proc.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()
