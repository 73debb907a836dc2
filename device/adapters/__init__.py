"""Adapters: the edge where the pure core meets sound, fonts, screen and pins."""
