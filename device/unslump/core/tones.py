"""The names of the sounds the core can ask for, and the few lengths the core plans with.

The core only names a tone; how it sounds is decided at the edge (``unslump.edges.audio.synth``),
so that the same name plays through the player process, a piezo buzzer, or into the demo's
WAV file. During the stretch the head hangs and the eyes are off the screen, so every phase
start has a sound of its own: no two phases begin alike, and the breath sounds (``inhale``,
``exhale``) stretch to the breath they pace instead of marking only its start.
"""

from enum import StrEnum


class Tone(StrEnum):
    """Every sound the device makes, by meaning."""

    REMINDER = "reminder"  # time to stand up: a gentle falling two-note chime
    INHALE = "inhale"  # breathe in: a low swell rising in pitch and loudness, the whole breath
    EXHALE = "exhale"  # breathe out: a low swell falling in pitch and loudness, the whole breath
    PHASE = "phase"  # the safety notice begins: a short bright rising blip
    SETUP = "setup"  # take the starting position: two even taps
    FOLD = "fold"  # fold over the thighs: a short downward slide
    HANG = "hang"  # the hang begins: one low soft bell
    HANG_END = "hang_end"  # the hang is over, breathe in again: a rising step up
    RECOMMIT = "recommit"  # hips soft, abs in again: three quick pulses
    UNCURL = "uncurl"  # roll up from the pelvis: a slide up an octave
    TICK = "tick"  # one vertebra of the uncurl: a soft short click-tone
    REST = "rest"  # rest upright: an open fifth, struck together
    PIP = "pip"  # one per repetition done, counted at each rest
    COMPLETE = "complete"  # the routine is done: a chime that resolves downward
    PAUSE = "pause"  # paused: one low note
    RESUME = "resume"  # resumed: one higher note
    STOP = "stop"  # stopped before the end: two falling low notes
    ACK = "ack"  # a press was taken (stats page, snooze): a tiny click


PHASE_MARKS = (Tone.PHASE, Tone.SETUP, Tone.FOLD, Tone.HANG, Tone.HANG_END, Tone.RECOMMIT,
               Tone.UNCURL, Tone.REST)
"""The sounds a routine file may start a phase with: short, distinct marks (the others
pace a breath, count, end, or answer the button, and mean that wherever they sound)."""

BREATH_TONES = frozenset({Tone.INHALE, Tone.EXHALE})
"""The sounds that stretch to the breath they accompany (``Play.length_s``)."""

BREATH_COVER = 0.9
"""The share of a breath its sound lasts: long enough to pace it to the end (the issue
asks at least 80 %), short enough that a phase sound queued before it (at most
``MARK_MAX_S``) still leaves the breath's sound ending inside its own breath."""

MARK_MAX_S = 0.4
"""No phase sound (and no pause/resume sound) lasts longer than this; the edge's designs
are tested against it. The core spaces what follows a phase sound on it."""

PIP_SPACING_S = 0.3
"""The repetition pips at a rest are this far apart: counted, not blurred."""

RECUE_LEAD_S = 1.0
"""After a resume the resume sound and the current phase's sound play first; the breath
sound restarts this long after the press (two sounds of at most ``MARK_MAX_S`` fit)."""
