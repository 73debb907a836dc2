"""``unslump doctor``'s broker checks: reachable, authenticated, TLS valid, discovery
published, outbox depth.

The doctor connects as its own client (``<client_id>-doctor``, so the running device is
not kicked off the broker), reads the retained discovery message, and reads the outbox
depth from the log read-only. Imported only when ``[mqtt] host`` is set.
"""

from __future__ import annotations

import queue
import sqlite3
import ssl
from pathlib import Path
from typing import Any

import paho.mqtt.client as paho

from unslump.cli.doctor.report import CheckResult
from unslump.config.file import Config
from unslump.edges.clock import SystemClock
from unslump.edges.mqtt.link import make_client
from unslump.edges.mqtt.topics import Topics, default_port
from unslump.errors import ConfigError

WAIT_S = 5.0
DISCOVERY_WAIT_S = 2.0


def check_broker(config: Config, db: Path | None) -> list[CheckResult]:
    """One line for the connection (reach, TLS, login), one for discovery, one for the
    outbox."""
    mqtt = config.mqtt
    where = f"{mqtt.host}:{default_port(mqtt)}"
    topics = Topics.of(mqtt)
    doctor_topics = Topics(topics.prefix, topics.discovery_prefix, f"{topics.client_id}-doctor")
    try:
        client = make_client(mqtt, doctor_topics)
    except ConfigError as error:
        return [CheckResult("mqtt broker", False, str(error), "fix [mqtt] in the config")]
    answers: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
    client.on_connect = lambda c, u, f, reason, p: answers.put(("connect", reason))
    client.on_message = lambda c, u, message: answers.put(("message", message))
    client.will_clear()  # a doctor that dies must not mark the device offline
    try:
        client.connect(mqtt.host, default_port(mqtt), keepalive=10)
    except ssl.SSLError as error:
        return [CheckResult("mqtt broker", False, f"{where}: TLS failed ({error.reason})",
                            "check [mqtt] ca_file names the CA that signed the broker's "
                            "certificate, and that host matches the certificate")]
    except OSError as error:
        return [CheckResult("mqtt broker", False, f"{where} unreachable ({error})",
                            "check [mqtt] host and port, the broker, and the firewall")]
    client.loop_start()
    try:
        return [_connection(answers, where, mqtt.tls), _discovery(client, answers, topics, mqtt),
                _outbox(db)]
    finally:
        client.disconnect()
        client.loop_stop()


def _connection(answers: queue.SimpleQueue[tuple[str, Any]], where: str,
                tls: bool) -> CheckResult:
    try:
        kind, reason = answers.get(timeout=WAIT_S)
    except queue.Empty:
        return CheckResult("mqtt broker", False, f"{where} did not answer in {WAIT_S:.0f} s",
                           "check that the broker runs and speaks MQTT on that port")
    if kind == "connect" and not reason.is_failure:
        return CheckResult("mqtt broker", True,
                           f"{where} reachable, logged in{', TLS certificate valid' * tls}")
    return CheckResult("mqtt broker", False, f"{where} refused the login: {reason}",
                       "check [mqtt] username and password_file, and the broker's ACL")


def _discovery(client: paho.Client, answers: queue.SimpleQueue[tuple[str, Any]],
               topics: Topics, mqtt: Any) -> CheckResult:
    if not mqtt.discovery:
        return CheckResult("mqtt discovery", True, "off ([mqtt] discovery = false)",
                           mark="SKIP")
    client.subscribe(topics.discovery, qos=1)
    real = SystemClock()
    until = real.monotonic() + DISCOVERY_WAIT_S
    while (left := until - real.monotonic()) > 0:
        try:
            kind, message = answers.get(timeout=left)
        except queue.Empty:
            break
        if kind == "message" and message.topic == topics.discovery and message.payload:
            return CheckResult("mqtt discovery", True, f"{topics.discovery} is published")
    return CheckResult("mqtt discovery", False, f"no retained {topics.discovery}",
                       "start the device (it publishes discovery when it connects), and "
                       "check the broker's ACL lets it write there")


def _outbox(db: Path | None) -> CheckResult:
    if db is None or not db.exists():
        return CheckResult("mqtt outbox", True, "no log yet")
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
            (depth,) = connection.execute("SELECT COUNT(*) FROM outbox").fetchone()
    except sqlite3.Error as error:
        return CheckResult("mqtt outbox", True, f"not read ({error})", mark="SKIP")
    if depth == 0:
        return CheckResult("mqtt outbox", True, "empty: the broker has every row")
    return CheckResult("mqtt outbox", True, f"{depth} rows waiting for the broker",
                       "they go when the broker is reachable; if this grows, see the "
                       "broker line above", mark="WARN")
