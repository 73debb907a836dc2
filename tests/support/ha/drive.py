"""make test-ha's driver: this checkout's device against a real Home Assistant Core.

Run by scripts/test-ha.sh (as root, the HA root built and mounted) with this checkout's
venv: ``python -m tests.support.ha.drive --root ROOT --results FILE``. It starts a
mosquitto on 127.0.0.1, then Home Assistant in the root (same network), and sets HA up
with no hand
step: onboarding through the REST API (the first user, the auth-code exchange at
``/auth/token``, the remaining steps), a long-lived token over the websocket, the MQTT
integration through the config-entry flow. Then:

- a scripted day (``unslump scenario``, virtual time) and HA's states against
  ``unslump stats --json``, the entity registry (every entity, class, unit, state class,
  one device), and the day total's history never going down;
- a real-time session (``unslump run --simulate`` in a pseudo-terminal): HA's buttons,
  switch and the README's phone automation reaching the device at QoS 1 and acted on,
  availability on a clean stop and on SIGKILL, the README's lamp automation not firing
  when the device comes back (a copy without ``not_from`` does, to show the trap);
- no warning or error in HA's log that names the device's entities or topics.

Each check prints PASS or FAIL and goes to the results file; the last line is the summary
the README quotes.
"""

from __future__ import annotations

import argparse
import json
import os
import pty
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion

from tests.support.mosquitto import Broker, wait_until
from unslump.edges.mqtt.discovery import components
from unslump.edges.mqtt.live import MODES
from unslump.edges.mqtt.topics import Topics

HERE = Path(__file__).resolve().parent
CHECKOUT = HERE.parents[2]
HA_URL = "http://127.0.0.1:8123"
CLIENT_ID = f"{HA_URL}/"
CONFIG_IN_ROOT = "/srv/ha-config"
DEVICE_NAME = "Unslump desk1"
PREFIX = "unslump/desk1"
SLUG = "unslump_desk1"
OWNER = {"name": "Test", "username": "test", "password": "unslump-test-ha-1"}


class Checks:
    """PASS/FAIL lines, printed and kept."""

    def __init__(self, results: Path) -> None:
        self.results = results
        self.lines: list[str] = []
        self.failed = 0
        results.write_text("")

    def _line(self, text: str) -> None:
        print(text, flush=True)
        self.lines.append(text)
        with self.results.open("a") as out:
            out.write(text + "\n")

    def check(self, what: str, ok: bool, detail: str = "") -> bool:
        self._line(f"{'PASS' if ok else 'FAIL'} {what}" + (f": {detail}" if detail else ""))
        self.failed += not ok
        return ok

    def info(self, text: str) -> None:
        self._line(f"INFO {text}")


def pause(seconds: float) -> None:
    threading.Event().wait(seconds)


# -- Home Assistant's APIs -------------------------------------------------------------

def http(method: str, path: str, body: Any = None, token: str | None = None,
         form: bool = False) -> tuple[int, Any]:
    data = None
    headers = {}
    if body is not None:
        if form:
            data = urllib.parse.urlencode(body).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        else:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(HA_URL + path, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            text = answer.read().decode()
            return answer.status, json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        text = error.read().decode()
        try:
            return error.code, json.loads(text)
        except ValueError:
            return error.code, text


class HomeAssistant:
    """HA Core in the root: started, onboarded, asked."""

    def __init__(self, root: Path, log: Path) -> None:
        self.root = root
        self.config = root / CONFIG_IN_ROOT.lstrip("/")
        self.log_path = log
        self.process: subprocess.Popen[bytes] | None = None
        self.token = ""

    def start(self) -> None:
        env = ["PATH=/srv/ha/bin:/usr/local/bin:/usr/bin:/bin", "HOME=/root", "LANG=C.UTF-8",
               "UV_NATIVE_TLS=1", f"TZ={local_zone()}"]
        with self.log_path.open("ab") as out:
            self.process = subprocess.Popen(
                ["chroot", str(self.root), "env", "-i", *env, "/srv/ha/bin/hass", "-c",
                 CONFIG_IN_ROOT], stdout=out, stderr=subprocess.STDOUT)
        wait_until(self._up, 600, "Home Assistant's HTTP API")

    def _up(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise AssertionError(f"Home Assistant exited; see {self.log_path}")
        try:
            status, _ = http("GET", "/api/onboarding")
        except OSError:
            return False
        return status in (200, 401)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def onboard(self, checks: Checks) -> None:
        status, user = http("POST", "/api/onboarding/users",
                            {"client_id": CLIENT_ID, "language": "en", **OWNER})
        checks.check("onboarding: the first user", status == 200, str(status))
        status, tokens = http("POST", "/auth/token", {
            "grant_type": "authorization_code", "code": user["auth_code"],
            "client_id": CLIENT_ID}, form=True)
        checks.check("onboarding: the auth code exchanged at /auth/token", status == 200)
        access = tokens["access_token"]
        steps = [("/api/onboarding/core_config", {}), ("/api/onboarding/analytics", {}),
                 ("/api/onboarding/integration",
                  {"client_id": CLIENT_ID, "redirect_uri": f"{HA_URL}/?auth_callback=1"})]
        codes = [http("POST", path, body, access)[0] for path, body in steps]
        checks.check("onboarding: core config, analytics, integration steps",
                     all(code == 200 for code in codes), str(codes))
        (answer,) = self.ws([{"type": "auth/long_lived_access_token",
                              "client_name": "unslump test-ha", "lifespan": 30}], access)
        checks.check("a long-lived token over the websocket", answer["success"])
        self.token = answer["result"]

    def ws(self, commands: list[dict[str, Any]], token: str | None = None) -> list[Any]:
        helper = self.root / "srv/ws.py"
        shutil.copy(HERE / "ws.py", helper)
        done = subprocess.run(
            ["chroot", str(self.root), "/srv/ha/bin/python", "/srv/ws.py",
             "ws://127.0.0.1:8123/api/websocket", token or self.token],
            input=json.dumps(commands).encode(), capture_output=True, timeout=120, check=True)
        return list(json.loads(done.stdout))

    def add_mqtt(self, port: int, checks: Checks) -> None:
        _, step = http("POST", "/api/config/config_entries/flow",
                            {"handler": "mqtt", "show_advanced_options": False}, self.token)
        for _ in range(4):
            if step.get("type") == "create_entry":
                break
            if step.get("type") == "menu":
                options = step["menu_options"]
                pick = "broker" if "broker" in options else options[0]
                _, step = http("POST", f"/api/config/config_entries/flow/{step['flow_id']}",
                               {"next_step_id": pick}, self.token)
                continue
            _, step = http("POST", f"/api/config/config_entries/flow/{step['flow_id']}",
                           {"broker": "127.0.0.1", "port": port}, self.token)
        checks.check("the MQTT integration added through the config-entry flow",
                     step.get("type") == "create_entry",
                     f"entry {step.get('title')}" if step.get("type") == "create_entry"
                     else json.dumps(step)[:300])

    def states(self) -> dict[str, dict[str, Any]]:
        _, states = http("GET", "/api/states", token=self.token)
        return {state["entity_id"]: state for state in states}

    def state(self, entity_id: str) -> str:
        status, state = http("GET", f"/api/states/{entity_id}", token=self.token)
        return str(state["state"]) if status == 200 else "missing"

    def call(self, domain: str, service: str, data: dict[str, Any]) -> int:
        return http("POST", f"/api/services/{domain}/{service}", data, self.token)[0]

    def fire(self, event_type: str, data: dict[str, Any]) -> int:
        return http("POST", f"/api/events/{event_type}", data, self.token)[0]

    def log_text(self) -> str:
        path = self.config / "home-assistant.log"
        return path.read_text(errors="replace") if path.exists() else ""


def local_zone() -> str:
    try:
        return Path("/etc/timezone").read_text().strip() or "UTC"
    except OSError:
        link = Path("/etc/localtime")
        return str(link.resolve()).split("zoneinfo/")[-1] if link.is_symlink() else "UTC"


# -- the broker as a bystander ---------------------------------------------------------

class Tap:
    """Everything on the broker, with its QoS: commands from HA, lamp commands, events."""

    def __init__(self, port: int) -> None:
        self.messages: list[tuple[str, bytes, int, bool]] = []
        self._lock = threading.Lock()
        self.client = paho.Client(CallbackAPIVersion.VERSION2, client_id="test-ha-tap")
        self.client.on_connect = lambda c, u, f, r, p: c.subscribe("#", qos=2)
        self.client.on_message = self._message
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()

    def _message(self, client: Any, userdata: Any, message: paho.MQTTMessage) -> None:
        with self._lock:
            self.messages.append((message.topic, bytes(message.payload), message.qos,
                                  bool(message.retain)))

    def on(self, topic: str) -> list[tuple[str, bytes, int, bool]]:
        with self._lock:
            return [m for m in self.messages if m[0] == topic]

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


# -- the device ------------------------------------------------------------------------

def device_config(folder: Path, port: int) -> Path:
    path = folder / "config.toml"
    path.write_text(f"""[mqtt]
host = "127.0.0.1"
port = {port}
client_id = "unslump-desk1"
topic_prefix = "{PREFIX}"
name = "{DEVICE_NAME}"
area = "Office"

[audio]
backend = "none"

[routine]
repetitions = 1
""")
    return path


def unslump(*args: str) -> list[str]:
    return [sys.executable, "-m", "unslump", *args]


SCENARIO = """# make test-ha's scripted day: reminders, a snooze, the safety notice, two stretches,
# natural breaks, and at the end a power cut while a reminder shows (the last event is a
# chime, as when the README's lamp automation would fire again at the reconnect).
start {day}T{start}
0:00 sit
0:46 hold 3s
0:58 press
0:58:05 press
1:10 stand
1:20 sit
2:10 stand
2:11 sit
3:00 press
3:05 stand
3:15 sit
4:01 power-cut
4:05 end
"""


def scripted_day(folder: Path, config: Path, db: Path) -> subprocess.CompletedProcess[str]:
    now = datetime.now().astimezone()
    start = now - timedelta(hours=4, minutes=30)
    if start.date() != now.date():  # early in the day: the day starts at 00:30 instead
        start = now.replace(hour=0, minute=30)
    text = SCENARIO.format(day=start.date().isoformat(), start=start.strftime("%H:%M"))
    script = folder / "day.txt"
    script.write_text(text)
    return subprocess.run(unslump("scenario", str(script), "--config", str(config), "--db",
                                  str(db)), capture_output=True, text=True, cwd=CHECKOUT,
                          timeout=600)


class Simulator:
    """``unslump run --simulate`` in a pseudo-terminal: keys in, the panel drained."""

    def __init__(self, config: Path, db: Path, transcript: Path) -> None:
        self.transcript = transcript.open("ab")
        self.master, slave = pty.openpty()
        env = dict(os.environ, COLUMNS="140", LINES="40", TERM="xterm")
        env.pop("DISPLAY", None)
        env.pop("WAYLAND_DISPLAY", None)
        self.process = subprocess.Popen(unslump("run", "--simulate", "--config", str(config),
                                                "--db", str(db)),
                                        stdin=slave, stdout=slave, stderr=slave, cwd=CHECKOUT,
                                        env=env, start_new_session=True)
        os.close(slave)
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.transcript.write(chunk)
            self.transcript.flush()

    def key(self, key: str) -> None:
        os.write(self.master, key.encode())

    def hold(self, seconds: float = 2.8) -> None:
        """The button held: a terminal sends no key-up, so the key autorepeats."""
        for _ in range(int(seconds / 0.1)):
            self.key(" ")
            pause(0.1)

    def stop(self, sig: int) -> None:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(30)
        if self.master >= 0:
            os.close(self.master)
            self.master = -1


# -- the run ---------------------------------------------------------------------------

HA_CONFIGURATION = """homeassistant:
  name: Unslump test
  unit_system: metric
  time_zone: {zone}
  country: DE
  currency: EUR
http:
  server_host: 127.0.0.1
  server_port: 8123
api:
config:
onboarding:
websocket_api:
logger:
  default: warning
recorder:
  commit_interval: 1
history:
automation: !include automations.yaml
mqtt:
  light:
    - name: Desk lamp
      unique_id: test_desk_lamp
      command_topic: test/lamp/set
      brightness_command_topic: test/lamp/brightness
    - name: Control lamp
      unique_id: test_control_lamp
      command_topic: test/control_lamp/set
      brightness_command_topic: test/control_lamp/brightness
"""


def automations_yaml() -> str:
    """The README's automations verbatim, and a control copy of the lamp one without
    ``not_from`` acting on another lamp (it must fire on a reconnect, to show the trap)."""
    text = (CHECKOUT / "README.md").read_text()
    block = text.split("```yaml\nautomation:\n", 1)[1].split("```", 1)[0]
    items = block.split("  - alias:")[1:]
    lamp = next(item for item in items if "light.desk_lamp" in item)
    control = (lamp.replace("light.desk_lamp", "light.control_lamp")
               .replace("        not_from: [unavailable, unknown]\n", "")
               .replace(" Dim the desk lamp", " Control, the lamp without not_from", 1))
    body = "".join("- alias:" + item.replace("\n    ", "\n  ") for item in [*items, control])
    return body


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--results", type=Path, required=True)
    parser.add_argument("--ha-version", required=True)
    options = parser.parse_args()
    checks = Checks(options.results)
    work = Path(tempfile.mkdtemp(prefix="unslump-test-ha-"))
    ha = HomeAssistant(options.root, work / "hass.out")
    shutil.rmtree(ha.config, ignore_errors=True)
    ha.config.mkdir(parents=True)
    (ha.config / "configuration.yaml").write_text(HA_CONFIGURATION.format(zone=local_zone()))
    (ha.config / "automations.yaml").write_text(automations_yaml())
    broker = Broker(work / "broker").start()
    tap = Tap(broker.port)
    config = device_config(work, broker.port)
    db = work / "unslump.db"
    running: list[Simulator] = []
    try:
        ha.start()
        checks.info(f"Home Assistant {options.ha_version} up; mosquitto on 127.0.0.1:"
                    f"{broker.port}")
        ha.onboard(checks)
        ha.add_mqtt(broker.port, checks)
        run_checks(ha, tap, checks, work, config, db, running)
    except Exception as error:  # a broken step is one FAIL with its reason, then the summary
        checks.check("the run went to its end", False, f"{type(error).__name__}: {error}")
    finally:
        for simulator in running:
            simulator.stop(signal.SIGTERM)
        ha.stop()
        tap.close()
        broker.stop()
        shutil.copy(ha.log_path, options.results.with_name("hass.out"))
        for name in ("simulator.out", "day.txt"):
            if (work / name).exists():
                shutil.copy(work / name, options.results.with_name(name))
        if (ha.config / "home-assistant.log").exists():
            shutil.copy(ha.config / "home-assistant.log",
                        options.results.with_name("home-assistant.log"))
    return 1 if checks.failed else 0


def entity(platform: str, key: str, cmps: dict[str, dict[str, Any]]) -> str:
    name = cmps[key]["name"].lower().replace(" ", "_")
    return f"{platform}.{SLUG}_{name}"


def run_checks(ha: HomeAssistant, tap: Tap, checks: Checks, work: Path, config: Path,
               db: Path, running: list[Simulator]) -> None:
    topics = Topics(PREFIX, "homeassistant", "unslump-desk1", DEVICE_NAME, "Office")
    cmps = components(topics)
    ids = {key: entity(c["p"], key, cmps) for key, c in cmps.items()}

    # -- the scripted day ---------------------------------------------------------------
    day = scripted_day(work, config, db)
    checks.check("unslump scenario: a scripted day with MQTT on", day.returncode == 0,
                 "" if day.returncode == 0 else day.stderr[-300:])
    wait_until(lambda: ha.state(ids["sitting_today_min"]) not in ("missing", "unknown"),
               60, "HA to show the day")
    wait_until(lambda: ha.state(ids["seated"]) == "unavailable", 30,
               "the device offline after the scenario's power cut (the last will)")
    chimes = [m for m in tap.on(f"{PREFIX}/event/reminder")
              if json.loads(m[1])["event_type"] == "chimed"]
    stats = json.loads(subprocess.run(
        unslump("stats", "--json", "--db", str(db), "--config", str(config), "--day",
                scenario_day(work)),
        capture_output=True, text=True, check=True, cwd=CHECKOUT).stdout)
    history_check(ha, checks, ids)
    # HA keeps the last state while the device is unavailable only in its history: read
    # the values the state document had when the device went offline.
    final = json.loads(tap.on(f"{PREFIX}/state")[-1][1])
    expected = {"sitting_today_min": round(stats["sitting_s"] / 60, 1),
                "breaks_guided_today": stats["breaks_guided"],
                "breaks_natural_today": stats["breaks_natural"],
                "reminders_today": stats["reminders"], "snoozes_today": stats["snoozes"],
                "bouts_today": stats["bouts"],
                "stretches_stopped_today": stats["routines_stopped"]}
    seen = {key: final[key] for key in expected}
    checks.check("the day in the state document equals `unslump stats --json`",
                 seen == expected, f"{seen} vs {expected}")
    shown = last_states_before_offline(ha, ids, list(expected))
    checks.check("HA's states equal `unslump stats --json` (as last shown)",
                 all(float(shown[key]) == float(value) for key, value in expected.items()),
                 f"{shown}")
    lamp_after_day = len(tap.on("test/lamp/set"))
    # In virtual time chimes come milliseconds apart, and HA skips a trigger while the
    # automation (mode: single) still runs; one lamp command per chime is checked only
    # as "at least one, never more".
    checks.check("the README's lamp automation dimmed the lamp at the chimes",
                 0 < lamp_after_day <= len(chimes),
                 f"{lamp_after_day} lamp commands, {len(chimes)} chimes")
    control_after_day = len(tap.on("test/control_lamp/set"))

    # -- the real-time session ----------------------------------------------------------
    simulator = Simulator(config, db, work / "simulator.out")
    running.append(simulator)
    wait_until(lambda: ha.state(ids["seated"]) in ("on", "off"), 60, "the device online")
    registry_checks(ha, checks, cmps, ids)
    today = json.loads(subprocess.run(
        unslump("stats", "--json", "--db", str(db), "--config", str(config)),
        capture_output=True, text=True, check=True, cwd=CHECKOUT).stdout)
    live = {key: ha.state(ids[key]) for key in expected}
    wanted = {"sitting_today_min": round(today["sitting_s"] / 60, 1),
              "breaks_guided_today": today["breaks_guided"],
              "breaks_natural_today": today["breaks_natural"],
              "reminders_today": today["reminders"], "snoozes_today": today["snoozes"],
              "bouts_today": today["bouts"],
              "stretches_stopped_today": today["routines_stopped"]}
    checks.check("HA's states equal `unslump stats --json` with the device back online",
                 all(float(live[key]) == float(value) for key, value in wanted.items()),
                 f"{live} vs {wanted}")
    pause(3.0)  # the event entities come back from unavailable: no lamp on the reconnect
    checks.check("no lamp from the README automation when the device came back",
                 len(tap.on("test/lamp/set")) == lamp_after_day)
    checks.check("the control automation without not_from did fire on the reconnect",
                 len(tap.on("test/control_lamp/set")) > control_after_day)
    simulator.key("s")
    wait_until(lambda: ha.state(ids["seated"]) == "on", 30, "HA's Seated on")
    wait_until(lambda: ha.state(ids["mode"]) == "seated", 10, "mode seated")
    checks.check("seat occupancy and mode follow the seat", True)
    before = len(tap.on(f"{PREFIX}/cmd/stretch"))
    ha.call("button", "press", {"entity_id": ids["stretch"]})
    wait_until(lambda: ha.state(ids["mode"]) == "stretch", 20, "the stretch from HA's button")
    pressed = tap.on(f"{PREFIX}/cmd/stretch")[before:]
    checks.check("HA's Start stretch reached the device at QoS 1 and started the stretch",
                 bool(pressed) and all(m[2] == 1 for m in pressed),
                 f"qos {[m[2] for m in pressed]}")
    simulator.hold()
    wait_until(lambda: ha.state(ids["mode"]) in ("done", "seated"), 20, "the stretch stopped")
    wait_until(lambda: ha.state(ids["stretches_stopped_today"]) not in ("0", "unknown"), 20,
               "the stopped stretch counted")
    wait_until(lambda: ha.state(ids["mode"]) == "seated", 30, "seated again")
    ha.fire("mobile_app_notification_action", {"action": "START_STRETCH"})
    wait_until(lambda: ha.state(ids["mode"]) == "stretch", 20, "the phone automation")
    checks.check("the README's phone automation started the stretch", True)
    simulator.hold()
    wait_until(lambda: ha.state(ids["mode"]) in ("done", "seated"), 20, "stopped again")
    before = len(tap.on(f"{PREFIX}/cmd/quiet"))
    ha.call("switch", "turn_on", {"entity_id": ids["quiet"]})
    wait_until(lambda: ha.state(ids["quiet"]) == "on" and ha.state(ids["quiet_now"]) == "on",
               20, "quiet mode from HA")
    ha.call("switch", "turn_off", {"entity_id": ids["quiet"]})
    wait_until(lambda: ha.state(ids["quiet"]) == "off", 20, "quiet mode off")
    sent = tap.on(f"{PREFIX}/cmd/quiet")[before:]
    checks.check("Quiet mode on and off from HA at QoS 1, shown back by the device",
                 len(sent) == 2 and all(m[2] == 1 for m in sent))
    ha.call("number", "set_value", {"entity_id": ids["remind_after_min"], "value": 30})
    ha.call("text", "set_value", {"entity_id": ids["quiet_end"], "value": "06:30"})
    wait_until(lambda: ha.state(ids["remind_after_min"]) in ("30", "30.0")
               and ha.state(ids["quiet_end"]) == "06:30", 20, "the settings from HA")
    shown = subprocess.run(unslump("config", "--config", str(config), "--db", str(db)),
                           capture_output=True, text=True, cwd=CHECKOUT).stdout
    checks.check("Remind after and Quiet until set from HA, kept and shown by "
                 "`unslump config`", "remind_after_min = 30.0: set from Home Assistant"
                 in shown and "end = '06:30': set from Home Assistant" in shown, shown[-300:])
    ha.call("button", "press", {"entity_id": ids["snooze"]})  # nothing to snooze: ignored
    commands = [m for m in tap.messages if m[0].startswith(f"{PREFIX}/cmd/")]
    checks.check("every command HA sent travelled at QoS 1",
                 bool(commands) and all(m[2] == 1 for m in commands),
                 f"{[(m[0].rsplit('/', 1)[1], m[2]) for m in commands]}")
    simulator.stop(signal.SIGTERM)
    wait_until(lambda: ha.state(ids["seated"]) == "unavailable", 20, "unavailable on stop")
    checks.check("availability: unavailable after a clean stop", True)
    simulator = Simulator(config, db, work / "simulator.out")
    running.append(simulator)
    wait_until(lambda: ha.state(ids["seated"]) in ("on", "off"), 60, "online again")
    simulator.stop(signal.SIGKILL)
    wait_until(lambda: ha.state(ids["seated"]) == "unavailable", 20, "unavailable on SIGKILL")
    checks.check("availability: unavailable after SIGKILL (the last will)", True)
    checks.check("no lamp from the README automation across two more reconnects",
                 len(tap.on("test/lamp/set")) == lamp_after_day)

    # -- HA's log -----------------------------------------------------------------------
    log = ha.log_text()
    named = [line for line in log.splitlines()
             if re.search(r"\b(WARNING|ERROR)\b", line)
             and re.search(r"unslump|desk1|" + re.escape(PREFIX), line, re.IGNORECASE)]
    checks.check("no warning or error in HA's log naming the device", not named,
                 " | ".join(named[:3]))
    warnings = len(named)
    entities = len(cmps)
    checks.info(f"summary: Home Assistant {checks_version(ha)}, 1 device, {entities} "
                f"entities, {len(commands)} commands at QoS 1, warnings: {warnings}")


def checks_version(ha: HomeAssistant) -> str:
    _, config = http("GET", "/api/config", token=ha.token)
    return str(config.get("version", "?")) if isinstance(config, dict) else "?"


def scenario_day(work: Path) -> str:
    start = next(line for line in (work / "day.txt").read_text().splitlines()
                 if line.startswith("start "))
    return start.split()[1][:10]


def registry_checks(ha: HomeAssistant, checks: Checks, cmps: dict[str, dict[str, Any]],
                    ids: dict[str, str]) -> None:
    devices, entries = ha.ws([{"type": "config/device_registry/list"},
                              {"type": "config/entity_registry/list"}])
    ours = [d for d in devices["result"] if ["mqtt", "unslump-desk1"] in d["identifiers"]]
    checks.check("one HA device, named from [mqtt] name, in the area from [mqtt] area",
                 len(ours) == 1 and ours[0]["name"] == DEVICE_NAME
                 and ours[0].get("area_id") == "office",
                 json.dumps(ours)[:300])
    if not ours:
        return
    mine = [e for e in entries["result"] if e["device_id"] == ours[0]["id"]]
    by_unique = {e["unique_id"]: e for e in mine}
    checks.check(f"{len(cmps)} entities registered, with the README's entity ids",
                 sorted(e["entity_id"] for e in mine) == sorted(ids.values()),
                 f"missing {sorted(set(ids.values()) - {e['entity_id'] for e in mine})}, "
                 f"extra {sorted({e['entity_id'] for e in mine} - set(ids.values()))}")
    details = ha.ws([{"type": "config/entity_registry/get", "entity_id": e["entity_id"]}
                     for e in mine])
    full = {d["result"]["unique_id"]: d["result"] for d in details if d["success"]}
    states = ha.states()
    wrong = []
    for key, component in cmps.items():
        entry = full.get(f"unslump-desk1_{key}") or by_unique.get(f"unslump-desk1_{key}")
        if entry is None:
            wrong.append(f"{key}: not registered")
            continue
        attributes = states.get(entry["entity_id"], {}).get("attributes", {})
        want = (component.get("device_class"), component.get("unit_of_measurement"),
                component.get("state_class"), component.get("entity_category"))
        got = (entry.get("original_device_class"), attributes.get("unit_of_measurement"),
               (entry.get("capabilities") or {}).get("state_class"),
               entry.get("entity_category"))
        if component["p"] == "event":
            got = (None, None, None, entry.get("entity_category"))
        if want != got:
            wrong.append(f"{key}: {got} != {want}")
        if key == "mode" and (entry.get("capabilities") or {}).get("options") != list(MODES):
            wrong.append("mode: options")
    checks.check("every entity's device class, unit, state class and category as announced",
                 not wrong, "; ".join(wrong[:5]))


def history_check(ha: HomeAssistant, checks: Checks, ids: dict[str, str]) -> None:
    """HA's own record of Sitting today never goes down within a day."""
    start = (datetime.now().astimezone() - timedelta(days=1)).isoformat()
    status, history = http("GET", "/api/history/period/" + urllib.parse.quote(start)
                           + "?filter_entity_id=" + ids["sitting_today_min"]
                           + "&minimal_response&no_attributes", token=ha.token)
    values = [float(s["state"]) for s in (history[0] if history else [])
              if s["state"] not in ("unknown", "unavailable")]
    dips = [(a, b) for a, b in pairwise(values) if b < a]
    checks.check(f"HA's history of Sitting today never goes down ({len(values)} states)",
                 status == 200 and len(values) > 1 and not dips, str(dips[:3]))


def last_states_before_offline(ha: HomeAssistant, ids: dict[str, str],
                               keys: list[str]) -> dict[str, str]:
    start = (datetime.now().astimezone() - timedelta(days=1)).isoformat()
    shown = {}
    for key in keys:
        _, history = http("GET", "/api/history/period/" + urllib.parse.quote(start)
                          + "?filter_entity_id=" + ids[key] + "&minimal_response&no_attributes",
                          token=ha.token)
        values = [s["state"] for s in (history[0] if history else [])
                  if s["state"] not in ("unknown", "unavailable")]
        shown[key] = values[-1] if values else "none"
    return shown


if __name__ == "__main__":
    sys.exit(main())
