"""The service end to end: READY, watchdog pings from the loop, a clean stop on SIGTERM."""

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time


def receive_until(sock: socket.socket, wanted: bytes, limit_s: float = 10.0) -> list[bytes]:
    got: list[bytes] = []
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            got.append(sock.recv(4096))
        except TimeoutError:
            break
        if wanted in got[-1]:
            return got
    raise AssertionError(f"no {wanted!r} within {limit_s} s; got {got!r}")


def test_service_notifies_ready_pings_and_stops_cleanly_on_sigterm(tmp_path):
    path = tmp_path / "notify.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    db = tmp_path / "log.db"
    env = dict(os.environ, NOTIFY_SOCKET=str(path), WATCHDOG_USEC="600000",
               SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    process = subprocess.Popen([sys.executable, "-m", "unslump", "run", "--simulate",
                                "--db", str(db)], env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert b"READY=1" in b"".join(receive_until(sock, b"READY=1"))
        pings = receive_until(sock, b"WATCHDOG=1", limit_s=2.0)
        assert any(b"WATCHDOG=1" in p for p in pings)
        process.send_signal(signal.SIGTERM)
        assert any(b"STOPPING=1" in p for p in receive_until(sock, b"STOPPING=1"))
        assert process.wait(timeout=10) == 0
    finally:
        process.kill()
        process.wait()
        sock.close()
    with sqlite3.connect(db) as connection:
        events = [row[0] for row in connection.execute(
            "SELECT what FROM device_events ORDER BY rowid")]
    assert events == ["start", "stop"]
