"""The edges: every part that touches the world, one folder per kind (audio, display,
inputs, store, mqtt, system), each implementing a port of :mod:`unslump.ports`."""
