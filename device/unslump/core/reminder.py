"""When to remind, how the reminder escalates, and how snoozing is rationed.

A reminder is due when the seated time of the current bout reaches a threshold (45
minutes at first). It chimes, then repeats every few minutes a limited number of times,
then keeps only its screen. Standing up, starting the routine or snoozing ends it (the
reminder showing is a mode: :mod:`unslump.core.modes.reminding`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from unslump.core.seat import Bout
from unslump.core.settings import ReminderConfig


@dataclass(frozen=True, slots=True)
class ReminderPlan:
    """The next reminder of this bout: at which seated time, and not before when."""

    due_sitting_s: float  # seated seconds of the bout at which it is due
    not_before: float | None = None  # a snooze (or quiet hours) holds it back until then
    snoozes: int = 0  # snoozes in a row

    @classmethod
    def fresh(cls, config: ReminderConfig) -> ReminderPlan:
        return cls(config.remind_after_min * 60)

    def due_at(self, bout: Bout | None) -> float | None:
        """The monotonic time the reminder falls due, while someone is seated in a bout."""
        if bout is None or bout.seated_since is None:
            return None
        reached = bout.seated_since + max(0.0, self.due_sitting_s - bout.seated_s)
        return reached if self.not_before is None else max(reached, self.not_before)

    def held_back_until(self, at: float) -> ReminderPlan:
        return replace(self, not_before=at)

    def snoozed(self, at: float, config: ReminderConfig) -> ReminderPlan:
        return replace(self, not_before=at + config.snooze_min * 60, snoozes=self.snoozes + 1)

    def after_standing(self, bout: Bout, at: float, config: ReminderConfig) -> ReminderPlan:
        """Standing up answers the reminder, but a short stand is not a break: if the
        person sits down again within the bout, the next reminder comes one repeat
        interval of sitting later."""
        return ReminderPlan(bout.sitting_s(at) + config.repeat_every_min * 60)
