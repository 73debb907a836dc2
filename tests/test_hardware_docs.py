"""The generated hardware docs: committed copies must equal what make_docs.py makes now."""

from __future__ import annotations

import importlib.util
import re
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import pytest

from device.pinmap import PinMap, load_pinmap

HARDWARE = Path(__file__).resolve().parent.parent / "hardware"
SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def make_docs() -> Iterator[ModuleType]:
    """hardware/make_docs.py is a script, not a package module: load it by path.

    It is registered in sys.modules while loaded because dataclasses look their module up.
    """
    spec = importlib.util.spec_from_file_location("make_docs", HARDWARE / "make_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules[spec.name]


def test_hardware_docs_pins_md_is_up_to_date(make_docs):
    committed = (HARDWARE / "pins.md").read_text(encoding="utf-8")
    assert committed == make_docs.render_pins_md(load_pinmap()), (
        "hardware/pins.md is stale: run .venv/bin/python hardware/make_docs.py")


def test_hardware_docs_wiring_svg_is_up_to_date(make_docs):
    committed = (HARDWARE / "wiring.svg").read_text(encoding="utf-8")
    assert committed == make_docs.render_wiring_svg(load_pinmap()), (
        "hardware/wiring.svg is stale: run .venv/bin/python hardware/make_docs.py")


def test_hardware_docs_check_mode_passes_on_the_committed_files(make_docs, capsys):
    assert make_docs.main(["--check"]) == 0
    assert capsys.readouterr().err == ""


def test_hardware_docs_wiring_svg_parses_and_shows_every_wire():
    root = ET.parse(HARDWARE / "wiring.svg").getroot()
    assert root.tag == f"{SVG_NS}svg"
    titles = {title.text for title in root.iter(f"{SVG_NS}title")}
    for wire in load_pinmap().wires:
        assert f"{wire.part}.{wire.signal} to header pin {wire.header}" in titles
    header_pins = [c for c in root.iter() if c.tag in (f"{SVG_NS}circle", f"{SVG_NS}rect")
                   and c.get("width") in (None, "14") and c.get("r") in (None, "7")]
    assert len(header_pins) >= 40


def test_hardware_docs_pins_md_lists_every_gpio_wire_with_bcm_and_header():
    text = (HARDWARE / "pins.md").read_text(encoding="utf-8")
    for wire in load_pinmap().wires:
        if wire.bcm is not None:
            assert f"| {wire.signal} | {wire.bcm} | {wire.header} (GPIO{wire.bcm}) |" in text


def test_hardware_docs_follow_a_moved_pin(make_docs):
    """Moving the buzzer in the data moves it in both docs: nothing is hand-kept."""
    pinmap = load_pinmap()
    moved_wire = replace(pinmap.part("buzzer").wire("SIG"), bcm=13, header=33)
    moved_part = replace(pinmap.part("buzzer"), wires=(moved_wire,
                                                         pinmap.part("buzzer").wire("GND")))
    moved = PinMap(pinmap.header, tuple(moved_part if p.id == "buzzer" else p
                                        for p in pinmap.parts))
    assert "| SIG | 13 | 33 (GPIO13) |" in make_docs.render_pins_md(moved)
    assert "buzzer.SIG to header pin 33" in make_docs.render_wiring_svg(moved)


def test_hardware_docs_unknown_wire_colour_is_an_error(make_docs):
    pinmap = load_pinmap()
    odd = replace(pinmap.part("button").wire("SIG"), colour="chartreuse")
    part = replace(pinmap.part("button"), wires=(odd, pinmap.part("button").wire("GND")))
    broken = PinMap(pinmap.header, tuple(part if p.id == "button" else p
                                         for p in pinmap.parts))
    with pytest.raises(ValueError, match=r"button\.SIG has colour 'chartreuse'"):
        make_docs.render_wiring_svg(broken)


def test_hardware_docs_readme_links_resolve():
    text = (HARDWARE / "README.md").read_text(encoding="utf-8")
    targets = set(re.findall(r"\]\(([^)#]+)\)", text))
    assert {"bom.md", "pins.md", "wiring.svg"} <= targets
    for target in targets:
        assert (HARDWARE / target).exists(), f"README.md links to missing {target}"


@pytest.mark.parametrize("line", [
    "dtparam=i2c_arm=on,i2c_arm_baudrate=400000",
    "dtoverlay=max98357a,no-sdmode",
    "dtoverlay=hifiberry-dac",
    "dtparam=audio=off",
    "dtoverlay=vc4-kms-v3d,noaudio",
])
def test_hardware_docs_readme_gives_the_config_txt_line(line):
    assert line in (HARDWARE / "README.md").read_text(encoding="utf-8")


def test_hardware_docs_readme_pins_agree_with_the_pin_map():
    """The guide names a few pins in prose; they must be the pin map's."""
    text = " ".join((HARDWARE / "README.md").read_text(encoding="utf-8").split())
    pins = load_pinmap()
    bclk, lrclk, din = pins.i2s_bcm
    assert f"BCM {bclk}, {lrclk}, {din}" in text
    assert f"GPIO (BCM {pins.buzzer_bcm})" in text
    assert f"header pin {pins.part('seat').wire('VCC').header} in" in text
