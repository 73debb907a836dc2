"""A real mosquitto on 127.0.0.1 for the MQTT tests, and a client that records what it gets.

Each broker runs from its own config file in the test's tmp folder, on a free port, with
persistence there too (so a restart keeps the subscriber's queued messages, as a real
broker does); nothing relies on a system mosquitto service. ``scripts/ci-deps.sh``
installs the Debian package when it is missing.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import queue
import shutil
import socket
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion

from unslump.edges.clock import SystemClock

MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
START_S = 10.0
REAL = SystemClock()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(check: Callable[[], bool], timeout_s: float = 10.0, what: str = "it") -> None:
    """Poll ``check`` (every 10 ms of real time) until true; fail after ``timeout_s``."""
    until = REAL.monotonic() + timeout_s
    pause = queue.SimpleQueue[None]()
    while not check():
        if REAL.monotonic() > until:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
        with contextlib.suppress(queue.Empty):
            pause.get(timeout=0.01)


@dataclass
class Broker:
    """One mosquitto process; :meth:`stop` and :meth:`start` again keep port and data."""

    folder: Path
    port: int = field(default_factory=free_port)
    users: dict[str, str] = field(default_factory=dict)  # user -> password; empty: anonymous
    tls: tuple[Path, Path, Path] | None = None  # CA, server certificate, server key
    require_client_cert: bool = False  # clients must show a certificate the CA signed
    # Lines used as they are instead of the listener, login and TLS ones above (a config
    # as the README gives it); the broker adds only its user, persistence and log.
    verbatim: str | None = None
    process: subprocess.Popen[bytes] | None = None

    @property
    def log(self) -> str:
        path = self.folder / "mosquitto.log"
        return path.read_text() if path.exists() else ""

    def write_config(self) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        # As root, mosquitto drops to the `mosquitto` user, who cannot write the test's
        # private tmp folder: stay whoever runs the tests.
        lines = [f"user {getpass.getuser()}", "persistence true",
                 f"persistence_location {self.folder}/", f"log_dest file {self.folder}/"
                 "mosquitto.log", "log_type all"]
        lines += [self.verbatim] if self.verbatim is not None else self._listener()
        path = self.folder / "mosquitto.conf"
        path.write_text("\n".join(lines) + "\n")
        return path

    def _listener(self) -> list[str]:
        """The listener on 127.0.0.1, with its logins and TLS as the fields ask."""
        lines = [f"listener {self.port} 127.0.0.1"]
        if self.users:
            passwords = self.folder / "passwords"
            passwords.write_text("")
            for user, password in self.users.items():
                subprocess.run(["mosquitto_passwd", "-b", str(passwords), user, password],
                               check=True, capture_output=True)
            passwords.chmod(0o600)
            lines += ["allow_anonymous false", f"password_file {passwords}"]
        else:
            lines.append("allow_anonymous true")
        if self.tls is not None:
            ca, cert, key = self.tls
            lines += [f"cafile {ca}", f"certfile {cert}", f"keyfile {key}"]
            if self.require_client_cert:
                lines.append("require_certificate true")
        return lines

    def start(self) -> Broker:
        config = self.write_config()
        self.process = subprocess.Popen([MOSQUITTO, "-c", str(config)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wait_until(self._listening, START_S, f"mosquitto on port {self.port}")
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def _listening(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            stderr = self.process.stderr.read().decode() if self.process.stderr else ""
            raise AssertionError(f"mosquitto exited: {stderr or self.log}")
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
        except OSError:
            return False
        return True


def make_ca(folder: Path) -> tuple[Path, Path, Path]:
    """A test CA and a server certificate for 127.0.0.1, made with the openssl CLI."""
    folder.mkdir(parents=True, exist_ok=True)
    ca_key, ca = folder / "ca.key", folder / "ca.crt"
    key, csr, cert = folder / "server.key", folder / "server.csr", folder / "server.crt"
    ext = folder / "ext.cnf"
    ext.write_text("subjectAltName = IP:127.0.0.1\n")

    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(ca_key), "-out",
        str(ca), "-days", "2", "-subj", "/CN=Unslump test CA")
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(csr),
        "-subj", "/CN=127.0.0.1")
    run("x509", "-req", "-in", str(csr), "-CA", str(ca), "-CAkey", str(ca_key),
        "-CAcreateserial", "-out", str(cert), "-days", "2", "-extfile", str(ext))
    return ca, cert, key


@dataclass(frozen=True)
class Message:
    topic: str
    payload: bytes
    retain: bool

    def json(self) -> Any:
        return json.loads(self.payload)


class Watcher:
    """A subscriber with a persistent session, like a Home Assistant or fleet consumer."""

    def __init__(self, broker: Broker, topics: tuple[str, ...] = ("#",),
                 client_id: str = "test-watcher", username: str | None = None,
                 password: str | None = None, **tls: Any) -> None:
        self.messages: list[Message] = []
        self._arrived: queue.SimpleQueue[Message] = queue.SimpleQueue()
        self._topics = topics
        self.client = paho.Client(CallbackAPIVersion.VERSION2, client_id=client_id,
                                  clean_session=False)
        if username:
            self.client.username_pw_set(username, password)
        if tls:
            self.client.tls_set(**tls)
        self.client.on_connect = self._on_connect
        self.client.on_message = lambda c, u, m: self._arrived.put(
            Message(m.topic, bytes(m.payload), bool(m.retain)))
        self.client.reconnect_delay_set(1, 1)
        self.connected = False
        self.client.connect("127.0.0.1", broker.port, keepalive=10)
        self.client.loop_start()
        wait_until(lambda: self.connected, what="the watcher to connect")

    def _on_connect(self, client: paho.Client, userdata: Any, flags: Any, reason: Any,
                    properties: Any) -> None:
        for topic in self._topics:
            client.subscribe(topic, qos=1)
        self.connected = True

    def collect(self) -> list[Message]:
        while True:
            try:
                self.messages.append(self._arrived.get_nowait())
            except queue.Empty:
                return self.messages

    def on(self, topic: str) -> list[Message]:
        return [m for m in self.collect() if m.topic == topic]

    def wait_for(self, topic: str, check: Callable[[Message], bool] = lambda m: True,
                 timeout_s: float = 10.0) -> Message:
        wait_until(lambda: any(check(m) for m in self.on(topic)), timeout_s,
                   f"a message on {topic}")
        return next(m for m in reversed(self.on(topic)) if check(m))

    def publish(self, topic: str, payload: str, retain: bool = False) -> None:
        self.client.publish(topic, payload, qos=1, retain=retain).wait_for_publish(5)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()
