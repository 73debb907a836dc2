"""Sound: the synthesised tones, the player process (the only place pygame runs),
the piezo buzzer and the cached voice."""
