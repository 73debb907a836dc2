"""The names of the sounds the core can ask for.

The core only names a tone; how it sounds is decided at the edge (``device.adapters.synth``),
so that the same name plays through pygame, a piezo buzzer, or into the demo's WAV file.
"""

from enum import StrEnum


class Tone(StrEnum):
    """Every sound the device makes, by meaning."""

    REMINDER = "reminder"  # time to stand up: a gentle two-note chime
    INHALE = "inhale"  # breathe in: a rising glide
    EXHALE = "exhale"  # breathe out: a falling glide
    TICK = "tick"  # one vertebra of the uncurl: a soft short click-tone
    PHASE = "phase"  # a new phase begins: a short bright blip
    COMPLETE = "complete"  # the routine is done: a rising three-note chime
    PAUSE = "pause"  # paused: one low note
    RESUME = "resume"  # resumed: one higher note
    STOP = "stop"  # stopped before the end: two falling low notes
    ACK = "ack"  # a press was taken (stats page, snooze): a tiny click
