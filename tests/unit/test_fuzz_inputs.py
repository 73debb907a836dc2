"""Fuzzing the two files a person writes: the config and a scenario.

Whatever the bytes, ``unslump config`` and ``unslump scenario`` end in success or in one
line ``unslump: ...`` with exit status 2: never a traceback, never a hang (hypothesis's
deadline bounds each case). The inputs are built from the real grammar (sections, keys,
commands, durations) mixed with wrong types, extreme and non-finite numbers, random
text and random bytes, so that most cases reach the validation rather than stopping at
the first syntax error. Derandomized, so CI runs the same cases every time.
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from dataclasses import fields
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unslump.cli.main import main
from unslump.config.file import Config

CONFIG_CASES = 300
SCENARIO_CASES = 150
FUZZ = settings(derandomize=True, deadline=timedelta(seconds=10), database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def fuzz(cases: int) -> settings:
    return settings(FUZZ, max_examples=cases)

SECTIONS = {f.name: [k.name for k in fields(f.default_factory())]  # type: ignore[misc]
            for f in fields(Config)}


def run(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    return code, out.getvalue(), err.getvalue()


def assert_clean_end(code: int, err: str) -> None:
    assert code in (0, 2), err
    if code == 2:
        assert err.startswith("unslump: ") and err.count("\n") == 1, err


def toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


numbers = st.one_of(st.integers(-(2**63), 2**63 - 1), st.integers(-3, 300),
                    st.floats(allow_nan=True, allow_infinity=True),
                    st.sampled_from(["nan", "inf", "-inf", "+nan", "1e999", "0x3C", "0o17",
                                     "1_000", "-0.0"]))
scalars = st.one_of(
    numbers.map(str), st.booleans().map(lambda b: "true" if b else "false"),
    st.text(max_size=12).map(toml_string),
    st.sampled_from(['"20:00"', '"07:00"', '"24:00"', '"8pm"', '20:00:00', '1979-05-27',
                     '"mon"', '"auto"', '"buzzer"', '"sh1106"', '"0x3D"', '""']),
)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4).map(lambda items: "[" + ", ".join(items) + "]"),
    st.dictionaries(st.sampled_from(["a", "b", "hold_s"]), inner, max_size=3).map(
        lambda table: "{" + ", ".join(f"{k} = {v}" for k, v in table.items()) + "}"),
), max_leaves=8)


@st.composite
def config_texts(draw: st.DrawFn) -> str:
    lines: list[str] = []
    for _ in range(draw(st.integers(0, 4))):
        section = draw(st.one_of(st.sampled_from(sorted(SECTIONS)), st.text(max_size=6)))
        lines.append(f"[{section}]")
        known = SECTIONS.get(section, ["x"])
        for _ in range(draw(st.integers(0, 4))):
            key = draw(st.one_of(st.sampled_from(known), st.text("abcdefghijkl_", max_size=8)))
            lines.append(f"{key} = {draw(values)}")
    if draw(st.booleans()):
        lines.insert(draw(st.integers(0, len(lines))), draw(st.text(max_size=20)))
    return "\n".join(lines) + "\n"


@fuzz(CONFIG_CASES)
@given(st.one_of(config_texts(), st.binary(max_size=200).map(lambda b: b.decode("latin-1"))))
def test_fuzz_config_files_end_in_success_or_one_line(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "config.toml"
        path.write_text(text, encoding="utf-8", errors="surrogateescape")
        code, out, err = run(["config", "--config", str(path)])
    assert_clean_end(code, err)
    if code == 0:
        assert out == f"{path}: valid\n"


durations = st.one_of(
    st.builds(lambda sign, number, unit: f"{sign}{number}{unit}",
              st.sampled_from(["", "+", "-"]),
              st.one_of(st.integers(0, 120), st.integers(0, 10**30),
                        st.floats(0, 1e6, allow_nan=False).map(lambda f: f"{f:.3f}")),
              st.sampled_from(["", "s", "m", "h", "d", "ms"])),
    st.text(max_size=6),
)
times = st.one_of(
    st.builds(lambda h, m, s, f: f"{h}:{m:02d}" + (f":{s:02d}" if s is not None else "")
              + (f".{f}" if f is not None and s is not None else ""),
              st.one_of(st.integers(0, 3), st.integers(0, 10**22)), st.integers(0, 75),
              st.none() | st.integers(0, 75), st.none() | st.integers(0, 9999)),
    st.text(max_size=8),
)
commands = st.sampled_from(["sit", "stand", "press", "hold", "down", "up", "walljump", "end",
                            "dance", "start", ""])


@st.composite
def scenario_texts(draw: st.DrawFn) -> str:
    lines = []
    if draw(st.booleans()):
        lines.append("start " + draw(st.one_of(
            st.sampled_from(["2026-11-24T09:00", "9999-12-31T23:59", "0001-01-01T00:00",
                             "2026-03-29T01:30+01:00", "2026-03-29T01:30 Europe/Berlin",
                             "2026-03-29T01:30 Mars/Olympus", "tomorrow"]),
            st.text(max_size=12))))
    for _ in range(draw(st.integers(0, 8))):
        words = [draw(times), draw(commands)]
        words += [draw(durations) for _ in range(draw(st.integers(0, 2)))]
        lines.append(" ".join(words))
    return "\n".join(lines) + "\n"


@fuzz(SCENARIO_CASES)
@given(st.one_of(scenario_texts(), st.binary(max_size=120).map(lambda b: b.decode("latin-1"))))
def test_fuzz_scenario_files_end_in_success_or_one_line(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "day.txt"
        path.write_text(text, encoding="utf-8", errors="surrogateescape")
        code, out, err = run(["scenario", str(path)])
    assert_clean_end(code, err)
    if code == 0:
        assert all(json.loads(line)["kind"] for line in out.splitlines())
