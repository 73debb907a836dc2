"""When the core next plans a sound, so the audio can be ready for it (and rest otherwise).

The pygame backend plays through a separate player process that takes a moment to
start (seconds on a Pi Zero) and should keep the audio device open across a whole
routine or reminder. The core knows its plans: the reminder's due time while someone
sits, the next repeat chime, the next cue of the stretch. This reads them from the
state, with no clock and no I/O, and the runtime passes the answer on to the audio.
"""

from __future__ import annotations

from unslump.core.settings import CoreConfig
from unslump.core.state import DeviceState

PAUSE_KEEP_S = 30.0
"""A paused stretch is expected to resume within this long: the audio stays ready."""


def next_sound_at(state: DeviceState, config: CoreConfig) -> float | None:
    """The monotonic time of the next sound the core plans, or None if none is planned.

    A guess on the safe side: quiet hours may still hold a reminder back, and a pause may
    last longer than ``PAUSE_KEEP_S``; the audio only gets ready a little early or late.
    Each mode knows its own plans (:meth:`unslump.core.modes.Mode.next_sound_at`).
    """
    return state.mode.next_sound_at(state, config)
