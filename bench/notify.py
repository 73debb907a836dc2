"""The listening end of sd_notify, as systemd holds it, for services started by the bench."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from unslump.edges.clock import SystemClock

CLOCK = SystemClock()


class NotReady(RuntimeError):
    """The service did not send READY=1 in time (its stderr says why)."""


@dataclass
class NotifySocket:
    """A bound datagram socket in a private directory; the path goes in ``NOTIFY_SOCKET``."""

    directory: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="bench-")))

    def __post_init__(self) -> None:
        self.path = self.directory / "notify.sock"
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(self.path))
        self.messages: list[tuple[float, bytes]] = []

    def receive_until(self, wanted: bytes, limit_s: float) -> float:
        """Block until a datagram containing ``wanted``; returns when it arrived."""
        deadline = CLOCK.monotonic() + limit_s
        while (left := deadline - CLOCK.monotonic()) > 0:
            self.sock.settimeout(left)
            try:
                message = self.sock.recv(4096)
            except TimeoutError:
                break
            at = CLOCK.monotonic()
            self.messages.append((at, message))
            if wanted in message:
                return at
        raise NotReady(f"no {wanted!r} within {limit_s} s")

    def listen_for(self, seconds: float) -> list[bytes]:
        """Collect datagrams (the watchdog pings) for ``seconds``: the bench's idle wait."""
        got: list[bytes] = []
        deadline = CLOCK.monotonic() + seconds
        while (left := deadline - CLOCK.monotonic()) > 0:
            self.sock.settimeout(left)
            try:
                got.append(self.sock.recv(4096))
            except TimeoutError:
                break
        return got

    def close(self) -> None:
        self.sock.close()
        shutil.rmtree(self.directory, ignore_errors=True)  # the socket and the test log


def stop(process: subprocess.Popen[bytes], limit_s: float = 10.0) -> int:
    """SIGTERM, then wait; kill if it will not go (and say so in the return code)."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=limit_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        return -9


def python() -> str:
    return sys.executable
