"""Measurements of the device against the targets of the performance issue (``make bench``).

Nothing here runs in the unit tests: every figure is timed on the machine at hand.
"""
