"""The pure core: plain data and functions, no I/O and no clock of its own.

An event with its timestamps goes in; a new state and a list of effects come out. The
core imports nothing from gpiozero, luma, pygame or sqlite3, so it is tested with plain
values and runs as fast in virtual time as the CPU allows.
"""
