"""Shared fixtures: a default config, a memory store, and a whole virtual device."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

from unslump.config.file import Config
from unslump.core.records import NoticeAnswer, NoticeRecord
from unslump.edges.store.memory import MemoryStore
from unslump.sim.scenario.harness import VirtualDevice

MORNING = datetime(2026, 11, 24, 9, 0).astimezone()

# The tiers, by test module; every module not named here is a unit test (one part, a fake
# clock, milliseconds). `make test` runs them all; `pytest -m unit` the fast core of it.
TIERS = {
    "scenario": {"test_sitting", "test_guided", "test_never_lose", "test_cli",
                 "test_cli_stats", "test_demo", "test_harness", "test_stats_navigation",
                 "test_runtime", "test_scenario_sound"},
    "slow": {"test_sitting_properties", "test_never_lose_properties", "test_store_kill",
             "test_never_lose_kill", "test_routine_package"},
    "service": {"test_service", "test_systemd_unit", "test_install",
                "test_simulator_terminal", "test_player", "test_voice",
                "test_mqtt_broker", "test_mqtt_dropin"},  # a real mosquitto; systemd-analyze
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test with its tier (see ``TIERS``)."""
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1] if item.module else ""
        tier = next((name for name, modules in TIERS.items() if module in modules), "unit")
        item.add_marker(getattr(pytest.mark, tier))


@pytest.fixture
def config() -> Config:
    return Config()


@pytest.fixture
def memory_store() -> Iterator[MemoryStore]:
    store = MemoryStore()
    yield store
    store.close()


@pytest.fixture
def make_device(memory_store: MemoryStore) -> Iterator[Callable[..., VirtualDevice]]:
    """Build a virtual device (default config, 09:00 on a Tuesday); closed after the test."""
    built: list[VirtualDevice] = []

    def build(config: Config | None = None, notice_answered: bool = True,
              **kwargs: Any) -> VirtualDevice:
        """``notice_answered``: the owner has said the stretch is fine for them, as on any
        device past its first stretch (the notice's own tests build one without)."""
        kwargs.setdefault("wall_start", MORNING)
        if notice_answered and memory_store.notice_answer() is None:
            memory_store.append(NoticeRecord(kwargs["wall_start"], NoticeAnswer.UNDERSTOOD))
        device = VirtualDevice.build(config or Config(), memory_store, **kwargs)
        built.append(device)
        return device

    yield build
    for device in built:
        device.close()
