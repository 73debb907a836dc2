"""When the core next plans a sound, so the audio can be ready for it (and rest otherwise).

The pygame backend plays through a separate player process that takes a moment to
start (seconds on a Pi Zero) and should keep the audio device open across a whole
routine or reminder. The core knows its plans: the reminder's due time while someone
sits, the next repeat chime, the next cue of the stretch. This reads them from the
state, with no clock and no I/O, and the runtime passes the answer on to the audio.
"""

from __future__ import annotations

from device.core.machine import DeviceState, Guiding, Idle
from device.core.reminder import Reminding
from device.core.routine import routine_next_cue
from device.core.settings import CoreConfig

PAUSE_KEEP_S = 30.0
"""A paused stretch is expected to resume within this long: the audio stays ready."""


def next_sound_at(state: DeviceState, config: CoreConfig) -> float | None:
    """The monotonic time of the next sound the core plans, or None if none is planned.

    A guess on the safe side: quiet hours may still hold a reminder back, and a pause may
    last longer than ``PAUSE_KEEP_S``; the audio only gets ready a little early or late.
    """
    match state.mode:
        case Idle():
            return state.plan.due_at(state.bout)
        case Reminding() as reminding:
            return reminding.next_chime(config.reminder)
        case Guiding(routine=routine):
            if routine.paused_at is not None:
                return routine.paused_at + PAUSE_KEEP_S
            return routine_next_cue(routine)
    return None
