"""Every subcommand's --help says in one line what it does, and shows an example."""

from __future__ import annotations

import argparse
import contextlib
import io

import pytest

from unslump.cli.main import EXAMPLES, build_parser


def commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
             ) -> list[tuple[str, ...]]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.append((*path, name))
                found += commands(sub, (*path, name))
    return found


ALL = commands(build_parser(["--help"]))


def test_cli_help_lists_every_command() -> None:
    assert {"run", "stats", "doctor", "routine check"} <= {" ".join(c) for c in ALL}
    assert {" ".join(c) for c in ALL} == set(EXAMPLES)


@pytest.mark.parametrize("command", ALL, ids=" ".join)
def test_cli_help_has_a_description_and_an_example(command: tuple[str, ...]) -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as done:
        build_parser([*command, "--help"]).parse_args([*command, "--help"])
    assert done.value.code == 0
    text = out.getvalue()
    paragraphs = text.split("\n\n")
    assert paragraphs[0].startswith("usage: unslump")
    description = paragraphs[1]
    assert not description.startswith(("options:", "positional")), text
    assert description.rstrip().endswith("."), description
    flat = " ".join(text.split())  # argparse wraps it to the terminal
    assert f"example: {' '.join(EXAMPLES[' '.join(command)].split())}" in flat, text
