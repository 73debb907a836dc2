"""Shared fixtures: a default config, a memory store, a whole virtual device, and the
player links a test opens."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

from unslump.config.file import Config
from unslump.core.records import NoticeAnswer, NoticeRecord
from unslump.edges.audio.player_client import PlayerAudio
from unslump.edges.store.memory import MemoryStore
from unslump.sim.scenario.harness import VirtualDevice

MORNING = datetime(2026, 11, 24, 9, 0).astimezone()

TIERS = ("unit", "scenario", "slow", "service")
"""The tiers are folders: a test's tier is the folder it sits in (``tests/unit/...``), so a
new test file cannot land in the wrong one. ``make test`` runs them all; ``make test-unit``
(or ``pytest tests/unit``, or ``-m unit``) the fast core of it."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test with its tier, the folder under ``tests/`` it sits in."""
    here = Path(__file__).parent
    for item in items:
        tier = item.path.relative_to(here).parts[0]
        if tier not in TIERS:
            raise pytest.UsageError(f"{item.path}: a test file belongs in one of the tier "
                                    f"folders tests/{{{','.join(TIERS)}}}")
        item.add_marker(getattr(pytest.mark, tier))


@pytest.fixture
def config() -> Config:
    return Config()


@pytest.fixture
def links() -> Iterator[list[PlayerAudio]]:
    """Every player link a test makes is closed afterwards (no player outlives its test)."""
    made: list[PlayerAudio] = []
    yield made
    for link in made:
        link.close()


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
