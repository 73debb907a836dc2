"""What a screen says, in words, the same at either panel height.

The 64-row and 32-row layouts draw these lines at their own places and sizes; keeping the
words here lets a 32-row device import its layouts without the 64-row ones.
"""

from __future__ import annotations

from unslump.core.views import DoneView, SnoozedView


def done_words(view: DoneView) -> tuple[str, str, str]:
    """The headline, detail and note of the end screen, at any panel size.

    A completed stretch is a break; a stopped one says how far it got and that the stats
    count it as stopped, not as a break (the screen says what the log will say)."""
    if view.completed and view.walk:
        return "WELL DONE", "standing break", "break logged"
    if view.completed:
        plural = "" if view.repetitions == 1 else "s"
        note = "uncurl smooth? press=yes" if view.asking else "break logged"
        if view.longer_uncurl_s:
            note = f"uncurl now {view.longer_uncurl_s:g} s longer"
        return "WELL DONE", f"{view.repetitions} repetition{plural}", note
    detail = (f"after rep {view.repetitions} of {view.reps}" if view.repetitions
              else "no rep finished")
    return "STOPPED", detail, "logged as stopped"


def snoozes_left_words(view: SnoozedView) -> str:
    """How many snoozes are left, in words (both screen heights say it the same way)."""
    if not view.snoozes_left:
        return "no snoozes left"
    plural = "" if view.snoozes_left == 1 else "s"
    return f"{view.snoozes_left} snooze{plural} left"
