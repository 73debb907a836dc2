"""Subcommands of ``unslump`` that live outside device.cli, each with a ``register``.

``register(commands, parents)`` adds its subparsers to the ``add_subparsers()`` object
of the main parser; each subparser's ``handler`` takes the parsed arguments and returns
the exit status.
"""
