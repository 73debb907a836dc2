"""Running ``unslump`` as a person would: a fresh interpreter, its JSON lines read back."""

import json
import subprocess
import sys


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "unslump", *args], capture_output=True,
                          text=True, timeout=60, env=env)


def lines_of(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines()]
