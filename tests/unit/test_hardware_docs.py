"""The generated hardware docs: committed copies must equal what make_docs.py makes now."""

from __future__ import annotations

import importlib.util
import re
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import replace
from types import ModuleType

import pytest

from tests.support.paths import REPO
from unslump.config.pins import PinMap, load_pinmap

HARDWARE = REPO / "hardware"
SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def make_docs() -> Iterator[ModuleType]:
    """hardware/make_docs.py is a script, not a package module: load it by path.

    It is registered in sys.modules while loaded because dataclasses look their module up;
    hardware/ is on sys.path meanwhile, as it is when the script runs.
    """
    spec = importlib.util.spec_from_file_location("make_docs", HARDWARE / "make_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    sys.path.insert(0, str(HARDWARE))  # its docs_* modules, as when run as a script
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.path.remove(str(HARDWARE))
        for name in [name for name in sys.modules if name.startswith("docs_")]:
            del sys.modules[name]
        del sys.modules[spec.name]


def test_hardware_docs_pins_md_is_up_to_date(make_docs):
    committed = (HARDWARE / "pins.md").read_text(encoding="utf-8")
    assert committed == make_docs.render_pins_md(load_pinmap()), (
        "hardware/pins.md is stale: run .venv/bin/python hardware/make_docs.py")


def test_hardware_docs_every_generated_file_is_up_to_date(make_docs):
    made = make_docs.generated()
    assert {path.name for path in made} == {
        "pins.md", "wiring.svg", "wiring-fsr.svg", "wiring-radar.svg", "seat-input.svg",
        "header.svg", "buzzer-driver.svg", "seat-input-powered.svg", "bom.md"}
    for path, text in made.items():
        assert path.read_text(encoding="utf-8") == text, (
            f"hardware/{path.name} is stale: run .venv/bin/python hardware/make_docs.py")


@pytest.mark.parametrize("variant", ["seat", "seat-fsr", "seat-radar"])
def test_hardware_docs_one_drawing_per_seat_variant_with_only_its_wires(make_docs, variant):
    pinmap = load_pinmap()
    path = make_docs.VARIANT_SVG[variant]
    root = ET.parse(path).getroot()
    titles = {title.text for title in root.iter(f"{SVG_NS}title")}
    drawn = {t.split(" to ")[0] for t in titles}
    for other in pinmap.variants("seat"):
        for wire in other.wires:
            name = f"{wire.part}.{wire.signal}"
            assert (name in drawn) == (other.id == variant and wire.connected), name
    text = path.read_text(encoding="utf-8")
    for wire in pinmap.part(variant).wires:
        if not wire.connected:
            assert f"{wire.signal}: leave unconnected" in text


def test_hardware_docs_check_mode_passes_on_the_committed_files(make_docs, capsys):
    assert make_docs.main(["--check"]) == 0
    assert capsys.readouterr().err == ""


def test_hardware_docs_wiring_svg_parses_and_shows_every_wire():
    root = ET.parse(HARDWARE / "wiring.svg").getroot()
    assert root.tag == f"{SVG_NS}svg"
    titles = {title.text for title in root.iter(f"{SVG_NS}title")}
    for wire in load_pinmap().build().wires:
        if wire.connected:
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
    assert f"GPIO (BCM {pins.buzzer_bcm} by default" in text
    assert f"header pin {pins.part('seat-fsr').wire('VCC').header} (3V3)" in text


def test_hardware_docs_bom_totals_are_the_sums_of_their_rows(make_docs):
    """Each total is added up again here from bom.toml, not read from the generator."""
    import tomllib

    data = tomllib.loads((HARDWARE / "bom.toml").read_text(encoding="utf-8"))
    rows = {row["id"]: row for section in data["section"] for row in section["row"]}
    text = (HARDWARE / "bom.md").read_text(encoding="utf-8")
    for build in data["build"]:
        low = sum(rows[i]["qty"] * rows[i]["price"][0] for i in build["rows"])
        high = sum(rows[i]["qty"] * rows[i]["price"][1] for i in build["rows"])
        assert f"| {build['name']} | {low:.0f}-{high:.0f} |" in text


def test_hardware_docs_bom_total_follows_a_changed_price(make_docs):
    sections, builds = make_docs.load_bom()
    before = make_docs.render_bom_md(sections, builds)
    for section in sections:
        for row in section["row"]:
            if row["id"] == "zero2w":
                row["price"] = [row["price"][0] + 100, row["price"][1] + 100]
    after = make_docs.render_bom_md(sections, builds)
    rows = make_docs.bom_rows(sections)
    low, high = make_docs.build_total(rows, builds[0]["rows"])
    assert f"| {builds[0]['name']} | {low:.0f}-{high:.0f} |" in after
    assert before != after


def test_hardware_docs_bom_build_naming_a_missing_row_is_an_error(make_docs, tmp_path):
    bom = tmp_path / "bom.toml"
    bom.write_text('[[section]]\ntitle = "x"\n[[section.row]]\nid = "a"\n'
                   'part = "A"\nqty = 1\nprice = [1, 2]\n[[build]]\nname = "B"\n'
                   'rows = ["a", "zz"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="build 'B' names unknown rows zz"):
        make_docs.load_bom(bom)


@pytest.mark.parametrize("line", [
    "Raspberry Pi Zero 2 W", "5.1 V 2.5 A micro-USB", "5.1 V 3 A USB-C", "5.1 V 5 A USB-C",
    "gold contacts", "1 kOhm resistor", "100 nF", "spade crimps", "Heat-shrink", "standoffs",
    "Detachable connector", "class compliant", "male pin header", "TDK PS1240P02BT",
    "NPN transistor",
])
def test_hardware_docs_bom_lists_the_parts_a_first_build_needs(line):
    assert line in (HARDWARE / "bom.md").read_text(encoding="utf-8")


def test_hardware_docs_header_drawing_marks_pin_1_on_the_inner_row(make_docs):
    text = make_docs.render_header_svg(load_pinmap())
    root = ET.fromstring(text)
    assert text.count("pin 1 (3V3)") == 2 and text.count("pin 2 (5V)") == 2
    squares = [r for r in root.iter(f"{SVG_NS}rect") if r.get("width") == "10"]
    assert len(squares) == 2  # one square pin-1 pad per board


def test_hardware_docs_seat_input_names_the_pins_from_the_pin_map(make_docs):
    text = make_docs.render_seat_input_svg(load_pinmap())
    for label in ("pin 17 3V3", "pin 13 GPIO27", "pin 14 GND", "2.2 k\u03a9", "1 k\u03a9",
                  "100 nF", "NC: open"):
        assert label in text


def guide() -> str:
    return (HARDWARE / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("needed", [
    "Raspberry Pi OS Lite (64-bit)", "Trixie", "Enable SSH", "ssh YOURNAME@unslump.local",
    "sudo apt install -y git make", "git clone", "sudo poweroff", "header.svg",
    "i2cdetect -y 1", "pinctrl get 17,27", "speaker-test -c 1 -t sine -f 440 -l 1",
    "aplay -l", "sudo make install", "unslump doctor --live", "sudo systemctl stop unslump",
    "0x78 or 0x7A", "DC to GND", "RES", "on the diagonal", "TTP223", "about 100 s",
    "1 kOhm resistor in series", "100 nF capacitor from GPIO27 to GND", "strain relief",
    "gas-lift column", "swivel", "sitting bones", "Test with different people",
    "gold-contact", "2.2 kOhm", "NC | nothing", "NPN transistor", "flyback diode",
    "TDK PS1240P02BT", "5.1 V 3 A, USB-C", "5.1 V 5 A, USB-C",
])
def test_hardware_docs_guide_covers_what_a_first_build_needs(needed):
    assert needed in " ".join(guide().replace("**", "").split())


def test_hardware_docs_guide_gives_the_piezo_config_lines_and_the_restart():
    text = guide()
    piezo = text[text.index("### Piezo disc or magnetic buzzer"):text.index("## 9.")]
    assert "sudo unslump config set audio.backend buzzer" in piezo
    assert "sudo systemctl restart unslump" in piezo


@pytest.mark.parametrize(("variant", "lines"), [
    ("### Microswitch", ["config set pins.seat_active high", "config set pins.seat_pull up"]),
    ("### FSR or Velostat", ["config set pins.seat_pull up", "config set pins.seat_active low"]),
    ("### LD2410", ["config set pins.seat_active high", "config set pins.seat_pull down"]),
])
def test_hardware_docs_every_seat_variant_has_a_section_config_and_drawing(make_docs, variant,
                                                                          lines):
    text = guide()
    start = text.index(variant)
    section = text[start:text.index("\n### ", start + 1)]
    for line in lines:
        assert line in section
    drawings = re.findall(r"\]\((wiring[-a-z]*\.svg)\)", section)
    assert drawings and all((HARDWARE / name).exists() for name in drawings)


def test_hardware_docs_guide_sample_doctor_output_is_in_the_doctors_format_and_order():
    """The sample must be what doctor prints now: its check names, in its order."""
    text = guide()
    block = text[text.index("$ unslump doctor\n"):]
    block = block[:block.index("```")].splitlines()[1:]
    names = [line[6:].split(":")[0] for line in block]
    assert names == ["config", "i2c", "display", "gpio chip", "gpio access", "i2s pins",
                     "sound cards", "audio", "store", "service user", "service"]
    assert all(line[:6] in ("ok    ", "FAIL  ", "SKIP  ", "WARN  ") for line in block)


def test_hardware_docs_guide_sample_live_output_matches_the_live_doctor():
    """Every result line of the sample is one the live doctor's test printed."""
    text = guide()
    start = text.index("ok    live i2c")
    sample = text[start:text.index("```", start)].splitlines()
    tests = (HARDWARE.parent / "tests" / "unit" / "test_doctor_live.py").read_text(encoding="utf-8")
    for line in sample:
        if line.startswith("   "):
            assert line.strip().split(": level")[0] in tests
    assert sample[-1] == "7 of 8 live checks passed: fix the FAIL lines above and run it again"


def test_hardware_docs_guide_in_page_links_name_real_headings():
    """GitHub's heading slugs: lower case, punctuation dropped, spaces to hyphens."""
    text = guide()
    slugs = {re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
             for heading in re.findall(r"^#+ (.+)$", text, flags=re.MULTILINE)}
    anchors = re.findall(r"\]\(#([^)]+)\)", text)
    assert anchors
    for anchor in anchors:
        assert anchor in slugs, anchor


@pytest.mark.parametrize("variant", ["seat", "seat-fsr", "seat-radar"])
def test_hardware_docs_every_variant_drawing_puts_the_pi_end_parts_on_the_wires(make_docs,
                                                                             variant):
    """The 1 kOhm and the 100 nF on the seat signal, 220 Ohm on the piezo; the pull-up a
    resistor from 3V3 joined to the NO wire, never a switch terminal of its own."""
    text = make_docs.VARIANT_SVG[variant].read_text(encoding="utf-8")
    assert "1 k\u03a9</text>" in text and "100 nF\u2192GND</text>" in text
    assert "220 \u03a9</text>" in text
    assert ("2.2 k\u03a9</text>" in text) == (variant == "seat")
    assert "PULL-UP \u2192" not in text  # not drawn as a terminal of the switch
    if variant == "seat":
        assert "pull-up to the NO wire \u2192 pin 17" in text


def test_hardware_docs_amplifier_drawing_leaves_sd_and_gain_open(make_docs):
    text = make_docs.VARIANT_SVG["seat"].read_text(encoding="utf-8")
    assert "SD: leave unconnected" in text and "GAIN: leave unconnected" in text


def test_hardware_docs_buzzer_driver_drawing_warns_about_the_transistor_pinout(make_docs):
    text = make_docs.render_buzzer_driver_svg(load_pinmap())
    assert "Check your transistor's pinout" in text
    assert "BC337 is C B E, 2N2222A is E B C" in text
    assert "1N4148" in text and "band to 5 V" in text
    assert "pin 32 GPIO12" in text
    assert "(buzzer-driver.svg)" in guide()


@pytest.mark.parametrize("part", ["Perfboard", "2x3 female header", "foam tape, 3 mm thick",
                                  "M2 x 12 mm screws", "hard stop",
                                  "Keyed locking 3-pin connector", "the C, not the B"])
def test_hardware_docs_bom_has_the_filter_board_and_the_mechanical_parts(part):
    assert part in (HARDWARE / "bom.md").read_text(encoding="utf-8")


def test_hardware_docs_powered_sensor_drawing_has_no_pull_up_and_a_keyed_connector(make_docs):
    text = make_docs.render_seat_input_powered_svg(load_pinmap())
    assert "pin 17 3V3 (FSR module)" in text and "or pin 2 5V (radar" in text
    assert "1 k\u03a9" in text and "100 nF" in text and "2.2 k" not in text
    assert "never a 3.5 mm jack" in text and "with the Pi off" in text
    assert "(seat-input-powered.svg)" in guide()
