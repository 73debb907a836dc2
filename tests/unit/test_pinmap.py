"""The pin map data file and the checks that keep a wiring mistake out of code and docs."""

from __future__ import annotations

import copy
import tomllib
from importlib import resources
from typing import Any

import pytest

from unslump.config.pins import PinMap, default_pins, load_pinmap, parse_pinmap
from unslump.errors import ConfigError


@pytest.fixture
def raw() -> dict[str, Any]:
    """The shipped pin map as parsed TOML, free to be broken by each test."""
    text = resources.files("unslump.config").joinpath("pinmap.toml").read_text(encoding="utf-8")
    return copy.deepcopy(tomllib.loads(text))


def wire(raw: dict[str, Any], part_id: str, signal: str) -> dict[str, Any]:
    part = next(p for p in raw["part"] if p["id"] == part_id)
    return next(w for w in part["wire"] if w["signal"] == signal)


def test_pinmap_defaults_match_the_product_pins():
    pins = default_pins()
    assert isinstance(pins, PinMap)
    assert (pins.button_bcm, pins.seat_bcm) == (17, 27)
    assert pins.i2s_bcm == (18, 19, 21)
    assert pins.buzzer_bcm in (12, 13)  # a hardware-PWM pin clear of I2S and I2C


def test_pinmap_default_pins_is_the_same_frozen_object():
    assert default_pins() is default_pins()
    with pytest.raises(AttributeError):
        default_pins().parts = ()  # type: ignore[misc]


def test_pinmap_header_pins_of_the_known_parts():
    pins = load_pinmap()
    assert pins.part("button").wire("SIG").header == 11
    assert pins.part("seat").gpio.header == 13
    oled = pins.part("oled")
    assert (oled.wire("SDA").bcm, oled.wire("SDA").header) == (2, 3)
    assert (oled.wire("SCL").bcm, oled.wire("SCL").header) == (3, 5)
    assert pins.header[oled.wire("VCC").header - 1].rail == "3V3"


def test_pinmap_every_part_has_a_ground_on_a_ground_pin():
    pins = load_pinmap()
    for part in pins.parts:
        ground = next(w for w in part.wires if w.signal in ("GND", "COM"))
        assert pins.header[ground.header - 1].rail == "GND", part.id


def test_pinmap_microswitch_has_no_power_wire_only_com_no_and_a_pull_up():
    """3V3 and GND on a three-terminal switch's NO and COM would short the rail on sitting."""
    pins = load_pinmap()
    switch = pins.part("seat")
    assert {w.signal for w in switch.wires} == {"NO", "COM", "NC", "PULL-UP"}
    assert pins.header[switch.wire("COM").header - 1].rail == "GND"
    assert (switch.wire("NO").bcm, switch.wire("NO").header) == (27, 13)
    assert not switch.wire("NC").connected
    assert "2.2 kOhm" in switch.wire("PULL-UP").note
    assert pins.header[pins.part("seat-fsr").wire("VCC").header - 1].rail == "3V3"
    assert pins.header[pins.part("seat-radar").wire("VCC").header - 1].rail == "5V"


def test_pinmap_seat_variants_share_the_one_seat_pin():
    pins = load_pinmap()
    variants = pins.variants("seat")
    assert [part.id for part in variants] == ["seat", "seat-fsr", "seat-radar"]
    assert {part.gpio.bcm for part in variants} == {pins.seat_bcm} == {27}


def test_pinmap_build_keeps_one_variant_per_role():
    pins = load_pinmap()
    radar = pins.build("seat-radar")
    assert [part.id for part in radar.parts] == ["button", "seat-radar", "oled", "amp", "buzzer"]
    assert [part.id for part in pins.build().parts] == ["button", "seat", "oled", "amp",
                                                        "buzzer"]


def test_pinmap_variants_on_different_gpios_is_an_error(raw):
    wire(raw, "seat-fsr", "DO").update(bcm=22, header=15)
    with pytest.raises(ConfigError, match=r"seat-fsr puts its seat signal on BCM 22, seat on "
                                          r"BCM 27"):
        parse_pinmap(raw, "pinmap.toml")


def test_pinmap_a_variant_may_not_share_a_pin_with_another_part(raw):
    wire(raw, "seat-radar", "VCC")["header"] = 4  # the amplifier's 5 V pin
    with pytest.raises(ConfigError, match=r"header pin 4 is used twice \(seat-radar\.VCC and "
                                          r"amp\.VIN\)"):
        parse_pinmap(raw, "pinmap.toml")


def test_pinmap_wire_without_header_must_say_it_is_unconnected(raw):
    del wire(raw, "button", "GND")["header"]
    with pytest.raises(ConfigError, match=r"no header pin; give one, or colour = \"none\""):
        parse_pinmap(raw, "pinmap.toml")


def test_pinmap_header_layout_is_the_standard_pi_header():
    pins = load_pinmap()
    assert len(pins.header) == 40
    grounds = [pin.number for pin in pins.header if pin.rail == "GND"]
    assert grounds == [6, 9, 14, 20, 25, 30, 34, 39]
    assert sorted(pin.bcm for pin in pins.header if pin.bcm is not None) == list(range(28))
    assert pins.header[10].label == "GPIO17"


def test_pinmap_unknown_part_or_signal_raises_keyerror():
    pins = load_pinmap()
    with pytest.raises(KeyError, match="lamp"):
        pins.part("lamp")
    with pytest.raises(KeyError, match="MISO"):
        pins.part("oled").wire("MISO")
    with pytest.raises(KeyError, match="power pin"):
        pins.bcm("oled", "GND")


def test_pinmap_bcm_used_twice_is_an_error_naming_both(raw):
    wire(raw, "buzzer", "SIG").update(bcm=17, header=11)
    wire(raw, "button", "SIG").update(bcm=17, header=11)
    with pytest.raises(ConfigError, match=r"BCM 17 is used twice \(button\.SIG and buzzer\.SIG\)"):
        parse_pinmap(raw, "pinmap.toml")


def test_pinmap_header_pin_used_twice_is_an_error(raw):
    wire(raw, "buzzer", "GND")["header"] = 9
    with pytest.raises(ConfigError, match="header pin 9 is used twice"):
        parse_pinmap(raw, "pinmap.toml")


@pytest.mark.parametrize("header", [0, 41, "11", True])
def test_pinmap_header_out_of_range_is_an_error(raw, header):
    wire(raw, "button", "SIG")["header"] = header
    with pytest.raises(ConfigError, match=r"pinmap.toml: part 'button', wire 'SIG'.*1-40"):
        parse_pinmap(raw, "pinmap.toml")


def test_pinmap_bcm_that_disagrees_with_the_header_is_an_error(raw):
    wire(raw, "seat", "NO")["header"] = 15  # GPIO22, but the wire still says BCM 27
    with pytest.raises(ConfigError, match=r"seat\.NO says BCM 27 on header pin 15.*GPIO22"):
        parse_pinmap(raw, "pinmap.toml")


def test_pinmap_gpio_header_pin_without_bcm_is_an_error(raw):
    del wire(raw, "button", "SIG")["bcm"]
    with pytest.raises(ConfigError, match="add bcm = 17"):
        parse_pinmap(raw, "pinmap.toml")


def test_pinmap_truncated_header_is_an_error(raw):
    raw["header"]["pins"] = raw["header"]["pins"][:26]
    with pytest.raises(ConfigError, match="all 40 header pins"):
        parse_pinmap(raw, "pinmap.toml")


def test_pinmap_unknown_wire_key_is_an_error(raw):
    wire(raw, "oled", "SDA")["colour_code"] = "BU"
    with pytest.raises(ConfigError, match=r"unknown key.*colour_code"):
        parse_pinmap(raw, "pinmap.toml")


def test_pinmap_duplicate_part_is_an_error(raw):
    raw["part"].append(copy.deepcopy(raw["part"][0]))
    with pytest.raises(ConfigError, match="defined twice"):
        parse_pinmap(raw, "pinmap.toml")


def test_pinmap_missing_parts_is_an_error(raw):
    del raw["part"]
    with pytest.raises(ConfigError, match=r"no \[\[part\]\]"):
        parse_pinmap(raw, "pinmap.toml")
