"""The break log: an SQLite file on the device (:mod:`device.store.sqlite`), lists in tests
(:mod:`device.store.memory`), both behind the one port :class:`device.ports.Store`.

Nothing is imported here, so reading one module of the package (the queries, the paths)
does not load SQLite.
"""
