"""Target 1: the seated service idle for a minute, watched from /proc.

The service (``bench.service``) runs in a subprocess with the real audio path (the player
process on SDL's dummy driver) and the watchdog on, as under systemd (``WatchdogSec=30``,
so a ping every 10 s). After READY=1 it plays one tone (a press's); the warm-up lets the
player end a few seconds after the tone, then the counters of the whole process tree (the
service and any player it still has) are read across one minute.

Beside it, in the same minute: the partial SSD1306 panel; ``[mqtt]`` on, connected to a
mosquitto on 127.0.0.1 (the network thread's keep-alive checks and pings, a state message
a minute while seated; a row saying why when mosquitto is missing); and a service whose
tone was a reminder's chime, so its player is kept for the next chime minutes away: that
kept player must sleep (it closes the device to rest), not wake 90 times a second.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import proc
from bench.notify import NotifySocket, python, stop
from bench.results import Figure

ROOT = Path(__file__).resolve().parent.parent
WATCHDOG_USEC = "30000000"  # systemd/unslump.service: WatchdogSec=30
WARM_UP_S = 9.0  # the tone (about 1 s), the player's linger (4 s) and look-in (1 s), slack


def entry_point() -> list[str]:
    """The ``unslump`` command installed beside this interpreter (``pip install``)."""
    script = Path(python()).parent / "unslump"
    if not script.exists():
        raise FileNotFoundError(f"{script} is not installed: run make .venv/.installed")
    return [str(script)]


def service_env(notify: NotifySocket) -> dict[str, str]:
    return dict(os.environ, NOTIFY_SOCKET=str(notify.path), WATCHDOG_USEC=WATCHDOG_USEC,
                SDL_AUDIODRIVER="dummy", SDL_VIDEODRIVER="dummy")


@dataclass
class Service:
    """A running ``bench.service`` and the socket it reports to."""

    process: subprocess.Popen[bytes]
    notify: NotifySocket
    panel: str

    @classmethod
    def start(cls, panel: str = "dummy", tone: str | None = "ack",
              config: Path | None = None) -> Service:
        """``tone``: the tone played after READY=1 (``reminder`` keeps the player for the
        next chime), or None for none."""
        notify = NotifySocket()
        command = [python(), "-m", "bench.service", "--db", str(notify.directory / "log.db"),
                   "--panel", panel] + (["--tone", tone] if tone else ["--no-tone"])
        command += ["--config", str(config)] if config else []
        process = subprocess.Popen(command, cwd=ROOT, env=service_env(notify),
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE)
        return cls._once_ready(process, notify, panel)

    @classmethod
    def start_entry_point(cls) -> Service:
        """``unslump run``, the service's own entry point, seated and idle on mock pins.

        gpiozero's ``mock`` factory (``GPIOZERO_PIN_FACTORY``) leaves each pin at its pull:
        a seat pin pulled up and read active-high is a seat switch held closed, so the
        service starts seated. There is no panel (no I2C here): it runs without one and
        retries once a minute, as on a device whose display is unplugged.
        """
        notify = NotifySocket()
        config = notify.directory / "config.toml"
        config.write_text('[pins]\nseat_active = "high"\nseat_pull = "up"\n')
        command = [*entry_point(), "run", "--config", str(config),
                   "--db", str(notify.directory / "log.db")]
        env = dict(service_env(notify), GPIOZERO_PIN_FACTORY="mock")
        process = subprocess.Popen(command, cwd=notify.directory, env=env,
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE)
        return cls._once_ready(process, notify, "none")

    @classmethod
    def _once_ready(cls, process: subprocess.Popen[bytes], notify: NotifySocket,
                    panel: str) -> Service:
        """The started ``process`` once it has said READY=1 (stopped if it never does)."""
        service = cls(process, notify, panel)
        try:
            notify.receive_until(b"READY=1", limit_s=20)
        except Exception:
            service.close()
            raise
        return service

    @property
    def pid(self) -> int:
        return self.process.pid

    def close(self) -> str:
        """Stop it; returns its stderr (empty when all went well)."""
        stop(self.process)
        self.notify.close()
        return self.process.stderr.read().decode() if self.process.stderr else ""


@dataclass(frozen=True)
class Minute:
    """Counters across the measured span, scaled to one minute."""

    switches_per_min: float
    cpu_s_per_min: float
    run_s_per_min: float
    rss_mib: float
    threads: int
    wakers: dict[str, int]
    processes: int  # the service and the players it had at the end of the minute


def measure(pid: int, before: proc.Sample, after: proc.Sample, seconds: float,
            names_before: dict[str, int], names_after: dict[str, int]) -> Minute:
    scale = 60.0 / seconds
    delta = after - before
    wakers = {name: count - names_before.get(name, 0) for name, count in names_after.items()}
    return Minute(delta.voluntary_switches * scale, delta.cpu_s * scale,
                  delta.run_ns / 1e9 * scale, after.rss_kib / 1024, after.threads, wakers,
                  len(proc.tree(pid)))


def idle_minute(services: list[Service], seconds: float = 60.0) -> list[Minute]:
    """Warm up, then measure every service across the same ``seconds``."""
    services[0].notify.listen_for(WARM_UP_S)
    befores = [(proc.sample_tree(s.pid), proc.tree_thread_names(s.pid)) for s in services]
    from unslump.edges.clock import SystemClock

    clock = SystemClock()
    start = clock.monotonic()
    services[0].notify.listen_for(seconds)
    for service in services[1:]:
        service.notify.listen_for(0.001)
    elapsed = clock.monotonic() - start
    afters = [(proc.sample_tree(s.pid), proc.tree_thread_names(s.pid)) for s in services]
    return [measure(s.pid, b[0], a[0], elapsed, b[1], a[1])
            for s, b, a in zip(services, befores, afters, strict=True)]


def _ratio(value: float, base: float) -> str:
    return f"{value / base:.2f}x" if base else "n/a"


def run(seconds: float = 60.0) -> tuple[list[Figure], dict[str, object]]:
    """The idle minute for the service on the dummy panel, on the partial SSD1306, with
    ``[mqtt]`` on (when mosquitto is installed), and with its player kept for a chime."""
    with tempfile.TemporaryDirectory(prefix="unslump-bench-mqtt-") as scratch:
        broker, why_no_mqtt = start_broker(Path(scratch))
        services: list[Service] = []
        try:
            services += [Service.start("dummy"), Service.start("partial"),
                         Service.start("dummy", tone="reminder")]
            if broker is not None:
                plain, tls = Path(scratch) / "plain.toml", Path(scratch) / "tls.toml"
                plain.write_text(f'[mqtt]\nhost = "127.0.0.1"\nport = {broker.port}\n')
                tls.write_text(f'[mqtt]\nhost = "127.0.0.1"\nport = {broker.port}\n'
                               'tls = true\n')
                services += [Service.start("dummy", config=plain),
                             Service.start("dummy", config=tls)]
            minutes = idle_minute(services, seconds)
        finally:
            errors = [s.close() for s in services]
            if broker is not None:
                broker.stop()
    dummy, partial, kept = minutes[:3]
    mqtt, with_tls = (minutes[3], minutes[4]) if len(minutes) > 4 else (None, None)
    figures = [
        Figure("idle_switches", "Idle: voluntary context switches", round(dummy.switches_per_min),
               "/min", 60, "max", "service and player tree"),
        Figure("idle_cpu", "Idle: CPU time (utime+stime)", round(dummy.cpu_s_per_min, 4),
               "s/min", 0.02, "max", "10 ms ticks"),
        Figure("idle_cpu_schedstat", "Idle: CPU time (schedstat)",
               round(dummy.run_s_per_min, 5), "s/min", 0.02, "max"),
        Figure("idle_rss", "Idle: resident memory after a tone", round(dummy.rss_mib, 1),
               "MiB", note=f"{dummy.processes} process(es): the player has ended"
               if dummy.processes == 1 else f"{dummy.processes} processes"),
        Figure("idle_switches_partial", "Idle, partial SSD1306 panel: context switches",
               round(partial.switches_per_min), "/min", 60, "max"),
        Figure("idle_cpu_partial", "Idle, partial SSD1306 panel: CPU time (schedstat)",
               round(partial.run_s_per_min, 5), "s/min", 0.02, "max"),
        Figure("idle_switches_kept_player", "Idle, player kept for a reminder's next chime: "
               "context switches", round(kept.switches_per_min), "/min", 60, "max",
               f"{kept.processes} processes; the player rests with the device closed"),
        Figure("idle_rss_kept_player", "Idle, player kept for a chime: resident memory",
               round(kept.rss_mib, 1), "MiB", note="service and player"),
    ]
    if mqtt is None or with_tls is None:
        figures.append(Figure("idle_mqtt", "Idle, MQTT on", "not run", "", note=why_no_mqtt))
    else:
        figures += [
            Figure("idle_switches_mqtt", "Idle, MQTT on: voluntary context switches",
                   round(mqtt.switches_per_min), "/min", 60, "max",
                   f"{_ratio(mqtt.switches_per_min, dummy.switches_per_min)} of MQTT off"),
            Figure("idle_cpu_mqtt", "Idle, MQTT on: CPU time (schedstat)",
                   round(mqtt.run_s_per_min, 5), "s/min", 0.02, "max",
                   f"{_ratio(mqtt.run_s_per_min, dummy.run_s_per_min)} of MQTT off"),
            Figure("idle_rss_mqtt", "Idle, MQTT on (tls = false): resident memory",
                   round(mqtt.rss_mib, 1), "MiB", 32, "max",
                   f"+{mqtt.rss_mib - dummy.rss_mib:.1f} MiB over MQTT off"),
            Figure("idle_rss_mqtt_tls", "Idle, MQTT on with tls = true: resident memory",
                   round(with_tls.rss_mib, 1), "MiB",
                   note=f"+{with_tls.rss_mib - dummy.rss_mib:.1f} MiB over MQTT off; OpenSSL "
                        "loaded (the plain test broker refuses the handshake: memory only)"),
        ]
    details: dict[str, object] = {"idle": {
        "seconds": seconds, "dummy": dummy.__dict__, "partial": partial.__dict__,
        "kept_player": kept.__dict__, "mqtt": mqtt.__dict__ if mqtt else why_no_mqtt,
        "mqtt_tls": with_tls.__dict__ if with_tls else why_no_mqtt,
        "stderr": [e for e in errors if e.strip()]}}
    return figures, details


def start_broker(scratch: Path) -> tuple[Any, str]:
    """A mosquitto on 127.0.0.1 for the MQTT row, or None and why there is none."""
    from tests.support.mosquitto import MOSQUITTO, Broker

    if not Path(MOSQUITTO).exists():
        return None, f"mosquitto is not installed ({MOSQUITTO}; scripts/ci-deps.sh installs it)"
    return Broker(scratch / "broker").start(), ""
