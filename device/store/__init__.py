"""The break log: an SQLite file on the device, lists in tests, one interface for both."""

from device.store.interface import Store
from device.store.memory import MemoryStore
from device.store.paths import default_db_path
from device.store.queries import DaySummary
from device.store.sqlite import SqliteStore

__all__ = ["DaySummary", "MemoryStore", "SqliteStore", "Store", "default_db_path"]
