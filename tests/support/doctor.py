"""Fakes for ``unslump doctor``'s tests: a healthy /dev, mock pin factories, a dummy panel,
systemctl's answers, and a probe that ties them together (fixtures, by name)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from gpiozero.pins.mock import MockFactory, MockPWMPin
from luma.core.device import dummy

from unslump.cli.doctor import command as doctor
from unslump.cli.doctor.report import CommandOutput, Probe
from unslump.edges.display import oled as display

INACTIVE_NOT_FOUND = {
    ("systemctl", "is-active", "unslump"): CommandOutput(3, "inactive", ""),
    ("systemctl", "is-enabled", "unslump"): CommandOutput(1, "", "Failed to get unit file "
                                                          "state: No such file or directory"),
}


def fake_systemctl(answers: dict[tuple[str, ...], CommandOutput]
                   ) -> Callable[[Sequence[str]], CommandOutput]:
    def run(argv: Sequence[str]) -> CommandOutput:
        return answers.get(tuple(argv), CommandOutput(1, "", "Unit unslump.service not found."))

    return run


def no_systemctl(argv: Sequence[str]) -> CommandOutput:
    raise FileNotFoundError(2, "No such file or directory", argv[0])


@pytest.fixture
def dev_dir(tmp_path: Path) -> Path:
    """A /dev with the I2C bus and the GPIO chip a set-up Pi has."""
    dev = tmp_path / "dev"
    dev.mkdir()
    (dev / "i2c-1").touch()
    (dev / "gpiochip0").touch()
    (tmp_path / "proc" / "asound").mkdir(parents=True)
    (tmp_path / "proc" / "asound" / "cards").write_text(
        " 0 [MAX98357A      ]: simple-card - MAX98357A\n                      MAX98357A\n")
    return dev


@pytest.fixture
def factories() -> Iterator[list[MockFactory]]:
    """Every mock pin factory the checks made, closed after the test."""
    made: list[MockFactory] = []
    yield made
    for factory in made:
        factory.close()


@pytest.fixture
def panel(monkeypatch: pytest.MonkeyPatch) -> dummy:
    """A dummy panel that answers in place of the real one."""
    answering = dummy(mode="1")
    monkeypatch.setattr(display, "open_luma_device", lambda config: answering)
    return answering


@pytest.fixture
def probe(dev_dir: Path, tmp_path: Path, factories: list[MockFactory], panel: dummy) -> Probe:
    """Everything healthy: I2C, a panel, GPIO, a mixer, and systemd without the unit."""

    def make_factory() -> MockFactory:
        factories.append(MockFactory(pin_class=MockPWMPin))
        return factories[-1]

    model = tmp_path / "proc" / "device-tree" / "model"
    model.parent.mkdir(parents=True, exist_ok=True)
    model.write_text("Raspberry Pi Zero 2 W Rev 1.0\x00")
    return Probe(
        dev_dir=dev_dir,
        env={"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data"),
             "SDL_AUDIODRIVER": "dummy"},
        run_command=fake_systemctl(INACTIVE_NOT_FOUND),
        make_pin_factory=make_factory,
        open_mixer=lambda env: "mixer opened (dummy)",
        proc_dir=tmp_path / "proc",
        boot_config=tmp_path / "config.txt",
    )


def lines_of(probe: Probe, config: str | None = None, db: str | None = None) -> tuple[int,
                                                                                    list[str]]:
    out = io.StringIO()
    status = doctor.doctor(config, db, probe, out)
    return status, out.getvalue().splitlines()


def line_for(lines: list[str], name: str) -> str:
    (found,) = [line for line in lines if line.split(maxsplit=1)[1].startswith(f"{name}:")]
    return found
