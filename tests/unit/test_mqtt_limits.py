"""What the broker can make the device do: read a huge packet, or act on a flood of commands.

A fake broker on 127.0.0.1 (a plain socket speaking just enough MQTT) sends what a real
one would pass on from any client allowed to publish to the device's command topics.
"""

from __future__ import annotations

import logging
import select
import socket
import threading
import tracemalloc
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import paho.mqtt.client as paho
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from unslump.app.stats_views import streak_and_level
from unslump.config.file import Config, MqttConfig
from unslump.core.events import QuietSet
from unslump.edges.clock import FakeClock
from unslump.edges.mqtt.command_budget import COMMAND_BURST, CommandBudget
from unslump.edges.mqtt.link import MqttLink
from unslump.edges.mqtt.network import MAX_INCOMING_BYTES, CappedClient
from unslump.edges.store.sqlite import SqliteStore
from unslump.ports import Poke

MORNING = datetime(2026, 11, 24, 9, 0).astimezone()
HUGE = 50 * 1024 * 1024  # the 50 MiB command


def remaining_length(size: int) -> bytes:
    encoded = bytearray()
    while True:
        byte, size = size % 128, size // 128
        encoded.append(byte | (0x80 if size else 0))
        if not size:
            return bytes(encoded)


def publish_packet(topic: str, payload_size: int, body: bytes = b"") -> tuple[bytes, bytes]:
    """The fixed header and variable header of a QoS 0 PUBLISH, and its first body bytes."""
    name = topic.encode()
    length = 2 + len(name) + payload_size
    head = b"\x30" + remaining_length(length) + len(name).to_bytes(2, "big") + name
    return head, body


@pytest.fixture
def fake_broker() -> Iterator[tuple[int, list[bytes], threading.Event]]:
    """A listener that answers CONNECT with CONNACK, then sends each queued packet and as
    much of a huge body as the client will read. Yields (port, packets, done)."""
    listener = socket.create_server(("127.0.0.1", 0))
    packets: list[bytes] = []
    done = threading.Event()
    sent = {"body": 0}

    def serve() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(1024)  # CONNECT
            connection.sendall(b"\x20\x02\x00\x00")  # CONNACK, accepted
            for packet in packets:
                connection.sendall(packet)
            chunk = bytes(64 * 1024)
            try:
                while sent["body"] < HUGE and not done.is_set():
                    connection.sendall(chunk)
                    sent["body"] += len(chunk)
            except OSError:
                pass
        done.set()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1], packets, done
    done.set()
    listener.close()
    thread.join(5)


def drive(client: paho.Client, reads: int = 400) -> paho.MQTTErrorCode:
    """Read from the broker until the connection drops (or ``reads`` rounds)."""
    rc = paho.MQTTErrorCode.MQTT_ERR_SUCCESS
    for _ in range(reads):
        sock = client.socket()
        if sock is None:
            break
        select.select([sock], [], [], 5.0)  # the fake broker's next bytes, or give up
        rc = client.loop_read()
        if rc not in (paho.MQTTErrorCode.MQTT_ERR_SUCCESS, paho.MQTTErrorCode.MQTT_ERR_AGAIN):
            break
    return rc


def test_mqtt_limits_a_50_mib_command_is_refused_before_its_body_is_read(fake_broker):
    port, packets, _ = fake_broker
    head, _ = publish_packet("unslump/desk/cmd/quiet", HUGE)
    packets.append(head)
    told: list[int] = []
    client = CappedClient(CallbackAPIVersion.VERSION2, client_id="desk",
                          protocol=paho.MQTTv311, on_too_big=told.append)
    arrived: list[bytes] = []
    client.on_message = lambda c, u, message: arrived.append(message.payload)
    client.connect("127.0.0.1", port)
    tracemalloc.start()
    try:
        rc = drive(client)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        client.disconnect()
    assert rc == paho.MQTTErrorCode.MQTT_ERR_CONN_LOST
    assert told == [2 + len("unslump/desk/cmd/quiet") + HUGE]
    assert arrived == []
    assert peak < 2 * MAX_INCOMING_BYTES  # plain paho held the whole 50 MiB


def test_mqtt_limits_plain_paho_reads_the_whole_body(fake_broker):
    """What the cap guards against (a smaller body, so the test stays quick)."""
    port, packets, done = fake_broker
    size = 4 * 1024 * 1024
    head, _ = publish_packet("unslump/desk/cmd/quiet", size)
    packets.append(head)
    client = paho.Client(CallbackAPIVersion.VERSION2, client_id="desk", protocol=paho.MQTTv311)
    arrived: list[int] = []
    client.on_message = lambda c, u, message: (arrived.append(len(message.payload)),
                                               done.set())
    client.connect("127.0.0.1", port)
    drive(client, reads=2000)
    client.disconnect()
    assert arrived == [size]


def test_mqtt_limits_a_command_under_the_cap_still_arrives(fake_broker):
    port, packets, done = fake_broker
    head, _ = publish_packet("unslump/desk/cmd/quiet", 2)
    packets.append(head + b"ON")
    client = CappedClient(CallbackAPIVersion.VERSION2, client_id="desk",
                          protocol=paho.MQTTv311)
    arrived: list[bytes] = []
    client.on_message = lambda c, u, message: (arrived.append(message.payload), done.set())
    client.connect("127.0.0.1", port)
    drive(client, reads=50)
    client.disconnect()
    assert arrived == [b"ON"]


# -- a flood of valid commands -------------------------------------------------------------


def test_mqtt_limits_budget_lets_a_burst_through_then_its_rate():
    budget = CommandBudget(per_second=2.0, burst=10)
    passed = sum(budget.take(100.0) for _ in range(1000))  # all in the same instant
    assert passed == 10 and budget.flood_began() and not budget.flood_began()
    assert budget.take(100.5)  # half a second later: one more
    assert not budget.take(100.5) and budget.flood_ended() == 0  # the flood goes on
    assert budget.take(106.0)  # quiet for the bucket to fill: the flood is over
    assert budget.flood_ended() == 991 and budget.flood_ended() == 0
    assert sum(budget.take(106.0) for _ in range(20)) == 9  # refilled to the burst only


def test_mqtt_limits_twenty_thousand_quiet_toggles_become_a_handful_of_events(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    mqtt = MqttConfig(host="broker.invalid", topic_prefix="unslump/desk")
    config = Config(mqtt=mqtt)
    clock = FakeClock(MORNING)
    posted: list[object] = []
    with SqliteStore.open(tmp_path / "unslump.db", clock=clock, outbox_cap=100) as store:
        link = MqttLink(config, store, clock, posted.append, logging.getLogger("t.mqtt"),
                        lambda today: streak_and_level(store, today, config))
        try:
            with caplog.at_level(logging.WARNING):
                for number in range(20_000):  # 20,000 in 10 s of the fake clock
                    message = paho.MQTTMessage(topic=b"unslump/desk/cmd/quiet")
                    message.payload = b"ON" if number % 2 else b"OFF"
                    link._paho_message(link._client, None, message)
                    clock.advance(0.0005)
            clock.advance(6.0)
            message = paho.MQTTMessage(topic=b"unslump/desk/cmd/quiet")
            message.payload = b"OFF"
            with caplog.at_level(logging.WARNING):
                link._paho_message(link._client, None, message)
        finally:
            link.close()
    events = [item for item in posted if isinstance(item, QuietSet)]
    # the burst, then 2 a second over the 9.9995 s the flood lasts, then the last one
    assert len(events) == COMMAND_BURST + 19 + 1
    assert not [item for item in posted if not isinstance(item, QuietSet | Poke)]
    warned = [r.getMessage() for r in caplog.records if r.name == "t.mqtt"]
    assert warned == ["mqtt: commands are arriving faster than 2 a second; dropping them "
                      "until they slow down",
                      "mqtt: dropped 19971 commands that came faster than 2 a second"]


def test_mqtt_limits_a_bad_stored_value_does_not_stop_the_state_publish(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """With [mqtt] on, every closed row recomputes the day and the streak from the log:
    a bout whose seated_s reads 'abc' killed the loop at the first row written."""
    import sqlite3

    from unslump.core.records import BoutRecord

    clock = FakeClock(MORNING)
    path = tmp_path / "unslump.db"
    with SqliteStore.open(path, clock=clock, outbox_cap=100) as store:
        store.append(BoutRecord(MORNING, MORNING, 600.0, key="b-1"))
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE bouts SET seated_s = 'abc'")
    connection.close()
    config = Config(mqtt=MqttConfig(host="broker.invalid", topic_prefix="unslump/desk"))
    with SqliteStore.open(path, clock=clock, outbox_cap=100,
                          logger=logging.getLogger("t.store")) as store:
        link = MqttLink(config, store, clock, lambda item: None, logging.getLogger("t.mqtt"),
                        lambda today: streak_and_level(store, today, config))
        try:
            with caplog.at_level(logging.WARNING):
                for minute in range(3):
                    record = BoutRecord(MORNING, MORNING, 60.0 * minute, key="b-2")
                    store.append(record)
                    link.append(record)  # closed: the day and the streak recomputed
        finally:
            link.close()
    assert link.live.document()["sitting_today_min"] == 2
    [warned] = [r.getMessage() for r in caplog.records if r.name == "t.store"]
    assert "row 1 of bouts" in warned and "seated_s 'abc'" in warned
