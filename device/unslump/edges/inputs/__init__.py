"""The button and the seat sensor on GPIO pins (gpiozero): edges become timestamped events."""
