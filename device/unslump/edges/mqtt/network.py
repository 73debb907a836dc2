"""paho's network loop on a thread of our own that sleeps until there is something to do.

paho's ``loop_start`` thread waits in ``select`` for at most one second at a time, and in
one-second sleeps while it waits to reconnect: sixty wake-ups a minute on a device that
otherwise wakes about six times. This thread drives the same client through paho's
public external-loop interface instead (``loop_read``, ``loop_write``, ``loop_misc``,
``want_write`` and the ``on_socket_register_write`` callback): it waits on the broker's
socket and a wake-up socket pair, so it runs when the broker sends something, when the
loop thread queues a message (the callback writes one byte to the pair), when a
keep-alive is due, or when it is told to stop. Reconnecting keeps paho's behaviour
(``reconnect`` resends unacknowledged QoS 1 messages) on a doubling backoff.
"""

from __future__ import annotations

import contextlib
import select
import socket
import threading
from collections.abc import Callable
from typing import Any

import paho.mqtt.client as paho

KEEPALIVE_S = 60
MAX_INCOMING_BYTES = 64 * 1024
"""The largest packet this device reads from the broker. A command is at most 64 bytes
and the retained discovery message ``doctor`` reads back is a few KiB; anything larger
is refused before its body is read."""
SELECT_S = KEEPALIVE_S / 4  # loop_misc must see each keep-alive in time to ping
RECONNECT_MIN_S, RECONNECT_MAX_S = 1.0, 60.0


class CappedClient(paho.Client):
    """A paho client that drops the connection rather than read a packet over a size.

    paho reads a whole packet into memory before anyone sees it, however large its
    header says it is (up to 256 MiB): a 50 MiB command took the service to 188 MiB, and
    the 64-byte limit on commands was checked after that. Here the size in the header
    is checked before the first byte of the body is read; a packet over
    ``max_bytes`` is reported to ``on_too_big`` (from paho's thread) and ends the
    connection, which the network thread then makes again on its backoff. MQTT 3.1.1
    has no way to tell the broker the limit: the broker's own ``max_packet_size``
    (mosquitto.conf) is the other half.
    """

    def __init__(self, *args: Any, max_bytes: int = MAX_INCOMING_BYTES,
                 on_too_big: Callable[[int], None] = lambda size: None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._max_bytes = max_bytes
        self._on_too_big = on_too_big

    def _sock_recv(self, bufsize: int) -> bytes:
        # paho 2 reads the fixed header (type, remaining length) first, then the body in
        # recv calls of at most the bytes left: the first of those is where to stop.
        packet = self._in_packet
        if packet["have_remaining"] and packet["remaining_length"] > self._max_bytes:
            size = packet["remaining_length"]
            self._on_too_big(size)
            raise ConnectionAbortedError(f"a packet of {size} bytes from the broker is over "
                                         f"the device's limit of {self._max_bytes}")
        return super()._sock_recv(bufsize)


class NetworkThread:
    """Connects ``client`` (``connect_async`` already called) and keeps it going."""

    def __init__(self, client: paho.Client, on_unreachable: Callable[[], None]) -> None:
        self._client = client
        self._on_unreachable = on_unreachable
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        self._stopping = False
        self._flush_at_end = True
        self._thread = threading.Thread(target=self._run, name="unslump-mqtt", daemon=True)
        client.on_socket_register_write = self._register_write

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout_s: float = 5.0, flush: bool = True) -> None:
        """End the thread (after writing what ``disconnect`` queued, unless not ``flush``:
        a pulled plug writes nothing more)."""
        self._stopping = True
        self._flush_at_end = flush
        self.wake()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout_s)
        self._wake_r.close()
        self._wake_w.close()

    def wake(self) -> None:
        with contextlib.suppress(OSError):
            self._wake_w.send(b"!")

    def _register_write(self, client: paho.Client, userdata: Any, sock: Any) -> None:
        self.wake()  # a message was queued (from the loop thread): write it now

    def _run(self) -> None:
        delay = RECONNECT_MIN_S
        while not self._stopping:
            if self._client.socket() is None:
                try:
                    self._client.reconnect()
                except OSError:  # unreachable, TLS failed
                    self._on_unreachable()
                    self._sleep(delay)
                    delay = min(delay * 2, RECONNECT_MAX_S)
                    continue
            if self._serve():
                delay = RECONNECT_MIN_S  # it was accepted: a later loss starts afresh
            if self._client.socket() is None and not self._stopping:
                self._sleep(delay)  # lost, or refused (a wrong password): do not hammer
                delay = min(delay * 2, RECONNECT_MAX_S)
        if self._flush_at_end:
            self._flush()

    def _serve(self) -> bool:
        """Handle the connection until it drops or the thread is told to stop; True if the
        broker accepted it meanwhile."""
        client = self._client
        accepted = False
        while not self._stopping and (sock := client.socket()) is not None:
            accepted = accepted or client.is_connected()
            writing = [sock] if client.want_write() else []
            pending = sock.pending() if hasattr(sock, "pending") else 0  # TLS-buffered bytes
            try:
                readable, writable, _ = select.select([sock, self._wake_r], writing, [],
                                                      0 if pending else SELECT_S)
            except (OSError, ValueError):
                break
            if self._wake_r in readable:
                with contextlib.suppress(OSError):
                    self._wake_r.recv(4096)
            if (sock in readable or pending) and client.loop_read() != paho.MQTT_ERR_SUCCESS:
                break
            if (sock in writable or client.want_write()) and client.socket() is not None \
                    and client.loop_write() != paho.MQTT_ERR_SUCCESS:
                break
            if client.socket() is not None and client.loop_misc() != paho.MQTT_ERR_SUCCESS:
                break
        return accepted or client.is_connected()

    def _flush(self) -> None:
        """Write what ``disconnect`` queued before the thread ends (a clean stop)."""
        if self._client.socket() is not None and self._client.want_write():
            with contextlib.suppress(OSError):
                self._client.loop_write()

    def _sleep(self, seconds: float) -> None:
        """Wait ``seconds`` unless woken (a stop)."""
        with contextlib.suppress(OSError, ValueError):
            select.select([self._wake_r], [], [], seconds)
        with contextlib.suppress(OSError):
            self._wake_r.recv(4096)
