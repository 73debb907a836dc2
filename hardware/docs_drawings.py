"""The two schematic drawings: the seat input's Pi-end network, and where pin 1 is.

Both take their pin numbers and labels from the pin map; hardware/make_docs.py writes
them as seat-input.svg and header.svg.
"""

from __future__ import annotations

from html import escape

from docs_common import GENERATED_NOTE, GPIO_HEX, RAIL_HEX

from unslump.config.pins import PinMap


def render_seat_input_svg(pinmap: PinMap) -> str:
    """The seat input's Pi-end network for the reference microswitch, as a schematic.

    A 2-3 m cable from an office chair picks up static and mains hum: the 1 kOhm in
    series limits what reaches the pin, the 100 nF shorts fast spikes to ground, and the
    2.2 kOhm pull-up sits on the cable side of the series resistor, so a closed switch
    still reads a clean 0 V at the pin. The pin numbers come from the pin map.
    """
    seat = pinmap.part("seat")
    signal, ground, pull = seat.gpio, seat.wire("COM"), seat.wire("PULL-UP")
    label = {wire.signal: f"pin {wire.header} {pinmap.header[wire.header - 1].label}"
             for wire in (signal, ground, pull) if wire.header is not None}
    rail, sig_y, gnd_y = 90, 190, 300
    node_a, node_b = 330, 170
    out = [
        '<svg xmlns="http://www.w3.org/2000/svg" width="900" height="410" viewBox="0 0 900 '
        '410" font-family="DejaVu Sans, Arial, sans-serif">',
        f"<!-- {GENERATED_NOTE} -->",
        '<rect x="0" y="0" width="900" height="410" fill="#ffffff"/>',
        '<text x="450" y="30" font-size="18" font-weight="bold" text-anchor="middle">Seat '
        "input: the microswitch, its cable and the parts at the Pi end</text>",
        '<rect x="120" y="52" width="300" height="290" rx="8" fill="#f4f8f4" '
        'stroke="#3c8c3c" stroke-dasharray="6 4"/>',
        '<text x="130" y="334" font-size="11" fill="#3c8c3c">at the Pi end</text>',
        '<text x="130" y="70" font-size="10" fill="#3c8c3c">perfboard on a 2x3 female '
        "header over pins 13-18</text>",
    ]
    # header pins on the left
    for y, text, colour in ((rail, label["PULL-UP"], RAIL_HEX["3V3"]),
                            (sig_y, label[signal.signal], GPIO_HEX),
                            (gnd_y, label["COM"], RAIL_HEX["GND"])):
        out.append(f'<circle cx="40" cy="{y}" r="7" fill="{colour}"/>')
        out.append(f'<text x="52" y="{y - 12}" font-size="12" font-weight="bold">'
                   f"{escape(text)}</text>")
    line = 'stroke="#202020" stroke-width="2" fill="none"'
    out += [
        f'<polyline points="47,{rail} {node_a},{rail} {node_a},{rail + 22}" {line}/>',
        _resistor_v(node_a, rail + 22, "2.2 k\u03a9", "pull-up"),
        f'<polyline points="{node_a},{rail + 70} {node_a},{sig_y}" {line}/>',
        f'<polyline points="47,{sig_y} {node_b + 40},{sig_y}" {line}/>',
        _resistor_h(node_b + 40, sig_y, "1 k\u03a9", "series"),
        f'<polyline points="{node_b + 100},{sig_y} 520,{sig_y}" {line}/>',
        f'<circle cx="{node_a}" cy="{sig_y}" r="4" fill="#202020"/>',
        f'<circle cx="{node_b}" cy="{sig_y}" r="4" fill="#202020"/>',
        f'<polyline points="{node_b},{sig_y} {node_b},{sig_y + 40}" {line}/>',
        _capacitor(node_b, sig_y + 40, "100 nF"),
        f'<polyline points="{node_b},{sig_y + 60} {node_b},{gnd_y}" {line}/>',
        f'<circle cx="{node_b}" cy="{gnd_y}" r="4" fill="#202020"/>',
        f'<polyline points="47,{gnd_y} 520,{gnd_y}" {line}/>',
        # the connector
        f'<rect x="520" y="{sig_y - 30}" width="36" height="{gnd_y - sig_y + 60}" rx="4" '
        'fill="#dddddd" stroke="#333333"/>',
        f'<text x="538" y="{gnd_y + 48}" font-size="11" text-anchor="middle">connector'
        "</text>",
        f'<text x="538" y="{gnd_y + 62}" font-size="10" text-anchor="middle" '
        'fill="#555555">(3.5 mm jack: two wires only)</text>',
        # the cable
        f'<path d="M556,{sig_y} C600,{sig_y - 20} 660,{sig_y + 20} 720,{sig_y}" {line}/>',
        f'<path d="M556,{gnd_y} C600,{gnd_y + 20} 660,{gnd_y - 20} 720,{gnd_y}" {line}/>',
        f'<text x="638" y="{(sig_y + gnd_y) // 2 - 8}" font-size="11" text-anchor="middle">'
        "2-3 m twisted pair</text>",
        f'<text x="638" y="{(sig_y + gnd_y) // 2 + 8}" font-size="10" text-anchor="middle" '
        'fill="#555555">down the gas-lift column</text>',
        # the switch
        f'<rect x="720" y="{sig_y - 40}" width="160" height="{gnd_y - sig_y + 80}" rx="6" '
        'fill="#e8f0fb" stroke="#333333" stroke-width="1.5"/>',
        f'<text x="800" y="{sig_y - 22}" font-size="12" font-weight="bold" '
        'text-anchor="middle">microswitch</text>',
        f'<text x="800" y="{sig_y - 8}" font-size="10" text-anchor="middle" '
        'fill="#555555">gold contacts, NO/COM</text>',
        f'<circle cx="732" cy="{sig_y}" r="4" fill="#333333"/>',
        f'<text x="742" y="{sig_y + 18}" font-size="11">NO</text>',
        f'<circle cx="732" cy="{gnd_y}" r="4" fill="#333333"/>',
        f'<text x="742" y="{gnd_y - 8}" font-size="11">COM</text>',
        f'<circle cx="800" cy="{(sig_y + gnd_y) // 2 + 20}" r="4" fill="#ffffff" '
        'stroke="#333333" stroke-width="1.5"/>',
        f'<text x="810" y="{(sig_y + gnd_y) // 2 + 24}" font-size="11" font-style="italic">'
        "NC: open</text>",
        f'<polyline points="732,{gnd_y} 732,{gnd_y - 40} 760,{sig_y + 22}" '
        'stroke="#333333" stroke-width="2" fill="none"/>',
        f'<text x="450" y="{gnd_y + 92}" font-size="11" text-anchor="middle">Sitting closes '
        f"NO to COM: the pin reads 0 V (seat_active = \"low\"). Open: the pull-up gives "
        "3.3 V. Nothing else needs power.</text>",
        "</svg>",
    ]
    return "\n".join(out) + "\n"


def _resistor_v(x: float, y: float, value: str, role: str) -> str:
    return (f'<rect x="{x - 8:.0f}" y="{y:.0f}" width="16" height="48" fill="#ffffff" '
            f'stroke="#202020" stroke-width="2"/><text x="{x + 14:.0f}" y="{y + 22:.0f}" '
            f'font-size="12">{escape(value)}</text><text x="{x + 14:.0f}" y="{y + 36:.0f}" '
            f'font-size="10" fill="#555555">{escape(role)}</text>')


def _resistor_h(x: float, y: float, value: str, role: str) -> str:
    return (f'<rect x="{x:.0f}" y="{y - 8:.0f}" width="60" height="16" fill="#ffffff" '
            f'stroke="#202020" stroke-width="2"/><text x="{x + 30:.0f}" y="{y - 14:.0f}" '
            f'font-size="12" text-anchor="middle">{escape(value)}</text><text '
            f'x="{x + 30:.0f}" y="{y + 24:.0f}" font-size="10" text-anchor="middle" '
            f'fill="#555555">{escape(role)}</text>')


def _capacitor(x: float, y: float, value: str) -> str:
    return (f'<line x1="{x - 14:.0f}" y1="{y:.0f}" x2="{x + 14:.0f}" y2="{y:.0f}" '
            f'stroke="#202020" stroke-width="3"/><line x1="{x - 14:.0f}" y1="{y + 20:.0f}" '
            f'x2="{x + 14:.0f}" y2="{y + 20:.0f}" stroke="#202020" stroke-width="3"/>'
            f'<text x="{x + 20:.0f}" y="{y + 14:.0f}" font-size="12">{escape(value)}</text>')


def render_seat_input_powered_svg(pinmap: PinMap) -> str:
    """The Pi end of a three-wire powered seat sensor (the FSR module or the radar).

    The same 1 kOhm and 100 nF as the microswitch, no pull-up (the module drives its
    output), a third core for the module's supply, and a keyed locking connector: a
    3.5 mm jack would short the supply as it is plugged in.
    """
    fsr, radar = pinmap.part("seat-fsr"), pinmap.part("seat-radar")
    signal, ground = fsr.gpio, fsr.wire("GND")
    fsr_vcc, radar_vcc = fsr.wire("VCC"), radar.wire("VCC")

    def pin(wire_header: int | None) -> str:
        assert wire_header is not None
        return f"pin {wire_header} {pinmap.header[wire_header - 1].label}"

    vcc_y, sig_y, gnd_y = 110, 200, 300
    node = 170
    line = 'stroke="#202020" stroke-width="2" fill="none"'
    out = [
        '<svg xmlns="http://www.w3.org/2000/svg" width="900" height="420" viewBox="0 0 900 '
        '420" font-family="DejaVu Sans, Arial, sans-serif">',
        f"<!-- {GENERATED_NOTE} -->",
        '<rect x="0" y="0" width="900" height="420" fill="#ffffff"/>',
        '<text x="450" y="30" font-size="18" font-weight="bold" text-anchor="middle">Seat '
        "input: a powered sensor (FSR module or radar), three wires</text>",
        '<rect x="120" y="52" width="300" height="290" rx="8" fill="#f4f8f4" '
        'stroke="#3c8c3c" stroke-dasharray="6 4"/>',
        '<text x="130" y="334" font-size="11" fill="#3c8c3c">at the Pi end</text>',
        '<text x="130" y="70" font-size="10" fill="#3c8c3c">perfboard on a 2x3 female '
        "header over pins 13-18</text>",
        f'<circle cx="40" cy="{vcc_y}" r="7" fill="{RAIL_HEX["3V3"]}"/>',
        f'<text x="52" y="{vcc_y - 12}" font-size="12" font-weight="bold">'
        f"{escape(pin(fsr_vcc.header))} (FSR module)</text>",
        f'<text x="52" y="{vcc_y + 22}" font-size="11">or {escape(pin(radar_vcc.header))} '
        "(radar: 5 V, its own jumper)</text>",
        f'<circle cx="40" cy="{sig_y}" r="7" fill="{GPIO_HEX}"/>',
        f'<text x="52" y="{sig_y - 12}" font-size="12" font-weight="bold">'
        f"{escape(pin(signal.header))}</text>",
        f'<circle cx="40" cy="{gnd_y}" r="7" fill="{RAIL_HEX["GND"]}"/>',
        f'<text x="52" y="{gnd_y - 12}" font-size="12" font-weight="bold">'
        f"{escape(pin(ground.header))}</text>",
        f'<polyline points="47,{vcc_y} 520,{vcc_y}" {line}/>',
        f'<polyline points="47,{sig_y} {node + 40},{sig_y}" {line}/>',
        _resistor_h(node + 40, sig_y, "1 k\u03a9", "series"),
        f'<polyline points="{node + 100},{sig_y} 520,{sig_y}" {line}/>',
        f'<circle cx="{node}" cy="{sig_y}" r="4" fill="#202020"/>',
        f'<polyline points="{node},{sig_y} {node},{sig_y + 40}" {line}/>',
        _capacitor(node, sig_y + 40, "100 nF"),
        f'<polyline points="{node},{sig_y + 60} {node},{gnd_y}" {line}/>',
        f'<circle cx="{node}" cy="{gnd_y}" r="4" fill="#202020"/>',
        f'<polyline points="47,{gnd_y} 520,{gnd_y}" {line}/>',
        '<text x="300" y="165" font-size="10" fill="#555555" text-anchor="middle">no '
        "pull-up: the module drives its output</text>",
        f'<rect x="520" y="{vcc_y - 30}" width="36" height="{gnd_y - vcc_y + 60}" rx="4" '
        'fill="#dddddd" stroke="#333333"/>',
        f'<text x="538" y="{gnd_y + 48}" font-size="11" text-anchor="middle">keyed locking '
        "connector</text>",
        f'<text x="538" y="{gnd_y + 62}" font-size="10" text-anchor="middle" '
        'fill="#555555">(GX12 3-pin or JST-XH; never a 3.5 mm jack)</text>',
        f'<text x="538" y="{gnd_y + 76}" font-size="10" text-anchor="middle" '
        'fill="#c00000">plug and unplug it with the Pi off</text>',
    ]
    for y in (vcc_y, sig_y, gnd_y):
        out.append(f'<path d="M556,{y} C600,{y - 16} 660,{y + 16} 720,{y}" {line}/>')
    out += [
        f'<text x="638" y="{(sig_y + gnd_y) // 2 + 8}" font-size="11" text-anchor="middle">'
        "3-core cable, 2-3 m</text>",
        f'<rect x="720" y="{vcc_y - 40}" width="160" height="{gnd_y - vcc_y + 80}" rx="6" '
        'fill="#e8f0fb" stroke="#333333" stroke-width="1.5"/>',
        f'<text x="800" y="{vcc_y - 20}" font-size="11" font-weight="bold" '
        'text-anchor="middle">FSR module or LD2410C</text>',
        f'<circle cx="732" cy="{vcc_y}" r="4" fill="#333333"/>',
        f'<text x="742" y="{vcc_y + 4}" font-size="11">VCC</text>',
        f'<circle cx="732" cy="{sig_y}" r="4" fill="#333333"/>',
        f'<text x="742" y="{sig_y + 4}" font-size="11">DO (FSR) / OUT (radar)</text>',
        f'<circle cx="732" cy="{gnd_y}" r="4" fill="#333333"/>',
        f'<text x="742" y="{gnd_y + 4}" font-size="11">GND</text>',
        '<text x="450" y="408" font-size="11" text-anchor="middle">The radar can stay under '
        "the desk with no chair cable at all; the same 1 k\u03a9 and 100 nF at the Pi "
        "end.</text>",
        "</svg>",
    ]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- buzzer-driver.svg


def render_buzzer_driver_svg(pinmap: PinMap) -> str:
    """The two buzzer options on the buzzer pin: a piezo disc straight on the GPIO, or a
    magnetic buzzer through an NPN transistor from 5 V, with its flyback diode.

    The transistor's legs are drawn by name, not by position, with the warning a builder
    needs: a BC337 and a 2N2222 in TO-92 have their legs in opposite orders, and a
    transistor put in the wrong way round leaves the buzzer nearly silent.
    """
    buzzer = pinmap.part("buzzer")
    signal, ground = buzzer.gpio, buzzer.wire("GND")
    gpio = f"pin {signal.header} GPIO{signal.bcm}"
    gnd = f"pin {ground.header} GND"
    line = 'stroke="#202020" stroke-width="2" fill="none"'
    out = [
        '<svg xmlns="http://www.w3.org/2000/svg" width="900" height="470" viewBox="0 0 900 '
        '470" font-family="DejaVu Sans, Arial, sans-serif">',
        f"<!-- {GENERATED_NOTE} -->",
        '<rect x="0" y="0" width="900" height="470" fill="#ffffff"/>',
        '<text x="450" y="30" font-size="18" font-weight="bold" text-anchor="middle">The '
        "buzzer pin: a piezo disc, or a magnetic buzzer through a transistor</text>",
        # left: the piezo disc
        '<text x="200" y="66" font-size="14" font-weight="bold" text-anchor="middle">Piezo '
        "disc (passive)</text>",
        f'<circle cx="40" cy="110" r="7" fill="{GPIO_HEX}"/>',
        f'<text x="30" y="96" font-size="12" font-weight="bold">{escape(gpio)}</text>',
        f'<polyline points="47,110 120,110" {line}/>',
        _resistor_h(120, 110, "220 \u03a9", "series"),
        f'<polyline points="180,110 300,110 300,150" {line}/>',
        '<rect x="280" y="150" width="40" height="30" rx="4" fill="#f0e0c0" '
        'stroke="#202020" stroke-width="2"/>',
        '<text x="330" y="170" font-size="11">piezo disc</text>',
        f'<polyline points="300,180 300,240 47,240" {line}/>',
        f'<circle cx="40" cy="240" r="7" fill="{RAIL_HEX["GND"]}"/>',
        f'<text x="30" y="262" font-size="12" font-weight="bold">{escape(gnd)}</text>',
        '<text x="200" y="300" font-size="11" text-anchor="middle">either lead to either '
        "side; nothing else</text>",
        # right: the magnetic buzzer and its driver
        '<text x="660" y="66" font-size="14" font-weight="bold" text-anchor="middle">Magnetic '
        "buzzer (5 V): NPN driver</text>",
        f'<circle cx="470" cy="250" r="7" fill="{GPIO_HEX}"/>',
        f'<text x="460" y="294" font-size="12" font-weight="bold">{escape(gpio)}</text>',
        f'<polyline points="477,250 530,250" {line}/>',
        _resistor_h(530, 250, "1 k\u03a9", "base"),
        f'<polyline points="590,250 640,250" {line}/>',
        '<circle cx="660" cy="250" r="26" fill="#ffffff" stroke="#202020" '
        'stroke-width="2"/>',
        f'<polyline points="640,235 640,265" {line}/>',
        f'<polyline points="640,242 672,226 672,180" {line}/>',
        f'<polyline points="640,258 672,274 672,340" {line}/>',
        '<polygon points="672,274 660,272 666,264" fill="#202020"/>',
        '<text x="620" y="246" font-size="10" text-anchor="end">B</text>',
        '<text x="680" y="214" font-size="10">C</text>',
        '<text x="680" y="296" font-size="10">E</text>',
        '<text x="700" y="254" font-size="11">NPN: BC337</text>',
        # collector to the buzzer, buzzer to 5 V, the diode across it
        '<rect x="652" y="120" width="40" height="60" rx="4" fill="#e0e0f0" '
        'stroke="#202020" stroke-width="2"/>',
        '<text x="700" y="146" font-size="11">buzzer</text>',
        '<text x="700" y="160" font-size="10" fill="#555555">+ at the top</text>',
        f'<polyline points="672,120 672,90 560,90" {line}/>',
        f'<circle cx="553" cy="90" r="7" fill="{RAIL_HEX["5V"]}"/>',
        '<text x="540" y="94" font-size="12" font-weight="bold" text-anchor="end">pin 2 or '
        "4, 5 V</text>",
        f'<polyline points="672,100 800,100 800,130" {line}/>',
        f'<polyline points="672,195 800,195 800,166" {line}/>',
        '<polygon points="788,166 812,166 800,146" fill="#ffffff" stroke="#202020" '
        'stroke-width="2"/>',
        '<polyline points="786,144 814,144" stroke="#202020" stroke-width="3"/>',
        f'<polyline points="800,130 800,144" {line}/>',
        '<text x="818" y="150" font-size="11">1N4148</text>',
        '<text x="818" y="164" font-size="10" fill="#555555">band to 5 V</text>',
        f'<polyline points="672,340 477,340" {line}/>',
        f'<circle cx="470" cy="340" r="7" fill="{RAIL_HEX["GND"]}"/>',
        f'<text x="460" y="362" font-size="12" font-weight="bold">{escape(gnd)}</text>',
        # the warning
        '<rect x="420" y="380" width="470" height="80" rx="6" fill="#fff3e0" '
        'stroke="#c06000" stroke-width="1.5"/>',
        '<text x="445" y="400" font-size="12" font-weight="bold" fill="#c06000">Check your '
        "transistor's pinout before you solder</text>",
        '<text x="445" y="418" font-size="11">TO-92, flat face towards you, legs down: '
        "BC337 is C B E, 2N2222A is E B C.</text>",
        '<text x="445" y="434" font-size="11">Wired the wrong way round the buzzer is '
        "nearly silent.</text>",
        '<text x="445" y="450" font-size="11">Other NPNs differ again: read the datasheet '
        "of yours.</text>",
        "</svg>",
    ]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- header.svg


def render_header_svg(pinmap: PinMap) -> str:
    """Where pin 1 is: a Zero 2 W and a Pi 3/4/5 seen from above, header at the top.

    On every 40-pin Pi, pin 1 (3V3) is at the SD-card end of the header, in the row nearer
    the middle of the board; pin 2 (5V) is beside it at the board's edge. Getting this
    backwards puts 5 V on a 3.3 V pin, so the drawing shows both boards.
    """
    out = [
        '<svg xmlns="http://www.w3.org/2000/svg" width="900" height="480" viewBox="0 0 900 '
        '480" font-family="DejaVu Sans, Arial, sans-serif">',
        f"<!-- {GENERATED_NOTE} -->",
        '<rect x="0" y="0" width="900" height="480" fill="#ffffff"/>',
        '<text x="450" y="30" font-size="18" font-weight="bold" text-anchor="middle">Finding '
        "pin 1: the boards seen from above (components up)</text>",
    ]
    out += _board(pinmap, 30, 110, 5.0, 65, 30, "Pi Zero 2 W",
                  bottom=[(12.4, "mini HDMI"), (41.4, "USB"), (54, "PWR IN")], right=[],
                  sd="microSD (slot at this end)")
    out += _board(pinmap, 470, 110, 4.5, 85, 56, "Pi 3, 4 and 5",
                  bottom=[(11, "power"), (30, "HDMI"), (54, "audio (3, 4)")],
                  right=[(28, "USB, Ethernet")], sd="microSD (underside, this end)")
    out.append('<text x="450" y="462" font-size="12" text-anchor="middle">Odd pins (1, 3, '
               "... 39) are the inner row, even pins (2, 4, ... 40) the row at the edge. "
               "Pin 1 has a square pad.</text>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _board(pinmap: PinMap, x0: float, y0: float, mm: float, width_mm: float,
           height_mm: float, title: str, bottom: list[tuple[float, str]],
           right: list[tuple[float, str]], sd: str) -> list[str]:
    w, h = width_mm * mm, height_mm * mm
    header_x = x0 + (32.5 - 25.4) * mm  # 50.8 mm long, centred between the holes
    pitch = 2.54 * mm
    out = [f'<rect x="{x0:.0f}" y="{y0:.0f}" width="{w:.0f}" height="{h:.0f}" rx="14" '
           'fill="#1f6b3a" stroke="#0d2614" stroke-width="2"/>',
           f'<text x="{x0 + 40 * mm:.0f}" y="{y0 + h - 7 * mm:.0f}" font-size="16" '
           f'fill="#ffffff" text-anchor="middle" font-weight="bold">{escape(title)}</text>',
           f'<text x="{x0 + w / 2:.0f}" y="{y0 - 40:.0f}" font-size="11" '
           'text-anchor="middle">board edge</text>']
    for cx, cy in ((3.5, 3.5), (61.5, 3.5), (3.5, height_mm - 3.5),
                   (61.5, height_mm - 3.5)):  # the same holes on every 40-pin board
        out.append(f'<circle cx="{x0 + cx * mm:.0f}" cy="{y0 + cy * mm:.0f}" r="{1.4 * mm:.0f}" '
                   'fill="#ffffff" stroke="#c8a040" stroke-width="2"/>')
    for number in range(1, len(pinmap.header) + 1):
        column = (number - 1) // 2
        outer = number % 2 == 0
        cx = header_x + pitch / 2 + column * pitch
        cy = y0 + (1.2 * mm if outer else 1.2 * mm + pitch) + pitch / 2
        rail = pinmap.header[number - 1].rail
        fill = RAIL_HEX.get(rail or "", GPIO_HEX)
        if number == 1:
            out.append(f'<rect x="{cx - 5:.0f}" y="{cy - 5:.0f}" width="10" height="10" '
                       f'fill="{fill}" stroke="#ffffff" stroke-width="2"/>')
        else:
            out.append(f'<circle cx="{cx:.0f}" cy="{cy:.0f}" r="4.5" fill="{fill}" '
                       'stroke="#0d2614"/>')
    first_x = header_x + pitch / 2
    last_x = header_x + pitch / 2 + 19 * pitch
    inner_y = y0 + 1.2 * mm + pitch * 1.5
    outer_y = y0 + 1.2 * mm + pitch / 2
    out += [
        f'<polyline points="{first_x:.0f},{inner_y + 8:.0f} {first_x:.0f},{inner_y + 40:.0f}"'
        ' stroke="#ffd700" stroke-width="2"/>',
        f'<text x="{first_x + 4:.0f}" y="{inner_y + 54:.0f}" font-size="12" '
        'fill="#ffd700" font-weight="bold">pin 1 (3V3)</text>',
        f'<polyline points="{first_x:.0f},{outer_y - 8:.0f} {first_x:.0f},{y0 - 22:.0f}" '
        'stroke="#d03030" stroke-width="2"/>',
        f'<text x="{first_x + 4:.0f}" y="{y0 - 26:.0f}" font-size="12" fill="#d03030" '
        'font-weight="bold">pin 2 (5V)</text>',
        f'<text x="{last_x:.0f}" y="{y0 - 26:.0f}" font-size="11" text-anchor="middle">pin 40'
        "</text>",
        f'<text x="{last_x:.0f}" y="{inner_y + 24:.0f}" font-size="11" text-anchor="middle" '
        'fill="#ffffff">pin 39</text>',
        f'<rect x="{x0 - 12:.0f}" y="{y0 + h / 2 - 28:.0f}" width="16" height="56" rx="2" '
        'fill="#c0c0c0" stroke="#555555" stroke-dasharray="4 2"/>',
        f'<text x="{x0 + 10:.0f}" y="{y0 + h + 40:.0f}" font-size="11">{escape(sd)} \u2190'
        "</text>",
    ]
    for at_mm, name in bottom:
        out.append(f'<rect x="{x0 + at_mm * mm - 16:.0f}" y="{y0 + h - 8:.0f}" width="32" '
                   'height="14" fill="#b0b0b0" stroke="#555555"/>')
        out.append(f'<text x="{x0 + at_mm * mm:.0f}" y="{y0 + h + 22:.0f}" font-size="10" '
                   f'text-anchor="middle">{escape(name)}</text>')
    for at_mm, name in right:
        out.append(f'<rect x="{x0 + w - 10:.0f}" y="{y0 + at_mm * mm - 80:.0f}" width="18" '
                   'height="160" fill="#b0b0b0" stroke="#555555"/>')
        out.append(f'<text x="{x0 + w - 14:.0f}" y="{y0 + at_mm * mm + 4:.0f}" '
                   f'font-size="11" text-anchor="end" fill="#ffffff">{escape(name)}</text>')
    return out
