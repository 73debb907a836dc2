"""The command line: :mod:`.main` parses and dispatches; every other module here adds its
subcommands with a ``register``.

``register(commands, parents)`` adds its subparsers to the ``add_subparsers()`` object
of the main parser; each subparser's ``handler`` takes the parsed arguments and returns
the exit status.
"""
