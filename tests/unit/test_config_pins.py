"""`[pins]` choices the hardware cannot honour stop the load: `unslump config` exits 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from unslump.cli.main import main
from unslump.config.file import load_config
from unslump.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("text", "expected"), [
    ("[pins]\nseat = 0\n", "[pins] seat = 0: BCM 0 is ID_SD, the HAT ID EEPROM bus"),
    ("[pins]\nbutton = 1\n", "[pins] button = 1: BCM 1 is ID_SC, the HAT ID EEPROM bus"),
    ("[pins]\nbutton = 2\n", "[pins] button = 2: BCM 2 is I2C-1 SDA, the display's bus"),
    ("[pins]\nseat = 3\n", "[pins] seat = 3: BCM 3 is I2C-1 SCL, the display's bus"),
    ("[pins]\nseat = 17\n", "[pins] seat = 17: BCM 17 is already [pins] button"),
    ('[audio]\nbackend = "buzzer"\n[pins]\nbuzzer = 27\n',
     "[pins] buzzer = 27: BCM 27 is already [pins] seat"),
    ('[display]\ninterface = "spi"\n[pins]\nseat = 10\n',
     "[pins] seat = 10: BCM 10 is SPI0 MOSI, the display's bus"),
])
def test_config_pins_unusable_pin_is_one_line_naming_key_and_a_free_pin(tmp_path, text,
                                                                         expected):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: line {text.count(chr(10))}: {expected}")
    assert "\n" not in message
    assert "use a free pin (22, " in message and "hardware/pins.md" in message


@pytest.mark.parametrize("text", [
    "[pins]\nbutton = 22\nseat = 23\n",
    '[display]\ninterface = "spi"\n[pins]\nbutton = 2\nseat = 3\n',  # I2C free then
    "[pins]\nbuzzer = 17\n",  # the buzzer pin is unused with the pygame backend
])
def test_config_pins_usable_choices_load(tmp_path, text):
    load_config(write(tmp_path, text))


def test_config_command_rejects_a_pin_used_twice_with_exit_2(tmp_path, capsys):
    path = write(tmp_path, "[pins]\nbutton = 27\n")
    assert main(["config", "--config", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"unslump: {path}: [pins] seat = 27: BCM 27 is already [pins] "
                          "button")
    assert len(err.splitlines()) == 1
