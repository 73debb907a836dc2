"""The broker through a local socket, for a service that has no network of its own.

With ``[mqtt]`` on, the service stays as closed as without it (``PrivateNetwork=yes``,
Unix sockets only): ``install`` adds a socket unit whose socket systemd's own
``systemd-socket-proxyd`` relays to the broker, from a small unit of its own that may
reach the broker's address and nothing else (:mod:`unslump.cli.mqtt_dropin`). The
service learns the socket's path from its environment and speaks MQTT over it, TLS
included: the relay passes bytes on, so the broker's certificate is still checked, and
checked against the broker's name (not the socket's path).
"""

from __future__ import annotations

import os
import socket
import ssl
from collections.abc import Mapping
from typing import Any

RELAY_ENV = "UNSLUMP_MQTT_SOCKET"
"""Set by the drop-in: the path of the local socket that leads to the broker."""

RELAY_SOCKET = "/run/unslump-mqtt/broker.sock"


def relay_socket(environ: Mapping[str, str] = os.environ) -> str | None:
    """The relay's socket path when the service runs behind one, else None (direct)."""
    return environ.get(RELAY_ENV) or None


class BrokerNamedContext(ssl.SSLContext):
    """A TLS context that checks the broker's certificate against ``broker_host``.

    paho names the server by the address it connected to, which over a relay is the
    socket's path; the handshake must still prove it is the broker named in ``[mqtt]``.
    """

    broker_host = ""

    def wrap_socket(self, sock: socket.socket, *args: Any, **kwargs: Any) -> ssl.SSLSocket:
        kwargs["server_hostname"] = self.broker_host
        return super().wrap_socket(sock, *args, **kwargs)


def broker_context(broker_host: str, ca_file: str | None, cert_file: str | None,
                   key_file: str | None) -> BrokerNamedContext:
    """The context paho's ``tls_set`` would make, naming ``broker_host`` for the check."""
    context = BrokerNamedContext(ssl.PROTOCOL_TLS_CLIENT)
    context.broker_host = broker_host
    if ca_file:
        context.load_verify_locations(ca_file)
    else:
        context.load_default_certs()
    if cert_file:
        context.load_cert_chain(cert_file, key_file)
    return context
