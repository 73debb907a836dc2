"""Tell systemd how the device is doing, over the sd_notify datagram protocol.

The unit is ``Type=notify`` with ``WatchdogSec=``: systemd counts the service as started
only after ``READY=1``, and restarts it when ``WATCHDOG=1`` stops arriving, which is how
a wedged main loop gets noticed months into an unattended run. The protocol is one
AF_UNIX datagram of ``KEY=value`` lines sent to ``$NOTIFY_SOCKET``, so the standard
library is enough and there is no libsystemd binding to install on the Pi.

Two promises shape this class. Off systemd (a laptop, the tests, ``unslump run`` from a
shell) ``NOTIFY_SOCKET`` is unset and every method is a silent no-op, so callers never
ask "am I under systemd?". And a failed send is logged once and swallowed: the device
must not die because the notify socket vanished; if systemd really lost us, the missing
watchdog pings will restart the service anyway.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Mapping

from unslump.ports import ClosesOnExit

log = logging.getLogger(__name__)

SEND_TIMEOUT_S = 1.0  # a stuck PID 1 must not stall the main loop for long


class Notifier(ClosesOnExit):
    """A handle on ``$NOTIFY_SOCKET``; every method is a no-op when it is unset.

    ``env`` and ``pid`` are injectable so tests need not touch ``os.environ``.
    """

    def __init__(self, env: Mapping[str, str] | None = None, pid: int | None = None) -> None:
        self._env = os.environ if env is None else env
        self._pid = os.getpid() if pid is None else pid
        self._address = _socket_address(self._env.get("NOTIFY_SOCKET", ""))
        self._sock: socket.socket | None = None
        self._failing = False
        self._closed = False
        if self._address is not None:
            self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
            self._sock.settimeout(SEND_TIMEOUT_S)

    @property
    def enabled(self) -> bool:
        """True when there is a socket to talk to (running under ``Type=notify``)."""
        return self._sock is not None

    def ready(self) -> bool:
        """Start-up is done: systemd marks the unit active and starts the watchdog."""
        return self.notify("READY=1")

    def watchdog(self) -> bool:
        """Still alive; send from the main loop itself, at least every half interval."""
        return self.notify("WATCHDOG=1")

    def stopping(self) -> bool:
        """Shutting down on purpose, so a slow stop is not taken for a hang."""
        return self.notify("STOPPING=1")

    def status(self, text: str) -> bool:
        """A one-line status for ``systemctl status``; newlines would end the field."""
        return self.notify("STATUS=" + " ".join(text.splitlines()))

    def notify(self, *assignments: str) -> bool:
        """Send ``KEY=value`` lines in one datagram; True if it went out.

        Never raises: the first failure is logged as a warning, later ones (until a send
        succeeds again) only at debug level, so a vanished socket costs one journal line.
        """
        if self._sock is None or self._address is None or not assignments:
            return False
        try:
            self._sock.sendto("\n".join(assignments).encode(), self._address)
        except OSError as exc:
            level = logging.DEBUG if self._failing else logging.WARNING
            log.log(level, "systemd notify socket %s not answering (%s); carrying on "
                    "without it", self._env.get("NOTIFY_SOCKET"), exc)
            self._failing = True
            return False
        self._failing = False
        return True

    def watchdog_interval(self) -> float | None:
        """The watchdog timeout in seconds from ``$WATCHDOG_USEC``, or None if off.

        None also when ``$WATCHDOG_PID`` names another process: the variables were
        inherited and the watchdog is not ours to feed. Ping at half this, or faster.
        """
        raw_usec = self._env.get("WATCHDOG_USEC", "")
        raw_pid = self._env.get("WATCHDOG_PID", "")
        try:
            usec = int(raw_usec)
            if raw_pid and int(raw_pid) != self._pid:
                return None
        except ValueError:
            return None
        return usec / 1_000_000 if usec > 0 else None

    def close(self) -> None:
        """Release the socket; safe to call twice, and later sends become no-ops."""
        if self._closed:
            return
        self._closed = True
        if self._sock is not None:
            self._sock.close()
            self._sock = None


def _socket_address(notify_socket: str) -> str | bytes | None:
    """``$NOTIFY_SOCKET`` as a ``sendto`` address: a path, or an abstract name.

    A leading '@' means a Linux abstract socket, whose real name starts with a NUL byte.
    Anything else (empty, or a transport such as ``vsock:`` that we do not speak) gives
    None and turns the notifier off.
    """
    if notify_socket.startswith("/"):
        return notify_socket
    if notify_socket.startswith("@") and len(notify_socket) > 1:
        return b"\0" + notify_socket[1:].encode()
    if notify_socket:
        log.warning("NOTIFY_SOCKET=%s is neither a path nor '@abstract'; not notifying",
                    notify_socket)
    return None
