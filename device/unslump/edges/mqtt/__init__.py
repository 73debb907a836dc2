"""Publishing to an MQTT broker: Home Assistant discovery, live state, the outbox, commands.

Nothing here is imported unless ``[mqtt] host`` is set:
:func:`unslump.app.integrations.open_add_ons` imports :mod:`unslump.edges.mqtt.link` (and
with it paho) only then.
"""
