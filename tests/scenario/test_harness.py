"""The whole device through its real input path: MockFactory pins, dummy panel, fake clock."""

from unslump.core.records import BreakKind


def test_harness_seat_occupied_at_boot_is_seen_without_an_edge(make_device):
    device = make_device(seat_occupied=True)
    device.run_until(6)
    assert device.runtime.state.name == "seated"
    assert device.runtime.state.bout.start_at == device.origin


def test_harness_idle_screen_shows_seat_and_bout_minutes(make_device):
    device = make_device()
    device.sit()
    device.run_until(12 * 60 + 30)
    assert device.screen.device.image.getbbox() is not None
    view = device.runtime.state.shown
    assert (view.seated, view.bout_min) == (True, 12)


def test_harness_natural_break_reaches_the_store(make_device, memory_store):
    device = make_device()
    device.sit()
    device.run_until(20 * 60)
    device.stand()
    device.run_until(30 * 60)
    device.sit()
    device.run_until(31 * 60)
    [natural] = memory_store.breaks
    assert natural.kind is BreakKind.NATURAL
    assert natural.duration_s == 600.0


def test_harness_close_blanks_the_panel(make_device):
    device = make_device()
    device.sit()
    device.run_until(60)
    device.close()
    assert device.panel.image.getbbox() is None


def test_harness_unwritable_log_shows_a_warning_mark_until_it_recovers(make_device,
                                                                        memory_store):
    device = make_device()
    device.sit()
    device.run_until(60)
    assert device.panel.image.getpixel((127, 0)) == 0
    memory_store.healthy = False
    device.run_until(120)  # the next minute's redraw carries the mark
    assert device.panel.image.getpixel((127, 0)) == 255
    memory_store.healthy = True
    device.run_until(180)
    assert device.panel.image.getpixel((127, 0)) == 0


def test_harness_stuck_button_logs_one_error_and_is_then_ignored(make_device, memory_store):
    device = make_device()
    device.sit()
    device.run_until(60)
    device.down()
    device.run_until(600)
    [error] = memory_store.errors
    assert error.source == "button" and "stuck" in error.message
    device.up()
    device.run_until(700)
    assert len(memory_store.errors) == 1
    device.press()  # the button works again once released
    assert device.runtime.state.name == "routine"
