import re
import tomllib
from datetime import time
from pathlib import Path

import pytest

from unslump.config.file import Config, find_config, load_config, parse_config, render_defaults
from unslump.core.settings import ROUTINE_DURATION_KEYS
from unslump.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_config_defaults_match_the_product_card():
    config = Config()
    assert (config.pins.button, config.pins.seat) == (17, 27)
    assert config.button.hold_s == 2.0
    assert (config.seat.sit_confirm_s, config.seat.stand_confirm_s) == (5.0, 20.0)
    assert config.seat.natural_break_min == 3.0
    assert config.reminder.remind_after_min == 45.0
    assert (config.display.type, config.display.i2c_address) == ("ssd1306", "0x3C")
    assert (config.quiet.start, config.quiet.end) == (time(20, 0), time(7, 0))


def test_config_file_overrides_only_what_it_names(tmp_path):
    path = write(tmp_path, "[seat]\nsit_confirm_s = 3\n[quiet]\nstart = \"21:30\"\n")
    config = load_config(path)
    assert config.seat.sit_confirm_s == 3.0
    assert config.seat.stand_confirm_s == 20.0
    assert config.quiet.start == time(21, 30)


@pytest.mark.parametrize(("text", "expected"), [
    ("[seat]\nsit_confirm = 3\n", "[seat] sit_confirm: unknown key; allowed: sit_confirm_s"),
    ("[sofa]\nx = 1\n", "unknown section [sofa]"),
    ("[routine]\nrepetitions = 11\n",
     "[routine] repetitions: 11 is out of range; allowed: 1 to 10"),
    ("[display]\ntype = \"lcd\"\n", "[display] type: 'lcd' is not allowed; allowed: 'ssd1306'"),
    ("[button]\nhold_s = \"long\"\n", "[button] hold_s: expected a number, got 'long'"),
    ("[display]\npersist = 1\n", "[display] persist: expected true or false, got 1"),
    ("[quiet]\nstart = \"8pm\"\n", "[quiet] start: expected a time of day like \"20:00\""),
    ("[quiet]\ndays = [\"moon\"]\n", "[quiet] days: 'moon' is not allowed"),
    ("[seat\n", "not valid TOML"),
    ("[display]\nrotate = 1\n", "[display] rotate: 1 is not allowed; allowed: 0, 2"),
    ("[display]\nrotate = 3\n", "[display] rotate: 3 is not allowed; allowed: 0, 2"),
    ("[display]\nheight = 48\n", "[display] height: 48 is not allowed; allowed: 64, 32"),
    ("[display]\nwidth = 96\n", "[display] width: 96 is not allowed; allowed: 128"),
])
def test_config_bad_file_names_file_key_and_what_is_allowed(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert expected in message
    assert "\n" not in message


@pytest.mark.parametrize(("text", "expected"), [
    ("# mine\n[audio]\nbackend = \"pygame\"\nvolume = 5\n",
     "line 4: [audio] volume: 5 is out of range"),
    ("[seat]\n\n  sit_confirm = 3   # typo\n", "line 3: [seat] sit_confirm: unknown key"),
    ("[button]\nhold_s = 1.0\n\n[sofa]\nx = 1\n", "line 4: unknown section [sofa]"),
    ("[audio]\nbackend = \"buzzer\"\n[pins]\nbutton = 17\nseat = 17\n",
     "line 5: [pins] seat = 17: BCM 17 is already [pins] button"),
    ("[mqtt]\nhost = \"-bad-\"\n", "line 2: [mqtt] host:"),
])
def test_config_bad_value_names_its_line_as_the_service_reads_it(tmp_path, text, expected):
    # A TOML error names its line (tomllib does); a value TOML takes but Unslump does not
    # now names its line too, so a person with nano open goes straight to it.
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value).startswith(f"{path}: {expected}")


def test_config_bad_value_not_in_the_file_names_no_line(tmp_path):
    # The buzzer's default pin taken by a seat moved onto it: the clash is named by key,
    # and since the buzzer's pin is not written in the file, no line is made up.
    path = write(tmp_path, "[audio]\nbackend = \"buzzer\"\n[pins]\nseat = 12\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert "line" not in message.split("[pins]")[0]


def test_config_search_order_cli_then_env_then_standard_places(tmp_path):
    cli = write(tmp_path, "")
    env_file = tmp_path / "env.toml"
    env_file.write_text("")
    home = tmp_path / "home"
    (home / ".config" / "unslump").mkdir(parents=True)
    user = home / ".config" / "unslump" / "config.toml"
    user.write_text("")
    assert find_config(str(cli), {"UNSLUMP_CONFIG": str(env_file)}, home) == cli
    assert find_config(None, {"UNSLUMP_CONFIG": str(env_file)}, home) == env_file
    assert find_config(None, {}, home) == user
    assert find_config(None, {}, tmp_path / "nobody") is None


def test_config_named_file_that_is_missing_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        find_config(str(tmp_path / "nope.toml"), {})


def test_config_defaults_text_parses_back_to_the_defaults():
    text = render_defaults()
    assert parse_config(tomllib.loads(text), "<defaults>") == Config()
    # every key shown at its default; the routine's lengths commented out, since given
    # they would set a routine file's own durations of the same name
    lengths = {f"# {name} = " for name in (*ROUTINE_DURATION_KEYS, "repetitions")}
    for line in text.splitlines():
        if " = " in line:
            assert not line.startswith("#") or line.startswith(tuple(lengths)), line
    assert sum(line.startswith(tuple(lengths)) for line in text.splitlines()) == len(lengths)
    keys = [line for line in text.splitlines() if " = " in line]
    comments = [line for line in text.splitlines() if line.startswith("# ")]
    assert len(comments) >= len(keys)


def test_config_root_refuses_a_store_path_from_a_file_others_can_change(tmp_path, monkeypatch):
    import os

    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)  # any user may replace the file in here
    path = shared / "config.toml"
    path.write_text('[store]\npath = "/etc/passwd"\n')
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and "[store] path" in message
    assert str(shared) in message and "\n" not in message


def test_config_root_reads_other_keys_from_any_file(tmp_path, monkeypatch):
    import os

    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    path = shared / "config.toml"
    path.write_text("[button]\nhold_s = 3\n")
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    assert load_config(path).button.hold_s == 3.0


def test_config_store_path_from_a_private_file_is_read(tmp_path):
    path = write(tmp_path, '[store]\npath = "/var/lib/unslump/log.db"\n')
    tmp_path.chmod(0o700)
    assert load_config(path).store.path == "/var/lib/unslump/log.db"


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "+nan"])
@pytest.mark.parametrize(("section", "name"), [
    ("button", "hold_s"), ("seat", "sit_confirm_s"), ("seat", "stand_confirm_s"),
    ("reminder", "remind_after_min"), ("screen", "dim_after_min"), ("audio", "volume"),
])
def test_config_nan_and_inf_are_rejected(tmp_path, section, name, value):
    path = write(tmp_path, f"[{section}]\n{name} = {value}\n")
    with pytest.raises(ConfigError, match=rf"\[{section}\] {name}: {value} is not a finite"):
        load_config(path)


def test_config_deeply_nested_toml_is_one_line(tmp_path):
    path = write(tmp_path, "x = " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert "nested too deeply" in str(caught.value) and "\n" not in str(caught.value)


def test_config_buzzer_pin_is_free_when_the_buzzer_is_unused(tmp_path):
    assert load_config(write(tmp_path, "[pins]\nbuzzer = 17\n")).pins.buzzer == 17


def test_config_display_height_32_is_the_compact_panel(tmp_path):
    config = load_config(write(tmp_path, "[display]\nheight = 32\n"))
    assert (config.display.width, config.display.height) == (128, 32)


@pytest.mark.parametrize(("written", "address"), [
    ('"0x3c"', "0x3C"), ('"3c"', "0x3C"), ('"0x3D"', "0x3D"), ("0x3C", "0x3C"),
    ('"0x78"', "0x3C"), ('"0x7A"', "0x3D"), ('"0x7a"', "0x3D"),
])
def test_config_panel_address_in_every_spelling_people_copy(tmp_path, written, address):
    """As i2cdetect prints it (3c), unquoted hex, or the 8-bit address on the board."""
    path = tmp_path / "c.toml"
    path.write_text(f"[display]\ni2c_address = {written}\n")
    assert load_config(path).display.i2c_address == address


@pytest.mark.parametrize("written", ['"0x3E"', '"oled"', '"0x79"'])
def test_config_panel_address_that_no_panel_answers_at_is_refused(tmp_path, written):
    path = tmp_path / "c.toml"
    path.write_text(f"[display]\ni2c_address = {written}\n")
    with pytest.raises(ConfigError, match=r"\[display\] i2c_address: .* allowed: '0x3C', '0x3D'"):
        load_config(path)

# -- values the file system, the broker or DNS cannot take: one line naming the key -------


@pytest.mark.parametrize(("text", "key"), [
    ('[quiet]\nstart = "99999999999999999999:00"\n', "[quiet] start"),
    ('[quiet]\nend = "7:5"\n', "[quiet] end"),
    ('[store]\npath = "/var/lib/' + "a" * 5000 + '.db"\n', "[store] path"),
    ('[store]\npath = "/var/lib/' + "a/" * 2100 + 'x.db"\n', "[store] path"),
    ('[store]\npath = "/var/lib/' + "b" * 256 + '/x.db"\n', "[store] path"),
    ('[mqtt]\nhost = "h"\npassword_file = "/etc/a\\u0000b"\n', "[mqtt] password_file"),
    ('[store]\npath = "/tmp/a\\nb/c.db"\n', "[store] path"),
    ('[mqtt]\nhost = "h"\nca_file = "/etc/ssl/ca\\r.pem"\n', "[mqtt] ca_file"),
    ('[mqtt]\nhost = "h"\ndiscovery_prefix = "home#"\n', "[mqtt] discovery_prefix"),
    ('[mqtt]\nhost = "h"\ntopic_prefix = "office/+/desk"\n', "[mqtt] topic_prefix"),
    ('[mqtt]\nhost = "h"\ntopic_prefix = "office/#"\n', "[mqtt] topic_prefix"),
    ('[mqtt]\nhost = "h"\ntopic_prefix = "' + "o/" * 150 + '"\n', "[mqtt] topic_prefix"),
    ('[mqtt]\nhost = "[fe80::1]"\n', "[mqtt] host"),
    ('[mqtt]\nhost = "' + "h" * 64 + '.example.org"\n', "[mqtt] host"),
    ('[mqtt]\nhost = "broker..lan"\n', "[mqtt] host"),
    ('[mqtt]\nhost = "br oker"\n', "[mqtt] host"),
    ('[mqtt]\nhost = "bröker.lan"\n', "[mqtt] host"),
])
def test_config_unusable_text_is_one_line_naming_the_key(tmp_path, text, key):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert re.match(rf"{re.escape(str(path))}: line \d+: {re.escape(key)}: ", message)
    assert "\n" not in message
    assert len(message) < 400  # a 5,000-character value is not echoed whole


@pytest.mark.parametrize("host", ["broker.lan", "10.0.0.5", "::1", "fe80::1", "mqtt",
                                  "a-b_c.example.org.", "h" * 63 + ".lan"])
def test_config_host_names_and_addresses_are_taken(tmp_path, host):
    assert load_config(write(tmp_path, f'[mqtt]\nhost = "{host}"\n')).mqtt.host == host


@pytest.mark.parametrize("key", ["password_file", "ca_file", "cert_file", "key_file"])
def test_config_root_takes_no_mqtt_file_from_a_file_others_can_change(tmp_path, key):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)  # any user may replace the file in here
    path = shared / "config.toml"
    path.write_text(f'[mqtt]\nhost = "broker.lan"\ntls = true\n{key} = "/root/secret"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path, euid=0)
    message = str(caught.value)
    assert message.startswith(f"{path}: root takes no [mqtt] {key} ") and "\n" not in message
    assert load_config(path, euid=1000).mqtt.host == "broker.lan"  # the user's own run


def test_config_root_takes_no_path_from_a_file_another_user_owns(tmp_path):
    """Owned by a user, however closed its mode: the owner can still change it."""
    import os

    from unslump.config.file import refuse_untrusted_paths

    path = write(tmp_path, '[mqtt]\nhost = "h"\npassword_file = "/root/secret"\n')
    path.chmod(0o600)

    def owned_by_1000(part: Path) -> os.stat_result:
        info = os.stat(part)
        return os.stat_result((info.st_mode, info.st_ino, info.st_dev, info.st_nlink,
                               1000 if part == path else 0, 0, info.st_size, 0, 0, 0))

    with pytest.raises(ConfigError) as caught:
        refuse_untrusted_paths(path, ["[mqtt] password_file"], stat_of=owned_by_1000)
    assert "owned by uid 1000" in str(caught.value)


def test_config_root_takes_no_routine_path_before_reading_it(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    path = shared / "config.toml"
    path.write_text('[routine]\npath = "/root/not-a-routine.toml"\n')
    with pytest.raises(ConfigError, match=r"root takes no \[routine\] path"):
        load_config(path, euid=0)
