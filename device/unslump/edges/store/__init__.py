"""The break log: an SQLite file on the device (:mod:`unslump.edges.store.sqlite`), lists in tests
(:mod:`unslump.edges.store.memory`), both behind the one port :class:`unslump.ports.Store`.

Nothing is imported here, so reading one module of the package (the queries, the paths)
does not load SQLite.
"""
