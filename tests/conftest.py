"""Shared fixtures: a default config, a memory store, and a whole virtual device."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

from device.config import Config
from device.scenario.harness import VirtualDevice
from device.store.memory import MemoryStore

MORNING = datetime(2026, 11, 24, 9, 0).astimezone()


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

    def build(config: Config | None = None, **kwargs: Any) -> VirtualDevice:
        kwargs.setdefault("wall_start", MORNING)
        device = VirtualDevice.build(config or Config(), memory_store, **kwargs)
        built.append(device)
        return device

    yield build
    for device in built:
        device.close()
