"""A model of the SSD1306 and SH1106 OLED controllers, written from their datasheets.

It takes the bytes a driver puts on the I2C bus (a control byte, then commands or
display data) and keeps what the chip keeps: the display RAM, the address pointers and
the registers that decide what the glass shows (display on/off, contrast, segment remap,
COM scan direction, start line, display offset, multiplex ratio, inverse, entire-display
on, and on the SSD1306 the charge pump). :meth:`OledController.picture` is what a person
sees on the glass, or None when it is dark; :attr:`OledController.log` records every
change of light and contrast, so a test can check them against what the core decided.

Sources: Solomon Systech SSD1306 datasheet rev 1.1 (section 8.1.5.2 for the I2C control
byte, 9 and 10 for the command table and the addressing modes) and Sino Wealth SH1106
datasheet V2.3 (the command table and the 132-column page addressing). Both chips start
with the display off and the contrast at 0x7F; the SSD1306 starts in page addressing
with its charge pump disabled, so nothing lights up until a driver enables it.

The glass is taken as mounted on the common 0.96"/1.3" breakout boards: with the segment
remap and reverse COM scan that luma's init selects (0xA1, 0xC8), RAM column 0 and row 0
are the top-left pixel. On the SH1106's 132-column RAM the glass shows columns 2 to 129.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image

WIDTH, HEIGHT, PAGES = 128, 64, 8

# Commands followed by argument bytes, per controller (datasheet command tables).
SSD1306_ARGUMENTS = {0x20: 1, 0x21: 2, 0x22: 2, 0x26: 6, 0x27: 6, 0x29: 5, 0x2A: 5,
                     0x81: 1, 0x8D: 1, 0xA3: 2, 0xA8: 1, 0xD3: 1, 0xD5: 1, 0xD9: 1,
                     0xDA: 1, 0xDB: 1}
SH1106_ARGUMENTS = {0x81: 1, 0xA8: 1, 0xAD: 1, 0xD3: 1, 0xD5: 1, 0xD9: 1, 0xDA: 1, 0xDB: 1}

HORIZONTAL, VERTICAL, PAGE = 0, 1, 2  # SSD1306 memory addressing modes (0x20 argument)


class ProtocolError(AssertionError):
    """The bytes are not what the controller accepts (a test failure, not a crash)."""


@dataclass
class OledController:
    """One controller's state, changed only by the bytes sent to it."""

    kind: str  # "ssd1306" or "sh1106"
    display_on: bool = False
    contrast: int = 0x7F
    charge_pump: bool = False  # SSD1306 only; the SH1106's DC-DC is on after reset
    segment_remap: bool = False
    com_reverse: bool = False
    start_line: int = 0
    offset: int = 0
    multiplex: int = 63
    inverse: bool = False
    entire_on: bool = False
    mode: int = PAGE
    column: int = 0
    page: int = 0
    window: tuple[int, int, int, int] = (0, 127, 0, 7)  # columns, pages (SSD1306 0x21/0x22)
    ram: list[bytearray] = field(default_factory=list)
    log: list[tuple[str, int]] = field(default_factory=list)  # ("on"|"off"|"contrast", value)
    unknown: list[int] = field(default_factory=list)  # command bytes the chip has no use for
    commands: int = 0
    data_bytes: int = 0

    def __post_init__(self) -> None:
        if self.kind not in ("ssd1306", "sh1106"):
            raise ValueError(f"no model for {self.kind}")
        self.ram = [bytearray(self.columns) for _ in range(PAGES)]

    @property
    def columns(self) -> int:
        return 132 if self.kind == "sh1106" else 128

    @property
    def lit(self) -> bool:
        """Is the glass showing anything at all (display on, and powered)?"""
        return self.display_on and (self.kind == "sh1106" or self.charge_pump)

    # -- the I2C protocol ---------------------------------------------------------

    def transaction(self, payload: bytes) -> None:
        """One I2C write to the panel's address: control byte(s), commands or data."""
        i = 0
        while i < len(payload):
            control = payload[i]
            if control & 0x3F:
                raise ProtocolError(f"control byte {control:#04x} has low bits set")
            continuation, is_data = control & 0x80, control & 0x40
            if continuation:  # Co = 1: one byte follows, then another control byte
                if i + 1 >= len(payload):
                    raise ProtocolError("control byte with Co=1 and nothing after it")
                body = payload[i + 1:i + 2]
                i += 2
            else:  # Co = 0: the rest of the message is data or commands
                body = payload[i + 1:]
                i = len(payload)
            if is_data:
                self.write_data(body)
            else:
                self.write_commands(body)

    def write_commands(self, stream: bytes) -> None:
        arguments = SSD1306_ARGUMENTS if self.kind == "ssd1306" else SH1106_ARGUMENTS
        i = 0
        while i < len(stream):
            code = stream[i]
            count = arguments.get(code, 0)
            args = stream[i + 1:i + 1 + count]
            if len(args) != count:
                raise ProtocolError(f"command {code:#04x} is missing {count - len(args)} "
                                    f"argument byte(s)")
            self.commands += 1
            (self._ssd1306 if self.kind == "ssd1306" else self._sh1106)(code, bytes(args))
            i += 1 + count

    def write_data(self, data: bytes) -> None:
        self.data_bytes += len(data)
        for value in data:
            if self.column < self.columns and self.page < PAGES:
                self.ram[self.page][self.column] = value
            self._advance()

    # -- commands -------------------------------------------------------------------

    def _common(self, code: int, args: bytes) -> bool:
        """Commands both chips share; False if ``code`` is not one of them."""
        if code == 0xAE or code == 0xAF:
            on = code == 0xAF
            if on != self.display_on:
                self.log.append(("on" if on else "off", 1 if on else 0))
            self.display_on = on
        elif code == 0x81:
            if args[0] != self.contrast:
                self.log.append(("contrast", args[0]))
            self.contrast = args[0]
        elif code in (0xA0, 0xA1):
            self.segment_remap = code == 0xA1
        elif code in (0xA4, 0xA5):
            self.entire_on = code == 0xA5
        elif code in (0xA6, 0xA7):
            self.inverse = code == 0xA7
        elif code == 0xA8:
            self.multiplex = args[0] & 0x3F
            if self.multiplex < 15:
                raise ProtocolError(f"multiplex ratio {args[0]:#04x} is invalid")
        elif code in (0xC0, 0xC8) or (self.kind == "sh1106" and 0xC0 <= code <= 0xCF):
            self.com_reverse = bool(code & 0x08)
        elif 0x40 <= code <= 0x7F:
            self.start_line = code & 0x3F
        elif code == 0xD3:
            self.offset = args[0] & 0x3F
        elif code in (0xD5, 0xD9, 0xDA, 0xDB, 0xE3):
            pass  # timing, COM pin wiring, VCOMH, NOP: no effect on the picture
        else:
            return False
        return True

    def _ssd1306(self, code: int, args: bytes) -> None:
        if self._common(code, args):
            return
        if code == 0x8D:
            self.charge_pump = bool(args[0] & 0x04)
        elif code == 0x20:
            if args[0] & 0x03 == 0x03:
                raise ProtocolError("memory addressing mode 3 is invalid")
            self.mode = args[0] & 0x03
        elif code == 0x21:
            self.window = (args[0] & 0x7F, args[1] & 0x7F, *self.window[2:])
            self.column = self.window[0]
        elif code == 0x22:
            self.window = (*self.window[:2], args[0] & 0x07, args[1] & 0x07)
            self.page = self.window[2]
        elif 0xB0 <= code <= 0xB7:
            self.page = code & 0x07  # page start address, page addressing mode
        elif code <= 0x0F:
            self.column = (self.column & 0xF0) | code
        elif code <= 0x1F:
            self.column = (self.column & 0x0F) | (code & 0x0F) << 4
        elif code in (0x26, 0x27, 0x29, 0x2A, 0x2E, 0x2F, 0xA3):
            pass  # scrolling; never active here (0x2F would start it)
        else:
            self.unknown.append(code)

    def _sh1106(self, code: int, args: bytes) -> None:
        if self._common(code, args):
            return
        if 0xB0 <= code <= 0xB7:
            self.page = code & 0x07
        elif code <= 0x0F:
            self.column = (self.column & 0xF0) | code
        elif code <= 0x17:
            self.column = (self.column & 0x0F) | (code & 0x07) << 4
        elif 0x30 <= code <= 0x33 or code == 0xAD:
            pass  # pump voltage, DC-DC control: on by default
        elif code in (0xE0, 0xEE):
            pass  # read-modify-write: only matters when reading
        else:
            self.unknown.append(code)

    def _advance(self) -> None:
        """Move the RAM pointer after a data byte, as the addressing mode says."""
        if self.kind == "sh1106":
            self.column = min(self.column + 1, self.columns - 1)  # no wrap on the SH1106
            return
        first_col, last_col, first_page, last_page = self.window
        if self.mode == PAGE:
            self.column = 0 if self.column >= 127 else self.column + 1
        elif self.mode == HORIZONTAL:
            if self.column < last_col:
                self.column += 1
            else:
                self.column = first_col
                self.page = first_page if self.page >= last_page else self.page + 1
        elif self.page < last_page:
            self.page += 1
        else:
            self.page = first_page
            self.column = first_col if self.column >= last_col else self.column + 1

    # -- what the glass shows -------------------------------------------------------

    def pixel_lit(self, x: int, y: int) -> bool:
        """Is the glass pixel at (x, y), top-left origin, lit?"""
        if not self.lit:
            return False
        if self.entire_on:
            return True
        column, row = self._column_of(x), self._row_of(y)
        if row is None:
            return False
        value = self.ram[row // 8][column] >> (row % 8) & 1
        return bool(value) != self.inverse

    def picture(self) -> Image.Image | None:
        """The 128x64 picture on the glass, or None while it is dark.

        The same mapping as :meth:`pixel_lit`, done a row and a column range at a time
        with Pillow so a day of frames can be checked in well under a second.
        """
        if not self.lit:
            return None
        if self.entire_on:
            return Image.new("1", (WIDTH, HEIGHT), 255)
        ram = Image.new("1", (self.columns, HEIGHT))
        for page, data in enumerate(self.ram):
            strip = Image.frombytes("1", (8, self.columns), bytes(data).translate(_REVERSED))
            ram.paste(strip.transpose(Image.Transpose.TRANSPOSE), (0, 8 * page))
        left, right = self._column_of(0), self._column_of(WIDTH - 1)
        shown = ram.crop((min(left, right), 0, max(left, right) + 1, HEIGHT))
        if left > right:
            shown = shown.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        image = Image.new("1", (WIDTH, HEIGHT))
        for y in range(HEIGHT):
            row = self._row_of(y)
            if row is not None:
                image.paste(shown.crop((0, row, WIDTH, row + 1)), (0, y))
        if self.inverse:
            image = image.point(lambda value: 255 - value)
        return image

    def _column_of(self, x: int) -> int:
        """The RAM column shown at glass column ``x``."""
        segment = 127 - x if self.kind == "ssd1306" else 129 - x
        return (self.columns - 1 - segment) if self.segment_remap else segment

    def _row_of(self, y: int) -> int | None:
        """The RAM row shown at glass row ``y`` (None: outside the multiplex ratio)."""
        com = HEIGHT - 1 - y
        scan = (self.multiplex - com) if self.com_reverse else com
        if not 0 <= scan <= self.multiplex:
            return None
        return (scan + self.start_line + self.offset) % HEIGHT


_REVERSED = bytes(int(f"{value:08b}"[::-1], 2) for value in range(256))


class RecordingBus:
    """Stands in for ``smbus2.SMBus``: every write goes to the controller at the address.

    luma's I2C interface sends commands with ``write_i2c_block_data(addr, 0x00, cmds)``
    and data with ``i2c_rdwr(i2c_msg.write(addr, [0x40, ...]))``; both arrive here as
    the exact bytes that would cross the bus, control byte first.
    """

    def __init__(self, controller: OledController, address: int = 0x3C) -> None:
        self.controller = controller
        self.address = address
        self.transactions = 0
        self.bytes = 0
        self.closed = False

    def write_i2c_block_data(self, address: int, register: int, data: list[int]) -> None:
        if len(data) > 32:
            raise ProtocolError(f"SMBus block of {len(data)} bytes (at most 32)")
        self._write(address, bytes([register, *data]))

    def i2c_rdwr(self, *messages: object) -> None:
        for message in messages:
            self._write(message.addr, bytes(message))  # type: ignore[attr-defined]

    def close(self) -> None:
        self.closed = True

    def _write(self, address: int, payload: bytes) -> None:
        if self.closed:
            raise ProtocolError("write on a closed bus")
        if address != self.address:
            raise OSError(121, "Remote I/O error")  # nobody acknowledges that address
        self.transactions += 1
        self.bytes += len(payload) + 1  # the address byte too
        self.controller.transaction(payload)
