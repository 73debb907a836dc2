"""``unslump blank``: no stale frame stays lit after a stop, unless asked to persist."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from luma.core.device import dummy
from luma.core.render import canvas

from unslump.cli import blank
from unslump.config.file import DisplayConfig
from unslump.edges.display import oled as display
from unslump.errors import DisplayError


class WatchedDummy(dummy):
    """luma's dummy panel that also remembers whether it was switched off."""

    def __init__(self) -> None:
        super().__init__(mode="1")
        self.hidden = False
        self.cleaned = 0

    def hide(self) -> None:
        super().hide()
        self.hidden = True

    def cleanup(self) -> None:
        self.cleaned += 1
        super().cleanup()


def lit_panel() -> WatchedDummy:
    panel = WatchedDummy()
    with canvas(panel) as draw:
        draw.rectangle((10, 10, 100, 50), fill="white")
    assert panel.image.getbbox() is not None
    return panel


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="unslump")
    commands = parser.add_subparsers(dest="command", required=True)
    blank.register(commands, [])
    return parser.parse_args(argv)


def write_config(tmp_path: Path, persist: bool) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f"[display]\npersist = {'true' if persist else 'false'}\n",
                    encoding="utf-8")
    return path


@pytest.fixture
def panel(monkeypatch: pytest.MonkeyPatch) -> WatchedDummy:
    """A lit dummy panel that the command opens in place of the real one."""
    made = lit_panel()
    monkeypatch.setattr(display, "open_luma_device", lambda config: made)
    return made


def run(argv: list[str]) -> int:
    args = parse(argv)
    return args.handler(args)


@pytest.mark.parametrize("result", ["success", "exit-code", "signal", "watchdog", None])
def test_blank_clears_and_hides_the_panel_after_any_stop(
    panel: WatchedDummy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str], result: str | None
) -> None:
    if result is None:
        monkeypatch.delenv("SERVICE_RESULT", raising=False)
    else:
        monkeypatch.setenv("SERVICE_RESULT", result)
    assert run(["blank", "--config", str(write_config(tmp_path, persist=False))]) == 0
    assert panel.image.getbbox() is None
    assert panel.hidden
    assert panel.persist  # luma's exit hook must not send the commands again
    assert panel.cleaned == 1
    assert capsys.readouterr().out == "display: blanked\n"


def test_blank_persist_after_a_crash_still_blanks(
    panel: WatchedDummy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SERVICE_RESULT", "core-dump")
    assert run(["blank", "--config", str(write_config(tmp_path, persist=True))]) == 0
    assert panel.image.getbbox() is None
    assert panel.hidden


def test_blank_persist_and_clean_stop_leaves_the_frame(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    panel = lit_panel()
    before = panel.image.copy()
    opened: list[DisplayConfig] = []

    def opener(config: DisplayConfig) -> WatchedDummy:
        opened.append(config)  # opening would reset a real panel: it must not happen
        return panel

    monkeypatch.setattr(display, "open_luma_device", opener)
    monkeypatch.setenv("SERVICE_RESULT", "success")
    assert run(["blank", "--config", str(write_config(tmp_path, persist=True))]) == 0
    assert opened == []
    assert panel.image.tobytes() == before.tobytes()
    assert not panel.hidden
    assert "left lit" in capsys.readouterr().out


def test_blank_unopenable_display_prints_one_line_and_exits_0(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def missing(config: DisplayConfig) -> None:
        raise DisplayError("cannot open the display (ssd1306 on /dev/i2c-1 at 0x3C)")

    monkeypatch.setattr(display, "open_luma_device", missing)
    monkeypatch.setenv("SERVICE_RESULT", "exit-code")
    assert run(["blank", "--config", str(write_config(tmp_path, persist=False))]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert out.startswith("display: nothing to blank")
    assert "/dev/i2c-1" in out


def test_blank_bad_config_blanks_with_the_defaults(
    panel: WatchedDummy, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "config.toml"
    bad.write_text("[display]\nbrightness = 3\n", encoding="utf-8")
    assert run(["blank", "--config", str(bad)]) == 2  # blanked, but the mistake is reported
    assert panel.image.getbbox() is None
    captured = capsys.readouterr()
    assert "brightness" in captured.err
    assert captured.out == "display: blanked\n"


def test_blank_register_accepts_a_parent_that_brings_config() -> None:
    shared = argparse.ArgumentParser(add_help=False)
    shared.add_argument("--config", metavar="PATH")
    parser = argparse.ArgumentParser(prog="unslump")
    blank.register(parser.add_subparsers(dest="command"), [shared])
    args = parser.parse_args(["blank", "--config", "x.toml"])
    assert args.config == "x.toml"
    assert args.handler is blank.cmd_blank
