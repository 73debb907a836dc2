"""The device's link to an MQTT broker: a record sink and a serviced adapter of the loop.

Threading. paho's client runs on a network thread of its own (:mod:`unslump.edges.mqtt.network`:
it connects, reconnects on a backoff, does TLS and keep-alives, and paho resends
unacknowledged QoS 1 messages after a reconnect). The device's loop waits on its event
queue, which cannot also wait on a socket, so driving paho from the loop
(``loop_read``/``loop_write`` with the socket in the wait) would mean replacing that wait
with a selector for one optional adapter. Instead paho's callbacks (on the network
thread) decide nothing and touch nothing of ours: each puts a message on this link's
own inbox and a :class:`~unslump.app.loop.Poke` on the event queue, and the loop thread
does the work in :meth:`MqttLink.service` (the SQLite connection is the loop thread's
alone). A command from the broker is checked and becomes a core event, put on the event
queue exactly as a gpiozero callback puts a button press. ``publish`` is the one paho
call made from the loop thread; paho guards it with its own locks.

Never losing a row: the store puts every row in the outbox in the row's own transaction
(:mod:`unslump.edges.store.outbox`). This link hands outbox rows to paho in order, a window at a
time, and deletes them from the outbox only when the broker's PUBACK comes back. A row
handed to paho but not acknowledged before a restart is sent again by the next start;
consumers drop the duplicate by its ``id`` and ``seq``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import queue
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.reasoncodes import ReasonCode

from unslump.config.file import Config, MqttConfig
from unslump.core.quiet import seconds_until_change
from unslump.core.records import Record, identity
from unslump.core.state import DeviceState, Now
from unslump.edges.clock import Clock, SystemClock
from unslump.edges.mqtt import ha_settings
from unslump.edges.mqtt.command_budget import CommandBudget
from unslump.edges.mqtt.discovery import discovery_payload
from unslump.edges.mqtt.live import LiveState, event_of
from unslump.edges.mqtt.network import (
    KEEPALIVE_S,
    MAX_INCOMING_BYTES,
    CappedClient,
    NetworkThread,
)
from unslump.edges.mqtt.remote_commands import BadCommand, SettingRequest, parse_command
from unslump.edges.mqtt.topics import Topics, default_port
from unslump.errors import ConfigError
from unslump.ports import ClosesOnExit, Outbox, Poke, QueueItem, Reconfigure

WINDOW = 100
"""Outbox rows handed to paho before their acknowledgements come back."""

CLOSE_WAIT_S = 2.0  # how long a clean stop waits for its "offline" to leave


@dataclass(frozen=True, slots=True)
class _Connected:
    reason: str
    failed: bool


@dataclass(frozen=True, slots=True)
class _Disconnected:
    reason: str


@dataclass(frozen=True, slots=True)
class _Acked:
    mid: int


@dataclass(frozen=True, slots=True)
class _Unreachable:
    pass


@dataclass(frozen=True, slots=True)
class _TooBig:
    size: int


_InboxItem = _Connected | _Disconnected | _Acked | _Unreachable | _TooBig | SettingRequest


def read_password(config: MqttConfig, source: str = "[mqtt] password_file") -> str | None:
    """The password from ``password_file`` (first line), or None when there is none."""
    if not config.password_file:
        return None
    path = Path(config.password_file).expanduser()
    try:
        return path.read_text(encoding="utf-8").splitlines()[0] if path.stat().st_size else ""
    except OSError as error:
        raise ConfigError(f"{source} {path}: cannot read it ({error.strerror}); fix the path "
                          "or its permissions (the service user must read it)") from None


def make_client(config: MqttConfig, topics: Topics,
                on_too_big: Callable[[int], None] = lambda size: None,
                relay: str | None = None) -> paho.Client:
    """A paho client set up from ``[mqtt]``: credentials, TLS and the last will, reading
    no packet over :data:`~unslump.edges.mqtt.network.MAX_INCOMING_BYTES` (``on_too_big``
    hears of one, from paho's thread); with ``relay``, over that local socket
    (:mod:`unslump.edges.mqtt.relay`)."""
    client = CappedClient(CallbackAPIVersion.VERSION2, client_id=topics.client_id,
                          protocol=paho.MQTTv311, clean_session=True, on_too_big=on_too_big,
                          transport="tcp" if relay is None else "unix")
    if config.username:
        client.username_pw_set(config.username, read_password(config))
    if config.tls:
        import ssl  # only here: without TLS the service keeps OpenSSL out (without_tls.py)

        try:
            if relay is None:
                client.tls_set(ca_certs=config.ca_file or None,
                               certfile=config.cert_file or None,
                               keyfile=config.key_file or None,
                               cert_reqs=ssl.CERT_REQUIRED,
                               tls_version=ssl.PROTOCOL_TLS_CLIENT)
            else:
                from unslump.edges.mqtt.relay_tls import broker_context  # ssl: only with TLS

                client.tls_set_context(broker_context(
                    config.host, config.ca_file or None, config.cert_file or None,
                    config.key_file or None))
        except (OSError, ssl.SSLError) as error:
            raise ConfigError(f"[mqtt] ca_file/cert_file/key_file: cannot load them ({error});"
                              " fix the paths in the config") from None
    client.will_set(topics.availability, "offline", qos=1, retain=True)
    return client


class MqttLink(ClosesOnExit):
    """Publishes discovery, live state, events and the outbox; takes commands."""

    def __init__(self, config: Config, store: Outbox, clock: Clock,
                 post: Callable[[QueueItem], None], logger: logging.Logger,
                 streak_and_level: Callable[[date], tuple[int, int]],
                 topics: Topics | None = None, settings_file: Path | None = None,
                 relay: str | None = None) -> None:
        """``streak_and_level(today)``: the streak in days and the practice level, as the
        stats pages count them (the application's rule, handed in). ``settings_file``:
        where settings set from Home Assistant are kept (None: they cannot be set)."""
        self._config = config
        self._settings_file = settings_file
        self._streak_and_level = streak_and_level
        self._mqtt = config.mqtt
        self._relay = relay
        self._topics = topics or Topics.of(config.mqtt)
        self._store = store
        self._clock = clock
        self._post = post
        self._log = logger
        self._inbox: queue.SimpleQueue[_InboxItem] = queue.SimpleQueue()
        self._client = make_client(self._mqtt, self._topics,
                                   lambda size: self._hand_over(_TooBig(size)), relay)
        self._budget = CommandBudget()
        self._connected = False
        self._last_problem: str | None = None
        self._inflight: dict[int, int] = {}  # paho message id -> outbox seq
        self._handed_upto = 0  # the highest outbox seq handed to paho by this start
        self._live = LiveState().with_settings(config)
        self._sent_state: dict[str, Any] | None = None  # the document last published
        self._look_again_at: float | None = None  # quiet time may begin or end, or midnight
        self._connections = 0
        self._last_version: dict[str, Record] = {}  # per kind: the newest row, for events
        self._closed = False
        self._device_state: DeviceState | None = None
        self._wire_callbacks()
        self._recall_history()
        self._network = NetworkThread(self._client, lambda: self._hand_over(_Unreachable()))

    @property
    def topics(self) -> Topics:
        return self._topics

    @property
    def connected(self) -> bool:
        return self._connected

    @property
    def live(self) -> LiveState:
        return self._live

    def start(self) -> None:
        """Connect in the background; the device runs whether or not the broker answers."""
        self._client.connect_async(self._relay or self._mqtt.host, default_port(self._mqtt),
                                   KEEPALIVE_S)
        self._network.start()

    # -- a record sink ------------------------------------------------------------------

    def append(self, record: Record) -> None:
        """A row was logged (it is already in the outbox): update state, announce, send."""
        self._live = self._live.with_record(record)
        key = identity(record)
        previous = self._last_version.get(key[0].__name__) if key else None
        if previous is not None and identity(previous) != key:
            previous = None
        announced = event_of(record, previous)
        if key is not None:
            self._last_version[key[0].__name__] = record
        closed = getattr(record, "ended_by", None) is not None
        self._refresh_day(with_streak=closed)
        if not self._connected:
            return
        if announced is not None:
            entity, event_type = announced
            self._publish(self._topics.event(entity),
                          {"event_type": event_type, "at": self._clock.wall().isoformat()})
        self._pump()
        self._publish_state()

    # -- a state watcher ----------------------------------------------------------------

    def follow(self, state: DeviceState, now: Now) -> None:
        """The loop committed a state: the seat, the mode, quiet time may have changed
        (the document is published only when it did)."""
        self._live = replace(self._live.with_device(state, now, self._config),
                             log_problem=not self._store.healthy)
        self._look_again_at = now.at + seconds_until_change(now.wall, self._config.quiet)
        self._device_state = state
        if self._connected:
            self._publish_state(count_outbox=False)  # often (every frame of a stretch)

    # -- a serviced adapter -------------------------------------------------------------

    def deadline(self) -> float | None:
        """Now, while paho's thread has left work in the inbox; else when quiet time may
        begin or end, or the day change (the document says so then)."""
        return float("-inf") if not self._inbox.empty() else self._look_again_at

    def service(self, now: float) -> None:
        if self._look_again_at is not None and now >= self._look_again_at:
            self._look_again_at = None
            if self._device_state is not None:
                self._refresh_day(with_streak=True)
                self.follow(self._device_state, Now(now, self._clock.wall()))
        self._handle(self._take())

    def _take(self, first: _InboxItem | None = None) -> list[_InboxItem]:
        """Everything paho's thread has handed over so far (after ``first``)."""
        items = [] if first is None else [first]
        with contextlib.suppress(queue.Empty):
            while True:
                items.append(self._inbox.get_nowait())
        return items

    def _handle(self, items: list[_InboxItem]) -> None:
        acked: list[int] = []
        for item in items:
            match item:
                case _Acked(mid=mid):
                    if (seq := self._inflight.pop(mid, None)) is not None:
                        acked.append(seq)
                case _Connected(failed=False):
                    self._on_connected()
                case _Connected(reason=reason):
                    self._problem(f"the broker {self._where} refused the connection: {reason}"
                                  "; check [mqtt] username and password_file (and the "
                                  "broker's ACL for this client_id)", error=True)
                case _Unreachable():
                    self._problem(f"cannot connect to the broker {self._where}; retrying "
                                  "(check [mqtt] host and port, that the broker runs"
                                  + (", and that ca_file names the CA of its certificate;"
                                     " `unslump doctor` says which" if self._mqtt.tls
                                     else "") + ")")
                case _TooBig(size=size):
                    self._problem(f"the broker {self._where} sent a packet of {size} bytes, "
                                  f"over the device's limit of {MAX_INCOMING_BYTES}; dropped "
                                  "the connection (find what publishes it, or clear a "
                                  f"retained message on {self._topics.command('+')})")
                case _Disconnected(reason=reason):
                    if self._connected:
                        self._log.warning("mqtt: lost the broker %s (%s); rows wait in the "
                                          "outbox until it is back", self._where, reason)
                    self._connected = False
                case SettingRequest() as request:
                    self._set(request)
        if acked:
            self._store.outbox_acknowledged(acked)
        self._pump()

    def drain(self, timeout_s: float, clock: Clock | None = None) -> int:
        """Wait (real time, at most ``timeout_s``) until the outbox is empty; return what is
        left. For the scenario runner's end and for tests: the device itself never waits."""
        real = clock or SystemClock()
        until = real.monotonic() + timeout_s
        while (left := self._store.outbox_depth()) and (wait := until - real.monotonic()) > 0:
            try:
                self._handle(self._take(self._inbox.get(timeout=wait)))
            except queue.Empty:
                break
        return self._store.outbox_depth() if left else 0

    def close(self) -> None:
        """A clean stop: say "offline" (retained), disconnect, stop paho's thread."""
        if self._closed:
            return
        self._closed = True
        if self._connected:
            info = self._client.publish(self._topics.availability, "offline", qos=1,
                                        retain=True)
            with contextlib.suppress(RuntimeError, ValueError):
                info.wait_for_publish(CLOSE_WAIT_S)
        self._client.disconnect()
        self._network.stop()

    def abandon(self) -> None:
        """Die as a pulled plug does: no "offline", no DISCONNECT (the broker then sends the
        last will). Used by the scenario's ``power-cut``."""
        if self._closed:
            return
        self._closed = True
        self._network.stop(flush=False)
        sock = self._client.socket()
        if sock is not None:
            sock.close()

    # -- the loop thread's work ---------------------------------------------------------

    @property
    def _where(self) -> str:
        direct = f"{self._mqtt.host}:{default_port(self._mqtt)}"
        return direct if self._relay is None else f"{direct} (through {self._relay})"

    def _on_connected(self) -> None:
        first = self._last_problem is None and not self._connected
        self._connected = True
        self._connections += 1
        self._live = replace(self._live, reconnects=self._connections - 1)
        if self._last_problem is not None or first:
            self._log.info("mqtt: connected to %s as %s", self._where, self._topics.client_id)
        self._last_problem = None
        self._client.subscribe(self._topics.commands, qos=1)
        if self._mqtt.discovery:
            self._publish(self._topics.discovery,
                          discovery_payload(self._topics),
                          retain=True)
        self._client.publish(self._topics.availability, "online", qos=1, retain=True)
        self._refresh_day(with_streak=True)
        self._sent_state = None  # a fresh connection: say it all again
        self._publish_state()

    def _set(self, request: SettingRequest) -> None:
        """A setting from HA: checked by the config's rules, kept beside the log, and the
        loop told; a value refused is logged and the document says the value in use."""
        setting = ha_settings.BY_NAME[request.name]
        try:
            value = ha_settings.checked(setting, request.text)
            if self._settings_file is None:
                raise ConfigError("settings from Home Assistant need the SQLite break log "
                                  "(they are kept beside it)")
            path = self._settings_file
            values = {**ha_settings.load(path), request.name: value}
            config = ha_settings.apply(self._config, values)
            ha_settings.save(path, values)
        except (ConfigError, OSError) as refused:
            self._log.warning("mqtt: ignored a setting from Home Assistant: %s", refused)
            self._sent_state = None  # say the value in use again (HA shows what it sent)
        else:
            self._log.info("mqtt: [%s] %s = %r, set from Home Assistant", setting.section,
                           setting.key, value)
            self._config = config
            self._post(Reconfigure(config))
        self._live = self._live.with_settings(self._config)
        if self._connected:
            self._publish_state()

    def _recall_history(self) -> None:
        """What the log knows that the document would otherwise forget at a restart."""
        today = self._clock.wall().date()
        week = today - timedelta(days=6)
        self._live = self._live.with_history(*self._store.latest_ends(week, today),
                                             self._store.response_times(week, today))

    def _refresh_day(self, with_streak: bool) -> None:
        today = self._clock.wall().date()
        streak = level = None
        if with_streak:
            streak, level = self._streak_and_level(today)
        self._live = self._live.with_day(self._store.day_summary(today), streak, level)

    def _publish_state(self, count_outbox: bool = True) -> None:
        """Publish the document if it changed since it was last sent (``count_outbox``:
        ask the log how many rows wait, one query)."""
        if count_outbox:
            waiting = max(0, self._store.outbox_depth() - len(self._inflight))
            self._live = replace(self._live, outbox_rows=waiting)
        document = self._live.document()
        if document != self._sent_state:
            self._publish(self._topics.state, document, retain=True)
            self._sent_state = document

    def _publish(self, topic: str, document: dict[str, Any], retain: bool = False) -> None:
        self._client.publish(topic, json.dumps(document, separators=(",", ":")), qos=1,
                             retain=retain)

    def _pump(self) -> None:
        """Hand the next outbox rows to paho, in order, while the window has room."""
        if not self._connected or self._closed:
            return
        room = WINDOW - len(self._inflight)
        if room <= 0:
            return
        for row in self._store.outbox_waiting(self._handed_upto, room):
            info = self._client.publish(self._topics.log(row.kind), row.payload, qos=1)
            if info.rc != paho.MQTT_ERR_SUCCESS and info.rc != paho.MQTT_ERR_NO_CONN:
                break  # paho's queue refused it: try again from here on the next pump
            self._inflight[info.mid] = row.seq
            self._handed_upto = row.seq

    def _problem(self, message: str, error: bool = False) -> None:
        """Say a connection problem once, not at every retry."""
        if message != self._last_problem:
            (self._log.error if error else self._log.warning)("mqtt: %s", message)
        self._last_problem = message
        self._connected = False

    # -- paho's thread: hand over, decide nothing --------------------------------------

    def _wire_callbacks(self) -> None:
        client = self._client
        client.on_connect = self._paho_connect
        client.on_disconnect = self._paho_disconnect
        client.on_publish = self._paho_publish
        client.on_message = self._paho_message

    def _hand_over(self, item: _InboxItem) -> None:
        self._inbox.put(item)
        self._post(Poke())

    def _paho_connect(self, client: paho.Client, userdata: Any, flags: Any,
                      reason: ReasonCode, properties: Any) -> None:
        self._hand_over(_Connected(str(reason), reason.is_failure))

    def _paho_disconnect(self, client: paho.Client, userdata: Any, flags: Any,
                         reason: ReasonCode, properties: Any) -> None:
        self._hand_over(_Disconnected(str(reason)))

    def _paho_publish(self, client: paho.Client, userdata: Any, mid: int,
                      reason: ReasonCode, properties: Any) -> None:
        self._hand_over(_Acked(mid))

    def _paho_message(self, client: paho.Client, userdata: Any,
                      message: paho.MQTTMessage) -> None:
        # Counted before they are read: a flood of bad ones must not flood the journal.
        passed = self._budget.take(self._clock.monotonic())
        if dropped := self._budget.flood_ended():
            self._log.warning("mqtt: dropped %d commands that came faster than %g a second",
                              dropped, self._budget.per_second)
        if not passed:
            if self._budget.flood_began():
                self._log.warning("mqtt: commands are arriving faster than %g a second; "
                                  "dropping them until they slow down",
                                  self._budget.per_second)
            return
        try:
            event = parse_command(self._topics, message.topic, message.payload,
                                  bool(message.retain), self._clock)
        except BadCommand as refused:
            self._log.warning("mqtt: ignored a command: %s", refused)
            return
        if isinstance(event, SettingRequest):
            self._hand_over(event)  # checked and kept by the loop thread, which owns files
            return
        self._post(event)
