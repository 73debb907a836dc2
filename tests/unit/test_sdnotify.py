"""The sd_notify client against real AF_UNIX datagram sockets, the way systemd listens."""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from unslump.edges.system.sd_notify import Notifier


@pytest.fixture
def path_listener(tmp_path: Path) -> Iterator[tuple[socket.socket, str]]:
    """A bound datagram socket in a temp dir, standing in for PID 1's notify socket."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    address = str(tmp_path / "notify")
    sock.bind(address)
    sock.settimeout(1.0)
    yield sock, address
    sock.close()


@pytest.fixture
def abstract_listener() -> Iterator[tuple[socket.socket, str]]:
    """A bound abstract-namespace socket; systemd names those with a leading '@'."""
    name = f"unslump-test-{uuid.uuid4().hex}"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(b"\0" + name.encode())
    sock.settimeout(1.0)
    yield sock, "@" + name
    sock.close()


def received(sock: socket.socket) -> bytes:
    return sock.recv(4096)


def test_sdnotify_path_socket_gets_exact_datagrams(path_listener):
    sock, address = path_listener
    with Notifier(env={"NOTIFY_SOCKET": address}) as notifier:
        assert notifier.enabled
        assert notifier.ready()
        assert received(sock) == b"READY=1"
        assert notifier.watchdog()
        assert received(sock) == b"WATCHDOG=1"
        assert notifier.status("seated 12 min")
        assert received(sock) == b"STATUS=seated 12 min"
        assert notifier.stopping()
        assert received(sock) == b"STOPPING=1"


def test_sdnotify_abstract_socket_gets_exact_datagrams(abstract_listener):
    sock, address = abstract_listener
    with Notifier(env={"NOTIFY_SOCKET": address}) as notifier:
        assert notifier.ready()
        assert received(sock) == b"READY=1"
        assert notifier.watchdog()
        assert received(sock) == b"WATCHDOG=1"


def test_sdnotify_status_multiline_becomes_one_line(path_listener):
    sock, address = path_listener
    with Notifier(env={"NOTIFY_SOCKET": address}) as notifier:
        notifier.status("display retrying\n/dev/i2c-1")
        assert received(sock) == b"STATUS=display retrying /dev/i2c-1"


def test_sdnotify_notify_sends_several_assignments_in_one_datagram(path_listener):
    sock, address = path_listener
    with Notifier(env={"NOTIFY_SOCKET": address}) as notifier:
        notifier.notify("READY=1", "STATUS=idle")
        assert received(sock) == b"READY=1\nSTATUS=idle"


def test_sdnotify_without_env_is_a_noop():
    with Notifier(env={}) as notifier:
        assert not notifier.enabled
        assert notifier.ready() is False
        assert notifier.watchdog() is False
        assert notifier.stopping() is False
        assert notifier.status("x") is False
        assert notifier.watchdog_interval() is None


def test_sdnotify_unsupported_address_is_a_noop_with_a_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="unslump.edges.system.sd_notify"):
        notifier = Notifier(env={"NOTIFY_SOCKET": "vsock:2:1234"})
    assert not notifier.enabled
    assert notifier.ready() is False
    assert "vsock:2:1234" in caplog.text


def test_sdnotify_vanished_socket_logs_once_and_never_raises(tmp_path, caplog):
    missing = str(tmp_path / "gone")
    notifier = Notifier(env={"NOTIFY_SOCKET": missing})
    with caplog.at_level(logging.WARNING, logger="unslump.edges.system.sd_notify"):
        assert notifier.ready() is False
        assert notifier.watchdog() is False
        assert notifier.watchdog() is False
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert missing in warnings[0].getMessage()
    notifier.close()


def test_sdnotify_warns_again_after_recovering(tmp_path, caplog):
    address = str(tmp_path / "notify")
    notifier = Notifier(env={"NOTIFY_SOCKET": address})
    with caplog.at_level(logging.WARNING, logger="unslump.edges.system.sd_notify"):
        notifier.watchdog()  # nobody listening yet: warning 1
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        listener.bind(address)
        assert notifier.watchdog()
        listener.close()
        os.unlink(address)
        notifier.watchdog()  # gone again: warning 2
    assert sum(r.levelno == logging.WARNING for r in caplog.records) == 2
    notifier.close()


def test_sdnotify_close_is_idempotent_and_silences_sends(path_listener):
    _, address = path_listener
    notifier = Notifier(env={"NOTIFY_SOCKET": address})
    notifier.close()
    notifier.close()
    assert not notifier.enabled
    assert notifier.ready() is False


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"WATCHDOG_USEC": "30000000"}, 30.0),
        ({"WATCHDOG_USEC": "1500000", "WATCHDOG_PID": "4242"}, 1.5),
        ({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"}, None),
        ({"WATCHDOG_USEC": "0"}, None),
        ({"WATCHDOG_USEC": "soon"}, None),
        ({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "me"}, None),
        ({}, None),
    ],
)
def test_sdnotify_watchdog_interval_parsing(env, expected):
    notifier = Notifier(env=env, pid=4242)
    assert notifier.watchdog_interval() == expected


def test_sdnotify_watchdog_pid_defaults_to_this_process():
    env = {"WATCHDOG_USEC": "2000000", "WATCHDOG_PID": str(os.getpid())}
    assert Notifier(env=env).watchdog_interval() == 2.0
