"""One TOML file, validated at load into typed, frozen dataclasses.

Every key has a default, a one-line description and its allowed values next to it, so
the same declaration validates a file, documents it (``unslump config --defaults``) and
gives the device its defaults. An unknown key or a bad value stops the load with one
line naming the file, the key and what is allowed.
"""

from __future__ import annotations

import contextlib
import ipaddress
import math
import os
import re
import stat
import tomllib
import types
import typing
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import time
from pathlib import Path
from typing import Any

from unslump.config.lines import find_duplicate, find_line
from unslump.config.panel_address import canonical_address
from unslump.config.path_text import control_problem, path_problem, shown
from unslump.config.pins import default_pins
from unslump.config.routine_file import (
    ROUTINE_MAX_S,
    ROUTINE_MIN_S,
    check_length,
    check_overrides,
    config_for,
    load_routine,
    shipped_path,
    shipped_routines,
)
from unslump.core.routine_spec import Routines
from unslump.core.settings import (
    WEEKDAYS,
    ButtonConfig,
    CoreConfig,
    QuietConfig,
    ReminderConfig,
    RoutineConfig,
    ScreenConfig,
    SeatConfig,
    key,
)
from unslump.errors import ConfigError, ConfigValueError

SYSTEM_CONFIG = Path("/etc/unslump/config.toml")


@dataclass(frozen=True)
class PinsConfig:
    """Where the button and the seat sensor are wired (BCM numbering)."""

    button: int = key(default_pins().button_bcm, "BCM pin of the button (to ground)",
                      low=0, high=27)
    seat: int = key(default_pins().seat_bcm, "BCM pin of the seat sensor", low=0, high=27)
    buzzer: int = key(default_pins().buzzer_bcm, "BCM pin of a passive piezo, used when the "
                      "audio backend is \"buzzer\"", low=0, high=27)
    seat_active: str = key("low", "the level that means seated: 'low' (a normally-open "
                           "switch to ground closes) or 'high' (a normally-closed switch "
                           "opens, or a module's output goes high)", choices=("low", "high"))
    seat_pull: str = key("auto", "the seat pin's internal resistor: 'up', 'down', 'off' (a "
                         "module that drives its output), or 'auto' (up for seat_active "
                         "'low', down for 'high')", choices=("auto", "up", "down", "off"))

    @property
    def seat_pull_resolved(self) -> str:
        """``seat_pull`` with ``auto`` decided: the pull a plain normally-open switch needs.

        Pull and active level are separate because a normally-closed switch to ground
        needs the pull-up of an open one but reads high, not low, when someone sits.
        """
        if self.seat_pull != "auto":
            return self.seat_pull
        return "up" if self.seat_active == "low" else "down"


@dataclass(frozen=True)
class DisplayConfig:
    """The OLED, in luma's own terms (see luma.core.cmdline)."""

    type: str = key("ssd1306", "luma display driver", choices=("ssd1306", "sh1106",
                                                                 "ssd1309", "ssd1305"))
    interface: str = key("i2c", "bus the panel is on", choices=("i2c", "spi"))
    i2c_port: int = key(1, "I2C bus number (/dev/i2c-N)", low=0, high=10)
    i2c_address: str = key("0x3C", "I2C address of the panel (any case; 0x78 and 0x7A, as "
                           "printed on some boards, mean 0x3C and 0x3D)",
                           choices=("0x3C", "0x3D"))
    width: int = key(128, "panel width in pixels", choices=(128,))
    height: int = key(64, "panel height in pixels; 32 for a 128x32 panel (compact screens)",
                      choices=(64, 32))
    # Each height has its own layouts (unslump.render.LAYOUTS); a portrait panel (rotate 1
    # or 3) could show none of them.
    rotate: int = key(0, "0, or 2 for a panel mounted upside down (the screens are landscape)",
                      choices=(0, 2))
    persist: bool = key(False, "leave the last frame lit when the device stops")
    partial: bool = key(True, "send only the changed part of each frame (ssd1306 and sh1106; "
                        "other panels always get whole frames)")


@dataclass(frozen=True)
class AudioConfig:
    """The speaker."""

    backend: str = key("pygame", "how tones are played: 'pygame' (any sound card), "
                       "'buzzer' (a passive piezo on [pins] buzzer) or 'none'",
                       choices=("pygame", "buzzer", "none"))
    volume: float = key(0.5, "loudness of every tone, 0 (silent) to 1", low=0, high=1)
    breath: str = key("swell", "breath sounds: 'swell' lasts each breath (rising in, falling "
                      "out), 'marks' is a short glide at its start", choices=("swell", "marks"))
    voice: bool = key(False, "speak a short phrase per phase and cue of the stretch "
                      "(needs espeak-ng; tones only without it)")
    voice_name: str = key("en", "espeak-ng voice for the spoken cues (espeak-ng --voices)")


@dataclass(frozen=True)
class StoreConfig:
    """The break log."""

    path: str = key("", "SQLite file; empty means the state directory under systemd, "
                    "else ~/.local/share/unslump/unslump.db")


@dataclass(frozen=True)
class MqttConfig:
    """Publishing to an MQTT broker (Home Assistant, an office fleet); off unless host is set."""

    host: str = key("", "the broker's host name or address; empty: MQTT off (nothing "
                    "leaves the device)")
    port: int = key(0, "the broker's port; 0: 1883, or 8883 with tls", low=0, high=65535)
    username: str = key("", "user name at the broker; empty: connect anonymously")
    password_file: str = key("", "file holding the password (one line); never the password "
                             "itself in this file")
    tls: bool = key(False, "connect with TLS, checking the broker's certificate")
    ca_file: str = key("", "CA certificate(s) to check the broker with; empty: the system's")
    cert_file: str = key("", "client certificate for TLS client authentication (optional)")
    key_file: str = key("", "the client certificate's private key (with cert_file)")
    client_id: str = key("", "MQTT client id; empty: unslump-<hostname>; unique per device")
    topic_prefix: str = key("", "topics start with this; empty: unslump/<hostname>")
    discovery_prefix: str = key("homeassistant", "Home Assistant's discovery prefix")
    discovery: bool = key(True, "publish Home Assistant discovery (one HA device)")
    name: str = key("", "the device's name in Home Assistant (its entity ids start with "
                    "it); empty: Unslump <hostname>")
    area: str = key("", "the area Home Assistant suggests for the device (e.g. Office); "
                    "empty: none")
    outbox_rows: int = key(20000, "rows kept for the broker while it is away; past this the "
                           "oldest are dropped with a warning", low=100, high=1000000)

    @property
    def enabled(self) -> bool:
        return bool(self.host)


@dataclass(frozen=True)
class Config(CoreConfig):
    """The whole configuration: the core's sections, then the hardware's and the log's.

    A ``Config`` is a :class:`CoreConfig`, so the core takes it as it is and sees only
    the sections it decides with.
    """

    pins: PinsConfig = field(default_factory=PinsConfig)
    display: DisplayConfig = field(default_factory=DisplayConfig)
    audio: AudioConfig = field(default_factory=AudioConfig)
    store: StoreConfig = field(default_factory=StoreConfig)
    mqtt: MqttConfig = field(default_factory=MqttConfig)
    routines: Routines = field(kw_only=True, default_factory=shipped_routines,
                               metadata={"section": False})


def _sections() -> dict[str, Any]:
    """The fields of Config that are TOML sections (``routines`` is read from its files)."""
    return {f.name: f for f in fields(Config) if f.metadata.get("section", True)}


# The core's sections are declared in unslump.core.settings and re-exported here.
__all__ = [
    "I2C1_PINS",
    "ID_EEPROM_PINS",
    "ROUTINE_MAX_S",
    "ROUTINE_MIN_S",
    "SPARE_PINS",
    "SPI_DISPLAY_PINS",
    "SYSTEM_CONFIG",
    "WEEKDAYS",
    "AudioConfig",
    "ButtonConfig",
    "Config",
    "CoreConfig",
    "DisplayConfig",
    "MqttConfig",
    "PinsConfig",
    "QuietConfig",
    "ReminderConfig",
    "RoutineConfig",
    "ScreenConfig",
    "SeatConfig",
    "StoreConfig",
    "check_pins",
    "check_routine",
    "find_config",
    "key",
    "load_config",
    "parse_config",
    "render_defaults",
]


def find_config(cli_path: str | None, env: Mapping[str, str] = os.environ,
                home: Path | None = None) -> Path | None:
    """The file to load: ``--config``, ``$UNSLUMP_CONFIG``, /etc, then ~/.config; or None.

    An explicitly named file must exist; the two standard places are used only if present.
    """
    for named in (cli_path, env.get("UNSLUMP_CONFIG")):
        if named:
            path = Path(named).expanduser()
            if not path.is_file():
                raise ConfigError(f"{path}: config file not found; fix the path or remove it")
            return path
    user = (home or Path.home()) / ".config" / "unslump" / "config.toml"
    for path in (SYSTEM_CONFIG, user):
        try:
            if path.is_file():
                return path
        except OSError:  # a home this user may not look into (sudo -u, setpriv): skip it
            continue
    return None


def load_config(path: Path | None, *, euid: int | None = None) -> Config:
    """Read and validate ``path``; no path means the built-in defaults.

    ``euid``: whose process reads it (default: this one's; a seam for the root tests).
    """
    if path is None:
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc.strerror}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(_not_toml(path, exc)) from exc
    except RecursionError:
        raise ConfigError(f"{path}: not valid TOML: arrays or tables nested too deeply; "
                          "a config needs only sections of keys") from None
    # Before anything the file names is read: [routine] path is read while parsing.
    if (os.geteuid() if euid is None else euid) == 0 and (named := _path_keys_given(data)):
        refuse_untrusted_paths(path, named)
    try:
        return parse_config(data, str(path), base=path.parent)
    except ConfigValueError as exc:
        raise ConfigValueError(_with_line(path, exc), exc.section, exc.key) from exc


def _with_line(path: Path, exc: ConfigValueError) -> str:
    """The value error's message with the line it is on (``FILE: line N: [section] key:
    ...``), found in the text just read; as it was when the file does not write the key."""
    message = str(exc)
    try:
        line = find_line(path.read_text(encoding="utf-8"), exc.section, exc.key)
    except (OSError, UnicodeDecodeError):
        line = None
    prefix = f"{path}: "
    if line is None or not message.startswith(prefix):
        return message
    return f"{prefix}line {line}: {message[len(prefix):]}"


def _not_toml(path: Path, exc: ValueError) -> str:
    """The parser's complaint with its line, or for a section or key given twice (a section
    pasted from the guide below one already there) both lines and which one to edit."""
    try:
        duplicate = find_duplicate(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        duplicate = None
    if duplicate is not None:
        return duplicate.message(str(path))
    return f"{path}: not valid TOML: {exc}"


def _path_keys_given(data: Mapping[str, Any]) -> list[str]:
    """The keys of :data:`PATH_KEYS` that ``data`` sets to a file, as ``[section] key``."""
    return [f"[{section}] {name}" for section, name in sorted(PATH_KEYS)
            if isinstance(table := data.get(section), dict) and table.get(name)]


def refuse_untrusted_paths(path: Path, keys: list[str],
                           stat_of: Callable[[Path], os.stat_result] = os.stat) -> None:
    """Root takes no path from a file another user can change (or replace).

    ``[store] path`` decides which file root's ``doctor`` reads and which file a root
    service would create, migrate or move aside; ``[mqtt] password_file`` (and the TLS
    files) are read by root and sent to the broker the same file names: from
    ``~/.config`` or ``$UNSLUMP_CONFIG`` a local user could aim them at ``/etc/shadow``
    and a broker of their own. ``stat_of`` is the seam the tests use for ownership.
    """
    for part in (path, *path.parents):
        try:
            info = stat_of(part)
        except OSError:
            continue
        sticky = stat.S_ISDIR(info.st_mode) and bool(info.st_mode & stat.S_ISVTX)
        others_write = bool(info.st_mode & (stat.S_IWGRP | stat.S_IWOTH))
        if info.st_uid != 0 or (others_write and not sticky):
            raise ConfigError(
                f"{path}: root takes no {', '.join(keys)} from a file other users can "
                f"change ({part} is owned by uid {info.st_uid}, mode "
                f"{stat.S_IMODE(info.st_mode):o}); make it root-owned and not group- or "
                "world-writable, or run as the unslump user")


def parse_config(data: Mapping[str, Any], source: str, base: Path | None = None) -> Config:
    """Turn a parsed TOML table into a :class:`Config`, naming ``source`` in any error.

    ``base`` is the directory a relative ``[routine] path`` is taken from (the config
    file's own; None: the working directory).
    """
    sections = _sections()
    values: dict[str, Any] = {}
    for name, table in data.items():
        if name not in sections:
            raise ConfigValueError(f"{source}: unknown section [{name}]; allowed: "
                                   f"{', '.join(sections)}", name)
        if not isinstance(table, dict):
            raise ConfigValueError(f"{source}: [{name}] must be a table of keys", name)
        section_type = typing.get_type_hints(Config)[name]
        values[name] = _parse_section(section_type, name, table, source)
    config = replace(Config(), **values)
    check_pins(config, source)
    given = data.get("routine", {}).keys()
    return check_routine(config, given, source, base)


def check_routine(config: Config, given: Collection[str], source: str,
                  base: Path | None = None) -> Config:
    """``config`` with the routine it names read ([routine] path, else name), its
    durations under the [routine] keys the config file did not set (``given`` are the
    ones it did), and the whole between 1 and 10 minutes: each key in its range can
    still add up to a 22-second blink or a 40-minute session, and neither is the stretch.
    """
    routine = config.routine
    if routine.path:
        named = Path(routine.path).expanduser()
        path = named if named.is_absolute() or base is None else base / named
        if not path.is_file():
            raise ConfigError(f"{source}: [routine] path: {path} is not a file; fix the path "
                              "(relative to the config file) or remove the key")
    else:
        path = shipped_path(routine.name)
    stretch = load_routine(path)
    check_overrides(stretch, given, source)
    settings = config_for(stretch, routine, given)
    check_length(stretch, settings, f"{source}: [routine]")
    routines = Routines(stretch=stretch, walk=config.routines.walk)
    return replace(config, routine=settings, routines=routines)


def _parse_section(section_type: type, name: str, table: Mapping[str, Any], source: str) -> Any:
    hints = typing.get_type_hints(section_type)
    declared = {f.name: f for f in fields(section_type)}
    values = {}
    for key_name, raw in table.items():
        where = f"{source}: [{name}] {key_name}"
        if key_name not in declared:
            raise ConfigValueError(f"{where}: unknown key; allowed: {', '.join(declared)}",
                                   name, key_name)
        try:
            values[key_name] = _checked(name, key_name, raw, hints[key_name],
                                        declared[key_name].metadata, where)
        except ConfigError as exc:
            raise ConfigValueError(str(exc), name, key_name) from exc
    return section_type(**values)


def _checked(section: str, key_name: str, raw: Any, expected: Any,
             metadata: Mapping[str, Any], where: str) -> Any:
    """One key's value as the config holds it, or :class:`ConfigError` saying why not."""
    if (section, key_name) == ("display", "i2c_address"):
        raw = canonical_address(raw)  # "0x3c" as i2cdetect prints it, "0x78" as boards do
    value = _check_value(raw, expected, metadata, where)
    if isinstance(value, str):
        _check_text(value, (section, key_name), where)
    return value


PATH_KEYS = frozenset({("store", "path"), ("routine", "path"), ("mqtt", "password_file"),
                       ("mqtt", "ca_file"), ("mqtt", "cert_file"), ("mqtt", "key_file")})
"""The keys that name a file: checked for what the file system can take."""

TOPIC_KEYS = frozenset({("mqtt", "topic_prefix"), ("mqtt", "discovery_prefix")})

MAX_TOPIC_PREFIX = 200  # room left for the longest topic we add under it
_HOST_LABEL = re.compile(r"[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?")


def _check_text(value: str, key_id: tuple[str, str], where: str) -> None:
    """Refuse text the key's user cannot take: a control character anywhere (a NUL ends a
    path, a newline splits every message that quotes it), a path too long for the file
    system, an MQTT wildcard in a topic, a host name DNS cannot carry."""
    problem = path_problem(value) if key_id in PATH_KEYS else control_problem(value)
    if problem:
        raise ConfigError(f"{where}: {problem}")
    if key_id in TOPIC_KEYS:
        if {"+", "#"} & set(value):
            raise ConfigError(f"{where}: {value!r} holds an MQTT wildcard (+ or #), which a "
                              "topic may not; use letters, digits, '-', '_' and '/'")
        if len(value) > MAX_TOPIC_PREFIX:
            raise ConfigError(f"{where}: {shown(value)} is longer than {MAX_TOPIC_PREFIX} "
                              "characters; use a shorter prefix")
    if key_id == ("mqtt", "host") and value:
        _check_host(value, where)


def _check_host(host: str, where: str) -> None:
    """A host name of DNS labels (1 to 63 characters each, 253 in all) or an IP address."""
    with contextlib.suppress(ValueError):
        ipaddress.ip_address(host)
        return
    labels = host.removesuffix(".").split(".")
    if len(host) > 253 or not all(_HOST_LABEL.fullmatch(label) for label in labels):
        raise ConfigError(f"{where}: {shown(host)} is not a host name (labels of letters, "
                          "digits and '-', 1 to 63 characters each; an international name "
                          "in its xn-- form) or an IP address")


def _check_value(raw: Any, expected: Any, meta: Mapping[str, Any], where: str) -> Any:
    value = _coerce(raw, expected, where)
    choices, low, high = meta.get("choices"), meta.get("low"), meta.get("high")
    # Each item with what the file said, so the message quotes the user's own spelling.
    pairs = zip(value, raw, strict=True) if isinstance(value, tuple) else [(value, raw)]
    for item, written in pairs:
        if isinstance(item, float) and not math.isfinite(item):
            raise ConfigError(f"{where}: {written!r} is not a finite number; allowed: "
                              f"{low} to {high}")
        if choices is not None and item not in choices:
            allowed = ", ".join(repr(c) for c in choices)
            raise ConfigError(f"{where}: {written!r} is not allowed; allowed: {allowed}")
        if (low is not None and item < low) or (high is not None and item > high):
            raise ConfigError(f"{where}: {written!r} is out of range; allowed: {low} to {high}")
    return value


def _coerce(raw: Any, expected: Any, where: str) -> Any:
    """Check the TOML type; ints are accepted where floats are expected, never bools."""
    if typing.get_origin(expected) is tuple:
        (item_type, _) = typing.get_args(expected)
        if not isinstance(raw, list):
            raise ConfigError(f"{where}: expected a list, got {raw!r}")
        return tuple(_coerce(item, item_type, where) for item in raw)
    if expected is time:
        return _parse_clock_time(raw, where)
    ok = isinstance(raw, expected) and not (expected is not bool and isinstance(raw, bool))
    if expected is float and isinstance(raw, int) and not isinstance(raw, bool):
        return float(raw)
    if not ok:
        raise ConfigError(f"{where}: expected {_type_word(expected)}, got {raw!r}")
    return raw


def _parse_clock_time(raw: Any, where: str) -> time:
    match = _CLOCK_TIME.fullmatch(raw) if isinstance(raw, str) else None
    try:
        if match is None:
            raise ValueError(raw)
        return time(int(match[1]), int(match[2]))
    except ValueError:
        quoted = shown(raw) if isinstance(raw, str) else repr(raw)
        raise ConfigError(f"{where}: expected a time of day like \"20:00\", got {quoted}"
                          ) from None


_CLOCK_TIME = re.compile(r"([0-9]{1,2}):([0-9]{2})")


def _type_word(expected: Any) -> str:
    if isinstance(expected, types.UnionType):
        return " or ".join(_type_word(arg) for arg in typing.get_args(expected))
    return {int: "a whole number", float: "a number", bool: "true or false",
            str: "a string"}.get(expected, getattr(expected, "__name__", str(expected)))


# BCM pins [pins] may not use, and why: the ID EEPROM bus always, the display's bus when
# it is on it (I2C-1 on the header; SPI0 with luma's default DC and RST pins).
ID_EEPROM_PINS = {0: "ID_SD", 1: "ID_SC"}
I2C1_PINS = {2: "I2C-1 SDA", 3: "I2C-1 SCL"}
SPI_DISPLAY_PINS = {8: "SPI0 CE0", 9: "SPI0 MISO", 10: "SPI0 MOSI", 11: "SPI0 SCLK",
                    24: "the SPI display's DC", 25: "the SPI display's RST"}
SPARE_PINS = (22, 23, 24, 25, 5, 6, 16, 26)


def check_pins(config: Config, source: str) -> None:
    """Refuse a [pins] choice the hardware cannot honour, naming the key and a free pin.

    gpiozero would claim GPIO 2 on top of the I2C driver without a word, and the panel
    and the input would then fail in turn; the ID EEPROM pins are read by the firmware
    at boot and reserved for HAT identification. One pin given two jobs can only work
    for one of them.
    """
    pins = config.pins
    used = {"button": pins.button, "seat": pins.seat}
    if config.audio.backend == "buzzer":
        used["buzzer"] = pins.buzzer
    reserved = dict(ID_EEPROM_PINS)
    if config.display.interface == "i2c" and config.display.i2c_port == 1:
        reserved |= {pin: f"{name}, the display's bus" for pin, name in I2C1_PINS.items()}
    if config.display.interface == "spi":
        reserved |= {pin: f"{name}, the display's bus" for pin, name in SPI_DISPLAY_PINS.items()}
    free = ", ".join(str(pin) for pin in SPARE_PINS
                     if pin not in reserved and pin not in used.values())
    seen: dict[int, str] = {}
    for name, pin in used.items():
        if pin in ID_EEPROM_PINS:
            why = f"{ID_EEPROM_PINS[pin]}, the HAT ID EEPROM bus the firmware reads at boot"
        elif pin in reserved:
            why = reserved[pin]
        elif pin in seen:
            why = f"already [pins] {seen[pin]}"
        else:
            seen[pin] = name
            continue
        raise ConfigValueError(f"{source}: [pins] {name} = {pin}: BCM {pin} is {why}; use a "
                               f"free pin ({free}) and move the wire (hardware/pins.md)",
                               "pins", name)


def render_defaults() -> str:
    """The full default configuration as TOML, with a comment per key."""
    lines = ["# Unslump configuration. Every key is optional; shown here at its default.", ""]
    defaults = Config()
    for section in _sections().values():
        section_value = getattr(defaults, section.name)
        lines.append(f"# {type(section_value).__doc__}")
        lines.append(f"[{section.name}]")
        for item in fields(section_value):
            lines.append(f"# {_describe(item.metadata)}")
            commented = "# " if item.metadata.get("sets_file") else ""
            lines.append(f"{commented}{item.name} = "
                         f"{_toml_value(getattr(section_value, item.name))}")
        lines.append("")
    return "\n".join(lines)


def _describe(meta: Mapping[str, Any]) -> str:
    text = str(meta["doc"])
    if meta.get("choices") is not None:
        text += f" (one of: {', '.join(_toml_value(c) for c in meta['choices'])})"
    elif meta.get("low") is not None:
        text += f" ({_toml_value(meta['low'])} to {_toml_value(meta['high'])})"
    return text


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, time):
        return f'"{value:%H:%M}"'
    if isinstance(value, tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return repr(value)
