"""The stats pages on the panel: a hold in idle opens them, presses turn them, 15 s closes."""

from unslump.core.records import BreakKind
from unslump.core.views import (
    IdleView,
    StatsResponseView,
    StatsSafetyView,
    StatsStreakView,
    StatsTodayView,
    StatsWeekView,
)


def test_stats_navigation_hold_opens_press_turns_and_time_closes(make_device):
    device = make_device()
    device.sit()
    device.run_until(20 * 60)
    device.stand()
    device.run_until(30 * 60)
    device.sit()
    device.run_until(31 * 60)
    device.hold()
    assert device.runtime.state.name == "stats"
    today = device.runtime.state.shown
    assert isinstance(today, StatsTodayView)
    assert today.breaks_natural == 1
    kinds = [StatsWeekView, StatsStreakView, StatsResponseView, StatsSafetyView,
             StatsTodayView]
    for kind in kinds:
        device.press()
        assert isinstance(device.runtime.state.shown, kind)
    device.run_for(14)
    assert device.runtime.state.name == "stats"  # each press restarts the 15 s
    device.run_for(2)
    assert device.runtime.state.name == "seated"
    assert isinstance(device.runtime.state.shown, IdleView)


def test_stats_navigation_hold_goes_back_to_idle(make_device, memory_store):
    device = make_device()
    device.sit()
    device.run_until(60)
    device.hold()
    device.hold()
    assert device.runtime.state.name == "seated"
    assert [b for b in memory_store.breaks if b.kind is BreakKind.GUIDED] == []
