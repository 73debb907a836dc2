"""Print the pip requirements of the integrations make test-ha loads, and of everything
they depend on, that are not installed yet: run inside the HA root by its own Python."""

import json
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import homeassistant.components as components
from homeassistant.bootstrap import CORE_INTEGRATIONS, DEFAULT_INTEGRATIONS

LOADED = {"http", "api", "config", "onboarding", "websocket_api", "logger", "recorder",
          "history", "automation", "mqtt", "light", "sensor", "binary_sensor", "event",
          "button", "switch",
          # what onboarding sets up by itself
          "google_translate", "tts", "met", "radio_browser", "shopping_list"}
BASE = Path(components.__path__[0])


def manifest(domain):
    path = BASE / domain / "manifest.json"
    return json.loads(path.read_text()) if path.exists() else {}


def closure(domains):
    seen, todo = set(), list(domains)
    while todo:
        domain = todo.pop()
        if domain in seen:
            continue
        seen.add(domain)
        todo.extend(manifest(domain).get("dependencies", []))
    return seen


def missing(requirement):
    name, _, wanted = requirement.partition("==")
    try:
        return version(name.split("[")[0]) != wanted if wanted else False
    except PackageNotFoundError:
        return True


wanted = set()
for domain in closure(LOADED | set(CORE_INTEGRATIONS) | set(DEFAULT_INTEGRATIONS)):
    wanted.update(manifest(domain).get("requirements", []))
print(" ".join(sorted(r for r in wanted if missing(r))))
