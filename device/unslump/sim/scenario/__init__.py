"""Scripted sessions in virtual time: our harness for tests, bug reports and the demo."""
