"""TLS through the relay: the broker's certificate checked against its name in ``[mqtt]``.

Apart from :mod:`.relay` because it needs ``ssl``: a service with ``tls = false`` keeps
OpenSSL out of its process (:func:`unslump.app.integrations.keep_paho_lean`), and the
relay's socket path is read by every service with ``[mqtt]`` on.
"""

from __future__ import annotations

import socket
import ssl
from typing import Any


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
