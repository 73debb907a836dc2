"""The application: the one loop that carries out the core's effects, the one assembly
that wires a device from its config, and the optional integrations (MQTT)."""
