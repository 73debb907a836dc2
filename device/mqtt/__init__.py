"""Publishing to an MQTT broker: Home Assistant discovery, live state, the outbox, commands.

Nothing here is imported unless ``[mqtt] host`` is set: :func:`device.addons.open_add_ons`
imports :mod:`device.mqtt.link` (and with it paho) only then.
"""
